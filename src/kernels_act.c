/* kernels_act.c — the element-wise activations of kernels.h (tanh, sigmoid, exp with a row sum), in
 * place over strided rows. LM_DOUBLE: libm, so gradient checks see exact math. Float builds: libm's
 * tanhf/expf are scalar calls (about 12 ns each in WASM, once the larger part of an RNN step), so these
 * are our own branch-free formulas, written twice with the same operations in the same order: over the
 * vector words of kernels_simd.h, and in scalar C for row tails and non-SIMD targets (both give the
 * same bits). Polynomial coefficients are our own weighted least-squares fits (relative error of the
 * real-number formulas: 4e-9 for e^r, 5e-9 for tanh near 0). Errors: within 2.4 float ulps (tested). */
#include <math.h>
#include <string.h>

#include "kernels.h"
#include "kernels_simd.h"

#ifdef LM_DOUBLE
static inline lm_float act_tanh(lm_float x) { return tanh(x); }
static inline lm_float act_exp(lm_float x) { return exp(x); }
static inline lm_float act_sigmoid(lm_float x) { return x < 0 ? exp(x) / (1 + exp(x)) : 1 / (1 + exp(-x)); }
#else

/* e^y: y clamped to [-87.3, 88] (2^n stays a normal float; e^-87.3 is below FLT_MIN already), then
 * y = n·ln2 + r with |r| ≤ ln2/2: t = y·log2(e) + 1.5·2^23 rounds n into t's low mantissa bits, so
 * n = t - 1.5·2^23 and 2^n is t's bit pattern moved into the exponent field, with no float-to-int
 * conversion. ln2 is split in two so r keeps its low bits. NaN propagates through r. */
#define EXP_LO -87.3f
#define EXP_HI 88.0f
#define LOG2E 1.44269504f
#define MAGIC 12582912.0f   /* 1.5·2^23, bit pattern 0x4B400000 */
#define LN2_HI 0.693145752f /* ln 2 = LN2_HI + LN2_LO, LN2_HI with trailing zero bits */
#define LN2_LO 1.42860677e-6f
#define E2 0.49999997f /* e^r ≈ 1 + r + r²·(E2 + r·(E3 + r·(E4 + r·(E5 + r·E6)))) */
#define E3 0.16666520f
#define E4 0.041667234f
#define E5 0.0083688991f
#define E6 0.0013879606f
/* tanh(a) ≈ a + a·z·(T3 + z·(T5 + z·(T7 + z·(T9 + z·T11)))), z = a², for 0 ≤ a < 0.625 */
#define TANH_SMALL 0.625f
#define TANH_HI 10.0f /* tanh rounds to 1 well before 10 */
#define T3 -0.33333281f
#define T5 0.13331389f
#define T7 -0.053736042f
#define T9 0.020628680f
#define T11 -0.0056946385f

static inline float act_exp(float y) {
    y = isless(y, EXP_LO) ? EXP_LO : y; /* quiet comparisons: a NaN y stays NaN */
    y = isless(EXP_HI, y) ? EXP_HI : y;
    const float t = y * LOG2E + MAGIC;
    const float n = t - MAGIC;
    const float r = (y - n * LN2_HI) - n * LN2_LO;
    const float p = 1.0f + r + r * r * (E2 + r * (E3 + r * (E4 + r * (E5 + r * E6))));
    uint32_t bits;
    memcpy(&bits, &t, sizeof bits);
    bits = (bits + (uint32_t)(127 - 0x4B400000)) << 23; // 2^n
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

/* tanh: |x| < 0.625 by the odd polynomial (no cancellation near 0); above, 1 - 2/(e^{2|x|} + 1) */
static inline float act_tanh(float x) {
    float a = fabsf(x);
    a = isless(TANH_HI, a) ? TANH_HI : a;
    const float z = a * a;
    const float small = a + a * z * (T3 + z * (T5 + z * (T7 + z * (T9 + z * T11))));
    const float large = 1.0f - 2.0f / (act_exp(a + a) + 1.0f);
    return copysignf(isless(a, TANH_SMALL) ? small : large, x);
}

/* σ(x) = 1/(1 + e^{-x}) for x ≥ 0 and e^x/(1 + e^x) for x < 0: with e = e^{-|x|} ≤ 1, 1 + e never
 * rounds away e's digits, so both tails keep their relative accuracy. */
static inline float act_sigmoid(float x) {
    const float e = act_exp(-fabsf(x));
    return (isless(x, 0.0f) ? e : 1.0f) / (1.0f + e);
}
#endif

#ifdef LM_SIMD_ACT /* the same three, four or eight lanes at a time */
LM_INLINE vec vact_exp(vec y) {
    y = vceil_at(vfloor_at(y, vset(EXP_LO)), vset(EXP_HI));
    const vec t = vadd(vmul(y, vset(LOG2E)), vset(MAGIC));
    const vec n = vsub(t, vset(MAGIC));
    const vec r = vsub(vsub(y, vmul(n, vset(LN2_HI))), vmul(n, vset(LN2_LO)));
    vec q = vadd(vset(E5), vmul(r, vset(E6)));
    q = vadd(vset(E4), vmul(r, q));
    q = vadd(vset(E3), vmul(r, q));
    q = vadd(vset(E2), vmul(r, q));
    const vec p = vadd(vadd(vset(1.0f), r), vmul(vmul(r, r), q));
    return vmul(p, vpow2_of_magic(t));
}

LM_INLINE vec vact_tanh(vec x) {
    const vec sign = vand(x, vbits(0x80000000u));
    const vec a = vceil_at(vand(x, vbits(0x7fffffffu)), vset(TANH_HI));
    const vec z = vmul(a, a);
    vec q = vadd(vset(T9), vmul(z, vset(T11)));
    q = vadd(vset(T7), vmul(z, q));
    q = vadd(vset(T5), vmul(z, q));
    q = vadd(vset(T3), vmul(z, q));
    const vec small = vadd(a, vmul(vmul(a, z), q));
    const vec large = vsub(vset(1.0f), vdiv(vset(2.0f), vadd(vact_exp(vadd(a, a)), vset(1.0f))));
    return vor(vblend(vlt(a, vset(TANH_SMALL)), small, large), sign); // both are ≥ 0: OR sets the sign
}

LM_INLINE vec vact_sigmoid(vec x) {
    const vec e = vact_exp(vor(x, vbits(0x80000000u))); // e^{-|x|}
    return vdiv(vblend(vlt(x, vzero()), e, vset(1.0f)), vadd(vset(1.0f), e));
}
#endif

void lm_tanh_ld(lm_float *Y, int ldy, int M, int N) {
    for (int i = 0; i < M; i++) {
        lm_float *y = Y + (size_t)i * ldy; // (N,)
        int j = 0;
#ifdef LM_SIMD_ACT
        for (; j + VW <= N; j += VW) vstore(y + j, vact_tanh(vload(y + j)));
#endif
        for (; j < N; j++) y[j] = act_tanh(y[j]);
    }
}

void lm_sigmoid_ld(lm_float *Y, int ldy, int M, int N) {
    for (int i = 0; i < M; i++) {
        lm_float *y = Y + (size_t)i * ldy; // (N,)
        int j = 0;
#ifdef LM_SIMD_ACT
        for (; j + VW <= N; j += VW) vstore(y + j, vact_sigmoid(vload(y + j)));
#endif
        for (; j < N; j++) y[j] = act_sigmoid(y[j]);
    }
}

double lm_exp_sum(lm_float *y, const lm_float *x, lm_float shift, int n) {
    int j = 0;
#ifdef LM_SIMD_ACT
    const vec s = vset(shift);
    for (; j + VW <= n; j += VW) vstore(y + j, vact_exp(vsub(vload(x + j), s)));
#endif
    for (; j < n; j++) y[j] = act_exp(x[j] - shift);
    double part[4] = {0, 0, 0, 0}; // four partial sums: the double adds do not wait on each other
    j = 0;
    for (; j + 4 <= n; j += 4)
        for (int l = 0; l < 4; l++) part[l] += y[j + l];
    for (; j < n; j++) part[0] += y[j];
    return (part[0] + part[1]) + (part[2] + part[3]);
}
