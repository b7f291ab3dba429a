/* layers.c — the non-recurrent layers of Lab 2: the embedding (a row gather), hidden-to-scores
 * (temporal affine) and the softmax cross-entropy loss over (N, T). The RNN is in layers_rnn.c.
 * No validation (the API edge does it), no allocation, no printing.
 * Shapes: N batch, T time, V vocabulary, E embedding, H hidden. */
#include <math.h>
#include <string.h>

#include "kernels.h"
#include "layers.h"

/* ---- embedding ------------------------------------------------------------------------------------ */

/* out[n, t, :] = W[ids[n, t], :] — a one-hot row times W is exactly this copy, so never multiply. */
void embedding_forward(lm_float *out, const int32_t *ids, const lm_float *W, int N, int T, int V, int E) {
    for (size_t i = 0; i < (size_t)N * T; i++) memcpy(out + i * E, W + (size_t)ids[i] * E, (size_t)E * sizeof *out);
}

/* dW[ids[n, t], :] += dout[n, t, :]; a token seen twice gets both contributions. */
void embedding_backward(lm_float *dW, const lm_float *dout, const int32_t *ids, int N, int T, int V, int E) {
    for (size_t i = 0; i < (size_t)N * T; i++) {
        lm_float *row = dW + (size_t)ids[i] * E; // (E,)
        const lm_float *d = dout + i * E;        // (E,)
        for (int e = 0; e < E; e++) row[e] += d[e];
    }
}

/* ---- hidden to scores --------------------------------------------------------------------------- */

/* out (N·T, V) = h (N·T, H)·W (H, V) + b: the time axis folds into the batch, one product. */
void temporal_affine_forward(lm_float *out, const lm_float *h, const lm_float *W, const lm_float *b, int N, int T,
                             int H, int V) {
    const int M = N * T;
    for (int i = 0; i < M; i++) memcpy(out + (size_t)i * V, b, (size_t)V * sizeof *out);
    lm_matmul_nn(out, h, W, M, H, V);
}

/* dh = dout·Wᵀ (overwritten), dW += hᵀ·dout, db += Σ dout over N·T. */
void temporal_affine_backward(lm_float *dh, lm_float *dW, lm_float *db, const lm_float *dout, const lm_float *h,
                              const lm_float *W, int N, int T, int H, int V) {
    const int M = N * T;
    if (dh) {
        memset(dh, 0, (size_t)M * H * sizeof *dh);
        lm_matmul_nt(dh, dout, W, M, V, H);
    }
    lm_matmul_tn(dW, h, dout, H, M, V);
    lm_sum_rows(db, dout, M, V);
}

/* ---- softmax cross-entropy -------------------------------------------------------------------- */

/* loss = (1/D) Σ_unmasked [log Σ_v exp(s_v - m) - (s_y - m)], m the row max (so exp never
 * overflows), D the count of unmasked positions or N; dscores = (softmax(s) - onehot(y)) / D, fused
 * because that is the whole gradient. Sums are kept in double: V can be large and the loss is
 * reported to the user. */
double temporal_softmax_loss(lm_float *dscores, const lm_float *scores, const int32_t *y, const uint8_t *mask, int N,
                             int T, int V, lm_loss_reduction reduction) {
    const size_t M = (size_t)N * T;
    size_t count = 0;
    for (size_t i = 0; i < M; i++) count += !mask || mask[i];
    if (count == 0) {
        if (dscores) memset(dscores, 0, M * V * sizeof *dscores);
        return 0;
    }
    const double inv = 1.0 / (reduction == LM_LOSS_SUM_OVER_N ? (double)N : (double)count);
    double loss = 0;
    for (size_t i = 0; i < M; i++) {
        const lm_float *s = scores + i * V;             // (V,)
        lm_float *d = dscores ? dscores + i * V : NULL; // (V,)
        if (mask && !mask[i]) {
            if (d) memset(d, 0, (size_t)V * sizeof *d);
            continue;
        }
        lm_float m = s[0];
        for (int v = 1; v < V; v++) m = s[v] > m ? s[v] : m;
        double sum = 0;
        if (d) {
            sum = lm_exp_sum(d, s, m, V); // d = exp(s - m), vectorised
            const lm_float scale = (lm_float)(inv / sum);
            for (int v = 0; v < V; v++) d[v] *= scale;
            d[y[i]] -= (lm_float)inv;
        } else { // loss only: exponentials through a small stack buffer
            lm_float e[256];
            for (int v0 = 0; v0 < V; v0 += 256) sum += lm_exp_sum(e, s + v0, m, V - v0 < 256 ? V - v0 : 256);
        }
        loss += log(sum) - ((double)s[y[i]] - m);
    }
    return loss * inv;
}
