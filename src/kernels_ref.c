/* kernels_ref.c — the scalar references of kernels.h: the textbook triple loop, one dot product per
 * output element, kept only as the yardstick the fast kernels (kernels.c) are tested against.
 * Everything accumulates (+=). Indices are computed in size_t: M·N may exceed INT_MAX. */
#include "kernels.h"

void lm_ref_matmul_nn_ld(lm_float *C, int ldc, const lm_float *A, int lda, const lm_float *B, int ldb, int M, int K,
                         int N) {
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            lm_float s = 0;
            for (int k = 0; k < K; k++) s += A[(size_t)i * lda + k] * B[(size_t)k * ldb + j];
            C[(size_t)i * ldc + j] += s;
        }
}

void lm_ref_matmul_tn_ld(lm_float *C, int ldc, const lm_float *A, int lda, const lm_float *B, int ldb, int M, int K,
                         int N) {
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            lm_float s = 0;
            for (int k = 0; k < K; k++) s += A[(size_t)k * lda + i] * B[(size_t)k * ldb + j];
            C[(size_t)i * ldc + j] += s;
        }
}

void lm_ref_matmul_nt_ld(lm_float *C, int ldc, const lm_float *A, int lda, const lm_float *B, int ldb, int M, int K,
                         int N) {
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            lm_float s = 0;
            for (int k = 0; k < K; k++) s += A[(size_t)i * lda + k] * B[(size_t)j * ldb + k];
            C[(size_t)i * ldc + j] += s;
        }
}

void lm_ref_matmul_nn(lm_float *C, const lm_float *A, const lm_float *B, int M, int K, int N) {
    lm_ref_matmul_nn_ld(C, N, A, K, B, N, M, K, N);
}
void lm_ref_matmul_tn(lm_float *C, const lm_float *A, const lm_float *B, int M, int K, int N) {
    lm_ref_matmul_tn_ld(C, N, A, M, B, N, M, K, N);
}
void lm_ref_matmul_nt(lm_float *C, const lm_float *A, const lm_float *B, int M, int K, int N) {
    lm_ref_matmul_nt_ld(C, N, A, K, B, K, M, K, N);
}
