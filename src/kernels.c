/* kernels.c — the fast dense kernels of kernels.h, written once over a five-word vector vocabulary
 * (vload, vstore, vbcast, vadd, vmadd) that the build maps to WASM SIMD128, AVX2+FMA, SSE2, or plain
 * lm_float (the LM_DOUBLE gradient-check build, any other target). One algorithm for nn, tn and nt:
 * B is copied a panel of (KC, NR) at a time into a contiguous stack buffer (transposed for nt,
 * zero-padded past N), then an (MR, NR) tile of C is accumulated in registers over that panel, reading
 * A by broadcast. The references are in kernels_ref.c. Everything accumulates (+=). */
#include <math.h>
#include <string.h>

#include "kernels.h"

/* ---- the vector vocabulary of this build ---------------------------------------------------------
 * VW floats per vector; the register tile is MR rows × NRV vectors, sized so accumulators, the NRV
 * B vectors and one broadcast fit the target's 16 vector registers. */
#if !defined(LM_DOUBLE) && defined(__wasm_simd128__)
#include <wasm_simd128.h>
#define LM_PATH "wasm-simd128"
#define VW 4
#ifndef MR /* -DMR=… -DNRV=… let a benchmark try other tiles */
#define MR 2
#endif
#ifndef NRV
#define NRV 4
#endif
typedef v128_t vec;
static inline vec vload(const lm_float *p) { return wasm_v128_load(p); }
static inline void vstore(lm_float *p, vec v) { wasm_v128_store(p, v); }
static inline vec vbcast(const lm_float *p) { return wasm_v128_load32_splat(p); }
static inline vec vzero(void) { return wasm_f32x4_splat(0.0f); }
static inline vec vadd(vec a, vec b) { return wasm_f32x4_add(a, b); }
/* no fused multiply-add in this WASM (no relaxed SIMD): multiply, then add */
static inline vec vmadd(vec c, vec a, vec b) { return wasm_f32x4_add(c, wasm_f32x4_mul(a, b)); }

#elif !defined(LM_DOUBLE) && defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define LM_PATH "avx2-fma"
#define VW 8
#define MR 6
#define NRV 2
typedef __m256 vec;
static inline vec vload(const lm_float *p) { return _mm256_loadu_ps(p); }
static inline void vstore(lm_float *p, vec v) { _mm256_storeu_ps(p, v); }
static inline vec vbcast(const lm_float *p) { return _mm256_broadcast_ss(p); }
static inline vec vzero(void) { return _mm256_setzero_ps(); }
static inline vec vadd(vec a, vec b) { return _mm256_add_ps(a, b); }
static inline vec vmadd(vec c, vec a, vec b) { return _mm256_fmadd_ps(a, b, c); }

#elif !defined(LM_DOUBLE) && defined(__SSE2__)
#include <emmintrin.h>
#define LM_PATH "sse2"
#define VW 4
#ifndef MR
#define MR 3
#endif
#ifndef NRV
#define NRV 4
#endif
typedef __m128 vec;
static inline vec vload(const lm_float *p) { return _mm_loadu_ps(p); }
static inline void vstore(lm_float *p, vec v) { _mm_storeu_ps(p, v); }
static inline vec vbcast(const lm_float *p) { return _mm_load1_ps(p); }
static inline vec vzero(void) { return _mm_setzero_ps(); }
static inline vec vadd(vec a, vec b) { return _mm_add_ps(a, b); }
static inline vec vmadd(vec c, vec a, vec b) { return _mm_add_ps(c, _mm_mul_ps(a, b)); }

#else /* portable: a "vector" of one lm_float; the blocking still keeps the tile in registers */
#define LM_PATH "portable"
#define VW 1
#define MR 4
#define NRV 4
typedef lm_float vec;
static inline vec vload(const lm_float *p) { return *p; }
static inline void vstore(lm_float *p, vec v) { *p = v; }
static inline vec vbcast(const lm_float *p) { return *p; }
static inline vec vzero(void) { return 0; }
static inline vec vadd(vec a, vec b) { return a + b; }
static inline vec vmadd(vec c, vec a, vec b) { return c + a * b; }
#endif

#if defined(__GNUC__) || defined(__clang__)
#define LM_INLINE static inline __attribute__((always_inline))
#else
#define LM_INLINE static inline
#endif

#define NR (VW * NRV) /* columns of a tile and of a packed B panel */
#ifndef KC
#define KC 256 /* rows of a packed B panel: KC·NR floats (16 KiB) stay in L1 */
#endif
#ifndef KC_TN
#define KC_TN 128 /* for Aᵀ·B, where each k of a tile reads a new cache line of A: KC_TN lines of A plus
                   * the panel fit L1 together, and the next row tiles find those lines still there */
#endif

const char *lm_kernel_path(void) { return LM_PATH; }

/* ---- packing and the register tile --------------------------------------------------------------- */

/* Bp (kc, NR) = B[k0 .. k0+kc, j0 .. j0+nr] for B stored (K, N) (b_t = 0) or (N, K) (b_t = 1, i.e. the
 * panel of Bᵀ), columns nr .. NR zero so a partial panel multiplies like a full one. */
LM_INLINE void pack_b(lm_float *Bp, const lm_float *B, size_t ldb, int b_t, int k0, int kc, int j0, int nr) {
    if (!b_t) {
        for (int k = 0; k < kc; k++) {
            const lm_float *src = B + (size_t)(k0 + k) * ldb + j0; // (nr,)
            lm_float *dst = Bp + (size_t)k * NR;                   // (NR,)
            if (nr == NR) {
                for (int v = 0; v < NRV; v++) vstore(dst + v * VW, vload(src + v * VW));
            } else {
                int j = 0;
                for (; j < nr; j++) dst[j] = src[j];
                for (; j < NR; j++) dst[j] = 0;
            }
        }
    } else {
        for (int j = 0; j < NR; j++) {
            lm_float *dst = Bp + j; // column j of the panel, stride NR
            if (j < nr) {
                const lm_float *src = B + (size_t)(j0 + j) * ldb + k0; // (kc,) a row of B
                for (int k = 0; k < kc; k++) dst[(size_t)k * NR] = src[k];
            } else {
                for (int k = 0; k < kc; k++) dst[(size_t)k * NR] = 0;
            }
        }
    }
}

/* C (mr, nv·VW) at ldc += A (mr, kc) · Bp (kc, NR)[:, :nv·VW], with A's element (r, k) at
 * A[r·sai + k·sak]. Rows mr .. MR of the tile repeat row mr-1 (always valid memory) and are never
 * stored, so one code path serves every row edge. nv (vectors per row, ≤ NRV) is a constant at each
 * call, so every loop over r and v unrolls and the accumulators live in registers. */
LM_INLINE void tile(lm_float *C, size_t ldc, const lm_float *A, size_t sai, size_t sak, const lm_float *Bp,
                    int kc, int mr, int nv) {
    const lm_float *a[MR];
    for (int r = 0; r < MR; r++) a[r] = A + (size_t)(r < mr ? r : mr - 1) * sai;
    vec acc[MR][NRV];
    for (int r = 0; r < MR; r++)
        for (int v = 0; v < nv; v++) acc[r][v] = vzero();
    /* pointer bumps rather than k·stride: a WASM address has one dynamic part, so every computed
     * address costs an instruction; the offsets v·VW become constant immediates */
    for (const lm_float *b = Bp, *end = Bp + (size_t)kc * NR; b != end; b += NR) { // b: (NR,)
        vec bv[NRV];
        for (int v = 0; v < nv; v++) bv[v] = vload(b + v * VW);
        for (int r = 0; r < MR; r++) {
            const vec s = vbcast(a[r]);
            a[r] += sak;
            for (int v = 0; v < nv; v++) acc[r][v] = vmadd(acc[r][v], s, bv[v]);
        }
    }
    for (int r = 0; r < MR; r++) {
        if (r >= mr) break;
        lm_float *c = C + (size_t)r * ldc; // (nv·VW,)
        for (int v = 0; v < nv; v++) vstore(c + v * VW, vadd(vload(c + v * VW), acc[r][v]));
    }
}

/* The last column panel (nr < NR columns): only the ceil(nr / VW) vectors that hold columns are
 * computed, into a scratch tile whose first nr columns are then added to C. */
LM_INLINE void tile_edge(lm_float *C, size_t ldc, const lm_float *A, size_t sai, size_t sak, const lm_float *Bp,
                         int kc, int mr, int nr) {
    lm_float Ct[MR * NR] = {0}; // (MR, NR)
    switch ((nr + VW - 1) / VW) {
#if NRV > 3
    case 3: tile(Ct, NR, A, sai, sak, Bp, kc, mr, 3); break;
#endif
#if NRV > 2
    case 2: tile(Ct, NR, A, sai, sak, Bp, kc, mr, 2); break;
#endif
#if NRV > 1
    case 1: tile(Ct, NR, A, sai, sak, Bp, kc, mr, 1); break;
#endif
    default: tile(Ct, NR, A, sai, sak, Bp, kc, mr, NRV); break;
    }
    for (int r = 0; r < mr; r++)
        for (int j = 0; j < nr; j++) C[(size_t)r * ldc + j] += Ct[r * NR + j];
}

/* C (M, N) += op(A) · op(B): a_t = 1 reads A stored (K, M), b_t = 1 reads B stored (N, K). Loop order:
 * column panel, K block (pack once), then every row tile against the packed panel. a_t and b_t are
 * constants at each call site, so each entry point compiles to its own specialised loop. */
LM_INLINE void gemm(lm_float *C, size_t ldc, const lm_float *A, size_t lda, int a_t, const lm_float *B,
                        size_t ldb, int b_t, int M, int K, int N) {
    if (M <= 0 || N <= 0 || K <= 0) return;
    _Alignas(64) lm_float Bp[KC * NR]; // (KC, NR)
    const size_t sai = a_t ? 1 : lda, sak = a_t ? lda : 1;
    for (int j0 = 0; j0 < N; j0 += NR) {
        const int nr = N - j0 < NR ? N - j0 : NR;
        const int kcmax = a_t ? KC_TN : KC;
        for (int k0 = 0; k0 < K; k0 += kcmax) {
            const int kc = K - k0 < kcmax ? K - k0 : kcmax;
            pack_b(Bp, B, ldb, b_t, k0, kc, j0, nr);
            for (int i0 = 0; i0 < M; i0 += MR) {
                const int mr = M - i0 < MR ? M - i0 : MR;
                const lm_float *Ai = A + (size_t)i0 * sai + (size_t)k0 * sak;
                lm_float *Ci = C + (size_t)i0 * ldc + j0; // (mr, nr)
                if (nr == NR) tile(Ci, ldc, Ai, sai, sak, Bp, kc, mr, NRV);
                else tile_edge(Ci, ldc, Ai, sai, sak, Bp, kc, mr, nr);
            }
        }
    }
}

/* ---- entry points ----------------------------------------------------------------------------------- */

void lm_matmul_nn_ld(lm_float *C, int ldc, const lm_float *A, int lda, const lm_float *B, int ldb, int M, int K,
                     int N) {
    gemm(C, (size_t)ldc, A, (size_t)lda, 0, B, (size_t)ldb, 0, M, K, N);
}
void lm_matmul_tn_ld(lm_float *C, int ldc, const lm_float *A, int lda, const lm_float *B, int ldb, int M, int K,
                     int N) {
    gemm(C, (size_t)ldc, A, (size_t)lda, 1, B, (size_t)ldb, 0, M, K, N);
}
void lm_matmul_nt_ld(lm_float *C, int ldc, const lm_float *A, int lda, const lm_float *B, int ldb, int M, int K,
                     int N) {
    gemm(C, (size_t)ldc, A, (size_t)lda, 0, B, (size_t)ldb, 1, M, K, N);
}

void lm_matmul_nn(lm_float *C, const lm_float *A, const lm_float *B, int M, int K, int N) {
    lm_matmul_nn_ld(C, N, A, K, B, N, M, K, N);
}
void lm_matmul_tn(lm_float *C, const lm_float *A, const lm_float *B, int M, int K, int N) {
    lm_matmul_tn_ld(C, N, A, M, B, N, M, K, N);
}
void lm_matmul_nt(lm_float *C, const lm_float *A, const lm_float *B, int M, int K, int N) {
    lm_matmul_nt_ld(C, N, A, K, B, K, M, K, N);
}

/* ---- element-wise helpers (contiguous loops the compiler vectorises) ------------------------------ */

/* Y (M, N) += b (N,) on every row */
void lm_add_bias(lm_float *Y, const lm_float *b, int M, int N) {
    for (int i = 0; i < M; i++) {
        lm_float *y = Y + (size_t)i * N;
        for (int j = 0; j < N; j++) y[j] += b[j];
    }
}

/* db (N,) += Σ_i dY[i, :] for dY (M, N) */
void lm_sum_rows(lm_float *db, const lm_float *dY, int M, int N) {
    for (int i = 0; i < M; i++) {
        const lm_float *d = dY + (size_t)i * N;
        for (int j = 0; j < N; j++) db[j] += d[j];
    }
}

/* ---- activations ------------------------------------------------------------------------------------
 * Float builds: libm's tanhf/expf are scalar calls (about 12 ns each in WASM, the larger part of an RNN
 * step). These formulas are branch-free (both sides of every select are computed) so each loop below
 * vectorises. Polynomial coefficients are our own weighted least-squares fits (relative error of the
 * real-number formula: 5e-9 for tanh near 0, 4e-9 for exp), stored rounded to float. */
#ifdef LM_DOUBLE
static inline lm_float act_tanh(lm_float x) { return tanh(x); }
static inline lm_float act_exp(lm_float x) { return exp(x); }
#else
/* e^y for y ≤ 88.5 (clamped below at -87.3, where e^y is already below FLT_MIN): y = n·ln2 + r with
 * |r| ≤ ln2/2, e^r by a degree-6 polynomial, 2^n built in the exponent bits. NaN propagates. */
static inline float act_exp(float y) {
    y = isless(y, -87.3f) ? -87.3f : y; /* quiet comparisons (no FP exception on NaN): GCC then */
    y = isgreater(y, 88.5f) ? 88.5f : y; /* turns the selects into blends and vectorises the loop */
    const float n = (y * 1.44269504f + 12582912.0f) - 12582912.0f; // round to nearest (1.5·2^23 trick)
    const float r = (y - n * 0.693145752f) - n * 1.42860677e-6f;   // ln2 split in two: r exact enough
    const float p = 1.0f + r + r * r * (0.49999997f + r * (0.16666520f + r * (0.041667234f + r * (0.0083688991f + r * 0.0013879606f))));
    const float nk = n == n ? n : 0.0f;                   // NaN has no integer value (p carries the NaN)
    const int32_t bits = ((int32_t)nk + 127) * (1 << 23); // 2^n, n in [-126, 128)
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}
/* tanh: |x| < 0.625 by the odd polynomial x + x³·P(x²) (no cancellation near 0); above, by
 * 1 - 2/(e^{2|x|} + 1); |x| clamped at 10, past the point where tanh rounds to ±1. NaN propagates. */
static inline float act_tanh(float x) {
    float ax = fabsf(x);
    ax = isgreater(ax, 10.0f) ? 10.0f : ax;
    const float z = ax * ax;
    const float small = ax + ax * z * (-0.33333281f + z * (0.13331389f + z * (-0.053736042f + z * (0.020628680f + z * -0.0056946385f))));
    const float large = 1.0f - 2.0f / (act_exp(2.0f * ax) + 1.0f);
    return copysignf(isless(ax, 0.625f) ? small : large, x);
}
#endif

void lm_tanh_ld(lm_float *Y, int ldy, int M, int N) {
    for (int i = 0; i < M; i++) {
        lm_float *y = Y + (size_t)i * ldy; // (N,)
        for (int j = 0; j < N; j++) y[j] = act_tanh(y[j]);
    }
}

/* σ(x) = 1/(1 + e^{-x}) for x ≥ 0 and e^x/(1 + e^x) for x < 0: with e = e^{-|x|} ≤ 1, 1 + e never
 * rounds away e's digits, so the error stays within about 2 ulps on both tails. */
static inline lm_float act_sigmoid(lm_float x) {
    const int neg = isless(x, 0);
    const lm_float e = act_exp(neg ? x : -x); // e^{-|x|}
    return (neg ? e : 1) / (1 + e);
}

void lm_sigmoid_ld(lm_float *Y, int ldy, int M, int N) {
    for (int i = 0; i < M; i++) {
        lm_float *y = Y + (size_t)i * ldy; // (N,)
        for (int j = 0; j < N; j++) y[j] = act_sigmoid(y[j]);
    }
}

double lm_exp_sum(lm_float *y, const lm_float *x, lm_float shift, int n) {
    for (int j = 0; j < n; j++) y[j] = act_exp(x[j] - shift);
    double s[4] = {0, 0, 0, 0}; // four partial sums: the double adds do not wait on each other
    int j = 0;
    for (; j + 4 <= n; j += 4)
        for (int l = 0; l < 4; l++) s[l] += y[j + l];
    for (; j < n; j++) s[0] += y[j];
    return (s[0] + s[1]) + (s[2] + s[3]);
}
