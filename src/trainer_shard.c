/* trainer_shard.c — the data-parallel step of trainer.h: the N streams split into S fixed shards, the
 * gradient of each shard computed on its own (trainer_grads), then one summed gradient applied by every
 * replica (trainer_apply). Why fixed shards: a shard's gradient depends on which streams were batched
 * together (the products reduce over them), so the shards, not the threads, decide the arithmetic; a
 * caller that sums the S rows in shard order gets the same bits whatever thread computed which shard.
 * The state of a stream is carried only by the trainer that owns it (others keep zeros or whatever
 * trainer_set_state_rows gave them). State layouts are those of model_state_count: (A, N, X) with
 * A = L (RNN, GRU), 2L (LSTM: h of every layer, then c) or 1 (window), X = H (or W-1 ids). */
#include "model_cells.h"
#include "trainer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A state's blocks A and their width X per stream (see the layout above). */
static void state_dims(const lm_model *m, int *A, int *X) {
    if (m->cfg.cell == LM_CELL_WINDOW) {
        *A = 1;
        *X = m->cfg.W - 1;
        return;
    }
    *A = m->cfg.L * (m->cfg.cell == LM_CELL_LSTM ? 2 : 1);
    *X = m->cfg.H;
}

/* part (A, n, X) = rows [n0, n0 + n) of full (A, N, X). */
static void rows_get(const lm_model *m, const lm_float *full, int N, int n0, int n, lm_float *part) {
    int A, X;
    state_dims(m, &A, &X);
    for (int a = 0; a < A; a++)
        memcpy(part + (size_t)a * n * X, full + ((size_t)a * N + n0) * X, (size_t)n * X * sizeof(lm_float));
}

/* rows [n0, n0 + n) of full (A, N, X) = part (A, n, X). */
static void rows_put(const lm_model *m, lm_float *full, int N, int n0, int n, const lm_float *part) {
    int A, X;
    state_dims(m, &A, &X);
    for (int a = 0; a < A; a++)
        memcpy(full + ((size_t)a * N + n0) * X, part + (size_t)a * n * X, (size_t)n * X * sizeof(lm_float));
}

int trainer_resets_stream(const lm_trainer *t, int n) {
    if (!(t->state_reset > 0)) return 0;
    /* splitmix64 of (step, stream): a fixed function, so the decision needs no random state to save */
    uint64_t z = ((uint64_t)t->opt.step << 20 ^ (uint64_t)n) + 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53 < t->state_reset;
}

void trainer_reset_rows(const lm_trainer *t, lm_float *state, int n0, int n) {
    const lm_model *m = t->model;
    int A, X;
    state_dims(m, &A, &X);
    const lm_float zero = m->cfg.cell == LM_CELL_WINDOW ? (lm_float)LM_WINDOW_PAD : 0;
    for (int k = 0; k < n; k++)
        if (trainer_resets_stream(t, n0 + k))
            for (int a = 0; a < A; a++)
                for (int x = 0; x < X; x++) state[((size_t)a * n + k) * X + x] = zero;
}

lm_status trainer_set_shards(lm_trainer *t, int S, int first, int count) {
    const int N = t->N;
    int *starts = malloc(((size_t)S + 1) * sizeof(int));
    /* + 1: never a zero-size allocation (the window model with W = 1 has no state) */
    lm_float *pending = malloc((model_state_count(t->model, N) + 1) * sizeof(lm_float));
    lm_float *start = malloc((model_state_count(t->model, (N + S - 1) / S) + 1) * sizeof(lm_float));
    if (!starts || !pending || !start) {
        free(starts);
        free(pending);
        free(start);
        return lm_fail(LM_ERR_NOMEM, "out of memory for %d shards", S);
    }
    for (int j = 0; j <= S; j++) starts[j] = j * (N / S) + (j < N % S ? j : N % S);
    free(t->shard_start);
    free(t->pending);
    free(t->start);
    t->shard_start = starts;
    t->pending = pending;
    t->start = start;
    t->S = S;
    t->first = first;
    t->count = count;
    t->pending_step = 0;
    return LM_OK;
}

lm_status trainer_grads(lm_trainer *t, lm_float *grads, double *losses, lm_float *state) {
    lm_model *m = t->model;
    const int N = t->N, T = t->T;
    t->pending_step = 0;
    trainer_next_window(t);
    lm_status s = model_ensure_carry(m, N);
    for (int j = t->first; j < t->first + t->count && !s; j++) {
        const int n0 = t->shard_start[j], n = t->shard_start[j + 1] - n0;
        rows_get(m, m->carry, N, n0, n, t->start);
        trainer_reset_rows(t, t->start, n0, n);
        double loss;
        s = model_loss_and_grads_scaled(m, t->window + (size_t)n0 * (T + 1), n, T, t->start, (double)n / N, &loss);
        if (s) break;
        memcpy(grads + (size_t)(j - t->first) * m->n_params, m->grads, m->n_params * sizeof(lm_float));
        losses[j - t->first] = loss;
        lm_cells_final_state(m, n, T, t->start);
        rows_put(m, t->pending, N, n0, n, t->start);
    }
    if (s) return s;
    const int own0 = t->shard_start[t->first], own = t->shard_start[t->first + t->count] - own0;
    if (state) rows_get(m, t->pending, N, own0, own, state);
    t->pending_step = 1;
    return LM_OK;
}

lm_status trainer_apply(lm_trainer *t, const lm_float *grad) {
    lm_model *m = t->model;
    t->pending_step = 0;
    memcpy(m->grads, grad, m->n_params * sizeof(lm_float));
    LM_TRY(lm_optim_step(&t->opt, m->params, m->grads, m->table, m->n_tensors));
    LM_TRY(model_ensure_carry(m, t->N)); /* a no-op unless the model was used with another batch since */
    for (int j = t->first; j < t->first + t->count; j++) {
        const int n0 = t->shard_start[j], n = t->shard_start[j + 1] - n0;
        rows_get(m, t->pending, t->N, n0, n, t->start);
        rows_put(m, m->carry, t->N, n0, n, t->start);
    }
    t->pos += (size_t)t->T;
    return LM_OK;
}

void trainer_sum_grads(const lm_trainer *t, lm_float *grads, int rows) {
    const size_t P = t->model->n_params;
    lm_float *restrict sum = grads;
    for (int j = 1; j < rows; j++) {
        const lm_float *restrict row = grads + (size_t)j * P;
        for (size_t i = 0; i < P; i++) sum[i] += row[i];
    }
}

lm_status trainer_set_state_rows(lm_trainer *t, int n0, int n, const lm_float *state) {
    lm_model *m = t->model;
    const size_t count = model_state_count(m, n);
    const int window = m->cfg.cell == LM_CELL_WINDOW;
    for (size_t i = 0; i < count; i++) { /* window ids become array indices; h and c enter products */
        double v = (double)state[i];
        if (window && !(v == LM_WINDOW_PAD || (v >= 0 && v < m->cfg.V && v == floor(v))))
            return lm_fail(LM_ERR_ARG, "trainer_set_state_rows: state[%zu] is %g, neither a token id in [0, %d) nor -1",
                           i, v, m->cfg.V);
        if (!window && !isfinite(v))
            return lm_fail(LM_ERR_NONFINITE, "trainer_set_state_rows: state[%zu] is %g, not finite", i, v);
    }
    LM_TRY(model_ensure_carry(m, t->N));
    rows_put(m, m->carry, t->N, n0, n, state);
    return LM_OK;
}
