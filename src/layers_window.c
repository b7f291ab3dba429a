/* layers_window.c — the fixed-window neural LM of the neural-LM notes (Bengio et al. 2003): concatenated
 * embeddings of the previous W tokens, a tanh hidden layer, scores over V; plus the helper that cuts
 * a token stream into padded contexts. Equations and parameter shapes in layers_gated.h.
 * Shapes: N rows (predicted positions), W window, V vocabulary, E embedding, H hidden. */
#include "kernels.h"
#include "layers_gated.h"

#include <string.h>

void window_context(int32_t *ctx, const int32_t *stream, int M, int W, int history) {
    for (int t = 0; t < M; t++)
        for (int k = 0; k < W; k++) {
            int src = t - W + k; /* index relative to stream; readable down to -history */
            ctx[(size_t)t * W + k] = src >= -history ? stream[src] : LM_WINDOW_PAD;
        }
}

void window_forward(lm_float *scores, lm_float *e, lm_float *h, const int32_t *ids, const lm_float *emb,
                    const lm_float *Wh, const lm_float *b1, const lm_float *U, const lm_float *b2, int N, int W, int V,
                    int E, int H) {
    const size_t WE = (size_t)W * E;
    for (int n = 0; n < N; n++)
        for (int k = 0; k < W; k++) {
            int32_t id = ids[(size_t)n * W + k];
            lm_float *dst = e + n * WE + (size_t)k * E; /* (E,) slot k of row n */
            if (id == LM_WINDOW_PAD) memset(dst, 0, (size_t)E * sizeof *dst);
            else memcpy(dst, emb + (size_t)id * E, (size_t)E * sizeof *dst);
        }
    memset(h, 0, (size_t)N * H * sizeof *h);
    lm_matmul_nn(h, e, Wh, N, (int)WE, H);
    lm_add_bias(h, b1, N, H);
    lm_tanh_ld(h, H, N, H); /* vectorised (kernels_act.c), against a libm call per element */
    memset(scores, 0, (size_t)N * V * sizeof *scores);
    lm_matmul_nn(scores, h, U, N, H, V);
    lm_add_bias(scores, b2, N, V);
}

void window_backward(lm_float *demb, lm_float *dWh, lm_float *db1, lm_float *dU, lm_float *db2, const lm_float *dscores,
                     const int32_t *ids, const lm_float *e, const lm_float *h, const lm_float *Wh, const lm_float *U,
                     lm_float *work, int N, int W, int V, int E, int H) {
    const size_t WE = (size_t)W * E;
    lm_float *da = work;                 /* da: (N, H) dL/dh, then dL/d(e·Wh + b1) */
    lm_float *de = work + (size_t)N * H; /* de: (N, W·E) */
    lm_sum_rows(db2, dscores, N, V);
    lm_matmul_tn(dU, h, dscores, H, N, V);
    memset(da, 0, (size_t)N * H * sizeof *da);
    lm_matmul_nt(da, dscores, U, N, V, H);
    for (size_t i = 0; i < (size_t)N * H; i++) da[i] *= 1 - h[i] * h[i];
    lm_sum_rows(db1, da, N, H);
    lm_matmul_tn(dWh, e, da, (int)WE, N, H);
    memset(de, 0, (size_t)N * WE * sizeof *de);
    lm_matmul_nt(de, da, Wh, N, H, (int)WE);
    for (int n = 0; n < N; n++)
        for (int k = 0; k < W; k++) {
            int32_t id = ids[(size_t)n * W + k];
            if (id == LM_WINDOW_PAD) continue; /* padding is a constant zero: no parameter to update */
            const lm_float *src = de + n * WE + (size_t)k * E;
            lm_float *dst = demb + (size_t)id * E;
            for (int j = 0; j < E; j++) dst[j] += src[j];
        }
}
