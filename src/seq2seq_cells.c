/* seq2seq_cells.c — one step of an encoder or decoder layer, for every cell, as a thin call into the
 * cells' projected sequence functions at T = 1 (layers_rnn.c, layers_lstm.c, layers_gru.c): the seq2seq
 * model needs step-level control (a decoder step reads the context computed from the previous step;
 * an encoder row stops at its last real token), which the whole-sequence functions do not give. Also the
 * slot arithmetic of the time-major state arrays. No layer math here.
 * Shapes: N batch, H hidden, G gates, L layers, Ts / Tt source / target steps. */
#include "seq2seq_cells.h"

#include "layers.h"
#include "layers_gated.h"

#include <string.h>

size_t s2s_cell_work(lm_cell cell, int N, int H) {
    switch (cell) {
    case LM_CELL_LSTM: return LSTM_WORK_BACKWARD_PROJECTED(N, H); /* ≥ the forward's 5·N·H */
    case LM_CELL_GRU: return GRU_WORK_BACKWARD_PROJECTED(N, H);   /* ≥ the forward's */
    default: return (size_t)N * H;                                /* rnn_backward_projected's dh_next */
    }
}

size_t s2s_cache_width(lm_cell cell, int H) {
    return cell == LM_CELL_LSTM ? 6 * (size_t)H : cell == LM_CELL_GRU ? 4 * (size_t)H : 0;
}

void s2s_stack_prepare(lm_s2s_stack *s) {
    if (s->cell != LM_CELL_GRU || s->gru_variant != LM_GRU_TORCH) return;
    const int H = s->H;
    for (int l = 0; l < s->L; l++) { /* r and z add both biases; g adds bias_ih here, b_hn inside r ⊙ (·) */
        lm_float *sum = s->bsum + (size_t)l * 3 * H;
        for (int j = 0; j < 3 * H; j++) sum[j] = s->b[l][j] + (j < 2 * H ? s->bh[l][j] : 0);
    }
}

void s2s_stack_finish_grads(lm_s2s_stack *s) {
    if (s->cell != LM_CELL_GRU || s->gru_variant != LM_GRU_TORCH) return;
    for (int l = 0; l < s->L; l++)
        for (int j = 0; j < 2 * s->H; j++) s->dbh[l][j] += s->db[l][j];
}

void s2s_cell_forward(const lm_s2s_stack *s, int l, lm_float *h, lm_float *c, lm_float *cache, const lm_float *xw,
                      const lm_float *h_prev, const lm_float *c_prev, lm_float *work, int N) {
    const int H = s->H;
    switch (s->cell) {
    case LM_CELL_LSTM: lstm_forward_projected(h, c, cache, xw, h_prev, c_prev, s->Wh[l], s->b[l], work, N, 1, H); break;
    case LM_CELL_GRU: {
        const int torch = s->gru_variant == LM_GRU_TORCH;
        gru_forward_projected(h, cache, xw, h_prev, s->Wh[l], torch ? s->bsum + (size_t)l * 3 * H : s->b[l],
                              torch ? s->bh[l] + 2 * H : NULL, work, N, 1, H, (lm_gru_variant)s->gru_variant);
        break;
    }
    default: rnn_forward_projected(h, xw, h_prev, s->Wh[l], s->b[l], N, 1, H);
    }
}

void s2s_cell_backward(const lm_s2s_stack *s, int l, lm_float *dxw, lm_float *dh_prev, lm_float *dc_prev,
                       const lm_float *dh, const lm_float *dc, const lm_float *h_prev, const lm_float *c_prev,
                       const lm_float *h, const lm_float *cache, lm_float *work, int N) {
    const int H = s->H;
    switch (s->cell) {
    case LM_CELL_LSTM:
        lstm_backward_projected(dxw, dh_prev, dc_prev, s->dWh[l], s->db[l], NULL, dh, dc, h_prev, c_prev, h, cache,
                                s->Wh[l], work, N, 1, H);
        break;
    case LM_CELL_GRU: {
        const int torch = s->gru_variant == LM_GRU_TORCH;
        gru_backward_projected(dxw, dh_prev, s->dWh[l], s->db[l], torch ? s->dbh[l] + 2 * H : NULL, NULL, dh, h_prev, h,
                               cache, s->Wh[l], work, N, 1, H, (lm_gru_variant)s->gru_variant);
        break;
    }
    default: rnn_backward_projected(dxw, dh_prev, s->dWh[l], s->db[l], NULL, dh, h_prev, h, s->Wh[l], work, N, 1, H);
    }
}

/* ---- slots of the time-major arrays ---------------------------------------------------------- */

lm_float *s2s_enc_h(const lm_seq2seq *m, int l, int t) {
    return m->hE + ((size_t)l * (m->cache_Ts + 1) + t) * m->cache_N * m->cfg.H;
}
lm_float *s2s_enc_c(const lm_seq2seq *m, int l, int t) {
    if (m->cfg.cell != LM_CELL_LSTM) return NULL;
    return m->cE + ((size_t)l * (m->cache_Ts + 1) + t) * m->cache_N * m->cfg.H;
}
lm_float *s2s_dec_h(const lm_seq2seq *m, int l, int i) {
    return m->hD + ((size_t)l * (m->cache_Tt + 1) + i) * m->cache_N * m->cfg.H;
}
lm_float *s2s_dec_c(const lm_seq2seq *m, int l, int i) {
    if (m->cfg.cell != LM_CELL_LSTM) return NULL;
    return m->cD + ((size_t)l * (m->cache_Tt + 1) + i) * m->cache_N * m->cfg.H;
}
