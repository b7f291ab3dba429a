/* test_ladder.c — every cell of the model ladder (RNN, LSTM, GRU in both variants, fixed window) as a
 * whole model: numerical gradient checks (double build: rel error < 1e-6) for L = 1 and L = 2, carried
 * state across truncated-BPTT windows (LSTM h and c, the window model's previous ids), save/load and
 * resume round trips, the probes (gates, c_t), generation, and the bad configurations' error sentences.
 * Shapes: N streams, T window, V vocabulary, E embedding, H hidden, L layers, W window. */
#include "check.h"
#include "lmlab.h"
#include "model.h"
#include "model_io.h"
#include "sample.h"
#include "serialize.h"
#include "trainer.h"

#include <stdlib.h>
#include <string.h>

#ifdef LM_DOUBLE
#define GRAD_TOL 1e-6
#define GRAD_EPS 1e-4 /* 1e-5 leaves round-off of ~1e-15 · loss / eps, too much for the smallest GRU entries */
#else
#define GRAD_TOL 5e-2
#define GRAD_EPS 1e-2
#endif

typedef struct {
    const char *label;
    lm_model_config cfg;
} cell_case;

/* cell, V, E, H, L, seed, W, gru_variant */
static const cell_case cases[] = {
    {"rnn L2 embedding", {LM_CELL_RNN, 7, 3, 4, 2, 1, 0, 0}},
    {"lstm L1 one-hot", {LM_CELL_LSTM, 7, 0, 5, 1, 2, 0, 0}},
    {"lstm L2 embedding", {LM_CELL_LSTM, 8, 3, 4, 2, 3, 0, 0}},
    {"gru torch L1 one-hot", {LM_CELL_GRU, 7, 0, 5, 1, 4, 0, LM_GRU_TORCH}},
    {"gru torch L2 embedding", {LM_CELL_GRU, 8, 3, 4, 2, 5, 0, LM_GRU_TORCH}},
    {"gru lecture L2 one-hot", {LM_CELL_GRU, 6, 0, 4, 2, 6, 0, LM_GRU_LECTURE}},
    {"window W3", {LM_CELL_WINDOW, 9, 3, 5, 1, 7, 3, 0}},
    {"window W1", {LM_CELL_WINDOW, 7, 2, 4, 1, 8, 1, 0}},
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

static void random_ids(int32_t *ids, size_t n, int V, uint32_t seed) {
    lm_rng r;
    lm_rng_seed(&r, seed);
    for (size_t i = 0; i < n; i++) ids[i] = (int32_t)lm_rng_below(&r, (uint32_t)V);
}

static void test_gradient_checks(void) {
    for (int c = 0; c < N_CASES; c++) {
        lm_model *m = make(&cases[c].cfg);
        if (!m) continue;
        const int N = 3, T = 5, V = m->cfg.V;
        int32_t ids[3 * 6];
        random_ids(ids, 18, V, 10 + (uint32_t)c);
        double loss;
        /* one step first: the check then starts from a non-empty carried state (h, c, or ids) */
        CHECK(model_loss_and_grads(m, ids, N, T, &loss) == LM_OK, "%s: %s", cases[c].label, lm_error_message());
        random_ids(ids, 18, V, 40 + (uint32_t)c);
        double rel[LM_MODEL_MAX_TENSORS];
        CHECK(model_gradient_check(m, ids, N, T, 30, GRAD_EPS, 3, rel) == LM_OK, "%s", lm_error_message());
        for (int k = 0; k < m->n_tensors; k++)
            CHECK(rel[k] < GRAD_TOL, "%s: %s (%s) relative error %.3g", cases[c].label, m->table[k].name,
                  m->table[k].lecture, rel[k]);
        model_delete(m);
    }
}

/* Two windows with the carried state = one window of twice the length; a reset in between differs. */
static void test_carried_state(void) {
    for (int c = 0; c < N_CASES; c++) {
        lm_model *m = make(&cases[c].cfg);
        if (!m) continue;
        const int N = 2, T = 4, V = m->cfg.V;
        int32_t stream[2 * 9], one[2 * 9], a[2 * 5], b[2 * 5];
        random_ids(stream, 18, V, 70 + (uint32_t)c);
        for (int n = 0; n < N; n++)
            for (int t = 0; t < 9; t++) {
                one[n * 9 + t] = stream[n * 9 + t];
                if (t < 5) a[n * 5 + t] = stream[n * 9 + t];
                if (t >= 4) b[n * 5 + t - 4] = stream[n * 9 + t];
            }
        double la, lb, lone;
        model_reset_state(m);
        CHECK(model_loss_and_grads(m, a, N, T, &la) == LM_OK, "%s", lm_error_message());
        CHECK(model_loss_and_grads(m, b, N, T, &lb) == LM_OK, "%s", lm_error_message());
        model_reset_state(m);
        CHECK(model_loss_and_grads(m, one, N, 2 * T, &lone) == LM_OK, "%s", lm_error_message());
        CHECK(check_close((la + lb) / 2, lone, 1e-5), "%s: two windows %.9g vs one %.9g", cases[c].label, (la + lb) / 2,
              lone);
        if (!(m->cfg.cell == LM_CELL_WINDOW && m->cfg.W == 1)) { /* W = 1 carries nothing */
            model_reset_state(m);
            model_loss_and_grads(m, b, N, T, &lb);
            double lb_carried;
            model_reset_state(m);
            model_loss_and_grads(m, a, N, T, &la);
            model_loss_and_grads(m, b, N, T, &lb_carried);
            CHECK(!check_close(lb, lb_carried, 1e-7), "%s: the carried state must matter", cases[c].label);
        }
        /* generation steps agree with the batch forward: step through `one` row 0 */
        lm_float *state = calloc(model_state_count(m, 1) + 1, sizeof(lm_float));
        lm_float logits[9], lp[9];
        model_empty_state(m, state, 1);
        double sum = 0;
        for (int t = 0; t < 8; t++) {
            model_step(m, one[t], state, logits);
            double max = logits[0], z = 0;
            for (int v = 1; v < V; v++) max = logits[v] > max ? logits[v] : max;
            for (int v = 0; v < V; v++) z += exp((double)logits[v] - max);
            sum += (double)logits[one[t + 1]] - max - log(z);
        }
        double row[1];
        model_sequence_logprobs(m, one, 1, 8, row);
        CHECK(check_close(sum, row[0], 1e-5), "%s: stepping %.9g vs batch %.9g", cases[c].label, sum, row[0]);
        /* the empty context: next_logprobs of nothing = what the batch forward gives the first token */
        model_next_logprobs(m, NULL, 0, lp);
        int32_t pair[2] = {one[0], one[1]};
        double first;
        model_sequence_logprobs(m, pair, 1, 1, &first);
        lm_float after[9];
        model_next_logprobs(m, pair, 1, after);
        CHECK(check_close(first, after[one[1]], 1e-5), "%s: next_logprobs", cases[c].label);
        free(state);
        model_delete(m);
    }
}

/* save -> load gives the same logits; save with a trainer -> resume gives the same next losses. */
static void test_files(void) {
    enum { LEN = 300 };
    int32_t text[LEN];
    for (int i = 0; i < LEN; i++) text[i] = (i * 5 + i / 7) % 6;
    for (int c = 0; c < N_CASES; c++) {
        lm_model_config cfg = cases[c].cfg;
        cfg.V = 6 > cfg.V ? 6 : cfg.V;
        lm_model *a = make(&cfg);
        if (!a) continue;
        lm_optim_config oc = lm_optim_defaults(LM_OPT_ADAM);
        oc.clip = 5;
        lm_trainer *ta = NULL, *tb = NULL;
        CHECK(trainer_new(&ta, a, text, LEN, 3, 7, &oc) == LM_OK, "%s", lm_error_message());
        lm_train_stats sa, sb;
        trainer_train(ta, 5, &sa);
        uint8_t *bytes = NULL;
        size_t len = 0;
        CHECK(model_save(a, ta, &bytes, &len) == LM_OK, "%s: %s", cases[c].label, lm_error_message());
        lm_model *b = NULL;
        CHECK(model_load(&b, bytes, len) == LM_OK, "%s: %s", cases[c].label, lm_error_message());
        if (b) {
            CHECK(b->cfg.cell == cfg.cell && b->cfg.W == cfg.W && b->cfg.L == cfg.L && b->n_params == a->n_params &&
                      (cfg.cell != LM_CELL_GRU || b->cfg.gru_variant == cfg.gru_variant),
                  "%s: config survives", cases[c].label);
            lm_float la[2 * 4 * 9], lb[2 * 4 * 9];
            model_logits(a, text, 2, 4, la);
            model_logits(b, text, 2, 4, lb);
            int same = 1;
            for (int i = 0; i < 2 * 4 * cfg.V; i++) same &= check_close(la[i], lb[i], sizeof(lm_float) == 4 ? 0 : 1e-6);
            CHECK(same, "%s: save -> load -> same logits", cases[c].label);
            CHECK(trainer_new(&tb, b, text, LEN, 3, 7, &oc) == LM_OK, "%s", lm_error_message());
            CHECK(trainer_restore(tb, bytes, len) == LM_OK, "%s: %s", cases[c].label, lm_error_message());
            trainer_train(ta, 3, &sa);
            trainer_train(tb, 3, &sb);
            double tol = sizeof(lm_float) == 4 ? 0 : 1e-6;
            CHECK(check_close(sa.loss, sb.loss, tol), "%s: resumed loss %.9g vs %.9g", cases[c].label, sb.loss,
                  sa.loss);
        }
        trainer_delete(tb);
        trainer_delete(ta);
        model_delete(a);
        model_delete(b);
        free(bytes);
    }
}

/* The probes read the caches right: h = o ⊙ tanh(c) for the LSTM, gates in (0, 1), hidden_states = probe h. */
static void test_probes(void) {
    lm_model_config lc = {LM_CELL_LSTM, 6, 0, 4, 2, 9, 0, 0};
    lm_model *m = make(&lc);
    int32_t ids[7] = {1, 2, 3, 4, 5, 0, 1};
    lm_float h[7 * 4], c[7 * 4], g[7 * 16], hs[7 * 4];
    CHECK(model_probe(m, ids, 7, h, c, g) == LM_OK, "%s", lm_error_message());
    model_hidden_states(m, ids, 7, hs);
    double worst = 0;
    int in_range = 1;
    for (int t = 0; t < 7; t++)
        for (int j = 0; j < 4; j++) {
            double o = g[t * 16 + 12 + j];
            worst = fmax(worst, fabs(h[t * 4 + j] - o * tanh(c[t * 4 + j])));
            worst = fmax(worst, fabs(h[t * 4 + j] - hs[t * 4 + j]));
            in_range &= g[t * 16 + j] >= 0 && g[t * 16 + j] <= 1 && g[t * 16 + 4 + j] >= 0 && g[t * 16 + 4 + j] <= 1;
        }
    CHECK(worst < 1e-5 && in_range, "LSTM probe: h = o tanh(c) off by %g", worst);
    CHECK(model_probe(m, ids, 7, h, NULL, NULL) == LM_OK, "h only");
    model_delete(m);
    lm_model_config gc = {LM_CELL_GRU, 6, 0, 4, 1, 9, 0, LM_GRU_TORCH};
    m = make(&gc);
    CHECK(model_probe(m, ids, 7, h, NULL, g) == LM_OK, "%s", lm_error_message());
    /* GRU: h_t = z ⊙ h_{t-1} + (1 - z) ⊙ g, with z at +H and g at +2H of the (3H,) gate row */
    worst = 0;
    for (int t = 0; t < 7; t++)
        for (int j = 0; j < 4; j++) {
            double z = g[t * 12 + 4 + j], cand = g[t * 12 + 8 + j], prev = t ? h[(t - 1) * 4 + j] : 0;
            worst = fmax(worst, fabs(h[t * 4 + j] - (z * prev + (1 - z) * cand)));
        }
    CHECK(worst < 1e-5, "GRU probe: h = z h_prev + (1 - z) g off by %g", worst);
    model_delete(m);
    /* the edge refuses probes a cell does not have */
    CHECK(lm_model_create(LM_CELL_GRU, 6, 0, 4, 1, 0, LM_GRU_TORCH, 9, &m) == LM_OK, "%s", lm_error_message());
    CHECK(lm_model_probe(m, ids, 7, h, c, NULL) == LM_ERR_ARG &&
              strstr(lm_error_message(), "model_probe: c must be NULL"),
          "%s", lm_error_message());
    lm_model_free(m);
    CHECK(lm_model_create(LM_CELL_RNN, 6, 0, 4, 1, 0, 0, 9, &m) == LM_OK, "%s", lm_error_message());
    CHECK(lm_model_probe(m, ids, 7, h, NULL, g) == LM_ERR_ARG && strstr(lm_error_message(), "no gates"), "%s",
          lm_error_message());
    CHECK(lm_model_probe(m, ids, 0, h, NULL, NULL) == LM_ERR_ARG &&
              strstr(lm_error_message(), "model_probe: n (ids) must be at least 1, got 0"),
          "%s", lm_error_message());
    lm_model_free(m);
}

/* The window model learns a pattern a bigram cannot (next = f(previous two)); the LSTM forget bias is 1. */
static void test_window_training(void) {
    enum { LEN = 1200 };
    int32_t ids[LEN];
    ids[0] = 0;
    ids[1] = 1;
    for (int i = 2; i < LEN; i++) ids[i] = (ids[i - 1] + ids[i - 2]) % 5;
    lm_model_config wc = {LM_CELL_WINDOW, 5, 8, 24, 1, 1, 2, 0};
    lm_model *m;
    CHECK(model_new(&m, &wc) == LM_OK, "%s", lm_error_message());
    lm_optim_config oc = lm_optim_defaults(LM_OPT_ADAM);
    oc.lr = 0.01;
    lm_trainer *t;
    trainer_new(&t, m, ids, LEN, 4, 20, &oc);
    lm_train_stats st;
    trainer_train(t, 300, &st);
    CHECK(st.last_loss < 0.05, "window W=2 learns x_t = x_{t-1} + x_{t-2} mod 5: loss %g", st.last_loss);
    trainer_delete(t);
    model_delete(m);
    lm_model_config lc = {LM_CELL_LSTM, 5, 0, 3, 2, 1, 0, 0};
    model_new(&m, &lc);
    CHECK(m->b[0][3] == 1 && m->b[1][5] == 1 && m->b[0][0] == 0 && m->b[0][6] == 0, "forget bias 1, others 0");
    model_delete(m);
}

/* First occurrence of needle (n bytes) in hay (len bytes), or NULL (memmem is not C11). */
static char *find_bytes(uint8_t *hay, size_t len, const char *needle, size_t n) {
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(hay + i, needle, n) == 0) return (char *)hay + i;
    return NULL;
}

static void test_bad_configs(void) {
    lm_model *m = NULL;
    CHECK(lm_model_create(LM_CELL_WINDOW, 10, 4, 8, 1, 0, 0, 1, &m) == LM_ERR_ARG &&
              strstr(lm_error_message(), "W (window") && strstr(lm_error_message(), "got 0"),
          "%s", lm_error_message());
    CHECK(lm_model_create(LM_CELL_LSTM, 10, 0, 8, 0, 0, 0, 1, &m) == LM_ERR_ARG &&
              strstr(lm_error_message(), "layers") && strstr(lm_error_message(), "got 0"),
          "%s", lm_error_message());
    CHECK(lm_model_create(LM_CELL_WINDOW, 10, 0, 8, 1, 3, 0, 1, &m) == LM_ERR_ARG &&
              strstr(lm_error_message(), "embedding"),
          "%s", lm_error_message());
    CHECK(lm_model_create(LM_CELL_WINDOW, 10, 4, 8, 2, 3, 0, 1, &m) == LM_ERR_ARG &&
              strstr(lm_error_message(), "one hidden layer"),
          "%s", lm_error_message());
    CHECK(lm_model_create(LM_CELL_RNN, 10, 4, 8, 1, 3, 0, 1, &m) == LM_ERR_ARG &&
              strstr(lm_error_message(), "W (window) applies"),
          "%s", lm_error_message());
    CHECK(lm_model_create(LM_CELL_GRU, 10, 4, 8, 1, 0, 5, 1, &m) == LM_ERR_ARG &&
              strstr(lm_error_message(), "gru_variant must be 0 (lecture) or 1 (torch), got 5"),
          "%s", lm_error_message());
    CHECK(lm_model_create(LM_CELL_WINDOW, 10, 4, 8, 1, 65, 0, 1, &m) == LM_ERR_ARG && strstr(lm_error_message(), "64"),
          "%s", lm_error_message());
    CHECK(m == NULL, "nothing created");
    /* a model file whose cell is unknown; then one whose GRU variant is missing */
    lm_model_config lc = {LM_CELL_LSTM, 5, 0, 3, 1, 1, 0, 0};
    model_new(&m, &lc);
    uint8_t *bytes;
    size_t len;
    model_save(m, NULL, &bytes, &len);
    model_delete(m);
    char *at = find_bytes(bytes, len, "\\\"lstm\\\"", 8); /* inside the escaped config string */
    CHECK(at != NULL, "config cell in the header");
    if (at) memcpy(at + 2, "xstm", 4);
    lm_model *x = NULL;
    CHECK(lm_model_load(bytes, (uint32_t)len, &x) == LM_ERR_FORMAT && x == NULL &&
              strstr(lm_error_message(), "'xstm'") && strstr(lm_error_message(), "does not know"),
          "%s", lm_error_message());
    free(bytes);
    lm_model_config gc = {LM_CELL_GRU, 5, 0, 3, 1, 1, 0, LM_GRU_TORCH};
    model_new(&m, &gc);
    model_save(m, NULL, &bytes, &len);
    model_delete(m);
    at = find_bytes(bytes, len, "gru_variant", 11);
    if (at) memcpy(at, "gru_varyant", 11);
    CHECK(lm_model_load(bytes, (uint32_t)len, &x) == LM_ERR_FORMAT && strstr(lm_error_message(), "gru_variant"), "%s",
          lm_error_message());
    free(bytes);
    /* a window config with W = 0 in a file */
    lm_model_config wc = {LM_CELL_WINDOW, 5, 2, 3, 1, 1, 2, 0};
    model_new(&m, &wc);
    model_save(m, NULL, &bytes, &len);
    model_delete(m);
    at = find_bytes(bytes, len, "\\\"window\\\":2", 12);
    if (at) at[11] = '0';
    CHECK(at && lm_model_load(bytes, (uint32_t)len, &x) == LM_ERR_FORMAT &&
              strstr(lm_error_message(), "model file config is invalid: W (window"),
          "%s", lm_error_message());
    free(bytes);
}

/* Corrupted files of every cell, with a trainer's state (state.c, state.context): loading and resuming
 * return LM_OK or a clean error, never a crash or an out-of-bounds read (ASan and valgrind watch). */
static void test_corrupted_files(void) {
    enum { LEN = 200 };
    int32_t text[LEN];
    for (int i = 0; i < LEN; i++) text[i] = (i * 3 + i / 5) % 6;
    lm_rng r;
    lm_rng_seed(&r, 99);
    for (int c = 1; c < N_CASES; c++) {
        lm_model_config cfg = cases[c].cfg;
        cfg.V = 6 > cfg.V ? 6 : cfg.V;
        lm_model *m = make(&cfg);
        lm_optim_config oc = lm_optim_defaults(LM_OPT_ADAGRAD);
        lm_trainer *t = NULL;
        trainer_new(&t, m, text, LEN, 2, 5, &oc);
        lm_train_stats st;
        trainer_train(t, 2, &st);
        uint8_t *bytes = NULL, *copy;
        size_t len;
        model_save(m, t, &bytes, &len);
        copy = malloc(len);
        int clean = 1;
        for (int trial = 0; trial < 150 && clean; trial++) {
            memcpy(copy, bytes, len);
            for (int k = 0; k < 1 + (int)lm_rng_below(&r, 3); k++)
                copy[lm_rng_below(&r, (uint32_t)len)] = (uint8_t)lm_rng_u32(&r);
            lm_model *y = NULL;
            lm_status s = model_load(&y, copy, len);
            clean &= (s == LM_OK) == (y != NULL) && (s == LM_OK || s == LM_ERR_FORMAT);
            if (y) {
                lm_trainer *ty = NULL;
                if (trainer_new(&ty, y, text, LEN, 2, 5, &oc) == LM_OK) {
                    s = trainer_restore(ty, copy, len);
                    clean &= s == LM_OK || s == LM_ERR_FORMAT || s == LM_ERR_ARG;
                    if (s == LM_OK) trainer_train(ty, 1, &st); /* a restored state is usable */
                }
                trainer_delete(ty);
            }
            if (!clean) fprintf(stderr, "%s trial %d: status %d: %s\n", cases[c].label, trial, s, lm_error_message());
            model_delete(y);
        }
        CHECK(clean, "%s: corrupted files load/resume or fail cleanly", cases[c].label);
        /* a state.context id out of range is refused by name */
        if (cfg.cell == LM_CELL_WINDOW && cfg.W > 1) {
            memcpy(copy, bytes, len);
            lm_float bad = 1000;
            size_t at = len - model_state_count(m, 2) * sizeof(float); /* state.context is the last tensor */
            memcpy(copy + at, &(float){(float)bad}, sizeof(float));
            lm_trainer *ty = NULL;
            trainer_new(&ty, m, text, LEN, 2, 5, &oc);
            CHECK(trainer_restore(ty, copy, len) == LM_ERR_FORMAT &&
                      strstr(lm_error_message(), "state.context holds 1000"),
                  "%s", lm_error_message());
            trainer_delete(ty);
        }
        free(copy);
        free(bytes);
        trainer_delete(t);
        model_delete(m);
    }
}

int main(void) {
    test_corrupted_files();
    test_gradient_checks();
    test_carried_state();
    test_files();
    test_probes();
    test_window_training();
    test_bad_configs();
    return check_summary("ladder");
}
