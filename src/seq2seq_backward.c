/* seq2seq_backward.c — backpropagation through the encoder–decoder (the reverse of seq2seq_forward.c):
 * the output layer for all steps at once, then the decoder step by step from the last (each layer from
 * the top, then the attention of that step: dc_i flows into h^D_{i-1} and into every encoder state),
 * then the encoder layer by layer, each row's walk starting at its last real token with the gradient
 * the decoder handed to its start state. Weight gradients accumulate (the gradients are zeroed first).
 * Shapes: N batch, Ts / Tt source / target steps, E embedding, H hidden, L layers, G gates, A attention. */
#include "seq2seq_cells.h"

#include "kernels.h"
#include "layers.h"

#include <string.h>

/* dh (L, N, H) / dc on entry: the gradient of the decoder's start state = the encoder's final state.
 * dup (Ts, N, H): the top layer's upstream from the attention. */
static void encoder_backward(lm_seq2seq *m) {
    const int N = m->cache_N, Ts = m->cache_Ts, E = m->cfg.E, H = m->cfg.H, L = m->cfg.L, GH = m->enc.G * H;
    const int lstm = m->cfg.cell == LM_CELL_LSTM;
    const size_t NH = (size_t)N * H, CW = s2s_cache_width(m->cfg.cell, H);
    for (int l = L - 1; l >= 0; l--) {
        lm_float *dh = m->dh + (size_t)l * NH, *dc = m->dc + (size_t)l * NH; /* carried (N, H) */
        for (int t = Ts - 1; t >= 0; t--) {
            const lm_float *up = m->dup + (size_t)t * NH; /* (N, H) */
            for (int n = 0; n < N; n++) {
                const int active = t < m->lens[n];
                for (int j = 0; j < H; j++) {
                    const size_t e = (size_t)n * H + j;
                    m->gh[e] = active ? dh[e] + up[e] : 0;
                    if (lstm) m->gc[e] = active ? dc[e] : 0;
                }
            }
            s2s_cell_backward(&m->enc, l, m->dexw + (size_t)t * N * GH, m->ph, m->pc, m->gh, m->gc, s2s_enc_h(m, l, t),
                              s2s_enc_c(m, l, t), s2s_enc_h(m, l, t + 1), m->cacheE + ((size_t)l * Ts + t) * N * CW,
                              m->work, N);
            for (int n = 0; n < N; n++) {
                lm_float *d = dh + (size_t)n * H;
                if (t < m->lens[n]) {
                    memcpy(d, m->ph + (size_t)n * H, (size_t)H * sizeof(lm_float));
                    if (lstm) memcpy(dc + (size_t)n * H, m->pc + (size_t)n * H, (size_t)H * sizeof(lm_float));
                } else { /* a frozen step is the identity: its state's gradient passes to the previous one */
                    for (int j = 0; j < H; j++) d[j] += up[(size_t)n * H + j];
                }
            }
        }
        /* the layer's input: the layer below's states, or the source embeddings */
        if (l > 0) {
            lm_matmul_tn(m->enc.dWx[l], s2s_enc_h(m, l - 1, 1), m->dexw, H, Ts * N, GH);
            memset(m->dup, 0, (size_t)Ts * NH * sizeof(lm_float));
            lm_matmul_nt(m->dup, m->dexw, m->enc.Wx[l], Ts * N, GH, H);
        } else {
            lm_matmul_tn(m->enc.dWx[0], m->xe, m->dexw, E, Ts * N, GH);
            memset(m->dxe, 0, (size_t)Ts * N * E * sizeof(lm_float));
            lm_matmul_nt(m->dxe, m->dexw, m->enc.Wx[0], Ts * N, GH, E);
            embedding_backward(m->demb_src, m->dxe, m->src_t, Ts, N, m->cfg.Vs, E);
        }
    }
}

void s2s_backward(lm_seq2seq *m) {
    const int N = m->cache_N, Ts = m->cache_Ts, Tt = m->cache_Tt, E = m->cfg.E, H = m->cfg.H, L = m->cfg.L;
    const int A = m->cfg.A, GH = m->dec.G * H, Hout = m->Hout, lstm = m->cfg.cell == LM_CELL_LSTM;
    const int attention = m->cfg.attention != LM_ATTN_NONE;
    const size_t NH = (size_t)N * H, CW = s2s_cache_width(m->cfg.cell, H);
    memset(m->grads, 0, m->n_params * sizeof(lm_float));
    /* output layer: doutin (Tt, N, Hout) */
    const lm_float *outin = m->cfg.out_context ? m->outin : s2s_dec_h(m, L - 1, 1);
    temporal_affine_backward(m->doutin, m->dWy, m->dby, m->dscores, outin, m->Wy, Tt, N, Hout, m->cfg.Vt);
    memset(m->dh, 0, (size_t)L * NH * sizeof(lm_float));
    memset(m->dc, 0, (size_t)L * NH * sizeof(lm_float));
    if (attention) memset(m->dkeys, 0, (size_t)N * Ts * H * sizeof(lm_float));
    if (A) memset(m->dkw, 0, (size_t)N * Ts * A * sizeof(lm_float));
    lm_float *Wc = m->dec.Wx[0] + (size_t)E * GH, *dWc = m->dec.dWx[0] + (size_t)E * GH; /* (H, G·H) context rows */
    for (int i = Tt - 1; i >= 0; i--) {
        for (int l = L - 1; l >= 0; l--) {
            lm_float *dh = m->dh + (size_t)l * NH; /* dL/dh^D_{i+1} of layer l so far */
            memcpy(m->gh, dh, NH * sizeof(lm_float));
            if (l == L - 1) /* the output layer's share: the h part of [h^D_i; c_i] */
                for (int n = 0; n < N; n++) {
                    const lm_float *d = m->doutin + ((size_t)i * N + n) * Hout;
                    for (int j = 0; j < H; j++) m->gh[(size_t)n * H + j] += d[j];
                }
            lm_float *dstep = l == 0 ? m->dxw0 + (size_t)i * N * GH : m->dstep; /* (N, G·H) */
            s2s_cell_backward(&m->dec, l, dstep, m->ph, m->pc, m->gh, lstm ? m->dc + (size_t)l * NH : NULL,
                              s2s_dec_h(m, l, i), s2s_dec_c(m, l, i), s2s_dec_h(m, l, i + 1),
                              m->cacheD + ((size_t)l * Tt + i) * N * CW, m->work, N);
            memcpy(dh, m->ph, NH * sizeof(lm_float));
            if (lstm) memcpy(m->dc + (size_t)l * NH, m->pc, NH * sizeof(lm_float));
            if (l > 0) { /* into the layer below at the same step: its h^D_i feeds this layer's projection */
                lm_matmul_tn(m->dec.dWx[l], s2s_dec_h(m, l - 1, i + 1), dstep, H, N, GH);
                lm_matmul_nt(m->dh + (size_t)(l - 1) * NH, dstep, m->dec.Wx[l], N, GH, H);
            }
        }
        if (!attention) continue;
        /* dc_i = the output layer's share + layer 0's input share (xw = … + c_i·Wc) */
        const lm_float *dx0 = m->dxw0 + (size_t)i * N * GH, *ctx = m->ctx + (size_t)i * NH;
        memset(m->dctx, 0, NH * sizeof(lm_float));
        if (m->cfg.out_context)
            for (int n = 0; n < N; n++)
                memcpy(m->dctx + (size_t)n * H, m->doutin + ((size_t)i * N + n) * Hout + H,
                       (size_t)H * sizeof(lm_float));
        lm_matmul_nt(m->dctx, dx0, Wc, N, GH, H);
        lm_matmul_tn(dWc, ctx, dx0, H, N, GH);
        /* the attention of step i: into h^D_{i-1} (the query) and into every encoder state (keys, values) */
        attention_backward_projected(m->dq, m->dkeys, A ? m->dkw : NULL, A ? m->dWq : NULL, A ? m->dv : NULL, m->dctx,
                                     s2s_dec_h(m, L - 1, i), m->keys, m->alpha + (size_t)i * N * Ts,
                                     A ? m->acache + (size_t)i * N * Ts * A : NULL, m->Wq, m->v, m->work, N, 1, Ts, H,
                                     A, m->cfg.attention);
        lm_float *dtop = m->dh + (size_t)(L - 1) * NH;
        for (size_t e = 0; e < NH; e++) dtop[e] += m->dq[e];
    }
    /* decoder layer 0's embedding rows: dWx[0:E] += xdᵀ·dxw0; d(emb) = dxw0·Wx[0:E]ᵀ */
    lm_matmul_tn(m->dec.dWx[0], m->xd, m->dxw0, E, Tt * N, GH);
    memset(m->dxd, 0, (size_t)Tt * N * E * sizeof(lm_float));
    lm_matmul_nt(m->dxd, m->dxw0, m->dec.Wx[0], Tt * N, GH, E);
    embedding_backward(m->demb_tgt, m->dxd, m->yin, Tt, N, m->cfg.Vt, E);
    /* the keys: the additive projection, then time-major into the encoder's upstream */
    memset(m->dup, 0, (size_t)Ts * NH * sizeof(lm_float));
    if (attention) {
        if (A) {
            lm_matmul_nt(m->dkeys, m->dkw, m->Wk, N * Ts, A, H);
            lm_matmul_tn(m->dWk, m->keys, m->dkw, H, N * Ts, A);
        }
        for (int t = 0; t < Ts; t++)
            for (int n = 0; n < N; n++)
                memcpy(m->dup + ((size_t)t * N + n) * H, m->dkeys + ((size_t)n * Ts + t) * H,
                       (size_t)H * sizeof(lm_float));
    }
    encoder_backward(m);
    s2s_stack_finish_grads(&m->enc);
    s2s_stack_finish_grads(&m->dec);
}
