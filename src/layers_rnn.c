/* layers_rnn.c — the vanilla RNN of Lab 2: one step forward/backward, the projected recurrence over T
 * (input projection xw = x·Wx done by the caller) and Lab 2's full rnn_forward/rnn_backward on
 * top of it. No validation (the edge, layers_api.c and model_api.c, does it), no allocation (work is passed in).
 * Shapes: N batch, T time, E input (the lab's D), H hidden; h is (N, T, H), row (n, t) at (n·T + t)·H. */
#include <math.h>
#include <string.h>

#include "kernels.h"
#include "layers.h"

/* ---- one step ----------------------------------------------------------------------------------- */

/* a = h_prev·Wh + x·Wx + b; h = tanh(a). h (N, H) must not alias an input. */
void rnn_step_forward(lm_float *h, const lm_float *x, const lm_float *h_prev, const lm_float *Wx, const lm_float *Wh,
                      const lm_float *b, int N, int E, int H) {
    for (int n = 0; n < N; n++) memcpy(h + (size_t)n * H, b, (size_t)H * sizeof *h); // a = b
    lm_matmul_nn(h, h_prev, Wh, N, H, H);                                            // a += h_prev·Wh
    lm_matmul_nn(h, x, Wx, N, E, H);                                                 // a += x·Wx
    lm_tanh_ld(h, H, N, H);
}

/* Lab 2's chain rule, with da = dL/da = dh ⊙ (1 - h²) (tanh' from the cached output):
 * dx = da·Wxᵀ, dh_prev = da·Whᵀ, dWx += xᵀ·da, dWh += h_prevᵀ·da, db += Σ_n da. */
void rnn_step_backward(lm_float *dx, lm_float *dh_prev, lm_float *dWx, lm_float *dWh, lm_float *db, const lm_float *dh,
                       const lm_float *x, const lm_float *h_prev, const lm_float *h, const lm_float *Wx,
                       const lm_float *Wh, lm_float *work, int N, int E, int H) {
    lm_float *da = work; // (N, H)
    for (size_t i = 0; i < (size_t)N * H; i++) da[i] = dh[i] * (1 - h[i] * h[i]);
    if (dx) {
        memset(dx, 0, (size_t)N * E * sizeof *dx);
        lm_matmul_nt(dx, da, Wx, N, H, E);
    }
    if (dh_prev) {
        memset(dh_prev, 0, (size_t)N * H * sizeof *dh_prev);
        lm_matmul_nt(dh_prev, da, Wh, N, H, H);
    }
    lm_matmul_tn(dWx, x, da, E, N, H);
    lm_matmul_tn(dWh, h_prev, da, H, N, H);
    lm_sum_rows(db, da, N, H);
}

/* ---- over T, input projection done by the caller ------------------------------------------------- */

/* h_t = tanh(xw_t + b + h_{t-1}·Wh) for t = 0 … T-1 with h_{-1} = h0. The time slice h[:, t, :] is an
 * (N, H) matrix whose rows are T·H apart, so each step is one strided (N, H)·(H, H) product (the
 * kernel's register tile spans several sequences). h may be the same buffer as xw (rnn_forward does
 * that): each element of xw is read before the same element of h is written. */
void rnn_forward_projected(lm_float *h, const lm_float *xw, const lm_float *h0, const lm_float *Wh, const lm_float *b,
                           int N, int T, int H) {
    const int ld = T * H;      // row stride of a time slice
    const lm_float *prev = h0; // (N, H), rows ld_prev apart
    int ld_prev = H;
    for (int t = 0; t < T; t++) {
        lm_float *ht = h + (size_t)t * H;        // (N, H), rows ld apart
        const lm_float *xt = xw + (size_t)t * H; // (N, H), rows ld apart
        for (int n = 0; n < N; n++) {
            lm_float *row = ht + (size_t)n * ld;
            const lm_float *x = xt + (size_t)n * ld;
            for (int j = 0; j < H; j++) row[j] = x[j] + b[j];
        }
        lm_matmul_nn_ld(ht, ld, prev, ld_prev, Wh, H, N, H, H);
        lm_tanh_ld(ht, ld, N, H);
        prev = ht, ld_prev = ld;
    }
}

/* Backpropagation through time. At step t the total gradient of h_t is the upstream dh[:, t] plus the
 * carried dh_next = da_{t+1}·Whᵀ; da_t = that ⊙ (1 - h_t²) is stored in dxw[:, t]. Each step's carry is
 * one strided (N, H)·(H, H)ᵀ product over the time slice (rows T·H apart). Only the carry is
 * sequential, so the weight gradients are summed after the walk: db += Σ da in one pass and
 * dWh += Σ_t h_{t-1}ᵀ·da_t (h_{-1} = h0) as T strided products with K = N, or, with fewer streams than
 * steps (batch 1), as one product per stream with K = T-1 (T rank-N updates of Wh would each read and
 * write all of dWh). dxw may be the same buffer as
 * dh (each element is read before it is written). work (N, H) holds dh_next. */
void rnn_backward_projected(lm_float *dxw, lm_float *dh0, lm_float *dWh, lm_float *db, lm_float *dh_norms,
                            const lm_float *dh, const lm_float *h0, const lm_float *h, const lm_float *Wh,
                            lm_float *work, int N, int T, int H) {
    const int ld = T * H;   // row stride of a time slice
    lm_float *dnext = work; // (N, H)
    memset(dnext, 0, (size_t)N * H * sizeof *dnext);
    for (int t = T - 1; t >= 0; t--) {
        double sq = 0;                       // ||dL/dh_t||² over N and H
        lm_float *dat = dxw + (size_t)t * H; // (N, H), rows ld apart
        for (int n = 0; n < N; n++) {
            const size_t off = (size_t)n * ld + (size_t)t * H;
            const lm_float *dn = dnext + (size_t)n * H; // (H,)
            lm_float *da = dxw + off;                   // (H,)
            if (dh_norms) {
                for (int j = 0; j < H; j++) {
                    const lm_float g = dh[off + j] + dn[j];
                    const lm_float ht = h[off + j];
                    sq += (double)g * g;
                    da[j] = g * (1 - ht * ht);
                }
            } else { // without the norm's double reduction the loop vectorises
                for (int j = 0; j < H; j++) {
                    const lm_float ht = h[off + j];
                    da[j] = (dh[off + j] + dn[j]) * (1 - ht * ht);
                }
            }
        }
        if (t > 0 || dh0) { // the carry into h_{-1} is only needed for dh0
            memset(dnext, 0, (size_t)N * H * sizeof *dnext);
            lm_matmul_nt_ld(dnext, H, dat, ld, Wh, H, N, H, H); // dh_{t-1} carried = da_t·Whᵀ
        }
        if (dh_norms) dh_norms[t] = (lm_float)sqrt(sq);
    }
    if (dh0) memcpy(dh0, dnext, (size_t)N * H * sizeof *dh0);
    lm_sum_rows(db, dxw, N * T, H);
    if (N < T) { // few streams (batch 1): per stream, h0ᵀ·da_0 and one product over t = 1..T-1, K = T-1
        for (int n = 0; n < N; n++) {
            const lm_float *hn = h + (size_t)n * ld, *dan = dxw + (size_t)n * ld; // (T, H) each
            lm_matmul_tn_ld(dWh, H, h0 + (size_t)n * H, H, dan, H, H, 1, H);
            if (T > 1) lm_matmul_tn_ld(dWh, H, hn, H, dan + H, H, H, T - 1, H);
        }
        return;
    }
    for (int t = 0; t < T; t++) { // dWh += h_{t-1}ᵀ·da_t: A = h_{t-1} (N, H) rows apart, K = N
        const lm_float *prev = t ? h + (size_t)(t - 1) * H : h0;
        lm_matmul_tn_ld(dWh, H, prev, t ? ld : H, dxw + (size_t)t * H, ld, H, N, H);
    }
}

/* ---- over T, Lab 2's interface ---------------------------------------------------------------------- */

/* One (N·T, E)·(E, H) product for every step's x·Wx, written straight into h, then the recurrence
 * in place. */
void rnn_forward(lm_float *h, const lm_float *x, const lm_float *h0, const lm_float *Wx, const lm_float *Wh,
                 const lm_float *b, int N, int T, int E, int H) {
    memset(h, 0, (size_t)N * T * H * sizeof *h);
    lm_matmul_nn(h, x, Wx, N * T, E, H);
    rnn_forward_projected(h, h, h0, Wh, b, N, T, H);
}

/* BPTT into da (N, T, H) in work, then the projection's gradients in two large products:
 * dx = da·Wxᵀ, dWx += xᵀ·da. work: da (N·T·H) followed by dh_next (N·H). */
void rnn_backward(lm_float *dx, lm_float *dh0, lm_float *dWx, lm_float *dWh, lm_float *db, const lm_float *dh,
                  const lm_float *x, const lm_float *h0, const lm_float *h, const lm_float *Wx, const lm_float *Wh,
                  lm_float *work, int N, int T, int E, int H) {
    lm_float *da = work;                        // (N, T, H)
    lm_float *carry = work + (size_t)N * T * H; // (N, H)
    rnn_backward_projected(da, dh0, dWh, db, NULL, dh, h0, h, Wh, carry, N, T, H);
    if (dx) {
        memset(dx, 0, (size_t)N * T * E * sizeof *dx);
        lm_matmul_nt(dx, da, Wx, N * T, H, E);
    }
    lm_matmul_tn(dWx, x, da, E, N * T, H);
}
