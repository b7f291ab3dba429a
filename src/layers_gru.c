/* layers_gru.c — the GRU cell in two variants (the PyTorch-terms notes' "lecture" GRU, and
 * torch.nn.GRU's reset-after-matmul form), one step and over T, forward and backward (equations,
 * packing r|z|g and cache layout in layers_gated.h). A step is the sequence at T = 1. The lecture
 * variant multiplies h and r⊙h by different column blocks of Wh (H, 3H); the kernels take whole
 * contiguous matrices, so those blocks are copied once per call (O(H²)) rather than once per step.
 * Shapes: N, T, E, H as usual. */
#include "kernels.h"
#include "layers_bptt.h"
#include "layers_gated.h"

#include <string.h>

/* dst (rows, cols) = src[:, col0 : col0 + cols] of src (rows, src_cols) */
static void copy_cols(lm_float *dst, const lm_float *src, int rows, int src_cols, int col0, int cols) {
    for (int r = 0; r < rows; r++)
        memcpy(dst + (size_t)r * cols, src + (size_t)r * src_cols + col0, (size_t)cols * sizeof *dst);
}

/* dst[:, col0 : col0 + cols] += src (rows, cols), dst (rows, dst_cols) */
static void add_cols(lm_float *dst, const lm_float *src, int rows, int dst_cols, int col0, int cols) {
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) dst[(size_t)r * dst_cols + col0 + c] += src[(size_t)r * cols + c];
}

void gru_forward_projected(lm_float *h, lm_float *cache, const lm_float *xw, const lm_float *h0, const lm_float *Wh,
                           const lm_float *b, const lm_float *bhn, lm_float *work, int N, int T, int H,
                           lm_gru_variant variant) {
    const size_t G = 3 * (size_t)H, NH = (size_t)N * H, HH = (size_t)H * H;
    const int torch = variant == LM_GRU_TORCH;
    lm_float *Wrz = work;         /* Wrz: (H, 2H) Wh[:, 0:2H] (lecture) */
    lm_float *Wg = work + 2 * HH; /* Wg: (H, H) Wh[:, 2H:3H] (lecture) */
    lm_float *hp = work + 3 * HH; /* hp: (N, H) h_{t-1} contiguous */
    lm_float *hw = hp + NH;       /* hw: (N, 3H) h_{t-1}·Wh (torch) or (N, 2H) ·Wrz (lecture) */
    lm_float *rh = hw + 3 * NH;   /* rh: (N, H) r ⊙ h_{t-1} (lecture) */
    lm_float *rhW = rh + NH;      /* rhW: (N, H) (r ⊙ h_{t-1})·Wg (lecture) */
    const lm_float *b_r = b, *b_z = b + H, *b_g = b + 2 * H; /* (H,) each */
    if (!torch) {
        copy_cols(Wrz, Wh, H, (int)G, 0, 2 * H);
        copy_cols(Wg, Wh, H, (int)G, 2 * H, H);
    }
    const size_t ld = (size_t)T * GRU_SLOTS * H; /* row stride of the cache at fixed t */
    for (int t = 0; t < T; t++) {
        bptt_previous_h(hp, h, h0, t, N, T, H);
        const size_t hw_cols = torch ? G : 2 * (size_t)H;
        memset(hw, 0, (size_t)N * hw_cols * sizeof *hw);
        lm_matmul_nn(hw, hp, torch ? Wh : Wrz, N, H, (int)hw_cols);
        /* the pre-activations of r and z into their (adjacent) cache slots, and s (torch); then
         * r = σ(·), z = σ(·) in place over the N rows at once (kernels_act.c: vectorised, against a libm
         * exp per element) */
        lm_float *kt = cache + (size_t)t * GRU_SLOTS * H; /* row (n, t) at kt + n·ld (4H,) */
        for (int n = 0; n < N; n++) {
            size_t nt = (size_t)n * T + t;
            const lm_float *xWr = xw + nt * G, *xWz = xWr + H;              /* (H,) x·Wxr, x·Wxz */
            const lm_float *hWr = hw + (size_t)n * hw_cols, *hWz = hWr + H; /* (H,) h_{t-1}·Whr, ·Whz */
            const lm_float *hWg = hWr + 2 * H;                              /* (H,) h_{t-1}·Whg (torch) */
            const gru_row k = gru_cache_row(cache, nt, H);                  /* r z g s of row (n, t) */
            for (int j = 0; j < H; j++) {
                k.r[j] = xWr[j] + hWr[j] + b_r[j];
                k.z[j] = xWz[j] + hWz[j] + b_z[j];
            }
            if (torch)
                for (int j = 0; j < H; j++) k.s[j] = hWg[j] + bhn[j]; /* h_{t-1}·Whg + b_hn */
        }
        lm_sigmoid_ld(kt + GRU_R * H, (int)ld, N, 2 * H); /* r and z */
        if (!torch) {
            for (int n = 0; n < N; n++) { /* s = r ⊙ h_{t-1}, and a contiguous copy for the product */
                const gru_row k = gru_cache_row(cache, (size_t)n * T + t, H);
                const lm_float *h_prev = hp + (size_t)n * H; /* (H,) */
                for (int j = 0; j < H; j++) rh[(size_t)n * H + j] = k.s[j] = k.r[j] * h_prev[j];
            }
            memset(rhW, 0, NH * sizeof *rhW);
            lm_matmul_nn(rhW, rh, Wg, N, H, H);
        }
        /* the candidate g = tanh(x·Wxg + b_g + r ⊙ s) (torch) or tanh(x·Wxg + b_g + (r ⊙ h_{t-1})·Whg)
         * (lecture): its pre-activation into the g slot, tanh in place over the N rows */
        for (int n = 0; n < N; n++) {
            size_t nt = (size_t)n * T + t;
            const lm_float *xWg = xw + nt * G + 2 * H; /* (H,) */
            const gru_row k = gru_cache_row(cache, nt, H);
            for (int j = 0; j < H; j++) k.g[j] = xWg[j] + b_g[j] + (torch ? k.r[j] * k.s[j] : rhW[(size_t)n * H + j]);
        }
        lm_tanh_ld(kt + GRU_G * H, (int)ld, N, H);
        /* the new state h = z ⊙ h_{t-1} + (1 − z) ⊙ g */
        for (int n = 0; n < N; n++) {
            size_t nt = (size_t)n * T + t;
            const lm_float *h_prev = hp + (size_t)n * H; /* (H,) */
            const gru_row k = gru_cache_row(cache, nt, H);
            lm_float *hn = h + nt * H; /* (H,) */
            for (int j = 0; j < H; j++) hn[j] = k.z[j] * h_prev[j] + (1 - k.z[j]) * k.g[j];
        }
    }
}

/* The chain rule of the forward's equations, walking t = T-1 … 0, with dh_t the total dL/dh_t and
 * da_r, da_z, da_g the gradients of the gates' pre-activations:
 *   da_g = dh_t ⊙ (1 − z) ⊙ (1 − g²)      da_z = dh_t ⊙ (h_{t-1} − g) ⊙ z(1 − z)
 *   torch:   da_r = da_g ⊙ s ⊙ r(1 − r),  d(h_{t-1}·Whg + b_hn) = da_g ⊙ r
 *   lecture: d(r ⊙ h_{t-1}) = da_g·Whgᵀ,  da_r = d(r ⊙ h_{t-1}) ⊙ h_{t-1} ⊙ r(1 − r)
 *   dh_{t-1} = dh_t ⊙ z + (the products through Wh) [+ d(r ⊙ h_{t-1}) ⊙ r, lecture]
 * The x-side da = [da_r da_z da_g] goes to dxw and db; the h-side to dWh and dh_{t-1}. */
void gru_backward_projected(lm_float *dxw, lm_float *dh0, lm_float *dWh, lm_float *db, lm_float *dbhn,
                            lm_float *dh_norms, const lm_float *dh, const lm_float *h0, const lm_float *h,
                            const lm_float *cache, const lm_float *Wh, lm_float *work, int N, int T, int H,
                            lm_gru_variant variant) {
    const size_t G = 3 * (size_t)H, NH = (size_t)N * H, HH = (size_t)H * H;
    const int torch = variant == LM_GRU_TORCH;
    lm_float *Wrz = work;           /* Wrz: (H, 2H) (lecture) */
    lm_float *Wg = work + 2 * HH;   /* Wg: (H, H) (lecture) */
    lm_float *dWrz = work + 3 * HH; /* dWrz: (H, 2H) accumulated, added to dWh at the end (lecture) */
    lm_float *dWg = work + 5 * HH;  /* dWg: (H, H) (lecture) */
    lm_float *dhn = work + 6 * HH;  /* dhn: (N, H) dL/dh_t, then the carried dL/dh_{t-1} */
    lm_float *hp = dhn + NH;        /* hp: (N, H) h_{t-1} */
    lm_float *da = hp + NH;         /* da: (N, 3H) dL/d(pre-activations), the x-side part */
    lm_float *dhw = da + 3 * NH;    /* dhw: (N, 3H) dL/d(h_{t-1}·Wh) (torch) or (N, 2H) for Wrz (lecture) */
    lm_float *da_gs = dhw + 3 * NH; /* da_gs: (N, H) da_g again, contiguous for the Wg products (lecture) */
    lm_float *drh = da_gs + NH;     /* drh: (N, H) dL/d(r ⊙ h_{t-1}) (lecture) */
    lm_float *rh = drh + NH;        /* rh: (N, H) r ⊙ h_{t-1} (lecture) */
    if (!torch) {
        copy_cols(Wrz, Wh, H, (int)G, 0, 2 * H);
        copy_cols(Wg, Wh, H, (int)G, 2 * H, H);
        memset(dWrz, 0, 3 * HH * sizeof *dWrz); /* dWrz and dWg */
    }
    memset(dhn, 0, NH * sizeof *dhn);
    for (int t = T - 1; t >= 0; t--) {
        const lm_float norm = bptt_add_upstream(dhn, dh, t, N, T, H); /* dhn += dh[:, t] */
        if (dh_norms) dh_norms[t] = norm;
        bptt_previous_h(hp, h, h0, t, N, T, H);
        if (torch) {
            for (int n = 0; n < N; n++) {
                const gru_row k = gru_cache_row(cache, (size_t)n * T + t, H);
                const lm_float *h_prev = hp + (size_t)n * H;
                lm_float *dcarry = dhn + (size_t)n * H; /* (H,) in: dL/dh_t; out: its path into h_{t-1} */
                lm_float *dan = da + (size_t)n * G, *dhwn = dhw + (size_t)n * G; /* (3H,) each */
                lm_float *da_r = dan, *da_z = dan + H, *da_g = dan + 2 * H;
                lm_float *dhw_r = dhwn, *dhw_z = dhwn + H, *dhw_g = dhwn + 2 * H;
                for (int j = 0; j < H; j++) {
                    lm_float r = k.r[j], z = k.z[j], g = k.g[j], s = k.s[j], dh_t = dcarry[j];
                    lm_float dag = dh_t * (1 - z) * (1 - g * g);
                    lm_float dr = dag * s;
                    da_r[j] = dhw_r[j] = dr * r * (1 - r);
                    da_z[j] = dhw_z[j] = dh_t * (h_prev[j] - g) * z * (1 - z);
                    da_g[j] = dag;
                    dhw_g[j] = dag * r;
                    dbhn[j] += dag * r;
                    dcarry[j] = dh_t * z; /* the direct path h_{t-1} → h_t; the matmul path is added below */
                }
            }
            lm_matmul_tn(dWh, hp, dhw, H, N, (int)G);
            lm_matmul_nt(dhn, dhw, Wh, N, (int)G, H);
        } else {
            for (int n = 0; n < N; n++) {
                const gru_row k = gru_cache_row(cache, (size_t)n * T + t, H);
                const lm_float *h_prev = hp + (size_t)n * H;
                lm_float *dcarry = dhn + (size_t)n * H; /* (H,) in: dL/dh_t; out: its path into h_{t-1} */
                lm_float *dan = da + (size_t)n * G, *dhwn = dhw + (size_t)n * 2 * H; /* (3H,), (2H,) */
                lm_float *da_z = dan + H, *da_g = dan + 2 * H, *dhw_z = dhwn + H;
                for (int j = 0; j < H; j++) {
                    lm_float z = k.z[j], g = k.g[j], dh_t = dcarry[j];
                    lm_float dag = dh_t * (1 - z) * (1 - g * g);
                    da_g[j] = da_gs[(size_t)n * H + j] = dag;
                    da_z[j] = dhw_z[j] = dh_t * (h_prev[j] - g) * z * (1 - z);
                    rh[(size_t)n * H + j] = k.s[j];
                    dcarry[j] = dh_t * z;
                }
            }
            memset(drh, 0, NH * sizeof *drh);
            lm_matmul_nt(drh, da_gs, Wg, N, H, H);
            lm_matmul_tn(dWg, rh, da_gs, H, N, H);
            for (int n = 0; n < N; n++) {
                const gru_row k = gru_cache_row(cache, (size_t)n * T + t, H);
                const lm_float *h_prev = hp + (size_t)n * H, *drhn = drh + (size_t)n * H;
                lm_float *dcarry = dhn + (size_t)n * H, *da_r = da + (size_t)n * G, *dhw_r = dhw + (size_t)n * 2 * H;
                for (int j = 0; j < H; j++) {
                    lm_float r = k.r[j];
                    da_r[j] = dhw_r[j] = drhn[j] * h_prev[j] * r * (1 - r);
                    dcarry[j] += drhn[j] * r;
                }
            }
            lm_matmul_tn(dWrz, hp, dhw, H, N, 2 * H);
            lm_matmul_nt(dhn, dhw, Wrz, N, 2 * H, H);
        }
        lm_sum_rows(db, da, N, (int)G);
        for (int n = 0; n < N; n++) memcpy(dxw + ((size_t)n * T + t) * G, da + (size_t)n * G, G * sizeof *da);
    }
    if (!torch) {
        add_cols(dWh, dWrz, H, (int)G, 0, 2 * H);
        add_cols(dWh, dWg, H, (int)G, 2 * H, H);
    }
    if (dh0) memcpy(dh0, dhn, NH * sizeof *dh0);
}

void gru_forward(lm_float *h, lm_float *cache, const lm_float *x, const lm_float *h0, const lm_float *Wx,
                 const lm_float *Wh, const lm_float *b, const lm_float *bhn, lm_float *work, int N, int T, int E, int H,
                 lm_gru_variant variant) {
    size_t rows = (size_t)N * T;
    lm_float *xw = work; /* xw: (N, T, 3H) */
    memset(xw, 0, rows * 3 * H * sizeof *xw);
    lm_matmul_nn(xw, x, Wx, (int)rows, E, 3 * H);
    gru_forward_projected(h, cache, xw, h0, Wh, b, bhn, work + rows * 3 * H, N, T, H, variant);
}

void gru_backward(lm_float *dx, lm_float *dh0, lm_float *dWx, lm_float *dWh, lm_float *db, lm_float *dbhn,
                  lm_float *dh_norms, const lm_float *dh, const lm_float *x, const lm_float *h0, const lm_float *h,
                  const lm_float *cache, const lm_float *Wx, const lm_float *Wh, lm_float *work, int N, int T, int E,
                  int H, lm_gru_variant variant) {
    size_t rows = (size_t)N * T;
    lm_float *dxw = work; /* dxw: (N, T, 3H) */
    gru_backward_projected(dxw, dh0, dWh, db, dbhn, dh_norms, dh, h0, h, cache, Wh, work + rows * 3 * H, N, T, H,
                           variant);
    lm_matmul_tn(dWx, x, dxw, E, (int)rows, 3 * H);
    if (dx) {
        memset(dx, 0, rows * E * sizeof *dx);
        lm_matmul_nt(dx, dxw, Wx, (int)rows, 3 * H, E);
    }
}

void gru_step_forward(lm_float *h, lm_float *cache, const lm_float *x, const lm_float *h_prev, const lm_float *Wx,
                      const lm_float *Wh, const lm_float *b, const lm_float *bhn, lm_float *work, int N, int E, int H,
                      lm_gru_variant variant) {
    gru_forward(h, cache, x, h_prev, Wx, Wh, b, bhn, work, N, 1, E, H, variant);
}

void gru_step_backward(lm_float *dx, lm_float *dh_prev, lm_float *dWx, lm_float *dWh, lm_float *db, lm_float *dbhn,
                       const lm_float *dh, const lm_float *x, const lm_float *h_prev, const lm_float *cache,
                       const lm_float *Wx, const lm_float *Wh, lm_float *work, int N, int E, int H,
                       lm_gru_variant variant) {
    gru_backward(dx, dh_prev, dWx, dWh, db, dbhn, NULL, dh, x, h_prev, NULL, cache, Wx, Wh, work, N, 1, E, H, variant);
}
