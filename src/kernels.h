/* kernels.h — the few dense kernels every layer uses. Row-major lm_float, all accumulate (+=) so a
 * layer can sum contributions without temporaries. A plain scalar reference (lm_ref_*) and the fast
 * path (lm_*) sit side by side; the fast path is chosen at build time (WASM SIMD, AVX2+FMA, SSE, or
 * portable C for LM_DOUBLE) and tested against the reference on odd shapes. M, K, N here are matrix
 * sizes, not the batch letters. The _ld forms take leading dimensions (elements between the starts of
 * consecutive rows, ≥ the row length), so a time slice h[:, t, :] of (N, T, H) is a matrix with
 * ld = T·H; the plain forms are the _ld forms with contiguous rows. */
#ifndef LM_KERNELS_H
#define LM_KERNELS_H

#include "lm_common.h"

/* C (M, N) += A (M, K) · B (K, N) */
void lm_matmul_nn(lm_float *C, const lm_float *A, const lm_float *B, int M, int K, int N);
/* C (M, N) += Aᵀ · B, with A (K, M), B (K, N) — weight gradients: dW += xᵀ·da */
void lm_matmul_tn(lm_float *C, const lm_float *A, const lm_float *B, int M, int K, int N);
/* C (M, N) += A · Bᵀ, with A (M, K), B (N, K) — input gradients: dx = da·Wᵀ */
void lm_matmul_nt(lm_float *C, const lm_float *A, const lm_float *B, int M, int K, int N);

/* The same products over strided rows: C row i at C + i·ldc, A row at A + r·lda, B row at B + r·ldb
 * (rows as stored: A is (M, K) for nn/nt and (K, M) for tn; B is (K, N) for nn/tn and (N, K) for nt).
 * C must not overlap A or B. */
void lm_matmul_nn_ld(lm_float *C, int ldc, const lm_float *A, int lda, const lm_float *B, int ldb, int M, int K, int N);
void lm_matmul_tn_ld(lm_float *C, int ldc, const lm_float *A, int lda, const lm_float *B, int ldb, int M, int K, int N);
void lm_matmul_nt_ld(lm_float *C, int ldc, const lm_float *A, int lda, const lm_float *B, int ldb, int M, int K, int N);

/* The scalar references, always compiled, used by the kernel tests. */
void lm_ref_matmul_nn(lm_float *C, const lm_float *A, const lm_float *B, int M, int K, int N);
void lm_ref_matmul_tn(lm_float *C, const lm_float *A, const lm_float *B, int M, int K, int N);
void lm_ref_matmul_nt(lm_float *C, const lm_float *A, const lm_float *B, int M, int K, int N);
void lm_ref_matmul_nn_ld(lm_float *C, int ldc, const lm_float *A, int lda, const lm_float *B, int ldb, int M, int K,
                         int N);
void lm_ref_matmul_tn_ld(lm_float *C, int ldc, const lm_float *A, int lda, const lm_float *B, int ldb, int M, int K,
                         int N);
void lm_ref_matmul_nt_ld(lm_float *C, int ldc, const lm_float *A, int lda, const lm_float *B, int ldb, int M, int K,
                         int N);

/* Y (M, N) += 1 · b (N,) broadcast over rows */
void lm_add_bias(lm_float *Y, const lm_float *b, int M, int N);
/* db (N,) += column sums of dY (M, N) */
void lm_sum_rows(lm_float *db, const lm_float *dY, int M, int N);

/* Element-wise activations in place over strided rows: Y (M, N) with rows ldy apart. In float builds
 * they are branch-free polynomial/exp formulas over the SIMD words (within 2.4 float ulps of the exact
 * values, NaN propagates, ±Inf saturates; see kernels_act.c); under LM_DOUBLE they call libm, so
 * gradient checks see exact math. */
void lm_tanh_ld(lm_float *Y, int ldy, int M, int N);
void lm_sigmoid_ld(lm_float *Y, int ldy, int M, int N);
/* y (n,) = exp(x - shift) for x (n,) (x ≤ shift + 88, as after subtracting a row max; below
 * shift - 87.3 the float result stays at about 1.2e-38 instead of reaching 0); returns Σ y in double.
 * y may be x. */
double lm_exp_sum(lm_float *y, const lm_float *x, lm_float shift, int n);

#endif
