/* kernels.c — the dense kernels of kernels.h: the scalar references (lm_ref_*, the textbook triple
 * loop, kept only as the yardstick for tests) and the entry points the layers call (lm_*).
 * The entry points are plain C loops ordered so the innermost loop walks contiguous memory (the
 * compiler vectorises them natively); a WASM SIMD path will replace their bodies behind this same
 * seam. Everything accumulates (+=). Indices are computed in size_t: M·N may exceed INT_MAX. */
#include "kernels.h"

/* ---- scalar references: one dot product per output element --------------------------------- */

void lm_ref_matmul_nn(lm_float *C, const lm_float *A, const lm_float *B, int M, int K, int N) {
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            lm_float s = 0;
            for (int k = 0; k < K; k++) s += A[(size_t)i * K + k] * B[(size_t)k * N + j];
            C[(size_t)i * N + j] += s;
        }
}

void lm_ref_matmul_tn(lm_float *C, const lm_float *A, const lm_float *B, int M, int K, int N) {
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            lm_float s = 0;
            for (int k = 0; k < K; k++) s += A[(size_t)k * M + i] * B[(size_t)k * N + j];
            C[(size_t)i * N + j] += s;
        }
}

void lm_ref_matmul_nt(lm_float *C, const lm_float *A, const lm_float *B, int M, int K, int N) {
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            lm_float s = 0;
            for (int k = 0; k < K; k++) s += A[(size_t)i * K + k] * B[(size_t)j * K + k];
            C[(size_t)i * N + j] += s;
        }
}

/* ---- entry points: loop orders with a contiguous innermost loop ------------------------------ */

/* C (M, N) += A (M, K) · B (K, N): i-k-j, so the inner loop is an axpy over a row of B. */
void lm_matmul_nn(lm_float *C, const lm_float *A, const lm_float *B, int M, int K, int N) {
    for (int i = 0; i < M; i++) {
        lm_float *c = C + (size_t)i * N;       // (N,)
        const lm_float *a = A + (size_t)i * K; // (K,)
        for (int k = 0; k < K; k++) {
            const lm_float aik = a[k];
            const lm_float *b = B + (size_t)k * N; // (N,)
            for (int j = 0; j < N; j++) c[j] += aik * b[j];
        }
    }
}

/* C (M, N) += Aᵀ · B with A (K, M), B (K, N): k-i-j, a sum of K rank-one updates, each row of A and
 * B read once and every access contiguous. */
void lm_matmul_tn(lm_float *C, const lm_float *A, const lm_float *B, int M, int K, int N) {
    for (int k = 0; k < K; k++) {
        const lm_float *a = A + (size_t)k * M; // (M,)
        const lm_float *b = B + (size_t)k * N; // (N,)
        for (int i = 0; i < M; i++) {
            const lm_float aki = a[i];
            lm_float *c = C + (size_t)i * N; // (N,)
            for (int j = 0; j < N; j++) c[j] += aki * b[j];
        }
    }
}

/* C (M, N) += A · Bᵀ with A (M, K), B (N, K): both operands are read along their rows, so each
 * output is a contiguous dot product. Sixteen independent partial sums (a fixed-length inner loop the
 * compiler maps onto vector registers: one AVX-512, four SSE/WASM) break the add dependency without
 * -ffast-math; measured 6 → 35 GFLOP/s natively (H = 256). */
void lm_matmul_nt(lm_float *C, const lm_float *A, const lm_float *B, int M, int K, int N) {
    for (int i = 0; i < M; i++) {
        const lm_float *a = A + (size_t)i * K; // (K,)
        lm_float *c = C + (size_t)i * N;       // (N,)
        for (int j = 0; j < N; j++) {
            const lm_float *b = B + (size_t)j * K; // (K,)
            lm_float acc[16] = {0};
            int k = 0;
            for (; k + 16 <= K; k += 16)
                for (int l = 0; l < 16; l++) acc[l] += a[k + l] * b[k + l];
            lm_float s = 0;
            for (int l = 0; l < 16; l++) s += acc[l];
            for (; k < K; k++) s += a[k] * b[k];
            c[j] += s;
        }
    }
}

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
