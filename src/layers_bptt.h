/* layers_bptt.h — the two bookkeeping steps every gated cell repeats at each time step of its
 * sequence loops, in one place: fetch h_{t-1} as a contiguous (N, H) block (h is (N, T, H), so a time
 * slice is strided), and, walking back through time, add the upstream dL/dh_t to the carried gradient
 * while measuring ||dL/dh_t|| for the gradient-flow probe. Internal to the layer files. */
#ifndef LM_LAYERS_BPTT_H
#define LM_LAYERS_BPTT_H

#include <math.h>
#include <string.h>

#include "lm_common.h"

/* hp (N, H) = h_{t-1}: h0 (N, H) at t = 0, else rows h[:, t-1] of h (N, T, H). */
static inline void bptt_previous_h(lm_float *hp, const lm_float *h, const lm_float *h0, int t, int N, int T, int H) {
    if (t == 0) {
        memcpy(hp, h0, (size_t)N * H * sizeof *hp);
        return;
    }
    for (int n = 0; n < N; n++) memcpy(hp + (size_t)n * H, h + ((size_t)n * T + (t - 1)) * H, (size_t)H * sizeof *hp);
}

/* dnext (N, H) += dh[:, t] of dh (N, T, H); returns the Frobenius norm of the sum, ||dL/dh_t||. */
static inline lm_float bptt_add_upstream(lm_float *dnext, const lm_float *dh, int t, int N, int T, int H) {
    double norm2 = 0;
    for (int n = 0; n < N; n++) {
        const lm_float *up = dh + ((size_t)n * T + t) * H; /* (H,) */
        lm_float *d = dnext + (size_t)n * H;               /* (H,) */
        for (int j = 0; j < H; j++) {
            d[j] += up[j];
            norm2 += (double)d[j] * d[j];
        }
    }
    return (lm_float)sqrt(norm2);
}

#endif
