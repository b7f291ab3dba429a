/* test_probe.c — the last-step gradient-flow probe (probe.h) for every recurrent cell: ||∂L_T/∂h_t|| of
 * the last layer against centered finite differences that perturb h_t inside the state and run the rest
 * of the window with model_step (double build: rel error < 1e-6), for L = 1 and 2, N = 1 and 2; that
 * the probe leaves gradients, carried state and the trainer's flow untouched (a twin model that never
 * probes takes bit-identical steps); and the errors (window model, bad id, bad sizes).
 * Shapes: N streams, T window, V vocabulary, E embedding, H hidden, L layers. */
#include "check.h"
#include "lmlab.h"
#include "model.h"
#include "probe.h"
#include "rng.h"

#include <stdlib.h>
#include <string.h>

#ifdef LM_DOUBLE
#define TOL 1e-6
#define EPS 1e-5
#else
#define TOL 3e-2
#define EPS 1e-2
#endif

/* A model with weights large enough that the gradients are not tiny (the default init is N(0, 0.01²)). */
static lm_model *make(const lm_model_config *c) {
    lm_model *m = NULL;
    CHECK(model_new(&m, c) == LM_OK, "model_new: %s", lm_error_message());
    for (size_t i = 0; m && i < m->n_params; i++)
        m->params[i] = m->params[i] * 50 + (lm_float)(0.05 * ((int)(i % 5) - 2));
    return m;
}

static void random_ids(int32_t *ids, size_t n, int V, uint32_t seed) {
    lm_rng r;
    lm_rng_seed(&r, seed);
    for (size_t i = 0; i < n; i++) ids[i] = (int32_t)lm_rng_below(&r, (uint32_t)V);
}

/* -log softmax(h·Wy + by)[y] for the last layer's h (H,) */
static double decoder_loss(const lm_model *m, const lm_float *h, int y) {
    const int H = m->cfg.H, V = m->cfg.V;
    double s[64], max = -1e300, z = 0;
    for (int v = 0; v < V; v++) {
        s[v] = m->by[v];
        for (int i = 0; i < H; i++) s[v] += (double)h[i] * m->Wy[(size_t)i * V + v];
        if (s[v] > max) max = s[v];
    }
    for (int v = 0; v < V; v++) z += exp(s[v] - max);
    return -(s[y] - max - log(z));
}

/* ℓ_n as a function of the last layer's h_t: start from the state after ids[n, 0..t] with entry j of
 * that h moved by delta, step through ids[n, t+1 .. T-1], decode, score ids[n, T]. */
static double loss_from(lm_model *m, const int32_t *row, int T, int t, int j, double delta) {
    lm_float state[256], logits[64]; /* state_count(1) ≤ 2·L·H and V are small in these cases */
    memset(state, 0, sizeof state);
    for (int k = 0; k <= t; k++) model_step(m, row[k], state, logits);
    lm_float *top = state + (size_t)(m->cfg.L - 1) * m->cfg.H; /* RNN/GRU (L, 1, H); LSTM h part first */
    top[j] = (lm_float)(top[j] + delta);
    for (int k = t + 1; k < T; k++) model_step(m, row[k], state, logits);
    return decoder_loss(m, top, row[T]);
}

static void check_against_differences(const char *label, const lm_model_config *c, int N, int T) {
    lm_model *m = make(c);
    if (!m) return;
    int32_t *ids = malloc((size_t)N * (T + 1) * sizeof *ids);
    lm_float *norms = malloc((size_t)T * sizeof *norms);
    random_ids(ids, (size_t)N * (T + 1), c->V, 11u + (uint32_t)c->cell);
    double loss = 0;
    CHECK(model_grad_flow_last(m, ids, N, T, norms, &loss) == LM_OK, "%s: %s", label, lm_error_message());
    double loss_direct = 0, worst = 0;
    for (int n = 0; n < N; n++) loss_direct += loss_from(m, ids + (size_t)n * (T + 1), T, T - 1, 0, 0) / N;
    CHECK(check_close(loss, loss_direct, TOL * 10), "%s: L_T %.12g vs stepped %.12g", label, loss, loss_direct);
    for (int t = 0; t < T; t++) {
        double sq = 0;
        for (int n = 0; n < N; n++)
            for (int j = 0; j < c->H; j++) {
                const int32_t *row = ids + (size_t)n * (T + 1);
                double plus = loss_from(m, row, T, t, j, EPS), minus = loss_from(m, row, T, t, j, -EPS);
                double g = (plus - minus) / (2 * EPS) / N; /* L_T is the mean over the streams */
                sq += g * g;
            }
        double numeric = sqrt(sq), rel = fabs(numeric - norms[t]) / fmax(numeric + norms[t], 1e-8);
        if (rel > worst) worst = rel;
    }
    CHECK(worst < TOL, "%s: worst relative error %.3g of ||dL_T/dh_t|| (tolerance %g)", label, worst, TOL);
    CHECK(norms[0] > 0 && norms[T - 1] > 0, "%s: the norms are not all zero", label);
    free(ids);
    free(norms);
    model_delete(m);
}

/* The probe between two training windows changes nothing a twin model without probes would see. */
static void check_undisturbed(const char *label, const lm_model_config *c) {
    lm_model *a = make(c), *b = make(c);
    if (!a || !b) return;
    enum { N = 3, T = 6, PT = 9 };
    int32_t ids[2][N * (T + 1)], probe_ids[PT + 1];
    random_ids(ids[0], sizeof ids / sizeof(int32_t), c->V, 5);
    random_ids(probe_ids, PT + 1, c->V, 6);
    double la = 0, lb = 0;
    model_loss_and_grads(a, ids[0], N, T, &la);
    model_loss_and_grads(b, ids[0], N, T, &lb);
    const size_t P = a->n_params, S = model_state_count(a, N);
    lm_float *grads = malloc(P * sizeof *grads), *carry = malloc(S * sizeof *carry), flow[T], norms[PT];
    memcpy(grads, a->grads, P * sizeof *grads);
    memcpy(carry, a->carry, S * sizeof *carry);
    memcpy(flow, a->flow, sizeof flow);
    CHECK(model_grad_flow_last(a, probe_ids, 1, PT, norms, NULL) == LM_OK, "%s: %s", label, lm_error_message());
    CHECK(memcmp(grads, a->grads, P * sizeof *grads) == 0, "%s: the gradient buffer changed", label);
    CHECK(memcmp(carry, a->carry, S * sizeof *carry) == 0, "%s: the carried state changed", label);
    CHECK(a->last_T == T && memcmp(flow, a->flow, sizeof flow) == 0, "%s: the trainer's flow changed", label);
    model_loss_and_grads(a, ids[1], N, T, &la);
    model_loss_and_grads(b, ids[1], N, T, &lb);
    CHECK(la == lb, "%s: the next window's loss differs after a probe (%.17g vs %.17g)", label, la, lb);
    CHECK(memcmp(a->grads, b->grads, P * sizeof *grads) == 0, "%s: the next window's gradients differ", label);
    free(grads);
    free(carry);
    model_delete(a);
    model_delete(b);
}

static void check_errors(void) {
    lm_model *w = NULL, *r = NULL;
    int32_t ids[5] = {0, 1, 2, 3, 4};
    lm_float out[4];
    CHECK(lm_model_create(LM_CELL_WINDOW, 6, 2, 4, 1, 3, 0, 1, &w) == LM_OK, "%s", lm_error_message());
    CHECK(lm_model_grad_flow_last(w, ids, 1, 4, out, NULL) == LM_ERR_ARG &&
              strstr(lm_error_message(), "window model has no recurrent hidden state"),
          "window model: %s", lm_error_message());
    CHECK(lm_model_create(LM_CELL_LSTM, 4, 0, 3, 1, 0, 0, 1, &r) == LM_OK, "%s", lm_error_message());
    CHECK(lm_model_grad_flow_last(r, ids, 1, 4, out, NULL) == LM_ERR_ARG &&
              strstr(lm_error_message(), "ids[0, 4] = 4 is not a token id in [0, V) = [0, 4)"),
          "bad id: %s", lm_error_message());
    CHECK(lm_model_grad_flow_last(r, ids, 1, 0, out, NULL) == LM_ERR_ARG && strstr(lm_error_message(), "at least 1"),
          "T = 0: %s", lm_error_message());
    CHECK(lm_model_grad_flow_last(r, ids, 1, 3, NULL, NULL) == LM_ERR_ARG, "out NULL: %s", lm_error_message());
    CHECK(lm_model_grad_flow_last(NULL, ids, 1, 3, out, NULL) != LM_OK, "no model");
    lm_model_free(w);
    lm_model_free(r);
}

int main(void) {
    /* cell, V, E, H, L, seed, W, gru_variant */
    const struct {
        const char *label;
        lm_model_config cfg;
        int N;
    } cases[] = {
        {"rnn L1 one-hot", {LM_CELL_RNN, 7, 0, 5, 1, 1, 0, 0}, 1},
        {"rnn L2 embedding N2", {LM_CELL_RNN, 6, 3, 4, 2, 2, 0, 0}, 2},
        {"lstm L1 one-hot", {LM_CELL_LSTM, 7, 0, 5, 1, 3, 0, 0}, 1},
        {"lstm L2 embedding N2", {LM_CELL_LSTM, 8, 3, 4, 2, 4, 0, 0}, 2},
        {"gru torch L1", {LM_CELL_GRU, 7, 0, 5, 1, 5, 0, LM_GRU_TORCH}, 1},
        {"gru lecture L2 N2", {LM_CELL_GRU, 6, 3, 4, 2, 6, 0, LM_GRU_LECTURE}, 2},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        check_against_differences(cases[k].label, &cases[k].cfg, cases[k].N, 7);
        check_undisturbed(cases[k].label, &cases[k].cfg);
    }
    check_errors();
    return check_summary("probe");
}
