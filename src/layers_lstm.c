/* layers_lstm.c — the LSTM cell, one step and over T, forward and backward (equations and cache
 * layout in layers_gated.h). The sequence functions are the core; a step is the sequence at T = 1.
 * Matmuls go through kernels.h on contiguous (N, ·) work buffers: rows of a batch-first (N, T, ·)
 * array are strided by T, so h_prev is gathered once per step (O(N·H), against O(N·H·4H) flops).
 * Shapes: N batch, T time, E input, H hidden. */
#include "kernels.h"
#include "layers_bptt.h"
#include "layers_gated.h"

#include <math.h>
#include <string.h>

void lstm_forward_projected(lm_float *h, lm_float *cT, lm_float *cache, const lm_float *xw, const lm_float *h0,
                            const lm_float *c0, const lm_float *Wh, const lm_float *b, lm_float *work, int N, int T,
                            int H) {
    const size_t G = 4 * (size_t)H;
    lm_float *hp = work;                 /* hp: (N, H) h_{t-1}, contiguous */
    lm_float *hw = work + (size_t)N * H; /* hw: (N, 4H) h_{t-1}·Wh */
    for (int t = 0; t < T; t++) {
        bptt_previous_h(hp, h, h0, t, N, T, H);
        memset(hw, 0, (size_t)N * G * sizeof *hw);
        lm_matmul_nn(hw, hp, Wh, N, H, (int)G);
        /* a = x·Wx + h_{t-1}·Wh + b for the four gates at once, into the cache's [i f g o] slots; then
         * the activations in place over the N rows (kernels_act.c: vectorised, against a libm call
         * per element) */
        const size_t ld = (size_t)T * LSTM_SLOTS * H;      /* row stride of the cache at fixed t */
        lm_float *kt = cache + (size_t)t * LSTM_SLOTS * H; /* row (n, t) at kt + n·ld (6H,) */
        for (int n = 0; n < N; n++) {
            const lm_float *hwn = hw + (size_t)n * G;          /* (4H,) */
            const lm_float *xn = xw + ((size_t)n * T + t) * G; /* (4H,) */
            lm_float *a = kt + (size_t)n * ld;                 /* (4H,) [a_i a_f a_g a_o] */
            for (size_t j = 0; j < G; j++) a[j] = hwn[j] + xn[j] + b[j];
        }
        lm_sigmoid_ld(kt + LSTM_I * H, (int)ld, N, 2 * H); /* i = σ(a_i), f = σ(a_f) (adjacent slots) */
        lm_tanh_ld(kt + LSTM_G * H, (int)ld, N, H);        /* g = tanh(a_g) */
        lm_sigmoid_ld(kt + LSTM_O * H, (int)ld, N, H);     /* o = σ(a_o) */
        /* c = f ⊙ c_prev + i ⊙ g, written to the tanh(c) slot too, where the activation runs in place */
        for (int n = 0; n < N; n++) {
            size_t nt = (size_t)n * T + t;
            const lstm_row k = lstm_cache_row(cache, nt, H); /* i f g o c tanh_c of row (n, t) */
            const lm_float *c_prev = t == 0 ? c0 + (size_t)n * H : lstm_cache_row(cache, nt - 1, H).c; /* (H,) */
            for (int j = 0; j < H; j++) k.c[j] = k.tanh_c[j] = k.f[j] * c_prev[j] + k.i[j] * k.g[j];
        }
        lm_tanh_ld(kt + LSTM_TANH_C * H, (int)ld, N, H); /* tanh(c) */
        /* h = o ⊙ tanh(c) */
        for (int n = 0; n < N; n++) {
            size_t nt = (size_t)n * T + t;
            const lstm_row k = lstm_cache_row(cache, nt, H);
            lm_float *hn = h + nt * H; /* (H,) */
            for (int j = 0; j < H; j++) hn[j] = k.o[j] * k.tanh_c[j];
        }
    }
    if (cT)
        for (int n = 0; n < N; n++)
            memcpy(cT + (size_t)n * H, lstm_cache_row(cache, (size_t)n * T + T - 1, H).c, (size_t)H * sizeof *cT);
}

/* The chain rule of the forward's equations, walking t = T-1 … 0. With dh_t the total dL/dh_t and
 * dc_next the dL/dc_t carried from step t+1:
 *   dc = dc_next + dh_t ⊙ o ⊙ (1 − tanh²(c))        dc_prev = dc ⊙ f
 *   da_i = dc ⊙ g ⊙ i(1 − i)    da_f = dc ⊙ c_prev ⊙ f(1 − f)
 *   da_g = dc ⊙ i ⊙ (1 − g²)    da_o = dh_t ⊙ tanh(c) ⊙ o(1 − o)
 * and da = [da_i da_f da_g da_o] goes to dxw, db, dWh += h_prevᵀ·da and dh_prev = da·Whᵀ. */
void lstm_backward_projected(lm_float *dxw, lm_float *dh0, lm_float *dc0, lm_float *dWh, lm_float *db,
                             lm_float *dh_norms, const lm_float *dh, const lm_float *dcT, const lm_float *h0,
                             const lm_float *c0, const lm_float *h, const lm_float *cache, const lm_float *Wh,
                             lm_float *work, int N, int T, int H) {
    const size_t G = 4 * (size_t)H, NH = (size_t)N * H;
    lm_float *dhn = work;         /* dhn: (N, H) dL/dh_t, then the carried dL/dh_{t-1} */
    lm_float *dcn = work + NH;    /* dcn: (N, H) dL/dc_t carried backwards */
    lm_float *hp = work + 2 * NH; /* hp: (N, H) h_{t-1} contiguous */
    lm_float *da = work + 3 * NH; /* da: (N, 4H) dL/da_t */
    memset(dhn, 0, NH * sizeof *dhn);
    if (dcT) memcpy(dcn, dcT, NH * sizeof *dcn);
    else memset(dcn, 0, NH * sizeof *dcn);
    for (int t = T - 1; t >= 0; t--) {
        const lm_float norm = bptt_add_upstream(dhn, dh, t, N, T, H); /* dhn += dh[:, t] */
        if (dh_norms) dh_norms[t] = norm;
        bptt_previous_h(hp, h, h0, t, N, T, H);
        for (int n = 0; n < N; n++) {
            size_t nt = (size_t)n * T + t;
            const lstm_row k = lstm_cache_row(cache, nt, H);
            const lm_float *c_prev = t == 0 ? c0 + (size_t)n * H : lstm_cache_row(cache, nt - 1, H).c; /* (H,) */
            const lm_float *dh_t = dhn + (size_t)n * H; /* (H,) dL/dh_t */
            lm_float *dc_next = dcn + (size_t)n * H;    /* (H,) in: dL/dc_t from t+1; out: dc_prev */
            lm_float *dan = da + (size_t)n * G;         /* (4H,) [da_i da_f da_g da_o] */
            lm_float *da_i = dan, *da_f = dan + H, *da_g = dan + 2 * H, *da_o = dan + 3 * H;
            for (int j = 0; j < H; j++) {
                lm_float i = k.i[j], f = k.f[j], g = k.g[j], o = k.o[j], tanh_c = k.tanh_c[j];
                lm_float dc = dc_next[j] + dh_t[j] * o * (1 - tanh_c * tanh_c);
                da_i[j] = dc * g * i * (1 - i);
                da_f[j] = dc * c_prev[j] * f * (1 - f);
                da_g[j] = dc * i * (1 - g * g);
                da_o[j] = dh_t[j] * tanh_c * o * (1 - o);
                dc_next[j] = dc * f;
            }
            memcpy(dxw + nt * G, dan, G * sizeof *dan);
        }
        lm_sum_rows(db, da, N, (int)G);
        lm_matmul_tn(dWh, hp, da, H, N, (int)G);
        memset(dhn, 0, NH * sizeof *dhn);
        lm_matmul_nt(dhn, da, Wh, N, (int)G, H);
    }
    if (dh0) memcpy(dh0, dhn, NH * sizeof *dh0);
    if (dc0) memcpy(dc0, dcn, NH * sizeof *dc0);
}

void lstm_forward(lm_float *h, lm_float *cT, lm_float *cache, const lm_float *x, const lm_float *h0, const lm_float *c0,
                  const lm_float *Wx, const lm_float *Wh, const lm_float *b, lm_float *work, int N, int T, int E,
                  int H) {
    size_t rows = (size_t)N * T;
    lm_float *xw = work; /* xw: (N, T, 4H), one matmul for all steps */
    memset(xw, 0, rows * 4 * H * sizeof *xw);
    lm_matmul_nn(xw, x, Wx, (int)rows, E, 4 * H);
    lstm_forward_projected(h, cT, cache, xw, h0, c0, Wh, b, work + rows * 4 * H, N, T, H);
}

void lstm_backward(lm_float *dx, lm_float *dh0, lm_float *dc0, lm_float *dWx, lm_float *dWh, lm_float *db,
                   lm_float *dh_norms, const lm_float *dh, const lm_float *dcT, const lm_float *x, const lm_float *h0,
                   const lm_float *c0, const lm_float *h, const lm_float *cache, const lm_float *Wx, const lm_float *Wh,
                   lm_float *work, int N, int T, int E, int H) {
    size_t rows = (size_t)N * T;
    lm_float *dxw = work; /* dxw: (N, T, 4H) */
    lstm_backward_projected(dxw, dh0, dc0, dWh, db, dh_norms, dh, dcT, h0, c0, h, cache, Wh, work + rows * 4 * H, N, T,
                            H);
    lm_matmul_tn(dWx, x, dxw, E, (int)rows, 4 * H);
    if (dx) {
        memset(dx, 0, rows * E * sizeof *dx);
        lm_matmul_nt(dx, dxw, Wx, (int)rows, 4 * H, E);
    }
}

void lstm_step_forward(lm_float *h, lm_float *c, lm_float *cache, const lm_float *x, const lm_float *h_prev,
                       const lm_float *c_prev, const lm_float *Wx, const lm_float *Wh, const lm_float *b,
                       lm_float *work, int N, int E, int H) {
    lstm_forward(h, c, cache, x, h_prev, c_prev, Wx, Wh, b, work, N, 1, E, H);
}

void lstm_step_backward(lm_float *dx, lm_float *dh_prev, lm_float *dc_prev, lm_float *dWx, lm_float *dWh, lm_float *db,
                        const lm_float *dh, const lm_float *dc, const lm_float *x, const lm_float *h_prev,
                        const lm_float *c_prev, const lm_float *cache, const lm_float *Wx, const lm_float *Wh,
                        lm_float *work, int N, int E, int H) {
    /* At T = 1 only h0 = h_prev is read as a previous hidden state, never h. */
    lstm_backward(dx, dh_prev, dc_prev, dWx, dWh, db, NULL, dh, dc, x, h_prev, c_prev, NULL, cache, Wx, Wh, work, N, 1,
                  E, H);
}
