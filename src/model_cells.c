/* model_cells.c — the forward and backward of each cell of the ladder over a model's caches (see
 * model_cells.h). Recurrent cells share one loop: project the layer input (one matmul, or a row gather
 * of Wx for one-hot input), run the cell over T, and on the way back push dL/d(projection) through Wx
 * to the layer below. The window model is one call each way. No layer math here: layers.c,
 * layers_lstm.c, layers_gru.c, layers_window.c and kernels.c do it.
 * Shapes: N streams, T time, V vocabulary, E embedding, H hidden, L layers, G gates, W window. */
#include "model_cells.h"

#include "kernels.h"
#include "layers.h"
#include "layers_gated.h"

#include <math.h>
#include <string.h>

/* ---- the fixed-window model ----------------------------------------------------------------------- */

/* Row n of hist (N, W-1+T) = the W-1 ids before the window (from start, or pads) then inputs[n]; the
 * contexts ctx (N, T, W) read it: target t is predicted from hist[n][t .. t+W-1] (inputs t-W+1 .. t). */
static void window_contexts(lm_model *m, int N, int T, const lm_float *start) {
    const int W = m->cfg.W, P = W - 1, R = P + T;
    for (int n = 0; n < N; n++) {
        int32_t *row = m->hist + (size_t)n * R;
        for (int k = 0; k < P; k++) row[k] = start ? (int32_t)start[(size_t)n * P + k] : LM_WINDOW_PAD;
        memcpy(row + P, m->inputs + (size_t)n * T, (size_t)T * sizeof *row);
        /* position t of the predicted stream is hist index P + 1 + t; its W predecessors are readable */
        window_context(m->ctx + (size_t)n * T * W, row + P + 1, T, W, P + 1);
    }
}

static void window_forward_all(lm_model *m, int N, int T, const lm_float *start) {
    const int W = m->cfg.W, V = m->cfg.V, E = m->cfg.E, H = m->cfg.H;
    window_contexts(m, N, T, start);
    window_forward(m->scores, m->x, m->h, m->ctx, m->W_embed, m->W_win, m->b1, m->U, m->b2, N * T, W, V, E, H);
}

static void window_backward_all(lm_model *m, int N, int T) {
    const int W = m->cfg.W, V = m->cfg.V, E = m->cfg.E, H = m->cfg.H;
    window_backward(m->dW_embed, m->dW_win, m->db1, m->dU, m->db2, m->dscores, m->ctx, m->x, m->h, m->W_win, m->U,
                    m->work, N * T, W, V, E, H);
    /* the gradient-flow probe: dL/dh_t = dscores_t·Uᵀ (each position's own loss only; nothing is carried) */
    memset(m->dh, 0, (size_t)N * T * H * sizeof(lm_float));
    lm_matmul_nt(m->dh, m->dscores, m->U, N * T, V, H);
    for (int t = 0; t < T; t++) {
        double norm2 = 0;
        for (int n = 0; n < N; n++) {
            const lm_float *d = m->dh + ((size_t)n * T + t) * H; /* (H,) */
            for (int j = 0; j < H; j++) norm2 += (double)d[j] * d[j];
        }
        m->dh_norms[t] = (lm_float)sqrt(norm2);
    }
}

/* ---- recurrent stacks ------------------------------------------------------------------------------- */

/* Start state of layer l: h0 (N, H), and c0 (N, H) for the LSTM, inside m->h0 (see state_count). */
static lm_float *layer_h0(const lm_model *m, int N, int l) { return m->h0 + (size_t)l * N * m->cfg.H; }
static lm_float *layer_c0(const lm_model *m, int N, int l) { return m->h0 + (size_t)(m->cfg.L + l) * N * m->cfg.H; }
/* Width of a cache row of layers_gated.h: LSTM [i f g o c tanh(c)] 6H, GRU [r z g s] 4H, none for the RNN. */
static size_t gate_width(const lm_model *m) {
    const int slots = m->cfg.cell == LM_CELL_LSTM ? LSTM_SLOTS : m->cfg.cell == LM_CELL_GRU ? GRU_SLOTS : 0;
    return (size_t)slots * m->cfg.H;
}
static lm_float *layer_gates(const lm_model *m, int N, int T, int l) {
    return m->gates + (size_t)l * N * T * gate_width(m);
}

/* xw (N, T, G·H) = input of layer l · Wx[l]. */
static void project_input(lm_model *m, int N, int T, int l) {
    const int H = m->cfg.H, V = m->cfg.V, E = m->cfg.E, GH = m->G * H;
    const size_t NT = (size_t)N * T;
    if (l > 0) { /* xw (N·T, G·H) = h_below (N·T, H) · Wx (H, G·H) */
        memset(m->xw, 0, NT * GH * sizeof(lm_float));
        lm_matmul_nn(m->xw, m->h + (size_t)(l - 1) * NT * H, m->Wx[l], (int)NT, H, GH);
    } else if (E == 0) { /* one-hot: x·Wx is row ids of Wx (V, G·H) */
        embedding_forward(m->xw, m->inputs, m->Wx[0], N, T, V, GH);
    } else {
        embedding_forward(m->x, m->inputs, m->W_embed, N, T, V, E);
        memset(m->xw, 0, NT * GH * sizeof(lm_float));
        lm_matmul_nn(m->xw, m->x, m->Wx[0], (int)NT, E, GH);
    }
}

/* dL/d(layer input) from dxw (N, T, G·H): into dh (the layer below's upstream) or the input weights. */
static void project_input_backward(lm_model *m, int N, int T, int l) {
    const int H = m->cfg.H, V = m->cfg.V, E = m->cfg.E, GH = m->G * H;
    const size_t NT = (size_t)N * T;
    if (l > 0) { /* dWx += h_belowᵀ·dxw; dh_below = dxw·Wxᵀ */
        lm_matmul_tn(m->dWx[l], m->h + (size_t)(l - 1) * NT * H, m->dxw, H, (int)NT, GH);
        memset(m->dh, 0, NT * H * sizeof(lm_float));
        lm_matmul_nt(m->dh, m->dxw, m->Wx[l], (int)NT, GH, H);
    } else if (E == 0) {
        embedding_backward(m->dWx[0], m->dxw, m->inputs, N, T, V, GH);
    } else {
        lm_matmul_tn(m->dWx[0], m->x, m->dxw, E, (int)NT, GH);
        memset(m->dx, 0, NT * E * sizeof(lm_float));
        lm_matmul_nt(m->dx, m->dxw, m->Wx[0], (int)NT, GH, E);
        embedding_backward(m->dW_embed, m->dx, m->inputs, N, T, V, E);
    }
}

/* torch GRU: the r and z pre-activations add bias_ih and bias_hh; g adds bias_ih here and bias_hh
 * (= b_hn) inside r ⊙ (h·Whg + b_hn). bsum (3H,) = bias_ih + [bias_hh r, z | 0]. */
static const lm_float *gru_bias(lm_model *m, int l) {
    const int H = m->cfg.H;
    if (m->cfg.gru_variant != LM_GRU_TORCH) return m->b[l];
    lm_float *s = m->bsum + (size_t)l * 3 * H;
    for (int j = 0; j < 3 * H; j++) s[j] = m->b[l][j] + (j < 2 * H ? m->bh[l][j] : 0);
    return s;
}

static void recurrent_forward(lm_model *m, int N, int T, const lm_float *start) {
    const int H = m->cfg.H, L = m->cfg.L;
    size_t count = model_state_count(m, N);
    if (start) memcpy(m->h0, start, count * sizeof(lm_float));
    else memset(m->h0, 0, count * sizeof(lm_float));
    for (int l = 0; l < L; l++) {
        lm_float *h = m->h + (size_t)l * N * T * H; /* (N, T, H) */
        project_input(m, N, T, l);
        switch (m->cfg.cell) {
        case LM_CELL_LSTM:
            lstm_forward_projected(h, NULL, layer_gates(m, N, T, l), m->xw, layer_h0(m, N, l), layer_c0(m, N, l),
                                   m->Wh[l], m->b[l], m->work, N, T, H);
            break;
        case LM_CELL_GRU: {
            int torch = m->cfg.gru_variant == LM_GRU_TORCH;
            gru_forward_projected(h, layer_gates(m, N, T, l), m->xw, layer_h0(m, N, l), m->Wh[l], gru_bias(m, l),
                                  torch ? m->bh[l] + 2 * H : NULL, m->work, N, T, H,
                                  (lm_gru_variant)m->cfg.gru_variant);
            break;
        }
        default: rnn_forward_projected(h, m->xw, layer_h0(m, N, l), m->Wh[l], m->b[l], N, T, H);
        }
    }
    temporal_affine_forward(m->scores, m->h + (size_t)(L - 1) * N * T * H, m->Wy, m->by, N, T, H, m->cfg.V);
}

static void recurrent_backward(lm_model *m, int N, int T) {
    const int H = m->cfg.H, V = m->cfg.V, L = m->cfg.L;
    const size_t NTH = (size_t)N * T * H;
    temporal_affine_backward(m->dh, m->dWy, m->dby, m->dscores, m->h + (size_t)(L - 1) * NTH, m->Wy, N, T, H, V);
    for (int l = L - 1; l >= 0; l--) {
        lm_float *norms = l == L - 1 ? m->dh_norms : NULL, *h = m->h + (size_t)l * NTH;
        switch (m->cfg.cell) {
        case LM_CELL_LSTM: /* the truncation: no gradient flows into the carried h and c */
            lstm_backward_projected(m->dxw, NULL, NULL, m->dWh[l], m->db[l], norms, m->dh, NULL, layer_h0(m, N, l),
                                    layer_c0(m, N, l), h, layer_gates(m, N, T, l), m->Wh[l], m->work, N, T, H);
            break;
        case LM_CELL_GRU: {
            int torch = m->cfg.gru_variant == LM_GRU_TORCH;
            gru_backward_projected(m->dxw, NULL, m->dWh[l], m->db[l], torch ? m->dbh[l] + 2 * H : NULL, norms, m->dh,
                                   layer_h0(m, N, l), h, layer_gates(m, N, T, l), m->Wh[l], m->work, N, T, H,
                                   (lm_gru_variant)m->cfg.gru_variant);
            /* bias_hh's r and z parts enter exactly like bias_ih's: the same gradient */
            if (torch)
                for (int j = 0; j < 2 * H; j++) m->dbh[l][j] += m->db[l][j];
            break;
        }
        default:
            rnn_backward_projected(m->dxw, NULL, m->dWh[l], m->db[l], norms, m->dh, layer_h0(m, N, l), h, m->Wh[l],
                                   m->work, N, T, H);
        }
        project_input_backward(m, N, T, l);
    }
}

/* ---- the entry points ------------------------------------------------------------------------------- */

void lm_cells_forward(lm_model *m, int N, int T, const lm_float *start) {
    if (m->cfg.cell == LM_CELL_WINDOW) window_forward_all(m, N, T, start);
    else recurrent_forward(m, N, T, start);
}

void lm_cells_backward(lm_model *m, int N, int T) {
    memset(m->grads, 0, m->n_params * sizeof(lm_float));
    if (m->cfg.cell == LM_CELL_WINDOW) window_backward_all(m, N, T);
    else recurrent_backward(m, N, T);
    memcpy(m->flow, m->dh_norms, (size_t)T * sizeof(lm_float));
    m->last_T = T;
}

void lm_cells_final_state(const lm_model *m, int N, int T, lm_float *state) {
    const int H = m->cfg.H, L = m->cfg.L;
    if (m->cfg.cell == LM_CELL_WINDOW) { /* the last W-1 ids of every hist row */
        const int P = m->cfg.W - 1, R = P + T;
        for (int n = 0; n < N; n++)
            for (int k = 0; k < P; k++) state[(size_t)n * P + k] = (lm_float)m->hist[(size_t)n * R + T + k];
        return;
    }
    for (int l = 0; l < L; l++)
        for (int n = 0; n < N; n++) {
            memcpy(state + ((size_t)l * N + n) * H, m->h + (((size_t)l * N + n) * T + (T - 1)) * H,
                   (size_t)H * sizeof(lm_float));
            if (m->cfg.cell == LM_CELL_LSTM) { /* c_T: the c of the last step's cache row */
                const lstm_row last = lstm_cache_row(layer_gates(m, N, T, l), (size_t)n * T + (T - 1), H);
                memcpy(state + ((size_t)(L + l) * N + n) * H, last.c, (size_t)H * sizeof(lm_float));
            }
        }
}
