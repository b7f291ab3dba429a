/* kernels_api.h — the validating WASM export of the dense kernels (kernels.h), so the kernel tests
 * and the benchmark can drive the exact fast path of the .wasm from JS (products and activations). Sizes and leading dimensions
 * are checked here; the kernels themselves trust their callers. */
#ifndef LM_KERNELS_API_H
#define LM_KERNELS_API_H

#include "lm_common.h"

/* Which product lm_kernel_matmul computes. */
enum { LM_KERNEL_NN = 0, LM_KERNEL_TN = 1, LM_KERNEL_NT = 2 };

/* C (M, N) at ldc += op(A)·op(B) with the fast kernel (ref = 0) or the scalar reference (ref = 1).
 * op = LM_KERNEL_NN: A (M, K), B (K, N); TN: A stored (K, M); NT: B stored (N, K). Every ld must be at
 * least its row length. Returns LM_OK or LM_ERR_ARG with a message naming the argument. */
LM_API int lm_kernel_matmul(int op, int ref, lm_float *C, int ldc, const lm_float *A, int lda, const lm_float *B,
                            int ldb, int M, int K, int N);

/* Which function lm_kernel_elementwise applies. */
enum { LM_KERNEL_TANH = 0, LM_KERNEL_SIGMOID = 1, LM_KERNEL_EXP = 2 };

/* Y (M, N), rows ldy apart, replaced in place by tanh, sigmoid or exp of itself (the float kernels the
 * layers use). Returns LM_OK or LM_ERR_ARG with a message naming the argument. */
LM_API int lm_kernel_elementwise(int fn, lm_float *Y, int ldy, int M, int N);

#endif
