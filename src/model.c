/* model.c — the language models behind model.h: config checks, parameter table and initialisation,
 * the cache arena, the loss (softmax over the scores of model_cells.c) and its gradients, the carried
 * state, evaluation, the inference helpers and probes, the whole-model gradient check. The cells'
 * forward/backward live in model_cells.c; no layer math here.
 * Shapes: N streams, T time, V vocabulary, E embedding (0 = one-hot), H hidden, L layers, G gates,
 * W window. */
#include "model.h"

#include "layers.h"
#include "lm_check.h"
#include "model_cells.h"
#include "rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- parameter table ---------------------------------------------------------------------------- */

static void add_tensor(lm_model *m, const char *name, const char *lecture, int rows, int cols, int transposed) {
    lm_param_info *t = &m->table[m->n_tensors++];
    lm_snprintf(t->name, sizeof t->name, "%s", name);
    lm_snprintf(t->lecture, sizeof t->lecture, "%s", lecture);
    t->ndim = cols > 0 ? 2 : 1;
    t->shape[0] = rows;
    t->shape[1] = cols > 0 ? cols : 1;
    t->count = (size_t)rows * (size_t)(cols > 0 ? cols : 1);
    t->offset = m->n_params;
    t->transposed = transposed;
    m->n_params += t->count;
}

int model_input_width(const lm_model *m, int layer) {
    if (m->cfg.cell == LM_CELL_WINDOW) return m->cfg.W * m->cfg.E;
    if (layer > 0) return m->cfg.H;
    return m->cfg.E > 0 ? m->cfg.E : m->cfg.V;
}

static const char *cell_names[LM_CELL_COUNT] = {"rnn", "lstm", "gru", "window"};

const char *model_cell_name(lm_cell cell) {
    return (int)cell >= 0 && (int)cell < LM_CELL_COUNT ? cell_names[cell] : "unknown";
}

int model_cell_from_name(const char *name) {
    for (int k = 0; k < LM_CELL_COUNT; k++)
        if (strcmp(name, cell_names[k]) == 0) return k;
    return -1;
}

static void empty_state(const lm_model *m, lm_float *state, size_t count);

static int gates_of(lm_cell cell) { return cell == LM_CELL_LSTM ? 4 : cell == LM_CELL_GRU ? 3 : 1; }

size_t model_state_count(const lm_model *m, int N) {
    if (m->cfg.cell == LM_CELL_WINDOW) return (size_t)N * (size_t)(m->cfg.W - 1);
    size_t per_layer = lm_size_mul((size_t)N, (size_t)m->cfg.H);
    return lm_size_mul(per_layer, (size_t)m->cfg.L * (m->cfg.cell == LM_CELL_LSTM ? 2 : 1));
}

/* Table in file order; our shapes follow Lab 2 (Wx (E, G·H), Wh (H, G·H), Wy (H, V)); PyTorch
 * keeps weights as (out, in), hence `transposed` for every matrix but the embedding. The torch GRU
 * keeps PyTorch's second bias bias_hh (3H,) as a parameter: its last H entries are b_hn, which sits
 * inside r ⊙ (h·Whg + b_hn), so it cannot be folded into bias_ih. The window model's names:
 * embedding.weight (V, E), hidden.weight (W·E, H) = Linear(W·E, H).weightᵀ, hidden.bias (H,),
 * decoder.weight, decoder.bias. */
static void build_table(lm_model *m) {
    const lm_model_config *c = &m->cfg;
    const int GH = m->G * c->H;
    char name[LM_PARAM_NAME_MAX], lecture[LM_PARAM_NAME_MAX];
    if (c->E > 0) add_tensor(m, "embedding.weight", "W_embed", c->V, c->E, 0);
    if (c->cell == LM_CELL_WINDOW) {
        add_tensor(m, "hidden.weight", "W", c->W * c->E, c->H, 1);
        add_tensor(m, "hidden.bias", "b1", c->H, 0, 0);
        add_tensor(m, "decoder.weight", "U", c->H, c->V, 1);
        add_tensor(m, "decoder.bias", "b2", c->V, 0, 0);
        return;
    }
    for (int l = 0; l < c->L; l++) {
        lm_snprintf(name, sizeof name, "rnn.weight_ih_l%d", l);
        lm_snprintf(lecture, sizeof lecture, c->L > 1 ? "Wx%d" : "Wx", l);
        add_tensor(m, name, lecture, model_input_width(m, l), GH, 1);
        lm_snprintf(name, sizeof name, "rnn.weight_hh_l%d", l);
        lm_snprintf(lecture, sizeof lecture, c->L > 1 ? "Wh%d" : "Wh", l);
        add_tensor(m, name, lecture, c->H, GH, 1);
        lm_snprintf(name, sizeof name, "rnn.bias_ih_l%d", l);
        lm_snprintf(lecture, sizeof lecture, c->L > 1 ? "b%d" : "b", l);
        add_tensor(m, name, lecture, GH, 0, 0);
        if (c->cell == LM_CELL_GRU && c->gru_variant == LM_GRU_TORCH) {
            lm_snprintf(name, sizeof name, "rnn.bias_hh_l%d", l);
            lm_snprintf(lecture, sizeof lecture, c->L > 1 ? "bh%d" : "bh", l);
            add_tensor(m, name, lecture, GH, 0, 0);
        }
    }
    add_tensor(m, "decoder.weight", "Wy", c->H, c->V, 1);
    add_tensor(m, "decoder.bias", "by", c->V, 0, 0);
}

/* *p, *g = the params and grads views of table entry k. */
static void view(lm_model *m, int k, lm_float **p, lm_float **g) {
    *p = m->params + m->table[k].offset;
    *g = m->grads + m->table[k].offset;
}

/* The typed views of model.h, in build_table's order. */
static void resolve_views(lm_model *m) {
    int k = 0;
    if (m->cfg.E > 0) view(m, k++, &m->W_embed, &m->dW_embed);
    if (m->cfg.cell == LM_CELL_WINDOW) { /* hidden.weight, hidden.bias, decoder.weight, decoder.bias */
        view(m, k++, &m->W_win, &m->dW_win);
        view(m, k++, &m->b1, &m->db1);
        view(m, k++, &m->U, &m->dU);
        view(m, k, &m->b2, &m->db2);
        return;
    }
    const int torch_gru = m->cfg.cell == LM_CELL_GRU && m->cfg.gru_variant == LM_GRU_TORCH;
    for (int l = 0; l < m->cfg.L; l++) {
        view(m, k++, &m->Wx[l], &m->dWx[l]);
        view(m, k++, &m->Wh[l], &m->dWh[l]);
        view(m, k++, &m->b[l], &m->db[l]);
        if (torch_gru) view(m, k++, &m->bh[l], &m->dbh[l]);
    }
    view(m, k++, &m->Wy, &m->dWy);
    view(m, k, &m->by, &m->dby);
}

static void initialise(lm_model *m) {
    lm_rng rng;
    lm_rng_seed(&rng, m->cfg.seed);
    for (int k = 0; k < m->n_tensors; k++) {
        const lm_param_info *t = &m->table[k];
        lm_float *p = m->params + t->offset;
        double scale = strcmp(t->lecture, "W_embed") == 0 ? 1.0 : 0.01;
        if (t->ndim == 1) { /* biases: 0, but the LSTM's forget gate (block f of i|f|g|o) starts at 1 */
            memset(p, 0, t->count * sizeof *p);
            if (m->cfg.cell == LM_CELL_LSTM && strncmp(t->name, "rnn.bias_ih_l", 13) == 0) {
                lm_float *b_f = p + LSTM_F * m->cfg.H; /* (H,) */
                for (int j = 0; j < m->cfg.H; j++) b_f[j] = 1;
            }
            continue;
        }
        for (size_t i = 0; i < t->count; i++) p[i] = (lm_float)(scale * lm_rng_normal(&rng));
    }
}

lm_status model_check_config(const lm_model_config *c, const char *fn) {
    LM_TRY(lm_check_choice(fn, "cell", (int)c->cell, LM_CELL_COUNT, "0 (rnn), 1 (lstm), 2 (gru) or 3 (window)"));
    LM_TRY(lm_check_choice(fn, "gru_variant", c->gru_variant, 2, "0 (lecture) or 1 (torch)"));
    LM_TRY(lm_check_vocab(fn, c->V, 2));
    LM_TRY(lm_check_range(fn, "E (embedding size; 0 = one-hot)", c->E, 0, LM_MAX_DIM));
    LM_TRY(lm_check_dim(fn, "H (hidden size)", c->H));
    LM_TRY(lm_check_range(fn, "L (layers)", c->L, 1, LM_MAX_LAYERS));
    if (c->cell == LM_CELL_WINDOW) {
        LM_TRY(lm_check_range(fn, "W (window: previous tokens the model sees)", c->W, 1, LM_MAX_WINDOW));
        if (c->E < 1)
            return lm_fail(LM_ERR_ARG,
                           "%s: the window model needs a trainable embedding: E (embedding size) must be at "
                           "least 1, got %d",
                           fn, c->E);
        if (c->L != 1)
            return lm_fail(LM_ERR_ARG, "%s: the window model has one hidden layer: L (layers) must be 1, got %d", fn,
                           c->L);
        if (c->W * c->E > LM_MAX_DIM)
            return lm_fail(LM_ERR_ARG, "%s: W·E = %d·%d inputs to the window model's hidden layer is more than %d", fn,
                           c->W, c->E, LM_MAX_DIM);
    } else if (c->W != 0) {
        return lm_fail(LM_ERR_ARG, "%s: W (window) applies to the window model only; the %s cell needs W = 0, got %d",
                       fn, model_cell_name(c->cell), c->W);
    }
    if (c->E == 0 && c->V > LM_MAX_DIM)
        return lm_fail(LM_ERR_ARG,
                       "%s: one-hot input (E = 0) needs V (vocabulary size) of at most %d, got %d: use a "
                       "trainable embedding (e.g. E = 64)",
                       fn, LM_MAX_DIM, c->V);
    return LM_OK;
}

lm_status model_new(lm_model **out, const lm_model_config *c) {
    *out = NULL;
    lm_model *m = calloc(1, sizeof *m);
    if (!m) return lm_fail(LM_ERR_NOMEM, "out of memory for a model");
    m->cfg = *c;
    m->G = gates_of(c->cell);
    build_table(m);
    size_t bytes = lm_size_mul(m->n_params, sizeof(lm_float));
    if (bytes == 0 || !(m->params = calloc(m->n_params, sizeof(lm_float))) ||
        !(m->grads = calloc(m->n_params, sizeof(lm_float)))) {
        size_t count = m->n_params;
        model_delete(m);
        return lm_fail(LM_ERR_NOMEM, "out of memory for %zu parameters", count);
    }
    resolve_views(m);
    initialise(m);
    *out = m;
    return LM_OK;
}

void model_delete(lm_model *m) {
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
lm_status model_ensure_caches(lm_model *m, int N, int T) {
    if (m->arena && m->cache_N == N && m->cache_T == T) return LM_OK;
    const size_t L = (size_t)m->cfg.L, H = (size_t)m->cfg.H, V = (size_t)m->cfg.V, E = (size_t)m->cfg.E;
    const size_t G = (size_t)m->G, W = (size_t)m->cfg.W, NH = lm_size_mul((size_t)N, H);
    const int window = m->cfg.cell == LM_CELL_WINDOW;
    size_t NT = lm_size_mul((size_t)N, (size_t)T);
    size_t gate_cols = m->cfg.cell == LM_CELL_LSTM ? 6 : m->cfg.cell == LM_CELL_GRU ? 4 : 0;
    size_t work = NH; /* RNN */
    if (m->cfg.cell == LM_CELL_LSTM) work = lm_size_mul(NH, 7);
    if (m->cfg.cell == LM_CELL_GRU) work = GRU_WORK_BACKWARD_PROJECTED(lm_size_mul((size_t)N, 1), H);
    if (window) work = lm_size_mul(NT, H + W * E);
    size_t counts[] = {
        lm_size_mul(NT, 1),                                             /* inputs (int32) */
        lm_size_mul(NT, 1),                                             /* targets (int32) */
        window ? lm_size_mul(NT, W) : 1,                                /* ctx (int32) */
        window ? lm_size_mul((size_t)N, W - 1 + (size_t)T) : 1,         /* hist (int32) */
        E ? lm_size_mul(NT, window ? W * E : E) : 1,                    /* x */
        window ? 1 : lm_size_mul(NT, G * H),                            /* xw */
        lm_size_mul(lm_size_mul(NT, H), L),                             /* h */
        gate_cols ? lm_size_mul(lm_size_mul(NT, gate_cols * H), L) : 1, /* gates */
        model_state_count(m, N) + 1,                                    /* h0 */
        lm_size_mul(NT, V),                                             /* scores */
        lm_size_mul(NT, V),                                             /* dscores */
        lm_size_mul(NT, H),                                             /* dh */
        window ? 1 : lm_size_mul(NT, G * H),                            /* dxw */
        E && !window ? lm_size_mul(NT, E) : 1,                          /* dx */
        work,                                                           /* work */
        (size_t)T,                                                      /* dh_norms */
        lm_size_mul(L, 3 * H),                                          /* bsum */
    };
    enum { NB = sizeof counts / sizeof counts[0] };
    size_t offsets[NB], total = 0;
    for (int i = 0; i < NB; i++) {
        size_t elem = i < 4 ? sizeof(int32_t) : sizeof(lm_float);
        size_t bytes = lm_size_mul(counts[i], elem);
        if (bytes == 0 || total > SIZE_MAX - bytes - 16)
            return lm_fail(LM_ERR_NOMEM, "batch %d x window %d is too large for this model's caches", N, T);
        offsets[i] = total;
        total += (bytes + 15) & ~(size_t)15; /* 16-byte aligned slices */
    }
    if (total > m->arena_bytes) {
        void *grown = malloc(total);
        if (!grown)
            return lm_fail(LM_ERR_NOMEM, "out of memory for the caches of batch %d x window %d (%zu bytes)", N, T,
                           total);
        free(m->arena);
        m->arena = grown;
        m->arena_bytes = total;
    }
    char *base = m->arena;
    m->inputs = (int32_t *)(void *)(base + offsets[0]);
    m->targets = (int32_t *)(void *)(base + offsets[1]);
    m->ctx = (int32_t *)(void *)(base + offsets[2]);
    m->hist = (int32_t *)(void *)(base + offsets[3]);
    m->x = (lm_float *)(void *)(base + offsets[4]);
    m->xw = (lm_float *)(void *)(base + offsets[5]);
    m->h = (lm_float *)(void *)(base + offsets[6]);
    m->gates = (lm_float *)(void *)(base + offsets[7]);
    m->h0 = (lm_float *)(void *)(base + offsets[8]);
    m->scores = (lm_float *)(void *)(base + offsets[9]);
    m->dscores = (lm_float *)(void *)(base + offsets[10]);
    m->dh = (lm_float *)(void *)(base + offsets[11]);
    m->dxw = (lm_float *)(void *)(base + offsets[12]);
    m->dx = (lm_float *)(void *)(base + offsets[13]);
    m->work = (lm_float *)(void *)(base + offsets[14]);
    m->dh_norms = (lm_float *)(void *)(base + offsets[15]);
    m->bsum = (lm_float *)(void *)(base + offsets[16]);
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

/* Split ids (N, T+1) into inputs (N, T) and targets (N, T). */
static void split_windows(lm_model *m, const int32_t *ids, int N, int T) {
    for (int n = 0; n < N; n++) {
        const int32_t *row = ids + (size_t)n * (T + 1);
        memcpy(m->inputs + (size_t)n * T, row, (size_t)T * sizeof *row);
        memcpy(m->targets + (size_t)n * T, row + 1, (size_t)T * sizeof *row);
    }
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
                       "or gradient clipping (e.g. clip 5)",
                       loss, bad->name, bad->lecture);
    /* every parameter is finite, so the scores overflowed: name the largest tensor as the likely cause */
    const lm_param_info *big = &m->table[0];
    double largest = 0;
    for (int k = 0; k < m->n_tensors; k++)
        for (size_t i = 0; i < m->table[k].count; i++) {
            double v = fabs((double)m->params[m->table[k].offset + i]);
            if (v > largest) {
                largest = v;
                big = &m->table[k];
            }
        }
    return lm_fail(LM_ERR_NONFINITE,
                   "the loss became %g: the scores overflowed (%s (%s) holds values up to %.3g); try a lower learning "
                   "rate or gradient clipping (e.g. clip 5)",
                   loss, big->name, big->lecture, largest);
}

/* Forward and backward on ids (N, T+1) from h_start; mask (N, T) or NULL (see model.h). */
static lm_status loss_and_grads(lm_model *m, const int32_t *ids, const uint8_t *mask, int N, int T,
                                const lm_float *h_start, double grad_scale, double *loss) {
    lm_status s = model_ensure_caches(m, N, T);
    if (s) return s;
    split_windows(m, ids, N, T);
    lm_cells_forward(m, N, T, h_start);
    double value;
    if (mask) {
        /* Padded sentences: the objective is each sentence's cross-entropy summed over its real tokens,
         * averaged over the N sentences (cs231n's masked temporal softmax loss, and the streams' objective
         * when every position is real). The softmax gives that sum over N with dscores = 0 at padding, so
         * padding adds nothing to the loss or to any gradient; the loss reported is per real token. */
        size_t real = 0;
        for (size_t i = 0; i < (size_t)N * T; i++) real += mask[i] != 0;
        double over_n =
            temporal_softmax_loss(m->dscores, m->scores, m->targets, mask, N, T, m->cfg.V, LM_LOSS_SUM_OVER_N);
        value = real ? over_n * N / (double)real : 0;
    } else {
        value = temporal_softmax_loss(m->dscores, m->scores, m->targets, NULL, N, T, m->cfg.V, LM_LOSS_MEAN_UNMASKED);
        /* The objective is min-char-rnn's: the cross-entropy summed over the window, averaged over the N
         * streams, i.e. T times the per-token mean the softmax loss returns. Its gradients keep the scale
         * of the min-char-rnn notes, so Adagrad's eps (1e-8 inside the square root) and clip 5 mean what
         * they mean there; with N = 1 a step is exactly a min-char-rnn step. grad_scale (n/N for a shard
         * of n of N streams) makes a shard's gradient its share of the whole batch's; 1.0 leaves it T. */
        const size_t NTV = (size_t)N * T * m->cfg.V;
        const lm_float factor = (lm_float)((double)T * grad_scale);
        for (size_t i = 0; i < NTV; i++) m->dscores[i] *= factor;
    }
    if (!isfinite(value)) return nonfinite_loss(m, value);
    lm_cells_backward(m, N, T);
    const lm_param_info *bad = first_nonfinite(m, m->grads);
    if (bad)
        return lm_fail(
            LM_ERR_NONFINITE,
            "the gradient of %s (%s) is not finite: try a lower learning rate or gradient clipping (e.g. clip 5)",
            bad->name, bad->lecture);
    m->last_loss = value;
    *loss = value;
    return LM_OK;
}

lm_status model_loss_and_grads_from(lm_model *m, const int32_t *ids, int N, int T, const lm_float *h_start,
                                    double *loss) {
    return loss_and_grads(m, ids, NULL, N, T, h_start, 1.0, loss);
}

lm_status model_loss_and_grads_scaled(lm_model *m, const int32_t *ids, int N, int T, const lm_float *h_start,
                                      double grad_scale, double *loss) {
    return loss_and_grads(m, ids, NULL, N, T, h_start, grad_scale, loss);
}

lm_status model_loss_and_grads_masked(lm_model *m, const int32_t *ids, const uint8_t *mask, int N, int T,
                                      double *loss) {
    return loss_and_grads(m, ids, mask, N, T, NULL, 1.0, loss);
}

lm_status model_ensure_carry(lm_model *m, int N) {
    if (m->carry_N == N) return LM_OK;
    size_t count = model_state_count(m, N) + 1; /* + 1: never a zero-size allocation */
    lm_float *carry = calloc(count, sizeof(lm_float));
    if (!carry) return lm_fail(LM_ERR_NOMEM, "out of memory for the carried state of %d streams", N);
    free(m->carry);
    m->carry = carry;
    m->carry_N = N;
    model_reset_state(m);
    return LM_OK;
}

lm_status model_loss_and_grads(lm_model *m, const int32_t *ids, int N, int T, double *loss) {
    lm_status s = model_ensure_carry(m, N);
    if (!s) s = model_loss_and_grads_from(m, ids, N, T, m->carry, loss);
    if (s) return s;
    lm_cells_final_state(m, N, T, m->carry);
    return LM_OK;
}

void model_commit_state(lm_model *m, int N, int T) { lm_cells_final_state(m, N, T, m->carry); }

static void empty_state(const lm_model *m, lm_float *state, size_t count) {
    lm_float value = m->cfg.cell == LM_CELL_WINDOW ? (lm_float)LM_WINDOW_PAD : 0;
    for (size_t i = 0; i < count; i++) state[i] = value;
}

void model_empty_state(const lm_model *m, lm_float *state, int N) { empty_state(m, state, model_state_count(m, N)); }

void model_reset_state(lm_model *m) {
    if (m->carry) empty_state(m, m->carry, model_state_count(m, m->carry_N));
}

/* Forward through the decoder (no loss): scores for m->inputs from state or the empty state. */
static lm_status forward_scores(lm_model *m, int N, int T, const lm_float *state) {
    lm_cells_forward(m, N, T, state);
    return LM_OK;
}

/* Forward only: the summed cross-entropy over the positions mask (N, T) keeps (NULL: all). */
static lm_status loss_sum(lm_model *m, const int32_t *ids, const uint8_t *mask, int N, int T, lm_float *state,
                          double *loss_sum) {
    lm_status s = model_ensure_caches(m, N, T);
    if (s) return s;
    split_windows(m, ids, N, T);
    forward_scores(m, N, T, state);
    /* the unmasked sum as the mean times N·T, as it always was (evaluation numbers stay bit-identical) */
    double value =
        mask ? temporal_softmax_loss(NULL, m->scores, m->targets, mask, N, T, m->cfg.V, LM_LOSS_SUM_OVER_N)
             : temporal_softmax_loss(NULL, m->scores, m->targets, NULL, N, T, m->cfg.V, LM_LOSS_MEAN_UNMASKED);
    if (!isfinite(value)) return nonfinite_loss(m, value);
    if (state) lm_cells_final_state(m, N, T, state);
    *loss_sum = mask ? value * N : value * N * T;
    return LM_OK;
}

lm_status model_loss_sum(lm_model *m, const int32_t *ids, int N, int T, lm_float *state, double *loss_sum_out) {
    return loss_sum(m, ids, NULL, N, T, state, loss_sum_out);
}

lm_status model_evaluate(lm_model *m, const int32_t *ids, size_t len, int B, int T, double *loss_sum, double *count) {
    size_t S = len / (size_t)B; /* tokens per stream */
    if (S < 2)
        return lm_fail(LM_ERR_EMPTY, "held-out text of %zu tokens is too short for %d streams (each needs 2 tokens)",
                       len, B);
    size_t state_count = model_state_count(m, B);
    size_t window_count = lm_size_mul((size_t)B, (size_t)T + 1);
    lm_float *state = calloc(state_count + 1, sizeof(lm_float));
    if (state) empty_state(m, state, state_count);
    int32_t *window = window_count ? malloc(window_count * sizeof(int32_t)) : NULL;
    if (!state || !window) {
        free(state);
        free(window);
        return lm_fail(LM_ERR_NOMEM, "out of memory evaluating with %d streams", B);
    }
    double total = 0, predicted = 0;
    lm_status s = LM_OK;
    for (size_t pos = 0; pos + 1 < S && !s; pos += (size_t)T) {
        int Tw = (int)((S - 1 - pos) < (size_t)T ? (S - 1 - pos) : (size_t)T);
        for (int n = 0; n < B; n++)
            memcpy(window + (size_t)n * (Tw + 1), ids + (size_t)n * S + pos, (size_t)(Tw + 1) * sizeof(int32_t));
        double sum = 0;
        s = model_loss_sum(m, window, B, Tw, state, &sum);
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

lm_status model_logits(lm_model *m, const int32_t *ids, int N, int T, lm_float *logits) {
    lm_status s = model_ensure_caches(m, N, T);
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

lm_status model_empty_logits(lm_model *m, lm_float *logits) {
    if (m->cfg.cell != LM_CELL_WINDOW) { /* zero state: h = 0 so the scores are the decoder bias */
        memcpy(logits, m->by, (size_t)m->cfg.V * sizeof(lm_float));
        return LM_OK;
    }
    /* the window model: the context of the first token is all pads (scores from tanh(b1)) */
    lm_status s = model_ensure_caches(m, 1, 1);
    if (s) return s;
    for (int k = 0; k < m->cfg.W; k++) m->ctx[k] = LM_WINDOW_PAD;
    window_forward(m->scores, m->x, m->h, m->ctx, m->W_embed, m->W_win, m->b1, m->U, m->b2, 1, m->cfg.W, m->cfg.V,
                   m->cfg.E, m->cfg.H);
    memcpy(logits, m->scores, (size_t)m->cfg.V * sizeof(lm_float));
    return LM_OK;
}

lm_status model_next_logprobs(lm_model *m, const int32_t *ids, int n, lm_float *out) {
    if (n <= 0) {
        lm_status s = model_empty_logits(m, out);
        if (s) return s;
        log_softmax(out, out, m->cfg.V);
        return LM_OK;
    }
    lm_status s = model_ensure_caches(m, 1, n);
    if (s) return s;
    memcpy(m->inputs, ids, (size_t)n * sizeof(int32_t));
    forward_scores(m, 1, n, NULL);
    log_softmax(out, m->scores + (size_t)(n - 1) * m->cfg.V, m->cfg.V);
    return LM_OK;
}

lm_status model_hidden_states(lm_model *m, const int32_t *ids, int n, lm_float *out) {
    lm_status s = model_ensure_caches(m, 1, n);
    if (s) return s;
    return model_probe(m, ids, n, out, NULL, NULL);
}

lm_status model_probe(lm_model *m, const int32_t *ids, int n, lm_float *h, lm_float *c, lm_float *gates) {
    lm_status s = model_ensure_caches(m, 1, n);
    if (s) return s;
    const int H = m->cfg.H, L = m->cfg.L, G = m->G;
    memcpy(m->inputs, ids, (size_t)n * sizeof(int32_t));
    forward_scores(m, 1, n, NULL);
    if (h) memcpy(h, m->h + (size_t)(L - 1) * n * H, (size_t)n * H * sizeof(lm_float));
    if (c || gates) { /* the cache rows of layers_gated.h: LSTM [i f g o c tanh(c)], GRU [r z g s] */
        const int lstm = m->cfg.cell == LM_CELL_LSTM;
        const size_t width = (size_t)(lstm ? LSTM_SLOTS : GRU_SLOTS) * H;
        const lm_float *cache = m->gates + (size_t)(L - 1) * n * width; /* (n, width) of the last layer */
        for (int t = 0; t < n; t++) { /* the G gates are the first G slots of either row */
            if (gates) memcpy(gates + (size_t)t * G * H, cache + t * width, (size_t)G * H * sizeof(lm_float));
            if (c) memcpy(c + (size_t)t * H, lstm_cache_row(cache, (size_t)t, H).c, (size_t)H * sizeof(lm_float));
        }
    }
    return LM_OK;
}

lm_status model_sequence_logprobs(lm_model *m, const int32_t *ids, int N, int T, double *out) {
    lm_status s = model_ensure_caches(m, N, T);
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

lm_status model_step(lm_model *m, int32_t id, lm_float *state, lm_float *logits) {
    lm_status s = model_ensure_caches(m, 1, 1);
    if (s) return s;
    m->inputs[0] = id;
    forward_scores(m, 1, 1, state);
    lm_cells_final_state(m, 1, 1, state);
    memcpy(logits, m->scores, (size_t)m->cfg.V * sizeof(lm_float));
    return LM_OK;
}

/* ---- gradient check ----------------------------------------------------------------------------- */

/* mask (N, T) or NULL: with a mask the batch is sentences, each from the empty state (see model.h). */
static lm_status gradient_check(lm_model *m, const int32_t *ids, const uint8_t *mask, int N, int T, int samples,
                                double eps, uint32_t seed, double *rel_error) {
    size_t state_count = model_state_count(m, N);
    lm_float *start = calloc(state_count + 1, sizeof(lm_float)), *state = calloc(state_count + 1, sizeof(lm_float));
    lm_float *analytic = malloc(m->n_params * sizeof(lm_float));
    if (!start || !state || !analytic) {
        free(start);
        free(state);
        free(analytic);
        return lm_fail(LM_ERR_NOMEM, "out of memory for the gradient check");
    }
    if (m->carry_N == N && !mask) memcpy(start, m->carry, state_count * sizeof(lm_float));
    else empty_state(m, start, state_count);
    double loss;
    lm_status s = loss_and_grads(m, ids, mask, N, T, start, 1.0, &loss);
    if (!s) memcpy(analytic, m->grads, m->n_params * sizeof(lm_float));
    lm_rng rng;
    lm_rng_seed(&rng, seed);
    /* the gradients are of the objective sum over T (the real positions), mean over N (see loss_and_grads);
     * loss_sum sums all (the real positions) */
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
            s = loss_sum(m, ids, mask, N, T, state, &plus);
            m->params[i] = (lm_float)(saved - eps);
            memcpy(state, start, state_count * sizeof(lm_float));
            if (!s) s = loss_sum(m, ids, mask, N, T, state, &minus);
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

lm_status model_gradient_check(lm_model *m, const int32_t *ids, int N, int T, int samples, double eps, uint32_t seed,
                               double *rel_error) {
    return gradient_check(m, ids, NULL, N, T, samples, eps, seed, rel_error);
}

lm_status model_gradient_check_masked(lm_model *m, const int32_t *ids, const uint8_t *mask, int N, int T, int samples,
                                      double eps, uint32_t seed, double *rel_error) {
    return gradient_check(m, ids, mask, N, T, samples, eps, seed, rel_error);
}
