/* kernels_api.c — the validating edge in front of the matmul kernels (see kernels_api.h): the op,
 * the sizes, the pointers and each leading dimension are checked with a sentence naming the argument,
 * then the fast kernel or its scalar reference runs; likewise for the element-wise activations.
 * Allocates nothing. */
#include "kernels_api.h"
#include "kernels.h"

typedef void (*matmul_ld)(lm_float *, int, const lm_float *, int, const lm_float *, int, int, int, int);

static lm_status need_size(const char *fn, const char *name, int v) {
    if (v < 1 || v > (1 << 24))
        return lm_fail(LM_ERR_ARG, "%s: %s must be between 1 and %d, got %d", fn, name, 1 << 24, v);
    return LM_OK;
}

/* A matrix stored as `rows` rows of `cols` elements, `ld` apart. */
static lm_status need_matrix(const char *fn, const char *name, const char *ld_name, const void *p, int ld, int rows,
                             int cols) {
    if (!p) return lm_fail(LM_ERR_ARG, "%s: %s is NULL; it is required", fn, name);
    if (ld < cols)
        return lm_fail(LM_ERR_ARG,
                       "%s: %s = %d is less than the %d elements of one stored row of %s "
                       "(it is the distance between row starts)",
                       fn, ld_name, ld, cols, name);
    if ((size_t)(rows - 1) * (size_t)ld + (size_t)cols > LM_MAX_CALL_ELEMS)
        return lm_fail(LM_ERR_ARG, "%s: %s spans more than the %zu elements one call accepts", fn, name, LM_MAX_CALL_ELEMS);
    return LM_OK;
}

int lm_kernel_matmul(int op, int ref, lm_float *C, int ldc, const lm_float *A, int lda, const lm_float *B, int ldb,
                     int M, int K, int N) {
    static const matmul_ld fast[3] = {lm_matmul_nn_ld, lm_matmul_tn_ld, lm_matmul_nt_ld};
    static const matmul_ld slow[3] = {lm_ref_matmul_nn_ld, lm_ref_matmul_tn_ld, lm_ref_matmul_nt_ld};
    if (op < LM_KERNEL_NN || op > LM_KERNEL_NT)
        return lm_fail(LM_ERR_ARG, "lm_kernel_matmul: op must be 0 (A·B), 1 (Aᵀ·B) or 2 (A·Bᵀ), got %d", op);
    if (ref != 0 && ref != 1)
        return lm_fail(LM_ERR_ARG, "lm_kernel_matmul: ref must be 0 (fast kernel) or 1 (reference), got %d", ref);
    const char *fn = "lm_kernel_matmul";
    lm_status s;
    if ((s = need_size(fn, "M", M)) || (s = need_size(fn, "K", K)) || (s = need_size(fn, "N", N))) return s;
    const int a_rows = op == LM_KERNEL_TN ? K : M, a_cols = op == LM_KERNEL_TN ? M : K;
    const int b_rows = op == LM_KERNEL_NT ? N : K, b_cols = op == LM_KERNEL_NT ? K : N;
    if ((s = need_matrix(fn, "C", "ldc", C, ldc, M, N)) || (s = need_matrix(fn, "A", "lda", A, lda, a_rows, a_cols)) ||
        (s = need_matrix(fn, "B", "ldb", B, ldb, b_rows, b_cols)))
        return s;
    (ref ? slow : fast)[op](C, ldc, A, lda, B, ldb, M, K, N);
    return LM_OK;
}

int lm_kernel_elementwise(int fn_id, lm_float *Y, int ldy, int M, int N) {
    const char *fn = "lm_kernel_elementwise";
    if (fn_id < LM_KERNEL_TANH || fn_id > LM_KERNEL_EXP)
        return lm_fail(LM_ERR_ARG, "%s: fn must be 0 (tanh), 1 (sigmoid) or 2 (exp), got %d", fn, fn_id);
    lm_status s;
    if ((s = need_size(fn, "M", M)) || (s = need_size(fn, "N", N)) || (s = need_matrix(fn, "Y", "ldy", Y, ldy, M, N)))
        return s;
    if (fn_id == LM_KERNEL_TANH) lm_tanh_ld(Y, ldy, M, N);
    else if (fn_id == LM_KERNEL_SIGMOID) lm_sigmoid_ld(Y, ldy, M, N);
    else
        for (int i = 0; i < M; i++) lm_exp_sum(Y + (size_t)i * ldy, Y + (size_t)i * ldy, 0, N);
    return LM_OK;
}
