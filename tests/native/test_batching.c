/* test_batching.c — batches of sentences: the masked loss and its gradients for every cell (numerical
 * checks, double build: rel error < 1e-6), padding that changes nothing (extra columns, other pad ids),
 * the mask against the unmasked objective, the sentence trainer (pieces, order, wraps, one step by hand,
 * save and resume) and the edge's sentences for bad starts, a short corpus and a batching mismatch.
 * Shapes: N sentences, T time steps (padded), V vocabulary, E embedding, H hidden, L layers, W window. */
#include "check.h"
#include "lmlab.h"
#include "model.h"
#include "model_io.h"
#include "serialize.h"
#include "trainer.h"

#include <stdlib.h>
#include <string.h>

#ifdef LM_DOUBLE
#define GRAD_TOL 1e-6
#define GRAD_EPS 5e-5 /* balances truncation (eps²) and round-off (1/eps) for these weights (×40) */
#define SAME_TOL 1e-12
#else
#define GRAD_TOL 5e-2
#define GRAD_EPS 1e-2
#define SAME_TOL 1e-5
#endif

typedef struct {
    const char *label;
    lm_model_config cfg;
} cell_case;

/* cell, V, E, H, L, seed, W, gru_variant */
static const cell_case cases[] = {
    {"rnn L1 one-hot", {LM_CELL_RNN, 7, 0, 5, 1, 1, 0, 0}},
    {"rnn L2 embedding", {LM_CELL_RNN, 7, 3, 4, 2, 2, 0, 0}},
    {"lstm L2 embedding", {LM_CELL_LSTM, 8, 3, 4, 2, 3, 0, 0}},
    {"gru torch L1 one-hot", {LM_CELL_GRU, 7, 0, 5, 1, 4, 0, LM_GRU_TORCH}},
    {"gru lecture L2 embedding", {LM_CELL_GRU, 7, 3, 4, 2, 5, 0, LM_GRU_LECTURE}},
    {"window W3", {LM_CELL_WINDOW, 9, 3, 5, 1, 6, 3, 0}},
};
enum { N_CASES = sizeof cases / sizeof *cases };

/* A model with weights large enough that no gradient is tiny, and no bias exactly zero. */
static lm_model *make(const lm_model_config *c) {
    lm_model *m = NULL;
    CHECK(model_new(&m, c) == LM_OK, "model_new: %s", lm_error_message());
    for (int k = 0; m && k < m->n_tensors; k++)
        for (size_t i = 0; strcmp(m->table[k].lecture, "W_embed") != 0 && i < m->table[k].count; i++)
            m->params[m->table[k].offset + i] *= 40;
    for (size_t i = 0; m && i < m->n_params; i++)
        if (m->params[i] == 0) m->params[i] = (lm_float)(0.07 * ((int)(i % 7) - 3));
    return m;
}

/* Three sentences of 5, 3 and 2 tokens (4, 2 and 1 targets) padded to T = 4 with pad id `pad`, then
 * `extra` more padded columns: ids (3, T+1), mask (3, T). */
enum { NS = 3 };
static const int32_t sent[NS][5] = {{1, 4, 2, 5, 0}, {3, 1, 6, 0, 0}, {2, 5, 0, 0, 0}};
static const int sent_len[NS] = {5, 3, 2};
static int padded(int32_t *ids, uint8_t *mask, int extra, int32_t pad) {
    const int T = 4 + extra;
    for (int n = 0; n < NS; n++) {
        for (int t = 0; t <= T; t++) ids[n * (T + 1) + t] = t < sent_len[n] ? sent[n][t] : pad;
        for (int t = 0; t < T; t++) mask[n * T + t] = t < sent_len[n] - 1;
    }
    return T;
}

static void test_gradient_checks(void) {
    int32_t ids[NS * 6];
    uint8_t mask[NS * 5];
    for (int c = 0; c < N_CASES; c++) {
        lm_model *m = make(&cases[c].cfg);
        if (!m) return;
        int T = padded(ids, mask, 1, 0); /* a padded column beyond every sentence too */
        double rel[LM_MODEL_MAX_TENSORS];
        CHECK(model_gradient_check_masked(m, ids, mask, NS, T, 30, GRAD_EPS, 3, rel) == LM_OK, "%s: %s", cases[c].label,
              lm_error_message());
        for (int k = 0; k < m->n_tensors; k++)
            CHECK(rel[k] < GRAD_TOL, "%s: %s (%s) relative error %.3g", cases[c].label, m->table[k].name,
                  m->table[k].lecture, rel[k]);
        model_delete(m);
    }
    /* the check must catch a real bug: one masked gradient by hand, against centered differences of the
     * objective (the real tokens' cross-entropy summed, over N) */
    lm_model *m = make(&cases[0].cfg);
    int T = padded(ids, mask, 0, 0);
    double loss;
    CHECK(model_loss_and_grads_masked(m, ids, mask, NS, T, &loss) == LM_OK, "%s", lm_error_message());
    size_t i = m->table[1].offset + 3; /* an entry of Wh */
    lm_float saved = m->params[i], g = m->grads[i];
    double plus, minus;
    m->params[i] = saved + (lm_float)GRAD_EPS;
    model_loss_and_grads_masked(m, ids, mask, NS, T, &plus);
    m->params[i] = saved - (lm_float)GRAD_EPS;
    model_loss_and_grads_masked(m, ids, mask, NS, T, &minus);
    m->params[i] = saved;
    const double real = 4 + 2 + 1; /* the loss is per real token: times 7 real tokens, over N = 3 */
    double numeric = (plus - minus) * real / NS / (2 * GRAD_EPS);
    CHECK(fabs(numeric - g) <= 2e-2 * fabs(numeric) + 1e-6, "Wh[3] numeric %g analytic %g", numeric, (double)g);
    model_delete(m);
}

/* Extra padded columns and other pad ids change neither the loss nor any gradient. */
static void test_padding_changes_nothing(void) {
    int32_t ids[NS * 9];
    uint8_t mask[NS * 8];
    lm_float *base = NULL;
    for (int c = 0; c < N_CASES; c++) {
        lm_model *m = make(&cases[c].cfg);
        if (!m) return;
        base = realloc(base, m->n_params * sizeof *base);
        double loss0 = 0, loss;
        for (int variant = 0; variant < 3; variant++) {
            int extra = variant == 0 ? 0 : variant == 1 ? 4 : 2;
            int32_t pad = variant == 2 ? (int32_t)(m->cfg.V - 1) : 0;
            int T = padded(ids, mask, extra, pad);
            CHECK(model_loss_and_grads_masked(m, ids, mask, NS, T, &loss) == LM_OK, "%s", lm_error_message());
            if (variant == 0) {
                loss0 = loss;
                memcpy(base, m->grads, m->n_params * sizeof *base);
                continue;
            }
            CHECK(check_close(loss, loss0, SAME_TOL), "%s variant %d: loss %.15g vs %.15g", cases[c].label, variant,
                  loss, loss0);
            double worst = 0;
            for (size_t i = 0; i < m->n_params; i++) {
                double d =
                    fabs((double)m->grads[i] - base[i]) / (fabs((double)base[i]) > 1 ? fabs((double)base[i]) : 1);
                worst = d > worst ? d : worst;
            }
            CHECK(worst <= SAME_TOL, "%s variant %d: gradients differ by %.3g", cases[c].label, variant, worst);
        }
        /* and the loss is the mean per real token: each sentence alone, summed, over the 7 real tokens */
        double sum = 0, one;
        for (int n = 0; n < NS; n++) {
            int32_t row[5];
            uint8_t all[4] = {1, 1, 1, 1};
            memcpy(row, sent[n], sizeof row);
            CHECK(model_loss_and_grads_masked(m, row, all, 1, sent_len[n] - 1, &one) == LM_OK, "%s",
                  lm_error_message());
            sum += one * (sent_len[n] - 1);
        }
        CHECK(check_close(sum / 7, loss0, SAME_TOL * 10), "%s: per-sentence sum %.15g vs batch %.15g", cases[c].label,
              sum / 7, loss0);
        model_delete(m);
    }
    free(base);
}

/* Nothing masked: the masked objective is the streams' (window sum over N) from the empty state. */
static void test_unmasked_equals_streams(void) {
    for (int c = 0; c < N_CASES; c++) {
        lm_model *m = make(&cases[c].cfg);
        if (!m) return;
        enum { N = 2, T = 4 };
        int32_t ids[N * (T + 1)] = {1, 2, 3, 4, 5, 0, 5, 4, 3, 2};
        uint8_t ones[N * T];
        memset(ones, 1, sizeof ones);
        double masked, plain;
        CHECK(model_loss_and_grads_masked(m, ids, ones, N, T, &masked) == LM_OK, "%s", lm_error_message());
        lm_float *g = malloc(m->n_params * sizeof *g);
        memcpy(g, m->grads, m->n_params * sizeof *g);
        CHECK(model_loss_and_grads_from(m, ids, N, T, NULL, &plain) == LM_OK, "%s", lm_error_message());
        CHECK(check_close(masked, plain, SAME_TOL), "%s: %.15g vs %.15g", cases[c].label, masked, plain);
        double worst = 0;
        for (size_t i = 0; i < m->n_params; i++) {
            double d = fabs((double)m->grads[i] - g[i]) / (fabs((double)g[i]) > 1 ? fabs((double)g[i]) : 1);
            worst = d > worst ? d : worst;
        }
        CHECK(worst <= SAME_TOL * 10, "%s: gradients differ by %.3g", cases[c].label, worst);
        free(g);
        model_delete(m);
    }
}

/* The largest |a - b| / max(1, |b|) over n parameters. */
static double max_diff(const lm_float *a, const lm_float *b, size_t n) {
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)a[i] - b[i]) / (fabs((double)b[i]) > 1 ? fabs((double)b[i]) : 1);
        worst = d > worst ? d : worst;
    }
    return worst;
}

static lm_optim_config sgd(double lr) {
    lm_optim_config o = lm_optim_defaults(LM_OPT_SGD);
    o.lr = lr;
    return o;
}

/* Pieces, order and wraps; one step equals the masked step by hand; the carry is never touched. */
static void test_trainer(void) {
    lm_model *m = make(&cases[0].cfg);
    lm_model *ref = make(&cases[0].cfg);
    /* sentences of 4, 1, 7 and 3 tokens; T = 3: the 7 cuts into 0..3 and 3..6 (sharing token 3) */
    const int32_t ids[] = {1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 6, 0, 6, 5, 4};
    const int32_t starts[] = {0, 4, 5, 12, 15};
    lm_optim_config o = sgd(0.1);
    lm_trainer *t = NULL;
    CHECK(trainer_new_sentences(&t, m, ids, 15, starts, 4, 2, 3, &o) == LM_OK, "%s", lm_error_message());
    if (!t) return;
    CHECK(t->n_pieces == 4, "pieces %zu, want 4 (the one-token sentence dropped)", t->n_pieces);
    const size_t want_start[] = {0, 5, 8, 12};
    const int32_t want_len[] = {4, 4, 4, 3};
    for (size_t k = 0; k < 4 && k < t->n_pieces; k++)
        CHECK(t->piece_start[k] == want_start[k] && t->piece_len[k] == want_len[k], "piece %zu: start %zu len %d", k,
              t->piece_start[k], t->piece_len[k]);
    /* step 1 by hand: pieces 0 and 1, no padding (both 3 targets) */
    int32_t batch[2 * 4] = {1, 2, 3, 4, 1, 2, 3, 4};
    uint8_t mask[2 * 3] = {1, 1, 1, 1, 1, 1};
    double loss;
    CHECK(model_loss_and_grads_masked(ref, batch, mask, 2, 3, &loss) == LM_OK, "%s", lm_error_message());
    for (size_t i = 0; i < ref->n_params; i++) ref->params[i] -= (lm_float)(0.1 * ref->grads[i]);
    lm_train_stats st;
    CHECK(trainer_train(t, 1, &st) == LM_OK, "%s", lm_error_message());
    CHECK(check_close(st.loss, loss, SAME_TOL), "step 1 loss %.15g vs %.15g", st.loss, loss);
    CHECK(max_diff(m->params, ref->params, m->n_params) <= SAME_TOL, "step 1 parameters differ by %.3g",
          max_diff(m->params, ref->params, m->n_params));
    CHECK(t->pos == 2 && t->wraps == 0, "after step 1: pos %zu wraps %llu", t->pos, (unsigned long long)t->wraps);
    /* step 2: pieces 2 (3 targets) and 3 (2 targets, one padded position) */
    int32_t batch2[2 * 4] = {4, 5, 6, 0, 6, 5, 4, 0};
    uint8_t mask2[2 * 3] = {1, 1, 1, 1, 1, 0};
    CHECK(model_loss_and_grads_masked(ref, batch2, mask2, 2, 3, &loss) == LM_OK, "%s", lm_error_message());
    for (size_t i = 0; i < ref->n_params; i++) ref->params[i] -= (lm_float)(0.1 * ref->grads[i]);
    CHECK(trainer_train(t, 1, &st) == LM_OK, "%s", lm_error_message());
    CHECK(check_close(st.loss, loss, SAME_TOL), "step 2 loss %.15g vs %.15g", st.loss, loss);
    CHECK(max_diff(m->params, ref->params, m->n_params) <= SAME_TOL, "step 2 parameters differ by %.3g",
          max_diff(m->params, ref->params, m->n_params));
    CHECK(t->pos == 0 && t->wraps == 1, "after step 2: pos %zu wraps %llu", t->pos, (unsigned long long)t->wraps);
    /* three more: pieces 0 1, 2 3, 0 1; the carry was never created */
    CHECK(trainer_train(t, 3, &st) == LM_OK, "%s", lm_error_message());
    CHECK(t->pos == 2 && t->wraps == 2, "after 5 steps: pos %zu wraps %llu", t->pos, (unsigned long long)t->wraps);
    CHECK(m->carry_N == 0, "sentence training must not carry a state (carry_N %d)", m->carry_N);
    trainer_delete(t);
    /* an odd count of pieces with N = 3 cycles through them: 0 1 2, 3 0 1, ... */
    CHECK(trainer_new_sentences(&t, m, ids, 15, starts, 4, 3, 3, &o) == LM_OK, "%s", lm_error_message());
    CHECK(trainer_train(t, 1, &st) == LM_OK && t->pos == 3 && t->wraps == 0, "pos %zu", t->pos);
    CHECK(trainer_train(t, 1, &st) == LM_OK && t->pos == 2 && t->wraps == 1, "pos %zu wraps %llu", t->pos,
          (unsigned long long)t->wraps);
    trainer_delete(t);
    model_delete(m);
    model_delete(ref);
}

/* Save with a sentence trainer, resume: position, step and moments come back; no state tensors. */
static void test_resume(void) {
    lm_model *m = make(&cases[2].cfg);
    const int32_t ids[] = {1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 6, 0, 6, 5, 4, 7, 1};
    const int32_t starts[] = {0, 4, 5, 12, 15, 17};
    lm_optim_config o = lm_optim_defaults(LM_OPT_ADAM);
    o.lr = 0.01;
    lm_trainer *t = NULL, *u = NULL;
    lm_train_stats st;
    CHECK(trainer_new_sentences(&t, m, ids, 17, starts, 5, 2, 3, &o) == LM_OK, "%s", lm_error_message());
    CHECK(trainer_train(t, 3, &st) == LM_OK, "%s", lm_error_message());
    uint8_t *bytes = NULL;
    size_t len = 0;
    CHECK(model_save(m, t, &bytes, &len) == LM_OK, "%s", lm_error_message());
    lm_st_file f;
    CHECK(lm_st_read(&f, bytes, len) == LM_OK && !lm_st_find(&f, "state.h") && !lm_st_find(&f, "state.c"),
          "a sentence trainer's file carries no state");
    lm_st_free(&f);
    CHECK(trainer_train(t, 2, &st) == LM_OK, "%s", lm_error_message());
    double after = st.last_loss;
    lm_model *back = NULL;
    CHECK(model_load(&back, bytes, len) == LM_OK, "%s", lm_error_message());
    CHECK(trainer_new_sentences(&u, back, ids, 17, starts, 5, 2, 3, &o) == LM_OK, "%s", lm_error_message());
    CHECK(trainer_restore(u, bytes, len) == LM_OK, "%s", lm_error_message());
    CHECK(u->pos == 1 && u->wraps == 1 && u->opt.step == 3, "resumed pos %zu wraps %llu step %lld", u->pos,
          (unsigned long long)u->wraps, (long long)u->opt.step);
    CHECK(trainer_train(u, 2, &st) == LM_OK, "%s", lm_error_message());
    double tol = sizeof(lm_float) == 4 ? 0 : 1e-6; /* the file holds float32 */
    CHECK(check_close(st.last_loss, after, tol), "resumed run %.17g vs uninterrupted %.17g", st.last_loss, after);
    trainer_delete(u);
    /* a streams trainer refuses the sentence checkpoint, and the other way round, naming both */
    lm_trainer *streams = NULL;
    CHECK(trainer_new(&streams, back, ids, 17, 2, 3, &o) == LM_OK, "%s", lm_error_message());
    lm_status s = trainer_restore(streams, bytes, len);
    CHECK(s == LM_ERR_ARG && strstr(lm_error_message(), "trained on sentences") &&
              strstr(lm_error_message(), "batches streams"),
          "status %d: %s", s, lm_error_message());
    CHECK(streams->pos == 0 && streams->opt.step == 0, "a refused restore leaves the trainer as it was");
    uint8_t *stream_bytes = NULL;
    size_t stream_len = 0;
    CHECK(model_save(back, streams, &stream_bytes, &stream_len) == LM_OK, "%s", lm_error_message());
    CHECK(trainer_new_sentences(&u, back, ids, 17, starts, 5, 2, 3, &o) == LM_OK, "%s", lm_error_message());
    s = trainer_restore(u, stream_bytes, stream_len);
    CHECK(s == LM_ERR_ARG && strstr(lm_error_message(), "trained on streams"), "status %d: %s", s, lm_error_message());
    trainer_delete(u);
    trainer_delete(streams);
    trainer_delete(t);
    free(bytes);
    free(stream_bytes);
    model_delete(m);
    model_delete(back);
}

/* The edge: each bad argument gets its sentence and no trainer. */
static void test_api_errors(void) {
    lm_model *m = NULL;
    CHECK(lm_model_create(LM_CELL_RNN, 8, 0, 4, 1, 0, 0, 1, &m) == LM_OK, "%s", lm_error_message());
    const int32_t ids[] = {1, 2, 3, 4, 5, 6, 7, 1, 2};
    const int32_t good[] = {0, 3, 6, 9}, first[] = {1, 3, 6, 9}, back[] = {0, 5, 4, 9}, short_end[] = {0, 3, 6, 8};
    lm_trainer *t = (lm_trainer *)&m; /* must be set to NULL on failure */
    CHECK_FAILS(lm_trainer_create_sentences(m, ids, 9, first, 3, 2, 4, LM_OPT_SGD, 0.1, 0, 0, 0, &t), LM_ERR_ARG,
                "but starts[0] = 1");
    CHECK(t == NULL, "a refused trainer is NULL");
    CHECK_FAILS(lm_trainer_create_sentences(m, ids, 9, back, 3, 2, 4, LM_OPT_SGD, 0.1, 0, 0, 0, &t), LM_ERR_ARG,
                "must rise from 0 to the token count 9, but starts[2] = 4");
    CHECK_FAILS(lm_trainer_create_sentences(m, ids, 9, short_end, 3, 2, 4, LM_OPT_SGD, 0.1, 0, 0, 0, &t), LM_ERR_ARG,
                "but starts[3] = 8");
    CHECK_FAILS(lm_trainer_create_sentences(m, ids, 9, NULL, 3, 2, 4, LM_OPT_SGD, 0.1, 0, 0, 0, &t), LM_ERR_ARG,
                "starts is NULL");
    CHECK_FAILS(lm_trainer_create_sentences(m, ids, 9, good, 0, 2, 4, LM_OPT_SGD, 0.1, 0, 0, 0, &t), LM_ERR_ARG,
                "S (sentences) must be at least 1");
    CHECK_FAILS(lm_trainer_create_sentences(m, ids, 9, good, 3, 4, 4, LM_OPT_SGD, 0.1, 0, 0, 0, &t), LM_ERR_EMPTY,
                "3 sentences of two or more tokens (cut at 4+1), fewer than the batch of 4");
    const int32_t bad_ids[] = {1, 2, 3, 4, 5, 6, 8, 1, 2};
    CHECK_FAILS(lm_trainer_create_sentences(m, bad_ids, 9, good, 3, 2, 4, LM_OPT_SGD, 0.1, 0, 0, 0, &t), LM_ERR_ARG,
                "ids[6] = 8 is not a token id");
    CHECK_FAILS(lm_trainer_create_sentences(m, ids, 9, good, 3, 2, 4, LM_OPT_SGD, -1, 0, 0, 0, &t), LM_ERR_ARG, "lr");
    CHECK(lm_trainer_create_sentences(m, ids, 9, good, 3, 2, 4, LM_OPT_SGD, 0.1, 0, 0, 0, &t) == LM_OK, "%s",
          lm_error_message());
    double info[LM_TRAINER_INFO_COUNT];
    CHECK(lm_trainer_info(t, info) == LM_OK && info[LM_TRAINER_INFO_SENTENCES] == 3, "info sentences %g",
          info[LM_TRAINER_INFO_SENTENCES]);
    lm_trainer_free(t);
    /* the masked loss's edge */
    int32_t win[2 * 3] = {1, 2, 3, 4, 0, 0};
    uint8_t mask[2 * 2] = {1, 1, 1, 0};
    double loss;
    CHECK_FAILS(lm_model_loss_and_grads_masked(m, win, NULL, 2, 2, &loss), LM_ERR_ARG, "mask is NULL");
    win[5] = 9; /* padding must still be a token id: it passes through the cells */
    CHECK_FAILS(lm_model_loss_and_grads_masked(m, win, mask, 2, 2, &loss), LM_ERR_ARG, "ids[1, 2] = 9");
    win[5] = 0;
    CHECK(lm_model_loss_and_grads_masked(m, win, mask, 2, 2, &loss) == LM_OK, "%s", lm_error_message());
    double rel[8];
    CHECK(lm_model_gradient_check(m, win, mask, 2, 2, 5, 1e-3, 1, rel) == LM_OK, "%s", lm_error_message());
    lm_model_free(m);
}

int main(void) {
    test_gradient_checks();
    test_padding_changes_nothing();
    test_unmasked_equals_streams();
    test_trainer();
    test_resume();
    test_api_errors();
    return check_summary("test_batching");
}
