/* test_bigram.c — the bigram model natively under sanitizers: the lab's Laplace fractions, rows summing
 * to 1, perplexity = exp(mean NLL), dense and sparse agreeing everywhere, k = 0, generation, masked-word
 * ranking, the heatmap matrix, and every documented error. */
#include "bigram.h"
#include "check.h"
#include "handles.h"
#include "lm_common.h"
#include "lmlab.h"
#include "rng.h"
#include "tokenize.h"
#include "vocab.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static lm_vocab *vocab_of(const char *text, int level) {
    lm_vocab *v = NULL;
    CHECK(lm_vocab_build(&v, (const uint8_t *)text, strlen(text), level, 0, 0, 0, 1, 0, level == 0) == LM_OK, "%s",
          lm_error_message());
    return v;
}

static lm_bigram *train(const lm_vocab *v, const char *text, double k, double dense_limit) {
    lm_bigram *b = NULL;
    CHECK(lm_bigram_train(&b, v, (const uint8_t *)text, strlen(text), k, dense_limit) == LM_OK, "train: %s",
          lm_error_message());
    return b;
}

static int32_t id(const lm_bigram *b, const char *token) {
    return lm_vocab_lookup(b->vocab, (const uint8_t *)token, strlen(token));
}

static double P(const lm_bigram *b, const char *prev, const char *next) {
    double p = -1;
    CHECK(lm_bigram_prob(b, id(b, prev), id(b, next), &p) == LM_OK, "prob: %s", lm_error_message());
    return p;
}

static void test_laplace_by_hand(void) {
    /* V = <unk> <s> </s> a b c = 6; C(<s> a) = 2, C(<s>) = 2, C(a b) = 1, C(a) = 2, C(b </s>) = 1, C(b) = 1 */
    const char *text = "a b\na c\n";
    lm_vocab *v = vocab_of(text, LM_LEVEL_WORD);
    for (int dense = 0; dense < 2; dense++) {
        lm_bigram *b = train(v, text, 1, dense ? -1 : 0);
        CHECK(b->sparse == !dense, "path");
        CHECK(P(b, "<s>", "a") == 3.0 / 8, "(2+1)/(2+6)");
        CHECK(P(b, "a", "b") == 2.0 / 8, "(1+1)/(2+6)");
        CHECK(P(b, "a", "a") == 1.0 / 8, "(0+1)/(2+6)");
        CHECK(P(b, "b", "</s>") == 2.0 / 7, "(1+1)/(1+6)");
        CHECK(P(b, "</s>", "a") == 1.0 / 6, "an unseen context is uniform: 1/6");
        double lp, n;
        const char *held = "a b\n";
        CHECK(lm_bigram_log_prob(b, (const uint8_t *)held, strlen(held), &lp, &n) == LM_OK && n == 3, "3 predictions");
        CHECK(check_close(lp, log(3.0 / 8) + log(2.0 / 8) + log(2.0 / 7), 1e-12), "log-prob %g", lp);
        lm_bigram_free(b);
    }
    lm_vocab_free(v);
}

static char *random_text(lm_rng *rng, int sentences, int types) {
    size_t cap = (size_t)sentences * 12 * 8 + 1, n = 0;
    char *text = malloc(cap);
    for (int s = 0; s < sentences; s++) {
        int words = 1 + (int)lm_rng_below(rng, 10);
        for (int w = 0; w < words; w++) {
            /* Zipf-ish: squares of uniforms favour small indices */
            double u = lm_rng_uniform(rng);
            n += (size_t)sprintf(text + n, "%sw%d", w ? " " : "", (int)(u * u * types));
        }
        text[n++] = '\n';
    }
    text[n] = 0;
    return text;
}

static void test_rows_and_paths_agree(void) {
    lm_rng rng;
    lm_rng_seed(&rng, 7);
    char *text = random_text(&rng, 300, 60), *held = random_text(&rng, 50, 80);
    lm_vocab *v = vocab_of(text, LM_LEVEL_WORD);
    double ks[3] = {1, 0.25, 0};
    for (int ki = 0; ki < 3; ki++) {
        lm_bigram *d = train(v, text, ks[ki], -1), *s = train(v, text, ks[ki], 0);
        CHECK(!d->sparse && s->sparse && d->nnz == s->nnz, "dense and sparse store the same pairs");
        float *row = malloc((size_t)v->size * sizeof *row);
        int counts_same = 1, probs_same = 1, sums_ok = 1;
        for (int32_t r = 0; r < v->size; r++) {
            for (int32_t c = 0; c < v->size; c++) {
                counts_same &= lm_bigram_count_of(d, r, c) == lm_bigram_count_of(s, r, c);
                probs_same &= lm_bigram_p(d, r, c) == lm_bigram_p(s, r, c);
            }
            lm_bigram_distribution(s, r, row);
            double sum = 0;
            for (int32_t c = 0; c < v->size; c++) sum += row[c];
            if (ks[ki] > 0 || d->row_total[r] > 0) sums_ok &= fabs(sum - 1) < 1e-5;
        }
        CHECK(counts_same && probs_same, "k=%g: every count and probability agrees", ks[ki]);
        CHECK(sums_ok, "k=%g: every smoothed row sums to 1", ks[ki]);
        free(row);
        double rd[4], rs[4];
        lm_status sd = lm_bigram_evaluate(d, (const uint8_t *)held, strlen(held), rd);
        lm_status ss = lm_bigram_evaluate(s, (const uint8_t *)held, strlen(held), rs);
        CHECK(sd == LM_OK && ss == LM_OK && memcmp(rd, rs, sizeof rd) == 0, "evaluation agrees");
        if (ks[ki] > 0) { /* perplexity = exp(mean NLL), recomputed here from prob() over padded sentences */
            double nll = 0, tokens = 0;
            int32_t *ids, *starts, n, ns;
            lm_vocab_encode(v, (const uint8_t *)held, strlen(held), 0, &ids, &n, &starts, &ns);
            for (int32_t i = 0; i + 1 < n; i++)
                if (ids[i] != v->eos) nll -= log(lm_bigram_p(d, ids[i], ids[i + 1])), tokens++;
            lm_free(ids), lm_free(starts);
            CHECK(tokens == rd[3] && check_close(rd[1], exp(nll / tokens), 1e-9), "perplexity %g vs %g", rd[1],
                  exp(nll / tokens));
            CHECK(check_close(rd[2], rd[0] / log(2), 1e-12), "bits = nats / ln 2");
        } else {
            CHECK(isinf(rd[1]) && isinf(rd[0]), "k=0: an unseen held-out pair gives infinite perplexity");
        }
        int32_t gd[5 * 20], gs[5 * 20], ld[5], ls[5];
        CHECK(lm_bigram_generate(d, 11, 0.8, 0, 20, 5, gd, ld) == LM_OK, "%s", lm_error_message());
        CHECK(lm_bigram_generate(s, 11, 0.8, 0, 20, 5, gs, ls) == LM_OK, "%s", lm_error_message());
        int gen_same = memcmp(ld, ls, sizeof ld) == 0;
        for (int i = 0; gen_same && i < 5; i++) gen_same = memcmp(gd + i * 20, gs + i * 20, (size_t)ld[i] * 4) == 0;
        CHECK(gen_same, "k=%g: generation agrees", ks[ki]);
        double ad[3], as[3];
        CHECK(lm_bigram_masked_accuracy(d, (const uint8_t *)held, strlen(held), 3, ad) == LM_OK, "%s",
              lm_error_message());
        CHECK(lm_bigram_masked_accuracy(s, (const uint8_t *)held, strlen(held), 3, as) == LM_OK, "%s",
              lm_error_message());
        CHECK(memcmp(ad, as, sizeof ad) == 0 && ad[2] == 50, "masked accuracy agrees (%g %g)", ad[0], as[0]);
        int32_t md[8], ms[8], nd, ns2;
        float vd[64], vs[64];
        CHECK(lm_bigram_matrix(d, 8, 1, md, vd, &nd) == LM_OK && lm_bigram_matrix(s, 8, 1, ms, vs, &ns2) == LM_OK,
              "matrix");
        CHECK(nd == 8 && memcmp(md, ms, sizeof md) == 0 && memcmp(vd, vs, sizeof vd) == 0, "matrix agrees");
        lm_bigram_free(d);
        lm_bigram_free(s);
    }
    lm_vocab_free(v);
    free(text);
    free(held);
}

static void test_k_zero(void) {
    const char *text = "a b\na c\n";
    lm_vocab *v = vocab_of(text, LM_LEVEL_WORD);
    lm_bigram *b = train(v, text, 0, -1);
    CHECK(P(b, "a", "b") == 0.5 && P(b, "a", "a") == 0, "MLE: seen 1/2, unseen 0");
    double lp, n;
    CHECK(lm_bigram_log_prob(b, (const uint8_t *)"a a\n", 4, &lp, &n) == LM_OK && isinf(lp) && lp < 0, "log-prob -inf");
    lm_bigram_free(b);
    lm_vocab_free(v);
}

static void test_generation(void) {
    const char *text = "a b\na b\na c\n";
    lm_vocab *v = vocab_of(text, LM_LEVEL_WORD);
    lm_bigram *b = train(v, text, 1, -1);
    int32_t ids[3 * 10], lens[3], ids2[3 * 10], lens2[3];
    CHECK(lm_bigram_generate(b, 0, 1, 1, 10, 3, ids, lens) == LM_OK, "greedy");
    CHECK(lens[0] == 2 && ids[0] == id(b, "a") && ids[1] == id(b, "b"), "greedy from <s>: a b (len %d)", (int)lens[0]);
    memset(ids, 0, sizeof ids), memset(ids2, 0, sizeof ids2);
    lm_bigram_generate(b, 5, 1, 0, 10, 3, ids, lens);
    lm_bigram_generate(b, 5, 1, 0, 10, 3, ids2, lens2);
    CHECK(memcmp(lens, lens2, sizeof lens) == 0 && memcmp(ids, ids2, sizeof ids) == 0, "same seed, same sentences");
    int never_bos = 1;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < lens[i]; j++) never_bos &= ids[i * 10 + j] != v->bos && ids[i * 10 + j] != v->eos;
    CHECK(never_bos, "no <s> or </s> inside a sentence");
    lm_bigram *m = train(v, text, 0, 0);
    int only_seen = 1;
    for (uint64_t seed = 0; seed < 20; seed++) {
        lm_bigram_generate(m, (double)seed, 1.5, 0, 10, 3, ids, lens);
        for (int i = 0; i < 3; i++) only_seen &= lens[i] == 2 && ids[i * 10] == id(m, "a");
    }
    CHECK(only_seen, "k=0 samples only seen pairs");
    CHECK(lm_bigram_generate(b, -1, 1, 0, 10, 1, ids, lens) == LM_ERR_ARG, "negative seed");
    CHECK(lm_bigram_generate(b, 1, -1, 0, 10, 1, ids, lens) == LM_ERR_ARG, "negative temperature");
    CHECK(lm_bigram_generate(b, 1, 1, 0, 0, 1, ids, lens) == LM_ERR_ARG, "zero length");
    lm_bigram_free(m);
    lm_bigram_free(b);
    lm_vocab_free(v);
}

static void test_masked(void) {
    const char *text = "the cat sat\nthe cat sat\nthe dog ran\na cat ran\n";
    lm_vocab *v = vocab_of(text, LM_LEVEL_WORD);
    for (int dense = 0; dense < 2; dense++) {
        lm_bigram *b = train(v, text, 1, dense ? -1 : 0);
        int32_t ids[4], n;
        double probs[4];
        const char *q = "the [MASK] sat";
        CHECK(lm_bigram_predict_masked(b, (const uint8_t *)q, strlen(q), 4, ids, probs, &n) == LM_OK && n == 4, "%s",
              lm_error_message());
        CHECK(ids[0] == id(b, "cat"), "the ___ sat -> cat");
        CHECK(probs[0] > probs[1] && probs[1] >= probs[2], "sorted");
        /* The normalised probability, recomputed: P(cat|the) P(sat|cat) / sum over candidates. */
        double num = P(b, "the", "cat") * P(b, "cat", "sat"), den = 0;
        for (int32_t w = 0; w < v->size; w++)
            if (w != v->bos && w != v->eos) den += lm_bigram_p(b, id(b, "the"), w) * lm_bigram_p(b, w, id(b, "sat"));
        CHECK(check_close(probs[0], num / den, 1e-12), "normalised %g vs %g", probs[0], num / den);
        const char *q2 = "___ cat";
        CHECK(lm_bigram_predict_masked(b, (const uint8_t *)q2, strlen(q2), 1, ids, probs, &n) == LM_OK &&
                  ids[0] == id(b, "the"),
              "mask at the start uses <s>");
        CHECK(lm_bigram_predict_masked(b, (const uint8_t *)"the cat", 7, 1, ids, probs, &n) == LM_ERR_ARG, "no mask");
        CHECK(lm_bigram_predict_masked(b, (const uint8_t *)"[MASK] ___", 10, 1, ids, probs, &n) == LM_ERR_ARG,
              "two masks");
        CHECK(strstr(lm_error_message(), "2 masks") != NULL, "%s", lm_error_message());
        double acc[3];
        CHECK(lm_bigram_masked_accuracy(b, (const uint8_t *)"the cat sat\n", 12, 1, acc) == LM_OK && acc[2] == 1,
              "one sentence");
        CHECK(acc[1] == 1, "top-5 on a training sentence");
        CHECK(lm_bigram_masked_accuracy(b, (const uint8_t *)"\n\n", 2, 1, acc) == LM_ERR_EMPTY, "nothing to mask");
        lm_bigram_free(b);
    }
    lm_vocab_free(v);
}

static void test_char_level(void) {
    const char *text = "abab\nba\n";
    lm_vocab *v = vocab_of(text, LM_LEVEL_CHAR);
    lm_bigram *b = train(v, text, 1, -1);
    CHECK(b->boundary == id(b, "\n"), "the newline is the boundary");
    CHECK(b->pairs == 7, "one stream of 8 characters gives 7 pairs, got %g", b->pairs);
    CHECK(lm_bigram_count_of(b, id(b, "\n"), id(b, "b")) == 1, "pairs cross lines: newline then b");
    double r[4];
    CHECK(lm_bigram_evaluate(b, (const uint8_t *)"ab", 2, r) == LM_OK && r[3] == 1, "char level predicts n-1");
    int32_t ids[20], lens[1];
    CHECK(lm_bigram_generate(b, 1, 1, 1, 20, 1, ids, lens) == LM_OK && lens[0] == 20, "greedy a-b-a-b… hits the cap");
    lm_bigram_free(b);
    lm_bigram *none = NULL;
    CHECK(lm_bigram_train(&none, v, (const uint8_t *)"a", 1, 1, -1) == LM_ERR_EMPTY && !none, "a single token");
    CHECK(strstr(lm_error_message(), "fewer than two tokens") != NULL, "%s", lm_error_message());
    lm_vocab_free(v);
}

static void test_errors(void) {
    const char *text = "x\n";
    lm_vocab *v = vocab_of(text, LM_LEVEL_WORD);
    lm_bigram *b = NULL;
    CHECK(lm_bigram_train(&b, v, (const uint8_t *)text, 2, -1, -1) == LM_ERR_ARG && !b, "k < 0");
    CHECK(strstr(lm_error_message(), "bigram_train: k (add-k smoothing) must be") != NULL, "%s", lm_error_message());
    CHECK(lm_bigram_train(&b, v, (const uint8_t *)text, 2, NAN, -1) == LM_ERR_ARG, "k NaN");
    CHECK(lm_bigram_train(&b, v, (const uint8_t *)"", 0, 1, -1) == LM_ERR_EMPTY, "empty text");
    CHECK(lm_bigram_train(&b, v, (const uint8_t *)"a\xff", 2, 1, -1) == LM_ERR_UTF8, "invalid UTF-8");
    CHECK(lm_bigram_train(&b, (const lm_vocab *)&b, (const uint8_t *)text, 2, 1, -1) == LM_ERR_HANDLE,
          "not a vocabulary");
    b = train(v, text, 1, -1); /* a single word: <s> x </s> still has two bigrams */
    double p;
    CHECK(lm_bigram_prob(b, v->bos, 3, &p) == LM_OK && p == 2.0 / 5, "single word: (1+1)/(1+4)");
    CHECK(lm_bigram_prob(b, 0, 99, &p) == LM_ERR_ARG, "id out of range");
    double r[4];
    CHECK(lm_bigram_evaluate(b, (const uint8_t *)"  ", 2, r) == LM_ERR_EMPTY, "empty held-out text");
    CHECK(lm_bigram_evaluate(b, (const uint8_t *)"zzz\n", 4, r) == LM_OK && r[3] == 2,
          "unknown held-out word is <unk>");
    const lm_vocab *own;
    CHECK(lm_bigram_vocab(b, &own) == LM_OK && lm_vocab_free((lm_vocab *)own) == LM_ERR_ARG,
          "owned vocab not freeable");
    int32_t info[8];
    CHECK(lm_vocab_info(own, info) == LM_OK, "owned vocab is a live handle");
    CHECK(lm_bigram_prob((const lm_bigram *)v, 0, 0, &p) == LM_ERR_HANDLE, "a vocabulary is not a bigram model");
    CHECK(strstr(lm_error_message(), "is a vocabulary, expected a bigram model") != NULL, "%s", lm_error_message());
    lm_bigram_free(b);
    CHECK(lm_bigram_prob(b, 0, 0, &p) == LM_ERR_HANDLE, "freed model rejected");
    CHECK(lm_vocab_info(own, info) == LM_ERR_HANDLE, "its vocabulary went with it");
    CHECK(lm_bigram_free(b) == LM_ERR_HANDLE, "double free rejected");
    lm_vocab_free(v);
}

/* Random texts from a mixed alphabet (ASCII, Latin-1, CJK, emoji, odd spaces, the special spellings),
 * sometimes with a corrupted byte: every call succeeds or fails with a status, ids stay in range and
 * smoothed rows sum to 1. Sanitizers and valgrind watch the memory. */
static void test_random_texts(void) {
    static const uint32_t alphabet[] = {'a',     'b',    'c',    'Z', '0', '9', ' ', '\n', '\t', '.',    '!',    '?',
                                        '\'',    '-',    ',',    ':', '_', '"', '(', 0xE9, 0xA0, 0x2019, 0x2014, 0x4E2D,
                                        0x1F600, 0x3000, 0xFEFF, '<', '>', '/', 's', 'u',  'n',  'k',    0};
    const uint32_t na = sizeof alphabet / sizeof *alphabet;
    lm_rng rng;
    lm_rng_seed(&rng, 123);
    uint8_t buf[2048];
    int bad = 0, trained = 0;
    for (int iter = 0; iter < 120; iter++) {
        size_t n = 0, len = lm_rng_below(&rng, 300);
        for (size_t i = 0; i < len; i++) n += (size_t)lm_utf8_put(buf + n, alphabet[lm_rng_below(&rng, na)]);
        if (lm_rng_below(&rng, 10) == 0 && n) buf[lm_rng_below(&rng, (uint32_t)n)] = (uint8_t)lm_rng_u32(&rng);
        for (int level = 0; level < 2; level++) {
            lm_vocab *v = NULL;
            int word = level == LM_LEVEL_WORD;
            lm_status st =
                lm_vocab_build(&v, buf, n, level, word && lm_rng_below(&rng, 2), word && lm_rng_below(&rng, 2),
                               word && lm_rng_below(&rng, 2), 1 + (int32_t)lm_rng_below(&rng, 2),
                               lm_rng_below(&rng, 3) ? 0 : 6, (int)lm_rng_below(&rng, 2));
            bad += (st != LM_OK) != (v == NULL);
            if (st) continue;
            lm_bigram *b = NULL;
            double k = lm_rng_below(&rng, 3) * 0.5;
            st = lm_bigram_train(&b, v, buf, n, k, lm_rng_below(&rng, 2) ? 0 : -1);
            bad += (st != LM_OK) != (b == NULL);
            if (!st) {
                trained++;
                double r[4], acc[3];
                lm_bigram_evaluate(b, buf, n / 2, r);
                lm_bigram_masked_accuracy(b, buf, n, 1, acc);
                int32_t ids[4 * 20], lens[4];
                if (lm_bigram_generate(b, iter, 0.5 + lm_rng_uniform(&rng), (int)lm_rng_below(&rng, 2), 20, 4, ids,
                                       lens) == LM_OK)
                    for (int s = 0; s < 4; s++)
                        for (int i = 0; i < lens[s]; i++) bad += ids[s * 20 + i] < 0 || ids[s * 20 + i] >= v->size;
                int32_t top[10], nt;
                double probs[10];
                memcpy(buf + n, " [MASK] ", 8);
                lm_bigram_predict_masked(b, buf + n / 3, n - n / 3 + 8, 10, top, probs, &nt);
                float *dist = malloc(sizeof *dist * (size_t)v->size);
                for (int32_t p = 0; p < v->size; p++) {
                    lm_bigram_distribution(b, p, dist);
                    double sum = 0;
                    for (int32_t q = 0; q < v->size; q++) sum += dist[q];
                    bad += k > 0 && fabs(sum - 1) > 1e-4;
                }
                free(dist);
                lm_bigram_free(b);
            }
            lm_vocab_free(v);
        }
    }
    CHECK(bad == 0 && trained > 100, "random texts: %d inconsistencies, %d models trained", bad, trained);
}

int main(void) {
    test_laplace_by_hand();
    test_rows_and_paths_agree();
    test_k_zero();
    test_generation();
    test_masked();
    test_char_level();
    test_errors();
    test_random_texts();
    return check_summary("test_bigram");
}
