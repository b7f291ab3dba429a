/* seq2seq_forward.c — the forward pass of the encoder–decoder (equations in seq2seq.h) over the model's
 * caches: the encoder layer by layer (one input projection per layer, then the steps, each row frozen
 * after its last real token), the decoder one step at a time (attention from the previous state, then
 * the layers), and the output scores of all steps in one product. No validation, no allocation.
 * Shapes: N batch, Ts / Tt source / target steps, E embedding, H hidden, L layers, G gates, A attention,
 * Vs / Vt vocabularies. Time-major arrays: a step's (N, ·) block is contiguous. */
#include "seq2seq_cells.h"

#include "kernels.h"
#include "layers.h"

#include <string.h>

void s2s_encode(lm_seq2seq *m) {
    const int N = m->cache_N, Ts = m->cache_Ts, E = m->cfg.E, H = m->cfg.H, L = m->cfg.L;
    const int GH = m->enc.G * H, lstm = m->cfg.cell == LM_CELL_LSTM;
    const size_t NH = (size_t)N * H, CW = s2s_cache_width(m->cfg.cell, H);
    s2s_stack_prepare(&m->enc);
    embedding_forward(m->xe, m->src_t, m->emb_src, Ts, N, m->cfg.Vs, E); /* (Ts, N) ids → (Ts, N, E) */
    for (int l = 0; l < L; l++) {
        const lm_float *in = l ? s2s_enc_h(m, l - 1, 1) : m->xe; /* (Ts, N, in): slots 1..Ts are contiguous */
        memset(m->exw, 0, (size_t)Ts * N * GH * sizeof(lm_float));
        lm_matmul_nn(m->exw, in, m->enc.Wx[l], Ts * N, l ? H : E, GH);
        memset(s2s_enc_h(m, l, 0), 0, NH * sizeof(lm_float)); /* h^E_0 = 0 */
        if (lstm) memset(s2s_enc_c(m, l, 0), 0, NH * sizeof(lm_float));
        for (int t = 0; t < Ts; t++) {
            lm_float *h = s2s_enc_h(m, l, t + 1), *c = s2s_enc_c(m, l, t + 1);
            const lm_float *hp = s2s_enc_h(m, l, t), *cp = s2s_enc_c(m, l, t);
            s2s_cell_forward(&m->enc, l, h, c, m->cacheE + ((size_t)l * Ts + t) * N * CW, m->exw + (size_t)t * N * GH,
                             hp, cp, m->work, N);
            for (int n = 0; n < N; n++) /* past its last real token a row keeps its state */
                if (t >= m->lens[n]) {
                    memcpy(h + (size_t)n * H, hp + (size_t)n * H, (size_t)H * sizeof(lm_float));
                    if (lstm) memcpy(c + (size_t)n * H, cp + (size_t)n * H, (size_t)H * sizeof(lm_float));
                }
        }
    }
    /* keys (N, Ts, H): the top layer's states, batch-first for the attention layer */
    for (int t = 0; t < Ts; t++) {
        const lm_float *h = s2s_enc_h(m, L - 1, t + 1);
        for (int n = 0; n < N; n++)
            memcpy(m->keys + ((size_t)n * Ts + t) * H, h + (size_t)n * H, (size_t)H * sizeof(lm_float));
    }
    if (m->cfg.attention == LM_ATTN_ADDITIVE) {
        memset(m->kw, 0, (size_t)N * Ts * m->cfg.A * sizeof(lm_float));
        lm_matmul_nn(m->kw, m->keys, m->Wk, N * Ts, H, m->cfg.A);
    }
    /* the decoder starts from the encoder's final state, layer by layer (h^D_0 = h^E_Ts) */
    for (int l = 0; l < L; l++) {
        memcpy(s2s_dec_h(m, l, 0), s2s_enc_h(m, l, Ts), NH * sizeof(lm_float));
        if (lstm) memcpy(s2s_dec_c(m, l, 0), s2s_enc_c(m, l, Ts), NH * sizeof(lm_float));
    }
}

void s2s_decoder_inputs(lm_seq2seq *m) {
    const int N = m->cache_N, Tt = m->cache_Tt, E = m->cfg.E, GH = m->dec.G * m->cfg.H;
    s2s_stack_prepare(&m->dec);
    embedding_forward(m->xd, m->yin, m->emb_tgt, Tt, N, m->cfg.Vt, E);
    /* the embedding part of layer 0's projection for every step at once: rows 0..E-1 of Wx (E [+ H], G·H) */
    memset(m->dxw, 0, (size_t)Tt * N * GH * sizeof(lm_float));
    lm_matmul_nn(m->dxw, m->xd, m->dec.Wx[0], Tt * N, E, GH);
}

void s2s_decode_step(lm_seq2seq *m, int i) {
    const int N = m->cache_N, Ts = m->cache_Ts, E = m->cfg.E, H = m->cfg.H, L = m->cfg.L, A = m->cfg.A;
    const int GH = m->dec.G * H;
    const size_t CW = s2s_cache_width(m->cfg.cell, H);
    lm_float *ctx = m->ctx + (size_t)i * N * H; /* (N, H) c_i */
    if (m->cfg.attention != LM_ATTN_NONE)       /* c_i from h^D_{i-1} (the top layer) and every h^E_j */
        attention_forward_projected(ctx, m->alpha + (size_t)i * N * Ts, A ? m->acache + (size_t)i * N * Ts * A : NULL,
                                    s2s_dec_h(m, L - 1, i), m->keys, m->kw, m->mask, m->Wq, m->v, m->work, N, 1, Ts, H,
                                    A, m->cfg.attention);
    for (int l = 0; l < L; l++) {
        if (l == 0) { /* xw = emb(y_{i-1})·Wx[0:E] (precomputed) + c_i·Wx[E:E+H] */
            memcpy(m->xw, m->dxw + (size_t)i * N * GH, (size_t)N * GH * sizeof(lm_float));
            if (m->cfg.attention != LM_ATTN_NONE) lm_matmul_nn(m->xw, ctx, m->dec.Wx[0] + (size_t)E * GH, N, H, GH);
        } else {
            memset(m->xw, 0, (size_t)N * GH * sizeof(lm_float));
            lm_matmul_nn(m->xw, s2s_dec_h(m, l - 1, i + 1), m->dec.Wx[l], N, H, GH);
        }
        s2s_cell_forward(&m->dec, l, s2s_dec_h(m, l, i + 1), s2s_dec_c(m, l, i + 1),
                         m->cacheD + ((size_t)l * m->cache_Tt + i) * N * CW, m->xw, s2s_dec_h(m, l, i),
                         s2s_dec_c(m, l, i), m->work, N);
    }
}

void s2s_output(lm_seq2seq *m) {
    const int N = m->cache_N, Tt = m->cache_Tt, H = m->cfg.H, L = m->cfg.L;
    const lm_float *in = s2s_dec_h(m, L - 1, 1); /* (Tt, N, H): slots 1..Tt */
    if (m->cfg.out_context) {                    /* outin (Tt, N, 2H) = [h^D_i; c_i] */
        for (size_t r = 0; r < (size_t)Tt * N; r++) {
            memcpy(m->outin + r * 2 * H, in + r * H, (size_t)H * sizeof(lm_float));
            memcpy(m->outin + r * 2 * H + H, m->ctx + r * H, (size_t)H * sizeof(lm_float));
        }
        in = m->outin;
    }
    temporal_affine_forward(m->scores, in, m->Wy, m->by, Tt, N, m->Hout, m->cfg.Vt);
}
