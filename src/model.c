/* model.c — the RNN language model behind model.h: parameter table and initialisation, the cache arena,
 * forward (input projection, L tanh layers, decoder, softmax loss) and backward (the reversed chain,
 * BPTT inside rnn_backward_projected), the carried state, evaluation and the inference helpers.
 * It composes layers.c and kernels.c and implements no layer math of its own.
 * Shapes: N streams, T time, V vocabulary, E embedding (0 = one-hot), H hidden, L layers. */
#include "model.h"

#include "kernels.h"
#include "layers.h"
#include "rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- parameter table ---------------------------------------------------------------------------- */

static void add_tensor(lm_model *m, const char *name, const char *lecture, int rows, int cols, int transposed) {
    lm_param_info *t = &m->table[m->n_tensors++];
    snprintf(t->name, sizeof t->name, "%s", name);
    snprintf(t->lecture, sizeof t->lecture, "%s", lecture);
    t->ndim = cols > 0 ? 2 : 1;
    t->shape[0] = rows;
    t->shape[1] = cols > 0 ? cols : 1;
    t->count = (size_t)rows * (size_t)(cols > 0 ? cols : 1);
    t->offset = m->n_params;
    t->transposed = transposed;
    m->n_params += t->count;
}

int lm_model_input_width(const lm_model *m, int layer) {
    if (layer > 0) return m->cfg.H;
    return m->cfg.E > 0 ? m->cfg.E : m->cfg.V;
}

/* Table in file order; our shapes follow the lecture (Wx (E, H), Wh (H, H), Wy (H, V)); PyTorch keeps
 * weights as (out, in), hence `transposed` for every matrix but the embedding. */
static void build_table(lm_model *m) {
    const lm_model_config *c = &m->cfg;
    char name[LM_PARAM_NAME_MAX], lecture[LM_PARAM_NAME_MAX];
    if (c->E > 0) add_tensor(m, "embedding.weight", "W_embed", c->V, c->E, 0);
    for (int l = 0; l < c->L; l++) {
        snprintf(name, sizeof name, "rnn.weight_ih_l%d", l);
        snprintf(lecture, sizeof lecture, c->L > 1 ? "Wx%d" : "Wx", l);
        add_tensor(m, name, lecture, lm_model_input_width(m, l), c->H, 1);
        snprintf(name, sizeof name, "rnn.weight_hh_l%d", l);
        snprintf(lecture, sizeof lecture, c->L > 1 ? "Wh%d" : "Wh", l);
        add_tensor(m, name, lecture, c->H, c->H, 1);
        snprintf(name, sizeof name, "rnn.bias_ih_l%d", l);
        snprintf(lecture, sizeof lecture, c->L > 1 ? "b%d" : "b", l);
        add_tensor(m, name, lecture, c->H, 0, 0);
    }
    add_tensor(m, "decoder.weight", "Wy", c->H, c->V, 1);
    add_tensor(m, "decoder.bias", "by", c->V, 0, 0);
}

static void resolve_views(lm_model *m) {
    int k = 0;
    if (m->cfg.E > 0) {
        m->W_embed = m->params + m->table[k].offset;
        m->dW_embed = m->grads + m->table[k].offset;
        k++;
    }
    for (int l = 0; l < m->cfg.L; l++, k += 3) {
        m->Wx[l] = m->params + m->table[k].offset;
        m->dWx[l] = m->grads + m->table[k].offset;
        m->Wh[l] = m->params + m->table[k + 1].offset;
        m->dWh[l] = m->grads + m->table[k + 1].offset;
        m->b[l] = m->params + m->table[k + 2].offset;
        m->db[l] = m->grads + m->table[k + 2].offset;
    }
    m->Wy = m->params + m->table[k].offset;
    m->dWy = m->grads + m->table[k].offset;
    m->by = m->params + m->table[k + 1].offset;
    m->dby = m->grads + m->table[k + 1].offset;
}

static void initialise(lm_model *m) {
    lm_rng rng;
    lm_rng_seed(&rng, m->cfg.seed);
    for (int k = 0; k < m->n_tensors; k++) {
        const lm_param_info *t = &m->table[k];
        lm_float *p = m->params + t->offset;
        double scale = strcmp(t->lecture, "W_embed") == 0 ? 1.0 : 0.01;
        if (t->ndim == 1) { /* biases */
            memset(p, 0, t->count * sizeof *p);
            continue;
        }
        for (size_t i = 0; i < t->count; i++) p[i] = (lm_float)(scale * lm_rng_normal(&rng));
    }
}

lm_status lm_model_check_config(const lm_model_config *c) {
    if (c->cell != LM_CELL_RNN)
        return lm_fail(LM_ERR_ARG, "cell %d is not available yet: this build has the vanilla RNN (cell 'rnn') only",
                       (int)c->cell);
    if (c->V < 2 || c->V > LM_MAX_VOCAB)
        return lm_fail(LM_ERR_ARG, "vocabulary size must be between 2 and %d, got %d", LM_MAX_VOCAB, c->V);
    if (c->H < 1 || c->H > LM_MAX_DIM)
        return lm_fail(LM_ERR_ARG, "hidden size H must be between 1 and %d (LM_MAX_DIM), got %d", LM_MAX_DIM, c->H);
    if (c->E < 0 || c->E > LM_MAX_DIM)
        return lm_fail(LM_ERR_ARG, "embedding size E must be 0 (one-hot) or up to %d (LM_MAX_DIM), got %d",
                       LM_MAX_DIM, c->E);
    if (c->E == 0 && c->V > LM_MAX_DIM)
        return lm_fail(LM_ERR_ARG,
                       "one-hot input (embedding 0) needs a vocabulary of at most %d types, got %d: "
                       "use a trainable embedding (e.g. embedding 64)", LM_MAX_DIM, c->V);
    if (c->L < 1 || c->L > LM_MAX_LAYERS)
        return lm_fail(LM_ERR_ARG, "layers must be between 1 and %d, got %d", LM_MAX_LAYERS, c->L);
    return LM_OK;
}

lm_status lm_model_new(lm_model **out, const lm_model_config *c) {
    *out = NULL;
    lm_status s = lm_model_check_config(c);
    if (s) return s;
    lm_model *m = calloc(1, sizeof *m);
    if (!m) return lm_fail(LM_ERR_NOMEM, "out of memory for a model");
    m->cfg = *c;
    build_table(m);
    size_t bytes = lm_size_mul(m->n_params, sizeof(lm_float));
    if (bytes == 0 || !(m->params = calloc(m->n_params, sizeof(lm_float))) ||
        !(m->grads = calloc(m->n_params, sizeof(lm_float)))) {
        size_t count = m->n_params;
        lm_model_delete(m);
        return lm_fail(LM_ERR_NOMEM, "out of memory for %zu parameters", count);
    }
    resolve_views(m);
    initialise(m);
    *out = m;
    return LM_OK;
}

void lm_model_delete(lm_model *m) {
    if (!m) return;
    free(m->params);
    free(m->grads);
    free(m->carry);
    free(m->arena);
    free(m->flow);
    free(m->metadata_json);
    free(m);
}

/* ---- caches ------------------------------------------------------------------------------------- */

/* Carve the arena for (N, T); grow it only when the new shape needs more bytes. */
static lm_status ensure_caches(lm_model *m, int N, int T) {
    if (m->arena && m->cache_N == N && m->cache_T == T) return LM_OK;
    const size_t L = (size_t)m->cfg.L, H = (size_t)m->cfg.H, V = (size_t)m->cfg.V, E = (size_t)m->cfg.E;
    size_t NT = lm_size_mul((size_t)N, (size_t)T);
    size_t counts[] = {
        lm_size_mul(NT, 1),        /* inputs (int32) */
        lm_size_mul(NT, 1),        /* targets (int32) */
        E ? lm_size_mul(NT, E) : 1, /* x */
        lm_size_mul(NT, H),        /* xw */
        lm_size_mul(lm_size_mul(NT, H), L), /* h */
        lm_size_mul(lm_size_mul((size_t)N, H), L), /* h0 */
        lm_size_mul(NT, V),        /* scores */
        lm_size_mul(NT, V),        /* dscores */
        lm_size_mul(NT, H),        /* dh */
        lm_size_mul(NT, H),        /* dxw */
        E ? lm_size_mul(NT, E) : 1, /* dx */
        lm_size_mul((size_t)N, H), /* work */
        (size_t)T,                 /* dh_norms */
    };
    enum { NB = sizeof counts / sizeof counts[0] };
    size_t offsets[NB], total = 0;
    for (int i = 0; i < NB; i++) {
        size_t elem = i < 2 ? sizeof(int32_t) : sizeof(lm_float);
        size_t bytes = lm_size_mul(counts[i], elem);
        if (bytes == 0 || total > SIZE_MAX - bytes - 16)
            return lm_fail(LM_ERR_NOMEM, "batch %d x window %d is too large for this model's caches", N, T);
        offsets[i] = total;
        total += (bytes + 15) & ~(size_t)15; /* 16-byte aligned slices */
    }
    if (total > m->arena_bytes) {
        void *grown = malloc(total);
        if (!grown)
            return lm_fail(LM_ERR_NOMEM, "out of memory for the caches of batch %d x window %d (%zu bytes)", N, T, total);
        free(m->arena);
        m->arena = grown;
        m->arena_bytes = total;
    }
    char *base = m->arena;
    m->inputs = (int32_t *)(void *)(base + offsets[0]);
    m->targets = (int32_t *)(void *)(base + offsets[1]);
    m->x = (lm_float *)(void *)(base + offsets[2]);
    m->xw = (lm_float *)(void *)(base + offsets[3]);
    m->h = (lm_float *)(void *)(base + offsets[4]);
    m->h0 = (lm_float *)(void *)(base + offsets[5]);
    m->scores = (lm_float *)(void *)(base + offsets[6]);
    m->dscores = (lm_float *)(void *)(base + offsets[7]);
    m->dh = (lm_float *)(void *)(base + offsets[8]);
    m->dxw = (lm_float *)(void *)(base + offsets[9]);
    m->dx = (lm_float *)(void *)(base + offsets[10]);
    m->work = (lm_float *)(void *)(base + offsets[11]);
    m->dh_norms = (lm_float *)(void *)(base + offsets[12]);
    m->cache_N = N;
    m->cache_T = T;
    if (T > m->flow_cap) { /* grows with the largest training window only */
        lm_float *flow = calloc((size_t)T, sizeof(lm_float));
        if (!flow) return lm_fail(LM_ERR_NOMEM, "out of memory for the gradient-flow probe");
        if (m->flow) memcpy(flow, m->flow, (size_t)m->last_T * sizeof(lm_float));
        free(m->flow);
        m->flow = flow;
        m->flow_cap = T;
    }
    return LM_OK;
}

/* ---- forward and backward ----------------------------------------------------------------------- */

lm_status lm_model_check_ids(const lm_model *m, const int32_t *ids, size_t count) {
    for (size_t i = 0; i < count; i++)
        if (ids[i] < 0 || ids[i] >= m->cfg.V)
            return lm_fail(LM_ERR_ARG, "token id %d at position %zu is outside the vocabulary [0, %d)", (int)ids[i], i,
                           m->cfg.V);
    return LM_OK;
}

/* Split ids (N, T+1) into inputs (N, T) and targets (N, T). */
static void split_windows(lm_model *m, const int32_t *ids, int N, int T) {
    for (int n = 0; n < N; n++) {
        const int32_t *row = ids + (size_t)n * (T + 1);
        memcpy(m->inputs + (size_t)n * T, row, (size_t)T * sizeof *row);
        memcpy(m->targets + (size_t)n * T, row + 1, (size_t)T * sizeof *row);
    }
}

/* Hidden states of every layer for m->inputs (N, T) from h_start (L, N, H) or zeros. */
static void forward_hidden(lm_model *m, int N, int T, const lm_float *h_start) {
    const int H = m->cfg.H, V = m->cfg.V, E = m->cfg.E;
    const size_t NTH = (size_t)N * T * H, NH = (size_t)N * H;
    if (h_start) memcpy(m->h0, h_start, (size_t)m->cfg.L * NH * sizeof(lm_float));
    else memset(m->h0, 0, (size_t)m->cfg.L * NH * sizeof(lm_float));
    for (int l = 0; l < m->cfg.L; l++) {
        lm_float *h = m->h + l * NTH; /* (N, T, H) */
        if (l > 0) { /* xw (N·T, H) = h_below (N·T, H) · Wx (H, H) */
            memset(m->xw, 0, NTH * sizeof(lm_float));
            lm_matmul_nn(m->xw, m->h + (l - 1) * NTH, m->Wx[l], N * T, H, H);
        } else if (E == 0) { /* one-hot: x·Wx is row ids of Wx (V, H) */
            embedding_forward(m->xw, m->inputs, m->Wx[0], N, T, V, H);
        } else {
            embedding_forward(m->x, m->inputs, m->W_embed, N, T, V, E);
            memset(m->xw, 0, NTH * sizeof(lm_float));
            lm_matmul_nn(m->xw, m->x, m->Wx[0], N * T, E, H);
        }
        rnn_forward_projected(h, m->xw, m->h0 + l * NH, m->Wh[l], m->b[l], N, T, H);
    }
}

/* Copy the final hidden state of each layer (L, N, H) out of h (L, N, T, H). */
static void final_state(const lm_model *m, int N, int T, lm_float *state) {
    const int H = m->cfg.H;
    for (int l = 0; l < m->cfg.L; l++)
        for (int n = 0; n < N; n++)
            memcpy(state + ((size_t)l * N + n) * H, m->h + (((size_t)l * N + n) * T + (T - 1)) * H,
                   (size_t)H * sizeof(lm_float));
}

static void backward(lm_model *m, int N, int T) {
    const int H = m->cfg.H, V = m->cfg.V, E = m->cfg.E, L = m->cfg.L;
    const size_t NTH = (size_t)N * T * H, NH = (size_t)N * H;
    memset(m->grads, 0, m->n_params * sizeof(lm_float));
    temporal_affine_backward(m->dh, m->dWy, m->dby, m->dscores, m->h + (L - 1) * NTH, m->Wy, N, T, H, V);
    for (int l = L - 1; l >= 0; l--) {
        rnn_backward_projected(m->dxw, NULL, m->dWh[l], m->db[l], l == L - 1 ? m->dh_norms : NULL, m->dh,
                               m->h0 + l * NH, m->h + l * NTH, m->Wh[l], m->work, N, T, H);
        if (l > 0) { /* dWx += h_belowᵀ·dxw; dh_below = dxw·Wxᵀ */
            lm_matmul_tn(m->dWx[l], m->h + (l - 1) * NTH, m->dxw, H, N * T, H);
            memset(m->dh, 0, NTH * sizeof(lm_float));
            lm_matmul_nt(m->dh, m->dxw, m->Wx[l], N * T, H, H);
        } else if (E == 0) {
            embedding_backward(m->dWx[0], m->dxw, m->inputs, N, T, V, H);
        } else {
            lm_matmul_tn(m->dWx[0], m->x, m->dxw, E, N * T, H);
            memset(m->dx, 0, (size_t)N * T * E * sizeof(lm_float));
            lm_matmul_nt(m->dx, m->dxw, m->Wx[0], N * T, H, E);
            embedding_backward(m->dW_embed, m->dx, m->inputs, N, T, V, E);
        }
    }
    memcpy(m->flow, m->dh_norms, (size_t)T * sizeof(lm_float));
    m->last_T = T;
}

static const lm_param_info *first_nonfinite(const lm_model *m, const lm_float *buf) {
    for (int k = 0; k < m->n_tensors; k++) {
        const lm_param_info *t = &m->table[k];
        for (size_t i = 0; i < t->count; i++)
            if (!isfinite(buf[t->offset + i])) return t;
    }
    return NULL;
}

static lm_status nonfinite_loss(const lm_model *m, double loss) {
    const lm_param_info *bad = first_nonfinite(m, m->params);
    if (bad)
        return lm_fail(LM_ERR_NONFINITE,
                       "the loss is %g because parameter %s (%s) holds a non-finite value: try a lower learning rate "
                       "or gradient clipping (e.g. clip 5)", loss, bad->name, bad->lecture);
    /* every parameter is finite, so the scores overflowed: name the largest tensor as the likely cause */
    const lm_param_info *big = &m->table[0];
    double largest = 0;
    for (int k = 0; k < m->n_tensors; k++)
        for (size_t i = 0; i < m->table[k].count; i++) {
            double v = fabs((double)m->params[m->table[k].offset + i]);
            if (v > largest) { largest = v; big = &m->table[k]; }
        }
    return lm_fail(LM_ERR_NONFINITE,
                   "the loss became %g: the scores overflowed (%s (%s) holds values up to %.3g); try a lower learning "
                   "rate or gradient clipping (e.g. clip 5)", loss, big->name, big->lecture, largest);
}

static lm_status check_window(int N, int T) {
    if (N < 1) return lm_fail(LM_ERR_ARG, "batch N must be at least 1, got %d", N);
    if (T < 1) return lm_fail(LM_ERR_ARG, "window T must be at least 1, got %d", T);
    return LM_OK;
}

lm_status lm_model_loss_and_grads_from(lm_model *m, const int32_t *ids, int N, int T, const lm_float *h_start,
                                       double *loss) {
    lm_status s = check_window(N, T);
    if (!s) s = ensure_caches(m, N, T);
    if (s) return s;
    split_windows(m, ids, N, T);
    forward_hidden(m, N, T, h_start);
    temporal_affine_forward(m->scores, m->h + (size_t)(m->cfg.L - 1) * N * T * m->cfg.H, m->Wy, m->by, N, T,
                            m->cfg.H, m->cfg.V);
    double value = temporal_softmax_loss(m->dscores, m->scores, m->targets, NULL, N, T, m->cfg.V);
    if (!isfinite(value)) return nonfinite_loss(m, value);
    /* The objective is min-char-rnn's: the cross-entropy summed over the window, averaged over the N
     * streams, i.e. T times the per-token mean the softmax loss returns. Its gradients keep the seed's
     * scale, so Adagrad's eps (1e-8 inside the square root) and clip 5 mean what they mean there; with
     * N = 1 a step is exactly a min-char-rnn step. */
    const size_t NTV = (size_t)N * T * m->cfg.V;
    for (size_t i = 0; i < NTV; i++) m->dscores[i] *= (lm_float)T;
    backward(m, N, T);
    const lm_param_info *bad = first_nonfinite(m, m->grads);
    if (bad)
        return lm_fail(LM_ERR_NONFINITE,
                       "the gradient of %s (%s) is not finite: try a lower learning rate or gradient clipping (e.g. clip 5)",
                       bad->name, bad->lecture);
    m->last_loss = value;
    *loss = value;
    return LM_OK;
}

lm_status lm_model_ensure_carry(lm_model *m, int N) {
    if (m->carry_N == N) return LM_OK;
    size_t count = lm_size_mul(lm_size_mul((size_t)m->cfg.L, (size_t)N), (size_t)m->cfg.H);
    lm_float *carry = count ? calloc(count, sizeof(lm_float)) : NULL;
    if (!carry) return lm_fail(LM_ERR_NOMEM, "out of memory for the carried state of %d streams", N);
    free(m->carry);
    m->carry = carry;
    m->carry_N = N;
    return LM_OK;
}

lm_status lm_model_loss_and_grads(lm_model *m, const int32_t *ids, int N, int T, double *loss) {
    lm_status s = check_window(N, T);
    if (!s) s = lm_model_ensure_carry(m, N);
    if (!s) s = lm_model_loss_and_grads_from(m, ids, N, T, m->carry, loss);
    if (s) return s;
    final_state(m, N, T, m->carry);
    return LM_OK;
}

void lm_model_commit_state(lm_model *m, int N, int T) { final_state(m, N, T, m->carry); }

void lm_model_reset_state(lm_model *m) {
    if (m->carry) memset(m->carry, 0, (size_t)m->cfg.L * m->carry_N * m->cfg.H * sizeof(lm_float));
}

/* Forward through the decoder only (no loss): scores for m->inputs from state or zeros. */
static lm_status forward_scores(lm_model *m, int N, int T, const lm_float *state) {
    forward_hidden(m, N, T, state);
    temporal_affine_forward(m->scores, m->h + (size_t)(m->cfg.L - 1) * N * T * m->cfg.H, m->Wy, m->by, N, T,
                            m->cfg.H, m->cfg.V);
    return LM_OK;
}

lm_status lm_model_loss_sum(lm_model *m, const int32_t *ids, int N, int T, lm_float *state, double *loss_sum) {
    lm_status s = check_window(N, T);
    if (!s) s = ensure_caches(m, N, T);
    if (s) return s;
    split_windows(m, ids, N, T);
    forward_scores(m, N, T, state);
    double mean = temporal_softmax_loss(NULL, m->scores, m->targets, NULL, N, T, m->cfg.V);
    if (!isfinite(mean)) return nonfinite_loss(m, mean);
    if (state) final_state(m, N, T, state);
    *loss_sum = mean * N * T;
    return LM_OK;
}

lm_status lm_model_evaluate(lm_model *m, const int32_t *ids, size_t len, int B, int T, double *loss_sum,
                            double *count) {
    lm_status s = check_window(B, T);
    if (s) return s;
    size_t S = len / (size_t)B; /* tokens per stream */
    if (S < 2)
        return lm_fail(LM_ERR_EMPTY, "held-out text of %zu tokens is too short for %d streams (each needs 2 tokens)", len, B);
    size_t state_count = lm_size_mul(lm_size_mul((size_t)m->cfg.L, (size_t)B), (size_t)m->cfg.H);
    size_t window_count = lm_size_mul((size_t)B, (size_t)T + 1);
    lm_float *state = state_count ? calloc(state_count, sizeof(lm_float)) : NULL;
    int32_t *window = window_count ? malloc(window_count * sizeof(int32_t)) : NULL;
    if (!state || !window) {
        free(state);
        free(window);
        return lm_fail(LM_ERR_NOMEM, "out of memory evaluating with %d streams", B);
    }
    double total = 0, predicted = 0;
    for (size_t pos = 0; pos + 1 < S && !s; pos += (size_t)T) {
        int Tw = (int)((S - 1 - pos) < (size_t)T ? (S - 1 - pos) : (size_t)T);
        for (int n = 0; n < B; n++)
            memcpy(window + (size_t)n * (Tw + 1), ids + (size_t)n * S + pos, (size_t)(Tw + 1) * sizeof(int32_t));
        double sum = 0;
        s = lm_model_loss_sum(m, window, B, Tw, state, &sum);
        total += sum;
        predicted += (double)B * Tw;
    }
    free(state);
    free(window);
    if (s) return s;
    *loss_sum = total;
    *count = predicted;
    return LM_OK;
}

/* ---- inference helpers -------------------------------------------------------------------------- */

lm_status lm_model_logits(lm_model *m, const int32_t *ids, int N, int T, lm_float *logits) {
    lm_status s = check_window(N, T);
    if (!s) s = ensure_caches(m, N, T);
    if (s) return s;
    memcpy(m->inputs, ids, (size_t)N * T * sizeof(int32_t));
    forward_scores(m, N, T, NULL);
    memcpy(logits, m->scores, (size_t)N * T * m->cfg.V * sizeof(lm_float));
    return LM_OK;
}

/* out (V,) = log softmax(scores (V,)), stably. */
static void log_softmax(lm_float *out, const lm_float *scores, int V) {
    double max = scores[0], sum = 0;
    for (int v = 1; v < V; v++) max = scores[v] > max ? scores[v] : max;
    for (int v = 0; v < V; v++) sum += exp((double)scores[v] - max);
    double lse = max + log(sum);
    for (int v = 0; v < V; v++) out[v] = (lm_float)((double)scores[v] - lse);
}

lm_status lm_model_next_logprobs(lm_model *m, const int32_t *ids, int n, lm_float *out) {
    if (n <= 0) { /* zero state: h = 0 so the scores are the decoder bias */
        log_softmax(out, m->by, m->cfg.V);
        return LM_OK;
    }
    lm_status s = ensure_caches(m, 1, n);
    if (s) return s;
    memcpy(m->inputs, ids, (size_t)n * sizeof(int32_t));
    forward_scores(m, 1, n, NULL);
    log_softmax(out, m->scores + (size_t)(n - 1) * m->cfg.V, m->cfg.V);
    return LM_OK;
}

lm_status lm_model_hidden_states(lm_model *m, const int32_t *ids, int n, lm_float *out) {
    lm_status s = check_window(1, n);
    if (!s) s = ensure_caches(m, 1, n);
    if (s) return s;
    memcpy(m->inputs, ids, (size_t)n * sizeof(int32_t));
    forward_hidden(m, 1, n, NULL);
    memcpy(out, m->h + (size_t)(m->cfg.L - 1) * n * m->cfg.H, (size_t)n * m->cfg.H * sizeof(lm_float));
    return LM_OK;
}

lm_status lm_model_sequence_logprobs(lm_model *m, const int32_t *ids, int N, int T, double *out) {
    lm_status s = check_window(N, T);
    if (!s) s = ensure_caches(m, N, T);
    if (s) return s;
    split_windows(m, ids, N, T);
    forward_scores(m, N, T, NULL);
    const int V = m->cfg.V;
    for (int n = 0; n < N; n++) {
        double sum = 0;
        for (int t = 0; t < T; t++) {
            const lm_float *row = m->scores + ((size_t)n * T + t) * V; /* (V,) */
            double max = row[0], z = 0;
            for (int v = 1; v < V; v++) max = row[v] > max ? row[v] : max;
            for (int v = 0; v < V; v++) z += exp((double)row[v] - max);
            sum += (double)row[m->targets[(size_t)n * T + t]] - max - log(z);
        }
        out[n] = sum;
    }
    return LM_OK;
}

lm_status lm_model_step(lm_model *m, int32_t id, lm_float *state, lm_float *logits) {
    lm_status s = ensure_caches(m, 1, 1);
    if (s) return s;
    m->inputs[0] = id;
    forward_scores(m, 1, 1, state);
    final_state(m, 1, 1, state);
    memcpy(logits, m->scores, (size_t)m->cfg.V * sizeof(lm_float));
    return LM_OK;
}

/* ---- gradient check ----------------------------------------------------------------------------- */

lm_status lm_model_gradient_check(lm_model *m, const int32_t *ids, int N, int T, int samples, double eps,
                                  uint32_t seed, double *rel_error) {
    lm_status s = check_window(N, T);
    if (s) return s;
    if (samples < 1) return lm_fail(LM_ERR_ARG, "samples must be at least 1, got %d", samples);
    if (!(eps > 0) || !isfinite(eps)) return lm_fail(LM_ERR_ARG, "eps must be a positive number, got %g", eps);
    size_t state_count = (size_t)m->cfg.L * N * m->cfg.H;
    lm_float *start = calloc(state_count, sizeof(lm_float)), *state = calloc(state_count, sizeof(lm_float));
    lm_float *analytic = malloc(m->n_params * sizeof(lm_float));
    if (!start || !state || !analytic) {
        free(start);
        free(state);
        free(analytic);
        return lm_fail(LM_ERR_NOMEM, "out of memory for the gradient check");
    }
    if (m->carry_N == N) memcpy(start, m->carry, state_count * sizeof(lm_float));
    double loss;
    s = lm_model_loss_and_grads_from(m, ids, N, T, start, &loss);
    if (!s) memcpy(analytic, m->grads, m->n_params * sizeof(lm_float));
    lm_rng rng;
    lm_rng_seed(&rng, seed);
    /* the gradients are of the objective sum over T, mean over N (see loss_and_grads); loss_sum sums all */
    const double scale = 1.0 / (double)N;
    for (int k = 0; k < m->n_tensors && !s; k++) {
        const lm_param_info *t = &m->table[k];
        double worst = 0;
        for (int j = 0; j < samples && !s; j++) {
            size_t i = t->offset + lm_rng_below(&rng, (uint32_t)t->count);
            lm_float saved = m->params[i];
            double plus = 0, minus = 0;
            m->params[i] = (lm_float)(saved + eps);
            memcpy(state, start, state_count * sizeof(lm_float));
            s = lm_model_loss_sum(m, ids, N, T, state, &plus);
            m->params[i] = (lm_float)(saved - eps);
            memcpy(state, start, state_count * sizeof(lm_float));
            if (!s) s = lm_model_loss_sum(m, ids, N, T, state, &minus);
            /* the step actually taken, after rounding to lm_float */
            double step = (double)(lm_float)(saved + eps) - (double)(lm_float)(saved - eps);
            m->params[i] = saved;
            double numeric = (plus - minus) * scale / step, a = analytic[i];
            double denom = fabs(a) + fabs(numeric);
            double floor_ = sizeof(lm_float) == sizeof(double) ? 1e-10 : 1e-4;
            double rel = fabs(a - numeric) / (denom > floor_ ? denom : floor_);
            if (rel > worst) worst = rel;
        }
        rel_error[k] = worst;
    }
    /* leave the gradient buffer holding the analytic gradient of this batch */
    if (!s) memcpy(m->grads, analytic, m->n_params * sizeof(lm_float));
    free(start);
    free(state);
    free(analytic);
    return s;
}
