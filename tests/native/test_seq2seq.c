/* test_seq2seq.c — the encoder–decoder of seq2seq.h natively: whole-model gradient checks (double build:
 * relative error < 1e-6) for every cell × {no attention, dot, additive}, one and two layers, the output
 * layer reading [h; c] or h, on batches with mixed source and target lengths; each tensor's check shown
 * able to fail; padding changes nothing (a pair scored alone equals the same pair in a padded batch);
 * a tiny training run that learns to reverse strings; decoding: greedy on the trained model, beam width
 * 1 equals greedy, beam search finds the best hypothesis by log-probability (against an exhaustive
 * search) and reports its score; and the batch, config and pair errors with their sentences. */
#include "check.h"
#include "file_edit.h"
#include "lm_common.h"
#include "rng.h"
#include "seq2seq.h"
#include "seq2seq_io.h"
#include "seq2seq_trainer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef LM_DOUBLE
#define GRAD_TOL 1e-6
#define GRAD_EPS 1e-3 /* five-point differences (see seq2seq_gradient_check) */
#else
#define GRAD_TOL 5e-2
#define GRAD_EPS 1e-2
#endif

/* Ids: source 0 = <pad>, 1 = </s>, letters from 2; target 0 = <pad>, 1 = <s>, 2 = </s>, letters from 3. */
enum { SPAD = 0, SEOS = 1, TPAD = 0, BOS = 1, EOS = 2 };

static lm_seq2seq *make(lm_cell cell, int gru_variant, lm_attn_score att, int out_context, int L, int Vs, int Vt, int E,
                        int H, uint32_t seed) {
    lm_seq2seq_config c = {cell,        gru_variant, Vs,   Vt,  E,   H,   L, att, att == LM_ATTN_ADDITIVE ? 5 : 0,
                           out_context, SPAD,        TPAD, BOS, EOS, seed};
    lm_seq2seq *m = NULL;
    lm_status s = seq2seq_new(&m, &c);
    CHECK(s == LM_OK, "seq2seq_new: %s", lm_error_message());
    return m;
}

/* A batch of 3 pairs with mixed lengths: sources of 4, 2 and 3 real ids (Ts = 5: every row padded),
 * targets of 3, 1 and 2 tokens (+ </s>; Tt = 4). */
static const int32_t mixed_src[3 * 5] = {
    2, 5, 3, 1, SPAD, 4, 1, SPAD, SPAD, SPAD, 6, 2, 1, SPAD, SPAD,
};
static const int32_t mixed_tgt[3 * 5] = {
    BOS, 5, 4, 3, EOS, BOS, 6, EOS, TPAD, TPAD, BOS, 3, 7, EOS, TPAD,
};
static const lm_s2s_batch mixed = {mixed_src, mixed_tgt, 3, 5, 4};

/* Larger weights than the PyTorch-style init and non-zero biases, so no tensor's gradient is all tiny:
 * with the init's U(±1/√H) weights at H = 5 the encoder states barely differ and W_q's gradient is
 * ~1e-9, below what any finite difference resolves to 1e-6 of itself. */
static void spread(lm_seq2seq *m) {
    for (int k = 0; k < m->n_tensors; k++) {
        const lm_param_info *t = &m->table[k];
        for (size_t i = 0; i < t->count; i++) {
            lm_float *p = m->params + t->offset + i;
            if (t->ndim == 1) *p = (lm_float)(0.3 * sin(1.7 * (double)i + k));
            else if (!strstr(t->name, "embedding")) *p *= 2.5;
        }
    }
}

static const char *cell_label(lm_cell cell, int variant) {
    return cell == LM_CELL_RNN       ? "rnn"
           : cell == LM_CELL_LSTM    ? "lstm"
           : variant == LM_GRU_TORCH ? "gru(torch)"
                                     : "gru(lecture)";
}

static void test_gradients(lm_cell cell, int variant, lm_attn_score att, int out_context, int L) {
    lm_seq2seq *m = make(cell, variant, att, out_context, L, 7, 8, 4, 5, 11);
    if (!m) return;
    spread(m);
    double rel[LM_S2S_MAX_TENSORS];
    lm_status s = seq2seq_gradient_check(m, &mixed, 24, GRAD_EPS, 3, rel);
    CHECK(s == LM_OK, "gradient check: %s", lm_error_message());
    for (int k = 0; k < m->n_tensors && !s; k++)
        CHECK(rel[k] < GRAD_TOL, "%s L%d %s out_context %d: %s (%s) relative error %.3g", cell_label(cell, variant), L,
              seq2seq_attention_name(att), out_context, m->table[k].name, m->table[k].lecture, rel[k]);
    if (getenv("LM_TEST_VERBOSE")) {
        double worst = 0;
        for (int k = 0; k < m->n_tensors; k++) worst = fmax(worst, rel[k]);
        printf("  %-12s L%d %-8s out_context %d: worst %.3g over %d tensors\n", cell_label(cell, variant), L,
               seq2seq_attention_name(att), out_context, worst, m->n_tensors);
    }
    seq2seq_delete(m);
}

/* The check can fail: per tensor, its largest analytic entry against a hand-made five-point (double) or
 * two-point (float) difference is accepted, and the same entry 1% off is rejected. */
static double mean_loss(lm_seq2seq *m) {
    double sum, count;
    seq2seq_loss_sum(m, &mixed, &sum, &count);
    return sum / count;
}

static void test_check_can_fail(void) {
    lm_seq2seq *m = make(LM_CELL_LSTM, LM_GRU_TORCH, LM_ATTN_ADDITIVE, 1, 2, 7, 8, 4, 5, 12);
    spread(m);
    double loss;
    CHECK(seq2seq_loss_and_grads(m, &mixed, &loss, NULL) == LM_OK, "%s", lm_error_message());
    lm_float *g = malloc(m->n_params * sizeof *g);
    memcpy(g, m->grads, m->n_params * sizeof *g);
    int caught = 0, accepted = 0;
    for (int k = 0; k < m->n_tensors; k++) {
        const lm_param_info *t = &m->table[k];
        size_t big = t->offset;
        for (size_t i = t->offset; i < t->offset + t->count; i++) big = fabs(g[i]) > fabs(g[big]) ? i : big;
        const lm_float saved = m->params[big];
        double f[4];
        const double step[4] = {GRAD_EPS, -GRAD_EPS, 2 * GRAD_EPS, -2 * GRAD_EPS};
        for (int q = 0; q < 4; q++) {
            m->params[big] = (lm_float)(saved + step[q]);
            f[q] = mean_loss(m);
        }
        m->params[big] = saved;
#ifdef LM_DOUBLE
        double numeric = (8 * (f[0] - f[1]) - (f[2] - f[3])) / (12 * GRAD_EPS);
#else
        double numeric = (f[0] - f[1]) / ((double)(lm_float)(saved + GRAD_EPS) - (double)(lm_float)(saved - GRAD_EPS));
#endif
        double a = g[big], wrong = a * 1.01;
        double ok = fabs(a - numeric) / (fabs(a) + fabs(numeric)),
               bad = fabs(wrong - numeric) / (fabs(wrong) + fabs(numeric));
        accepted += ok < GRAD_TOL;
        caught += bad > GRAD_TOL;
        if (!(ok < GRAD_TOL) || (sizeof(lm_float) == sizeof(double) && !(bad > GRAD_TOL)))
            printf("  %s: right %.3g, 1%% off %.3g\n", t->name, ok, bad);
    }
#ifdef LM_DOUBLE
    CHECK(caught == m->n_tensors, "a 1%% error in any tensor's largest entry is caught (%d of %d)", caught,
          m->n_tensors);
#else
    (void)caught; /* float32's tolerance (5e-2) is above 1%: the double build is the one that must catch it */
#endif
    CHECK(accepted == m->n_tensors, "the right entries pass (%d of %d)", accepted, m->n_tensors);
    free(g);
    seq2seq_delete(m);
}

/* Padding changes nothing: each pair of the mixed batch scored alone (no padding) gets the same
 * log-probability as inside the batch. */
static void test_padding_invariance(lm_cell cell, lm_attn_score att) {
    lm_seq2seq *m = make(cell, LM_GRU_TORCH, att, att != LM_ATTN_NONE, 2, 7, 8, 4, 5, 13);
    double batch[3];
    CHECK(seq2seq_sequence_logprobs(m, &mixed, batch) == LM_OK, "%s", lm_error_message());
    const int src_len[3] = {4, 2, 3}, tgt_len[3] = {4, 2, 3};
    double worst = 0;
    for (int n = 0; n < 3; n++) {
        lm_s2s_batch one = {mixed_src + n * 5, mixed_tgt + n * 5, 1, src_len[n], tgt_len[n]};
        double alone;
        CHECK(seq2seq_sequence_logprobs(m, &one, &alone) == LM_OK, "%s", lm_error_message());
        worst = fmax(worst, fabs(alone - batch[n]));
    }
    CHECK(worst < 1e-5, "%s %s: a pair alone scores as in the padded batch (max diff %.2g)", cell_label(cell, 1),
          seq2seq_attention_name(att), worst);
    seq2seq_delete(m);
}

/* ---- the reverse task -------------------------------------------------------------------------- */

enum { LETTERS = 4, MIN_LEN = 2, MAX_LEN = 5, PAIRS = 256 };

/* Pair p: a random string over LETTERS letters; source = letters + </s>, target = <s> reversed </s>. */
static void reverse_pairs(int32_t *src, int32_t *src_len, int32_t *tgt, int32_t *tgt_len, int P, uint32_t seed) {
    lm_rng r;
    lm_rng_seed(&r, seed);
    size_t s = 0, t = 0;
    for (int p = 0; p < P; p++) {
        int len = MIN_LEN + (int)lm_rng_below(&r, MAX_LEN - MIN_LEN + 1), letters[MAX_LEN];
        for (int j = 0; j < len; j++) letters[j] = (int)lm_rng_below(&r, LETTERS);
        for (int j = 0; j < len; j++) src[s++] = 2 + letters[j];
        src[s++] = SEOS;
        src_len[p] = len + 1;
        tgt[t++] = BOS;
        for (int j = len - 1; j >= 0; j--) tgt[t++] = 3 + letters[j];
        tgt[t++] = EOS;
        tgt_len[p] = len + 2;
    }
}

static lm_seq2seq *trained;

static void test_training(void) {
    static int32_t src[PAIRS * (MAX_LEN + 1)], tgt[PAIRS * (MAX_LEN + 2)], sl[PAIRS], tl[PAIRS];
    reverse_pairs(src, sl, tgt, tl, PAIRS, 5);
    lm_seq2seq *m = make(LM_CELL_GRU, LM_GRU_TORCH, LM_ATTN_DOT, 1, 1, 2 + LETTERS, 3 + LETTERS, 8, 24, 1);
    lm_optim_config oc = lm_optim_defaults(LM_OPT_ADAM);
    oc.lr = 0.01;
    oc.clip = 5;
    oc.clip_mode = LM_CLIP_NORM;
    lm_s2s_trainer *t;
    CHECK(seq2seq_trainer_new(&t, m, src, sl, tgt, tl, PAIRS, 16, &oc, 7) == LM_OK, "%s", lm_error_message());
    lm_s2s_train_stats first, st;
    seq2seq_trainer_train(t, 5, &first);
    lm_status s = seq2seq_trainer_train(t, 295, &st);
    CHECK(s == LM_OK, "training: %s", lm_error_message());
    /* chance is log 5 ≈ 1.61 nats per target token (4 letters and </s>) */
    CHECK(first.loss > 1.2 && st.last_loss < 0.2, "reverse: loss from %.3f to %.3f", first.loss, st.last_loss);
    CHECK(st.epoch >= 18 && st.step == 300, "epochs %llu, steps %lld", (unsigned long long)st.epoch,
          (long long)st.step);
    seq2seq_trainer_delete(t);
    trained = m;
}

/* Greedy decoding of held-out strings (another seed) gives the reversal, </s> included. */
static void test_greedy(void) {
    lm_seq2seq *m = trained;
    enum { N = 20 };
    static int32_t src[N * (MAX_LEN + 1)], tgt[N * (MAX_LEN + 2)], sl[N], tl[N];
    reverse_pairs(src, sl, tgt, tl, N, 99);
    int32_t batch[N * (MAX_LEN + 1)], out[N * 8], out_len[N];
    for (int n = 0, at = 0; n < N; n++) { /* pad into (N, MAX_LEN + 1) */
        for (int j = 0; j < MAX_LEN + 1; j++) batch[n * (MAX_LEN + 1) + j] = j < sl[n] ? src[at + j] : SPAD;
        at += sl[n];
    }
    double lp[N];
    lm_float *alpha = malloc((size_t)N * 8 * (MAX_LEN + 1) * sizeof *alpha);
    CHECK(seq2seq_greedy(m, batch, N, MAX_LEN + 1, 8, out, out_len, alpha, lp) == LM_OK, "%s", lm_error_message());
    int exact = 0;
    for (int n = 0, at = 0; n < N; n++) {
        int same = out_len[n] == tl[n] - 1;
        for (int j = 0; same && j < out_len[n]; j++) same = out[n * 8 + j] == tgt[at + 1 + j];
        exact += same;
        at += tl[n];
    }
    CHECK(exact >= 18, "greedy reverses %d of %d held-out strings", exact, N);
    /* α rows of produced steps sum to 1 and are 0 on padding; after the end they are 0 */
    int rows_ok = 1;
    for (int n = 0; n < N; n++)
        for (int s = 0; s < 8; s++) {
            double sum = 0;
            for (int j = 0; j < MAX_LEN + 1; j++) {
                lm_float a = alpha[((size_t)n * 8 + s) * (MAX_LEN + 1) + j];
                if (batch[n * (MAX_LEN + 1) + j] == SPAD) rows_ok &= a == 0;
                sum += a;
            }
            rows_ok &= s < out_len[n] ? fabs(sum - 1) < 1e-4 : sum == 0;
        }
    CHECK(rows_ok, "greedy's α: rows sum to 1 while decoding, zero on padding and after </s>");
    /* the reported log-probability is the teacher-forced score of the output */
    int32_t one_tgt[9];
    double worst = 0;
    for (int n = 0; n < N; n++) {
        one_tgt[0] = BOS;
        memcpy(one_tgt + 1, out + n * 8, (size_t)out_len[n] * sizeof *one_tgt);
        lm_s2s_batch b = {batch + n * (MAX_LEN + 1), one_tgt, 1, sl[n], out_len[n]};
        double score;
        CHECK(seq2seq_sequence_logprobs(m, &b, &score) == LM_OK, "%s", lm_error_message());
        worst = fmax(worst, fabs(score - lp[n]));
    }
    CHECK(worst < 1e-4, "greedy's log-probability is the output's score (max diff %.2g)", worst);
    /* beam width 1 is greedy, token for token */
    int same = 1;
    for (int n = 0; n < N; n++) {
        int32_t bo[8], bl;
        double blp;
        CHECK(seq2seq_beam(m, batch + n * (MAX_LEN + 1), sl[n], 1, 8, bo, &bl, NULL, &blp) == LM_OK, "%s",
              lm_error_message());
        same &= bl == out_len[n] && memcmp(bo, out + n * 8, (size_t)bl * sizeof *bo) == 0 && fabs(blp - lp[n]) < 1e-6;
    }
    CHECK(same, "beam search of width 1 equals greedy decoding");
    free(alpha);
}

/* Exhaustive search over every output of up to `depth` tokens from {</s>, letters}: the best ended
 * hypothesis by log-probability. Scores come from the teacher-forced sequence_logprobs. */
static double best_by_enumeration(lm_seq2seq *m, const int32_t *src, int Ts, int depth, int32_t *best, int *best_len) {
    const int V = m->cfg.Vt;
    double best_score = -INFINITY;
    int32_t y[16];
    int idx[16];
    for (int len = 1; len <= depth; len++) { /* len tokens, the last one </s> */
        for (int j = 0; j < len - 1; j++) idx[j] = 3;
        for (;;) {
            y[0] = BOS;
            for (int j = 0; j < len - 1; j++) y[1 + j] = idx[j];
            y[len] = EOS;
            lm_s2s_batch b = {src, y, 1, Ts, len};
            double score;
            seq2seq_sequence_logprobs(m, &b, &score);
            if (score > best_score) {
                best_score = score;
                *best_len = len;
                memcpy(best, y + 1, (size_t)len * sizeof *best);
            }
            int j = len - 2; /* next letter string (odometer) */
            while (j >= 0 && ++idx[j] == V) idx[j--] = 3;
            if (j < 0) break;
        }
    }
    return best_score;
}

static void test_beam_is_best(void) {
    /* an untrained model: its distributions are flat-ish, so greedy and the best hypothesis differ often */
    lm_seq2seq *m = make(LM_CELL_LSTM, LM_GRU_TORCH, LM_ATTN_ADDITIVE, 1, 1, 6, 6, 4, 6, 21);
    const int32_t srcs[4][3] = {{2, 3, 1}, {4, 1, SPAD}, {5, 5, 1}, {3, 2, 4}};
    int greedy_differs = 0;
    for (int k = 0; k < 4; k++) {
        const int Ts = srcs[k][2] == SPAD ? 2 : 3, depth = 4;
        int32_t best[8], out[8], out_len, best_len = 0;
        double want = best_by_enumeration(m, srcs[k], Ts, depth, best, &best_len), got;
        /* every hypothesis of the enumeration fits in a beam of 3^3 = 27 live ones: the search is exact */
        CHECK(seq2seq_beam(m, srcs[k], Ts, 27, depth, out, &out_len, NULL, &got) == LM_OK, "%s", lm_error_message());
        int ended = out_len >= 1 && out[out_len - 1] == EOS;
        CHECK(ended && fabs(got - want) < 1e-5 && out_len == best_len && memcmp(out, best, (size_t)out_len * 4) == 0,
              "source %d: beam finds the best hypothesis (log p %.6f vs %.6f, length %d vs %d)", k, got, want, out_len,
              best_len);
        /* its reported score is the teacher-forced score of its output */
        int32_t y[9] = {BOS};
        memcpy(y + 1, out, (size_t)out_len * sizeof *y);
        lm_s2s_batch b = {srcs[k], y, 1, Ts, out_len};
        double score;
        seq2seq_sequence_logprobs(m, &b, &score);
        CHECK(fabs(score - got) < 1e-5, "source %d: beam's log p %.6f is its output's score %.6f", k, got, score);
        /* and it is never worse than greedy's, which ended */
        int32_t g[8], gl;
        double glp;
        seq2seq_greedy(m, srcs[k], 1, Ts, depth, g, &gl, NULL, &glp);
        if (g[gl - 1] == EOS) CHECK(got >= glp - 1e-9, "source %d: beam %.6f >= greedy %.6f", k, got, glp);
        greedy_differs += gl != out_len || memcmp(g, out, (size_t)gl * 4) != 0;
    }
    printf("beam vs greedy on the untrained model: %d of 4 sources decoded differently\n", greedy_differs);
    seq2seq_delete(m);
}

static int message_has(const char *needle) { return strstr(lm_error_message(), needle) != NULL; }

/* ---- files ----------------------------------------------------------------------------------- */

/* Save and load: the same tensors, config and metadata; a resumed trainer continues exactly. */
static void test_files(void) {
    static int32_t src[PAIRS * (MAX_LEN + 1)], tgt[PAIRS * (MAX_LEN + 2)], sl[PAIRS], tl[PAIRS];
    reverse_pairs(src, sl, tgt, tl, 40, 8);
    lm_seq2seq *m = make(LM_CELL_LSTM, LM_GRU_TORCH, LM_ATTN_ADDITIVE, 1, 2, 2 + LETTERS, 3 + LETTERS, 4, 6, 3);
    CHECK(seq2seq_set_metadata(m, "{\"src_vocab\":\"[\\\"a\\\"]\",\"level\":\"char\"}") == LM_OK, "%s",
          lm_error_message());
    CHECK(seq2seq_set_metadata(m, "{\"config\":\"x\"}") == LM_ERR_ARG && message_has("reserved"), "%s",
          lm_error_message());
    lm_optim_config oc = lm_optim_defaults(LM_OPT_ADAM);
    oc.clip = 1;
    lm_s2s_trainer *t;
    CHECK(seq2seq_trainer_new(&t, m, src, sl, tgt, tl, 40, 6, &oc, 4) == LM_OK, "%s", lm_error_message());
    lm_s2s_train_stats st;
    seq2seq_trainer_train(t, 9, &st); /* 54 pairs: the checkpoint falls inside the second epoch */
    uint8_t *bytes;
    size_t len;
    CHECK(seq2seq_save(m, t, &bytes, &len) == LM_OK, "%s", lm_error_message());
    double after[5], resumed[5];
    for (int i = 0; i < 5; i++) {
        seq2seq_trainer_train(t, 1, &st);
        after[i] = st.last_loss;
    }
    lm_seq2seq *back = NULL;
    CHECK(seq2seq_load(&back, bytes, len) == LM_OK, "%s", lm_error_message());
    if (back) {
        CHECK(back->n_params == m->n_params && back->cfg.attention == LM_ATTN_ADDITIVE && back->cfg.out_context == 1 &&
                  back->cfg.L == 2 && back->cfg.A == m->cfg.A,
              "the config comes back");
        CHECK(back->metadata_json && strstr(back->metadata_json, "\"level\":\"char\""), "the metadata comes back");
        lm_s2s_trainer *t2;
        CHECK(seq2seq_trainer_new(&t2, back, src, sl, tgt, tl, 40, 6, &oc, 99) == LM_OK, "%s", lm_error_message());
        CHECK(seq2seq_trainer_restore(t2, bytes, len) == LM_OK, "%s", lm_error_message());
        CHECK(t2->epoch == 1 && t2->cursor == 14 && t2->opt.step == 9,
              "position restored: epoch %llu cursor %zu step %lld", (unsigned long long)t2->epoch, t2->cursor,
              (long long)t2->opt.step);
        for (int i = 0; i < 5; i++) {
            seq2seq_trainer_train(t2, 1, &st);
            resumed[i] = st.last_loss;
        }
        /* exactly in float32; the double build's file holds its parameters rounded to float32 */
        double drift = 0;
        for (int i = 0; i < 5; i++) drift = fmax(drift, fabs(after[i] - resumed[i]));
        CHECK(sizeof(lm_float) == sizeof(double) ? drift < 1e-5 : memcmp(after, resumed, sizeof after) == 0,
              "a resumed run continues exactly (max diff %.3g)", drift);
        lm_optim_config sgd = lm_optim_defaults(LM_OPT_SGD);
        lm_s2s_trainer *t3;
        seq2seq_trainer_new(&t3, back, src, sl, tgt, tl, 40, 6, &sgd, 1);
        CHECK(seq2seq_trainer_restore(t3, bytes, len) == LM_ERR_ARG &&
                  message_has("trained with adam but this trainer uses sgd"),
              "%s", lm_error_message());
        seq2seq_trainer_delete(t3);
        seq2seq_trainer_delete(t2);
        seq2seq_delete(back);
    }
    /* a truncated file, and a file without its tensors, are refused with a sentence */
    back = NULL;
    CHECK(seq2seq_load(&back, bytes, len - 10) == LM_ERR_FORMAT && !back, "truncated: %s", lm_error_message());
    /* the training state's counters are range-checked before any cast (1e30, -1: undefined behaviour before) */
    const char *bad[][2] = {{"step", "1e30"}, {"step", "-1"}, {"seed", "-1"}, {"epoch", "2.5"}, {"cursor", "1e9"}};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        size_t n;
        uint8_t *edited = edit_trainer_field(bytes, len, bad[k][0], bad[k][1], &n);
        lm_s2s_trainer *t5;
        seq2seq_trainer_new(&t5, m, src, sl, tgt, tl, 40, 6, &oc, 4);
        CHECK(edited && seq2seq_trainer_restore(t5, edited, n) == LM_ERR_FORMAT &&
                  message_has("seq2seq file training state") && message_has(bad[k][0]) && t5->opt.step == 0,
              "%s = %s: %s", bad[k][0], bad[k][1], lm_error_message());
        seq2seq_trainer_delete(t5);
        free(edited);
    }
    seq2seq_trainer_delete(t);
    free(bytes);
    CHECK(seq2seq_save(m, NULL, &bytes, &len) == LM_OK, "%s", lm_error_message());
    lm_s2s_trainer *t4;
    seq2seq_trainer_new(&t4, m, src, sl, tgt, tl, 40, 6, &oc, 4);
    CHECK(seq2seq_trainer_restore(t4, bytes, len) == LM_ERR_FORMAT && message_has("saved without a trainer"), "%s",
          lm_error_message());
    seq2seq_trainer_delete(t4);
    free(bytes);
    seq2seq_delete(m);
    /* a config whose tensors do not match: the RNN file read as if it were one layer is caught by shape */
    lm_seq2seq *a = make(LM_CELL_RNN, LM_GRU_TORCH, LM_ATTN_NONE, 0, 1, 6, 7, 4, 5, 1);
    seq2seq_save(a, NULL, &bytes, &len);
    const char *needle = "hidden\\\":5"; /* inside the metadata's JSON string: hidden\":5 */
    uint8_t *at = NULL;
    for (size_t i = 0; i + strlen(needle) < len && !at; i++)
        if (memcmp(bytes + i, needle, strlen(needle)) == 0) at = bytes + i;
    if (at) at[strlen(needle) - 1] = '6';
    CHECK(at && seq2seq_load(&back, bytes, len) == LM_ERR_FORMAT &&
              message_has("has shape [5, 4] but its config needs [6, 4]"),
          "%s", lm_error_message());
    free(bytes);
    seq2seq_delete(a);
}

/* Fuzz finding of the model file (model_load, 2026-12-02), here for the seq2seq file that folds bias_hh
 * the same way: a -0 in bias_ih and bias_hh loaded as -0 and came back +0 after one more save and load. */
static void test_negative_zero_bias(void) {
    lm_seq2seq *m = make(LM_CELL_LSTM, LM_GRU_TORCH, LM_ATTN_DOT, 0, 1, 6, 7, 4, 5, 2);
    if (!m) return;
    char ih[LM_PARAM_NAME_MAX] = "", hh[LM_PARAM_NAME_MAX + 8];
    for (int k = 0; k < m->n_tensors && !ih[0]; k++)
        if (strstr(m->table[k].name, ".rnn.bias_ih_l")) {
            lm_snprintf(ih, sizeof ih, "%s", m->table[k].name);
            m->params[m->table[k].offset + 2] = (lm_float)-0.0;
        }
    const char *at = strstr(ih, "bias_ih");
    lm_snprintf(hh, sizeof hh, "%.*sbias_hh%s", at ? (int)(at - ih) : 0, ih, at ? at + 7 : "");
    uint8_t *file, *first, *second;
    size_t len, len1, len2;
    CHECK(at && seq2seq_save(m, NULL, &file, &len) == LM_OK, "%s", lm_error_message());
    seq2seq_delete(m);
    if (!at) return;
    CHECK(set_file_float(file, len, hh, 2, -0.0f), "no %s in the saved file", hh);
    lm_seq2seq *a = NULL, *b = NULL;
    CHECK(seq2seq_load(&a, file, len) == LM_OK, "%s", lm_error_message());
    free(file);
    if (!a) return;
    CHECK(seq2seq_save(a, NULL, &first, &len1) == LM_OK, "%s", lm_error_message());
    CHECK(seq2seq_load(&b, first, len1) == LM_OK, "%s", lm_error_message());
    if (b) {
        CHECK(seq2seq_save(b, NULL, &second, &len2) == LM_OK, "%s", lm_error_message());
        CHECK(len1 == len2 && memcmp(first, second, len1) == 0, "save -> load -> save changed the file");
        free(second);
    }
    free(first);
    seq2seq_delete(b);
    seq2seq_delete(a);
}

/* ---- errors ----------------------------------------------------------------------------------- */

/* The exported edge (seq2seq_api.c): every rule once, each failure one sentence naming the function. */
static void test_errors(void) {
    lm_seq2seq *m = NULL;
    CHECK(lm_seq2seq_create(LM_CELL_LSTM, 1, 7, 8, 4, 5, 1, LM_ATTN_NONE, 0, 1, SPAD, TPAD, BOS, EOS, 1, &m) ==
                  LM_ERR_ARG &&
              message_has(
                  "seq2seq_create: out_context feeds the attention context to the output layer; without attention"),
          "%s", lm_error_message());
    CHECK(lm_seq2seq_create(LM_CELL_LSTM, 1, 7, 8, 4, 5, 1, LM_ATTN_ADDITIVE, 0, 0, SPAD, TPAD, BOS, EOS, 1, &m) ==
                  LM_ERR_ARG &&
              message_has("seq2seq_create: additive attention needs a width A"),
          "%s", lm_error_message());
    CHECK(lm_seq2seq_create(LM_CELL_LSTM, 1, 7, 8, 4, 5, 1, LM_ATTN_DOT, 0, 0, SPAD, TPAD, BOS, BOS, 1, &m) ==
                  LM_ERR_ARG &&
              message_has("three different ids"),
          "%s", lm_error_message());
    CHECK(lm_seq2seq_create(LM_CELL_LSTM, 1, 7, 8, 4, 5, 3, LM_ATTN_DOT, 0, 0, SPAD, TPAD, BOS, EOS, 1, &m) ==
                  LM_ERR_ARG &&
              message_has("layers must be between 1 and 2"),
          "%s", lm_error_message());
    CHECK(lm_seq2seq_create(LM_CELL_WINDOW, 1, 7, 8, 4, 5, 1, LM_ATTN_DOT, 0, 0, SPAD, TPAD, BOS, EOS, 1, &m) ==
                  LM_ERR_ARG &&
              message_has("cell 3 is unknown"),
          "%s", lm_error_message());
    CHECK(lm_seq2seq_create(LM_CELL_LSTM, 1, 7, 8, 4, 5, 1, LM_ATTN_DOT, 0, 0, SPAD, TPAD, BOS, EOS, 1, &m) == LM_OK,
          "%s", lm_error_message());
    int32_t src[2 * 3] = {2, 3, 1, 4, SPAD, 5}, tgt[2 * 3] = {BOS, 3, EOS, BOS, 4, EOS};
    double loss, lp[2];
    CHECK(lm_seq2seq_loss_and_grads(m, src, 2, 3, tgt, 2, &loss) == LM_ERR_ARG &&
              message_has("seq2seq_loss_and_grads: source row 1 has a token at position 2 after <pad>"),
          "%s", lm_error_message());
    src[5] = SPAD, src[3] = SPAD;
    CHECK(lm_seq2seq_loss_and_grads(m, src, 2, 3, tgt, 2, &loss) == LM_ERR_ARG &&
              message_has("source row 1 is all <pad>"),
          "%s", lm_error_message());
    src[3] = 9;
    CHECK(lm_seq2seq_loss_and_grads(m, src, 2, 3, tgt, 2, &loss) == LM_ERR_ARG &&
              message_has("id 9 is outside the source vocabulary [0, 7)"),
          "%s", lm_error_message());
    src[3] = 4, tgt[3] = 3;
    CHECK(lm_seq2seq_sequence_logprobs(m, src, 2, 3, tgt, 2, lp) == LM_ERR_ARG &&
              message_has("seq2seq_sequence_logprobs: target row 1 starts with id 3, not <s>"),
          "%s", lm_error_message());
    tgt[3] = BOS, tgt[4] = TPAD;
    CHECK(lm_seq2seq_loss_and_grads(m, src, 2, 3, tgt, 2, &loss) == LM_ERR_ARG &&
              message_has("target row 1 has a token at position 2 after <pad>"),
          "%s", lm_error_message());
    tgt[1] = TPAD, tgt[2] = TPAD, tgt[5] = TPAD;
    CHECK(lm_seq2seq_loss_and_grads(m, src, 2, 3, tgt, 2, &loss) == LM_ERR_EMPTY &&
              message_has("no target token to predict"),
          "%s", lm_error_message());
    CHECK(lm_seq2seq_loss_and_grads(m, src, 2, 0, tgt, 2, &loss) == LM_ERR_ARG &&
              message_has("seq2seq_loss_and_grads: Ts (source steps) must be between 1 and 1024, got 0"),
          "%s", lm_error_message());
    CHECK(lm_seq2seq_loss_and_grads(m, NULL, 2, 3, tgt, 2, &loss) == LM_ERR_ARG && message_has("src is NULL"), "%s",
          lm_error_message());
    int32_t out[4], len;
    CHECK(lm_seq2seq_beam(m, src, 3, 0, 4, out, &len, NULL, NULL) == LM_ERR_ARG &&
              message_has("seq2seq_beam: K (beam width) must be between 1 and 64, got 0"),
          "%s", lm_error_message());
    CHECK(lm_seq2seq_greedy(m, src, 1, 3, 0, out, &len, NULL, NULL) == LM_ERR_ARG &&
              message_has("seq2seq_greedy: max_len (output length cap) must be between 1 and 1024"),
          "%s", lm_error_message());
    CHECK(lm_seq2seq_greedy((lm_seq2seq *)src, src, 1, 3, 4, out, &len, NULL, NULL) == LM_ERR_HANDLE &&
              message_has("seq2seq_greedy: model is not a live seq2seq model"),
          "%s", lm_error_message());
    double rel[LM_S2S_MAX_TENSORS];
    tgt[1] = 3, tgt[2] = EOS, tgt[4] = 4, tgt[5] = EOS;
    CHECK(lm_seq2seq_gradient_check(m, src, 2, 3, tgt, 2, 0, 1e-3, 1, rel) == LM_ERR_ARG &&
              message_has("samples must be"),
          "%s", lm_error_message());
    /* pairs for the trainer: the first bad one is named */
    int32_t ps[4] = {2, 3, 4, SPAD}, pl[2] = {2, 2}, pt[6] = {BOS, 3, EOS, BOS, 4, EOS}, ptl[2] = {3, 3};
    lm_seq2seq_trainer *t = NULL;
    CHECK(lm_seq2seq_trainer_create(m, ps, pl, pt, ptl, 2, 4, LM_OPT_ADAM, 0.01, 0, 0, 0, 1, &t) == LM_ERR_ARG &&
              message_has("seq2seq_trainer_create: pair 1: the source holds <pad> at position 1"),
          "%s", lm_error_message());
    ps[3] = 5, pt[5] = BOS;
    CHECK(lm_seq2seq_trainer_create(m, ps, pl, pt, ptl, 2, 4, LM_OPT_ADAM, 0.01, 0, 0, 0, 1, &t) == LM_ERR_ARG &&
              message_has("pair 1: the target holds a second <s> at position 2"),
          "%s", lm_error_message());
    pt[5] = EOS;
    CHECK(lm_seq2seq_trainer_create(m, ps, pl, pt, ptl, 2, 4, LM_OPT_ADAM, -1, 0, 0, 0, 1, &t) == LM_ERR_ARG &&
              message_has("seq2seq_trainer_create: lr"),
          "%s", lm_error_message());
    CHECK(lm_seq2seq_trainer_create(m, ps, pl, pt, ptl, 0, 4, LM_OPT_ADAM, 0.01, 0, 0, 0, 1, &t) == LM_ERR_EMPTY &&
              message_has("no training pairs"),
          "%s", lm_error_message());
    CHECK(lm_seq2seq_trainer_create(m, ps, pl, pt, ptl, 2, 4, LM_OPT_ADAM, 0.01, 0, 0, 0, 1, &t) == LM_OK, "%s",
          lm_error_message());
    double stats[LM_S2S_STATS_COUNT];
    CHECK(lm_seq2seq_trainer_train(t, 3, stats) == LM_OK && stats[LM_S2S_STATS_STEP] == 3 &&
              stats[LM_S2S_STATS_PAIRS] == 12,
          "train through the edge: %s", lm_error_message());
    lm_bytes *file = NULL;
    uint8_t *data;
    uint32_t flen;
    CHECK(lm_seq2seq_save(m, t, &file) == LM_OK && lm_bytes_view(file, &data, &flen) == LM_OK, "%s",
          lm_error_message());
    lm_seq2seq *back = NULL;
    CHECK(lm_seq2seq_load(data, flen, &back) == LM_OK, "%s", lm_error_message());
    CHECK(lm_seq2seq_load(data, 7, &back) == LM_ERR_FORMAT, "a 7-byte file: %s", lm_error_message());
    lm_model *lm = NULL; /* a seq2seq file is not a language model file, and the other way round */
    CHECK(lm_model_load(data, flen, &lm) == LM_ERR_FORMAT, "a seq2seq file as a language model: %s",
          lm_error_message());
    lm_bytes_free(file);
    CHECK(lm_model_create(LM_CELL_RNN, 5, 0, 3, 1, 0, 0, 1, &lm) == LM_OK && lm_model_save(lm, NULL, &file) == LM_OK &&
              lm_bytes_view(file, &data, &flen) == LM_OK,
          "%s", lm_error_message());
    lm_seq2seq *wrong = NULL;
    CHECK(lm_seq2seq_load(data, flen, &wrong) == LM_ERR_FORMAT && message_has("it is a language model; load it as one"),
          "%s", lm_error_message());
    lm_bytes_free(file);
    lm_model_free(lm);
    CHECK(lm_seq2seq_free(m) == LM_OK, "free");
    CHECK(lm_seq2seq_trainer_train(t, 1, stats) == LM_ERR_HANDLE && message_has("dispose the trainer before its model"),
          "%s", lm_error_message());
    lm_seq2seq_trainer_free(t);
    lm_seq2seq_free(back);
}

int main(void) {
    const lm_attn_score atts[3] = {LM_ATTN_NONE, LM_ATTN_DOT, LM_ATTN_ADDITIVE};
    const lm_cell cells[3] = {LM_CELL_RNN, LM_CELL_LSTM, LM_CELL_GRU};
    for (int c = 0; c < 3; c++)
        for (int a = 0; a < 3; a++) {
            const int ctx = atts[a] != LM_ATTN_NONE ? (c + a) % 2 : 0; /* both output layers across the grid */
            test_gradients(cells[c], LM_GRU_TORCH, atts[a], ctx, 1 + (c + a) % 2);
        }
    test_gradients(LM_CELL_GRU, LM_GRU_LECTURE, LM_ATTN_ADDITIVE, 1, 2);
    test_gradients(LM_CELL_LSTM, LM_GRU_TORCH, LM_ATTN_DOT, 1, 2);
    test_check_can_fail();
    for (int c = 0; c < 3; c++)
        for (int a = 0; a < 3; a++) test_padding_invariance(cells[c], atts[a]);
    test_training();
    if (trained) test_greedy();
    seq2seq_delete(trained);
    test_beam_is_best();
    test_files();
    test_negative_zero_bias();
    test_errors();
    return check_summary("test_seq2seq");
}
