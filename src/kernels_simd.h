/* kernels_simd.h — private to the kernels: the vector vocabulary of this build, chosen at compile time.
 * WASM SIMD128 (-msimd128; with -mrelaxed-simd, its multiply-add is fused), AVX2+FMA, SSE2, or
 * "portable" (a vector of one lm_float: the LM_DOUBLE gradient-check build and any other target).
 * kernels.c writes the matmul tile once over these words; kernels_act.c writes the activations once
 * over them (LM_SIMD_ACT: float builds with real vectors). */
#ifndef LM_KERNELS_SIMD_H
#define LM_KERNELS_SIMD_H

#include <stdint.h>

#include "lm_common.h"

#if defined(__GNUC__) || defined(__clang__)
#define LM_INLINE static inline __attribute__((always_inline))
#else
#define LM_INLINE static inline
#endif

/* ---- the vector vocabulary of this build ---------------------------------------------------------
 * VW floats per vector; the register tile is MR rows × NRV vectors, sized so accumulators, the NRV
 * B vectors and one broadcast fit the target's 16 vector registers. The activation words (vset …
 * vpow2_of_magic) exist where LM_SIMD_ACT is defined. */
#if !defined(LM_DOUBLE) && defined(__wasm_simd128__)
#include <wasm_simd128.h>
#ifdef __wasm_relaxed_simd__ /* -mrelaxed-simd: build/lmlab-fma.wasm (Makefile) */
#define LM_PATH "wasm-relaxed-simd"
#else
#define LM_PATH "wasm-simd128"
#endif
#define VW 4
/* 2 rows × 4 vectors: 8 accumulators, 4 B vectors, 2 broadcasts, 1 product within V8's 15 allocatable
 * x86-64 vector registers; measured faster than 4×2, 3×3, 3×4 (spills) and 1×8 in Node 20 */
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
#ifdef __wasm_relaxed_simd__
/* c + a·b as f32x4.relaxed_madd: fused (one rounding) where the CPU has FMA, else multiply then add;
 * clang 14 names it __builtin_wasm_fma_f32x4(a, b, c) = a·b + c and emits the draft opcode, which
 * scripts/relaxed-fma.mjs rewrites after linking */
static inline vec vmadd(vec c, vec a, vec b) { return __builtin_wasm_fma_f32x4(a, b, c); }
#else
/* no fused multiply-add in plain SIMD128: multiply, then add */
static inline vec vmadd(vec c, vec a, vec b) { return wasm_f32x4_add(c, wasm_f32x4_mul(a, b)); }
#endif
/* words of the activations */
#define LM_SIMD_ACT 1
static inline vec vset(float c) { return wasm_f32x4_splat(c); }
static inline vec vbits(uint32_t u) { return wasm_i32x4_splat((int32_t)u); }
static inline vec vsub(vec a, vec b) { return wasm_f32x4_sub(a, b); }
static inline vec vmul(vec a, vec b) { return wasm_f32x4_mul(a, b); }
static inline vec vdiv(vec a, vec b) { return wasm_f32x4_div(a, b); }
static inline vec vand(vec a, vec b) { return wasm_v128_and(a, b); }
static inline vec vor(vec a, vec b) { return wasm_v128_or(a, b); }
static inline vec vlt(vec a, vec b) { return wasm_f32x4_lt(a, b); }
static inline vec vblend(vec m, vec a, vec b) { return wasm_v128_bitselect(a, b, m); } /* m ? a : b */
/* x < c ? c : x and c < x ? c : x, a NaN x kept: the pseudo-min/max are one x86 instruction each */
static inline vec vfloor_at(vec x, vec c) { return wasm_f32x4_pmax(x, c); }
static inline vec vceil_at(vec x, vec c) { return wasm_f32x4_pmin(x, c); }
/* 2^n as a float from t = n + 1.5·2^23, whose bit pattern is 0x4B400000 + n */
static inline vec vpow2_of_magic(vec t) {
    return wasm_i32x4_shl(wasm_i32x4_add(t, wasm_i32x4_splat(127 - 0x4B400000)), 23);
}

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
#define LM_SIMD_ACT 1
static inline vec vset(float c) { return _mm256_set1_ps(c); }
static inline vec vbits(uint32_t u) { return _mm256_castsi256_ps(_mm256_set1_epi32((int)u)); }
static inline vec vsub(vec a, vec b) { return _mm256_sub_ps(a, b); }
static inline vec vmul(vec a, vec b) { return _mm256_mul_ps(a, b); }
static inline vec vdiv(vec a, vec b) { return _mm256_div_ps(a, b); }
static inline vec vand(vec a, vec b) { return _mm256_and_ps(a, b); }
static inline vec vor(vec a, vec b) { return _mm256_or_ps(a, b); }
static inline vec vlt(vec a, vec b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
static inline vec vblend(vec m, vec a, vec b) { return _mm256_blendv_ps(b, a, m); }
static inline vec vfloor_at(vec x, vec c) { return _mm256_max_ps(c, x); } /* c > x ? c : x */
static inline vec vceil_at(vec x, vec c) { return _mm256_min_ps(c, x); }  /* c < x ? c : x */
static inline vec vpow2_of_magic(vec t) {
    return _mm256_castsi256_ps(
        _mm256_slli_epi32(_mm256_add_epi32(_mm256_castps_si256(t), _mm256_set1_epi32(127 - 0x4B400000)), 23));
}

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
#define LM_SIMD_ACT 1
static inline vec vset(float c) { return _mm_set1_ps(c); }
static inline vec vbits(uint32_t u) { return _mm_castsi128_ps(_mm_set1_epi32((int)u)); }
static inline vec vsub(vec a, vec b) { return _mm_sub_ps(a, b); }
static inline vec vmul(vec a, vec b) { return _mm_mul_ps(a, b); }
static inline vec vdiv(vec a, vec b) { return _mm_div_ps(a, b); }
static inline vec vand(vec a, vec b) { return _mm_and_ps(a, b); }
static inline vec vor(vec a, vec b) { return _mm_or_ps(a, b); }
static inline vec vlt(vec a, vec b) { return _mm_cmplt_ps(a, b); }
static inline vec vblend(vec m, vec a, vec b) { return _mm_or_ps(_mm_and_ps(m, a), _mm_andnot_ps(m, b)); }
static inline vec vfloor_at(vec x, vec c) { return _mm_max_ps(c, x); } /* c > x ? c : x */
static inline vec vceil_at(vec x, vec c) { return _mm_min_ps(c, x); }  /* c < x ? c : x */
static inline vec vpow2_of_magic(vec t) {
    return _mm_castsi128_ps(_mm_slli_epi32(_mm_add_epi32(_mm_castps_si128(t), _mm_set1_epi32(127 - 0x4B400000)), 23));
}

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

/* dst rows 0..3 (ldd apart) = columns of the 4×4 block at src (rows lds apart): packing Bᵀ panels with
 * four loads, a register transpose and four stores instead of sixteen scalar copies. */
#if !defined(LM_DOUBLE) && defined(__wasm_simd128__)
#define LM_TRANSPOSE4 1
LM_INLINE void transpose4(lm_float *dst, size_t ldd, const lm_float *src, size_t lds) {
    const v128_t r0 = wasm_v128_load(src), r1 = wasm_v128_load(src + lds);
    const v128_t r2 = wasm_v128_load(src + 2 * lds), r3 = wasm_v128_load(src + 3 * lds);
    const v128_t t0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5), t1 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5);
    const v128_t t2 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7), t3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7);
    wasm_v128_store(dst, wasm_i64x2_shuffle(t0, t1, 0, 2));
    wasm_v128_store(dst + ldd, wasm_i64x2_shuffle(t0, t1, 1, 3));
    wasm_v128_store(dst + 2 * ldd, wasm_i64x2_shuffle(t2, t3, 0, 2));
    wasm_v128_store(dst + 3 * ldd, wasm_i64x2_shuffle(t2, t3, 1, 3));
}
#elif !defined(LM_DOUBLE) && defined(__SSE2__)
#define LM_TRANSPOSE4 1
LM_INLINE void transpose4(lm_float *dst, size_t ldd, const lm_float *src, size_t lds) {
    __m128 r0 = _mm_loadu_ps(src), r1 = _mm_loadu_ps(src + lds);
    __m128 r2 = _mm_loadu_ps(src + 2 * lds), r3 = _mm_loadu_ps(src + 3 * lds);
    _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
    _mm_storeu_ps(dst, r0);
    _mm_storeu_ps(dst + ldd, r1);
    _mm_storeu_ps(dst + 2 * ldd, r2);
    _mm_storeu_ps(dst + 3 * ldd, r3);
}
#endif

#endif
