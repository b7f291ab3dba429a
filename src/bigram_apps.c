/* bigram_apps.c — what the bigram model is used for: sampling sentences (seeded, temperature, greedy),
 * masked-word prediction (rank w by P(w | prev) P(next | w)) with its top-1/top-5 accuracy helper, and
 * the top-N count/probability matrix for the page's heatmap. Per-step work allocates nothing: the
 * model carries (V,) scratch arrays. */
#include "bigram.h"

#include "lm_check.h"
#include "lm_math.h"
#include "rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Visit the nonzero counts of row `prev` in ascending column order as (col, val). */
#define FOR_ROW_NONZERO(b, prev, col, val, ...)                                               \
    do {                                                                                      \
        if ((b)->sparse) {                                                                    \
            for (uint32_t e_ = (b)->row_start[prev]; e_ < (b)->row_start[(prev) + 1]; e_++) { \
                int32_t col = (b)->cols[e_];                                                  \
                uint32_t val = (b)->vals[e_];                                                 \
                __VA_ARGS__                                                                   \
            }                                                                                 \
        } else {                                                                              \
            const uint32_t *row_ = (b)->dense + (size_t)(prev) * (size_t)(b)->V;              \
            for (int32_t col = 0; col < (b)->V; col++) {                                      \
                uint32_t val = row_[col];                                                     \
                if (!val) continue;                                                           \
                __VA_ARGS__                                                                   \
            }                                                                                 \
        }                                                                                     \
    } while (0)

/* Seeds travel as doubles (JS numbers): whole numbers up to 2^53 - 1. */
#define MAX_SEED 9007199254740991.0

/* One step from context prev: weight(w) = (C(prev w) + k)^(1/T), never `excluded`; -1 when the row has
 * no mass (k = 0 and prev never seen as a context). Zero-count columns share one weight, so a step
 * costs O(nonzeros of the row), not O(V). */
static int32_t sample_next(const lm_bigram *b, int32_t prev, int32_t excluded, double inv_temp, int greedy,
                           lm_rng *rng) {
    double k = b->k;
    if (greedy) { /* the largest count wins (it beats every zero-count column); ties: the lowest id */
        int32_t best = -1;
        uint32_t best_count = 0;
        FOR_ROW_NONZERO(b, prev, c, v, {
            if (c != excluded && v > best_count) best = c, best_count = v;
        });
        if (best >= 0 || k <= 0) return best;
        return excluded == 0 ? 1 : 0; /* every column ties at k */
    }
    double nonzero_mass = 0;
    int32_t nonzeros = 0, excluded_is_nonzero = 0;
    FOR_ROW_NONZERO(b, prev, c, v, {
        nonzeros++;
        if (c == excluded) excluded_is_nonzero = 1;
        else nonzero_mass += lm_pow_positive((double)v + k, inv_temp);
    });
    int32_t zeros = b->V - nonzeros - (excluded >= 0 && !excluded_is_nonzero);
    double zero_weight = k > 0 ? lm_pow_positive(k, inv_temp) : 0;
    double total = nonzero_mass + zeros * zero_weight;
    if (!(total > 0)) return -1;
    double u = lm_rng_uniform(rng) * total;
    if (u < nonzero_mass || zeros == 0 || zero_weight == 0) {
        int32_t last = -1, chosen = -1;
        FOR_ROW_NONZERO(b, prev, c, v, {
            if (c != excluded && chosen < 0) {
                last = c;
                u -= lm_pow_positive((double)v + k, inv_temp);
                if (u < 0) chosen = c;
            }
        });
        return chosen >= 0 ? chosen : last; /* `last` only on rounding at the very end */
    }
    if ((int64_t)zeros * 4 >= b->V) { /* many zero columns: rejection sampling is uniform over them */
        for (;;) {
            int32_t c = (int32_t)lm_rng_below(rng, (uint32_t)b->V);
            if (c != excluded && lm_bigram_count_of(b, prev, c) == 0) return c;
        }
    }
    int32_t j = (int32_t)lm_rng_below(rng, (uint32_t)zeros); /* few: take the j-th zero column */
    for (int32_t c = 0; c < b->V; c++)
        if (c != excluded && lm_bigram_count_of(b, prev, c) == 0 && j-- == 0) return c;
    return -1; /* unreachable: zeros counted the same columns */
}

static int32_t most_frequent(const lm_vocab *v) {
    int32_t best = 0;
    for (int32_t i = 1; i < v->size; i++)
        if (v->counts[i] > v->counts[best]) best = i;
    return best;
}

LM_API lm_status lm_bigram_generate(const lm_bigram *b, double seed, double temperature, int greedy, int32_t max_length,
                                    int32_t count, int32_t *ids, int32_t *lengths) {
    const char *fn = "bigram_generate";
    size_t n_ids;
    LM_TRY(lm_check_handle(fn, "bigram", b, LM_KIND_BIGRAM));
    LM_TRY(lm_check_whole(fn, "seed", seed, MAX_SEED));
    LM_TRY(lm_check_nonneg(fn, "temperature (0 = greedy)", temperature));
    LM_TRY(lm_check_range(fn, "max_length", max_length, 1, LM_MAX_GEN_LENGTH));
    LM_TRY(lm_check_range(fn, "count (sentences)", count, 1, LM_MAX_GEN_COUNT));
    LM_TRY(lm_check_elems(fn, "ids (count, max_length)", &n_ids, (size_t)count, (size_t)max_length, 1));
    LM_TRY(lm_check_ptr(fn, "ids", ids));
    LM_TRY(lm_check_ptr(fn, "lengths", lengths));
    lm_rng rng;
    lm_rng_seed(&rng, (uint64_t)seed);
    int word = b->vocab->level == LM_LEVEL_WORD;
    int32_t excluded = word ? b->vocab->bos : -1, stop = word ? b->vocab->eos : b->boundary;
    int32_t start = b->boundary >= 0 ? b->boundary : most_frequent(b->vocab);
    greedy = greedy || temperature == 0;
    double inv_temp = greedy ? 1 : 1 / temperature;
    for (int32_t s = 0; s < count; s++) {
        int32_t prev = start, n = 0;
        int32_t *out = ids + (size_t)s * (size_t)max_length; /* (max_length,) */
        while (n < max_length) {
            int32_t next = sample_next(b, prev, excluded, inv_temp, greedy, &rng);
            if (next < 0 || next == stop) break;
            out[n++] = next;
            prev = next;
        }
        lengths[s] = n;
    }
    return LM_OK;
}

/* ---- masked-word prediction ------------------------------------------------------------------- */

/* scores (V,) = P(w | prev) P(next | w) for every w (0 for <s> and </s> at word level); returns the
 * sum. prev < 0: P(w) from training counts instead; next < 0: the second factor is dropped. */
static double fill_scores(const lm_bigram *b, int32_t prev, int32_t next) {
    size_t V = (size_t)b->V;
    double k = b->k, *scores = b->scores, sum = 0, total_count = 0;
    const int32_t *counts = b->vocab->counts; /* (V,) */
    if (prev < 0)
        for (size_t w = 0; w < V; w++) total_count += counts[w];
    lm_bigram_expand(b, prev, next, 0);
    const uint32_t *row = b->sparse || prev < 0 ? b->scratch_row : b->dense + (size_t)prev * V; /* (V,) */
    double row_inv = prev >= 0 ? b->inv_den[prev] : 0;
    for (size_t w = 0; w < V; w++) {
        double p1 = prev >= 0 ? ((double)row[w] + k) * row_inv : counts[w] / total_count;
        double c = next < 0 ? 0 : b->sparse ? b->scratch_col[w] : b->dense[w * V + (size_t)next];
        double p2 = next >= 0 ? (c + k) * b->inv_den[w] : 1;
        scores[w] = p1 * p2;
    }
    lm_bigram_expand(b, prev, next, 1);
    if (b->vocab->level == LM_LEVEL_WORD) scores[b->vocab->bos] = scores[b->vocab->eos] = 0;
    for (size_t w = 0; w < V; w++) sum += scores[w];
    return sum;
}

/* Does candidate a rank before candidate b? Higher score first, then the lower id. */
static int ranks_before(const double *scores, int32_t a, int32_t b) {
    return scores[a] > scores[b] || (scores[a] == scores[b] && a < b);
}

static lm_status find_mask(const uint8_t *text, size_t len, size_t *at, size_t *mask_len) {
    int found = 0;
    for (size_t i = 0; i < len;) {
        size_t n = 0;
        if (len - i >= 6 && memcmp(text + i, "[MASK]", 6) == 0) n = 6;
        else if (len - i >= 3 && memcmp(text + i, "___", 3) == 0)
            for (n = 3; i + n < len && text[i + n] == '_';) n++;
        if (!n) {
            i++;
            continue;
        }
        if (found++ == 0) *at = i, *mask_len = n;
        i += n;
    }
    if (found == 0) return lm_fail(LM_ERR_ARG, "the sentence has no [MASK] (or ___) to predict");
    if (found > 1)
        return lm_fail(LM_ERR_ARG, "the sentence has %d masks; mark exactly one word with [MASK] or ___", found);
    return LM_OK;
}

/* The real tokens next to the mask: the last of the left part and the first of the right part,
 * or the sentence boundary when a part is empty. */
static lm_status mask_neighbours(const lm_bigram *b, const uint8_t *text, size_t len, size_t at, size_t mask_len,
                                 int32_t *prev, int32_t *next) {
    const lm_vocab *v = b->vocab;
    int word = v->level == LM_LEVEL_WORD;
    *prev = word ? v->bos : b->boundary;
    *next = word ? v->eos : b->boundary;
    int32_t *ids, *starts;
    size_t n, nsent;
    lm_status st = lm_vocab_encode_text(v, text, at, 0, &ids, &n, &starts, &nsent, "the text before the mask");
    if (st) return st;
    for (size_t i = n; i-- > 0;)
        if (!word || (ids[i] != v->bos && ids[i] != v->eos)) {
            *prev = ids[i];
            break;
        }
    free(ids), free(starts);
    size_t after = at + mask_len;
    st = lm_vocab_encode_text(v, text + after, len - after, 0, &ids, &n, &starts, &nsent, "the text after the mask");
    if (st) return st;
    for (size_t i = 0; i < n; i++)
        if (!word || (ids[i] != v->bos && ids[i] != v->eos)) {
            *next = ids[i];
            break;
        }
    free(ids), free(starts);
    return LM_OK;
}

LM_API lm_status lm_bigram_predict_masked(const lm_bigram *b, const uint8_t *text, size_t len, int32_t top_k,
                                          int32_t *ids, double *probs, int32_t *n) {
    const char *fn = "bigram_predict_masked";
    LM_TRY(lm_check_handle(fn, "bigram", b, LM_KIND_BIGRAM));
    LM_TRY(lm_check_text(fn, text, len, 0));
    LM_TRY(lm_check_range(fn, "top_k", top_k, 1, LM_MAX_TOP_K));
    LM_TRY(lm_check_ptr(fn, "ids", ids));
    LM_TRY(lm_check_ptr(fn, "probs", probs));
    LM_TRY(lm_check_ptr(fn, "n", n));
    lm_status st;
    *n = 0;
    size_t at = 0, mask_len = 0;
    int32_t prev, next;
    if ((st = find_mask(text, len, &at, &mask_len)) || (st = mask_neighbours(b, text, len, at, mask_len, &prev, &next)))
        return st;
    double sum = fill_scores(b, prev, next);
    if (!(sum > 0)) return LM_OK; /* k = 0 and no candidate was ever seen between these neighbours */
    int32_t kept = 0;
    for (int32_t w = 0; w < b->V; w++) { /* insertion into the sorted top-k list */
        if (b->scores[w] <= 0) continue;
        if (kept == top_k && !ranks_before(b->scores, w, ids[kept - 1])) continue;
        int32_t i = kept < top_k ? kept++ : kept - 1;
        while (i > 0 && ranks_before(b->scores, w, ids[i - 1])) ids[i] = ids[i - 1], i--;
        ids[i] = w;
    }
    for (int32_t i = 0; i < kept; i++) probs[i] = b->scores[ids[i]] / sum;
    *n = kept;
    return LM_OK;
}

LM_API lm_status lm_bigram_masked_accuracy(const lm_bigram *b, const uint8_t *text, size_t len, double seed,
                                           double *result) {
    const char *fn = "bigram_masked_accuracy";
    LM_TRY(lm_check_handle(fn, "bigram", b, LM_KIND_BIGRAM));
    LM_TRY(lm_check_whole(fn, "seed", seed, MAX_SEED));
    LM_TRY(lm_check_ptr(fn, "result", result));
    LM_TRY(lm_check_text(fn, text, len, 0));
    int32_t *ids, *starts;
    size_t n, nsent;
    lm_status st;
    if ((st = lm_vocab_encode_text(b->vocab, text, len, 1, &ids, &n, &starts, &nsent, "the held-out text"))) return st;
    int word = b->vocab->level == LM_LEVEL_WORD;
    lm_rng rng;
    lm_rng_seed(&rng, (uint64_t)seed);
    double top1 = 0, top5 = 0, scored = 0;
    for (size_t s = 0; s < nsent; s++) {
        int32_t first = starts[s] + word, end = starts[s + 1] - word; /* real tokens [first, end) */
        if (end <= first) continue;
        int32_t pos = first + (int32_t)lm_rng_below(&rng, (uint32_t)(end - first));
        int32_t prev = pos > starts[s] ? ids[pos - 1] : b->boundary;
        int32_t next = pos + 1 < starts[s + 1] ? ids[pos + 1] : b->boundary;
        int32_t truth = ids[pos], rank = 0;
        fill_scores(b, prev, next);
        for (int32_t w = 0; w < b->V && rank < 5; w++) rank += w != truth && ranks_before(b->scores, w, truth);
        top1 += rank == 0;
        top5 += rank < 5;
        scored++;
    }
    free(ids), free(starts);
    if (scored == 0) return lm_fail(LM_ERR_EMPTY, "the held-out text has no sentence with a token to mask");
    result[LM_MASKED_TOP1] = top1 / scored;
    result[LM_MASKED_TOP5] = top5 / scored;
    result[LM_MASKED_SENTENCES] = scored;
    return LM_OK;
}

/* ---- the heatmap matrix ------------------------------------------------------------------------- */

typedef struct {
    int32_t count, id;
} ranked;

static int by_count_desc(const void *pa, const void *pb) {
    const ranked *a = pa, *b = pb;
    if (a->count != b->count) return a->count > b->count ? -1 : 1;
    return (a->id > b->id) - (a->id < b->id);
}

LM_API lm_status lm_bigram_matrix(const lm_bigram *b, int32_t top_n, int kind, int32_t *ids, float *values,
                                  int32_t *n) {
    const char *fn = "bigram_matrix";
    LM_TRY(lm_check_handle(fn, "bigram", b, LM_KIND_BIGRAM));
    LM_TRY(lm_check_range(fn, "top_n", top_n, 1, LM_MAX_DIM));
    LM_TRY(lm_check_choice(fn, "kind", kind, 2, "0 (counts) or 1 (probabilities)"));
    LM_TRY(lm_check_ptr(fn, "ids", ids));
    LM_TRY(lm_check_ptr(fn, "values", values));
    LM_TRY(lm_check_ptr(fn, "n", n));
    ranked *order = malloc((size_t)b->V * sizeof *order); /* (V,) */
    if (!order) return lm_fail(LM_ERR_NOMEM, "out of memory ranking tokens");
    for (int32_t i = 0; i < b->V; i++) order[i] = (ranked){b->vocab->counts[i], i};
    qsort(order, (size_t)b->V, sizeof *order, by_count_desc);
    int32_t m = top_n < b->V ? top_n : b->V;
    for (int32_t i = 0; i < m; i++) ids[i] = order[i].id;
    free(order);
    for (int32_t r = 0; r < m; r++)
        for (int32_t c = 0; c < m; c++) /* values: (m, m) */
            values[(size_t)r * (size_t)m + (size_t)c] =
                kind == 0 ? (float)lm_bigram_count_of(b, ids[r], ids[c]) : (float)lm_bigram_p(b, ids[r], ids[c]);
    *n = m;
    return LM_OK;
}
