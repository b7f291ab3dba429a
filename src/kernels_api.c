/* kernels_api.c — the exported edge (lmlab.h) in front of the dense kernels, linked into
 * build/lmlab-kernels.wasm only, so the kernel tests and the benchmark can drive the exact fast path
 * of the .wasm from JS: the op, the sizes, the pointers and each leading dimension are checked with
 * lm_check.h's sentences, then the fast kernel or its scalar reference runs; likewise for the
 * element-wise activations. Allocates nothing. */
#include "kernels.h"
#include "lm_check.h"

typedef void (*matmul_ld)(lm_float *, int, const lm_float *, int, const lm_float *, int, int, int, int);

lm_status lm_kernel_matmul(int op, int ref, lm_float *C, int ldc, const lm_float *A, int lda, const lm_float *B,
                           int ldb, int M, int K, int N) {
    static const matmul_ld fast[3] = {lm_matmul_nn_ld, lm_matmul_tn_ld, lm_matmul_nt_ld};
    static const matmul_ld slow[3] = {lm_ref_matmul_nn_ld, lm_ref_matmul_tn_ld, lm_ref_matmul_nt_ld};
    const char *fn = "kernel_matmul";
    LM_TRY(lm_check_choice(fn, "op", op, 3, "0 (A·B), 1 (Aᵀ·B) or 2 (A·Bᵀ)"));
    LM_TRY(lm_check_choice(fn, "ref", ref, 2, "0 (fast kernel) or 1 (reference)"));
    LM_TRY(lm_check_min(fn, "M", M, 1));
    LM_TRY(lm_check_min(fn, "K", K, 1));
    LM_TRY(lm_check_min(fn, "N", N, 1));
    const int a_rows = op == LM_KERNEL_TN ? K : M, a_cols = op == LM_KERNEL_TN ? M : K;
    const int b_rows = op == LM_KERNEL_NT ? N : K, b_cols = op == LM_KERNEL_NT ? K : N;
    LM_TRY(lm_check_matrix(fn, "C", "ldc", C, ldc, M, N));
    LM_TRY(lm_check_matrix(fn, "A", "lda", A, lda, a_rows, a_cols));
    LM_TRY(lm_check_matrix(fn, "B", "ldb", B, ldb, b_rows, b_cols));
    (ref ? slow : fast)[op](C, ldc, A, lda, B, ldb, M, K, N);
    return LM_OK;
}

lm_status lm_kernel_elementwise(int fn_id, lm_float *Y, int ldy, int M, int N) {
    const char *fn = "kernel_elementwise";
    LM_TRY(lm_check_choice(fn, "fn", fn_id, 3, "0 (tanh), 1 (sigmoid) or 2 (exp)"));
    LM_TRY(lm_check_min(fn, "M", M, 1));
    LM_TRY(lm_check_min(fn, "N", N, 1));
    LM_TRY(lm_check_matrix(fn, "Y", "ldy", Y, ldy, M, N));
    if (fn_id == LM_KERNEL_TANH) lm_tanh_ld(Y, ldy, M, N);
    else if (fn_id == LM_KERNEL_SIGMOID) lm_sigmoid_ld(Y, ldy, M, N);
    else
        for (int i = 0; i < M; i++) lm_exp_sum(Y + (size_t)i * ldy, Y + (size_t)i * ldy, 0, N);
    return LM_OK;
}
