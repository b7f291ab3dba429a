/* kernels.c — the fast matrix products of kernels.h, written once over the vector vocabulary of
 * kernels_simd.h (WASM SIMD128, AVX2+FMA, SSE2, or plain lm_float for LM_DOUBLE and other targets).
 * One algorithm for nn, tn and nt: B is copied a panel of (KC, NR) at a time into a contiguous stack
 * buffer (transposed for nt, zero-padded past N), then an (MR, NR) tile of C is accumulated in
 * registers over that panel, reading A by broadcast; a single row of A (M = 1, a batch-1 step) takes a
 * packing-free row path instead. Everything accumulates (+=). The references are in
 * kernels_ref.c, the activations in kernels_act.c. */
#include "kernels.h"
#include "kernels_simd.h"

#define NR (VW * NRV) /* columns of a tile and of a packed B panel */
#ifndef KC
#define KC 256 /* rows of a packed B panel: KC·NR floats (16 KiB in float builds) stay in L1 */
#endif
#ifndef KC_TN
#define KC_TN \
    128 /* for Aᵀ·B, where each k of a tile reads a new cache line of A: KC_TN lines of A plus
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
        int j = 0;
#ifdef LM_TRANSPOSE4
        for (; j + 4 <= nr; j += 4) { // 4×4 blocks of B become 4×4 blocks of the panel
            const lm_float *src = B + (size_t)(j0 + j) * ldb + k0;
            int k = 0;
            for (; k + 4 <= kc; k += 4) transpose4(Bp + (size_t)k * NR + j, NR, src + k, ldb);
            for (; k < kc; k++)
                for (int l = 0; l < 4; l++) Bp[(size_t)k * NR + j + l] = src[(size_t)l * ldb + k];
        }
#endif
        for (; j < NR; j++) {
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
LM_INLINE void tile(lm_float *C, size_t ldc, const lm_float *A, size_t sai, size_t sak, const lm_float *Bp, int kc,
                    int mr, int nv) {
    /* one moving pointer, rows at fixed offsets: for Aᵀ·B (sai = 1) in a full tile (mr = MR, both
     * constants here) the offsets are immediates and one bump per k serves every row */
    size_t off[MR];
    for (int r = 0; r < MR; r++) off[r] = (size_t)(r < mr ? r : mr - 1) * sai;
    const lm_float *ak = A; // A(·, k)
    vec acc[MR][NRV];
    for (int r = 0; r < MR; r++)
        for (int v = 0; v < nv; v++) acc[r][v] = vzero();
    /* pointer bumps rather than k·stride: a WASM address has one dynamic part, so every computed
     * address costs an instruction; the offsets v·VW become constant immediates */
    for (const lm_float *b = Bp, *end = Bp + (size_t)kc * NR; b != end; b += NR) { // b: (NR,)
        vec bv[NRV];
        for (int v = 0; v < nv; v++) bv[v] = vload(b + v * VW);
        for (int r = 0; r < MR; r++) {
            const vec s = vbcast(ak + off[r]);
            for (int v = 0; v < nv; v++) acc[r][v] = vmadd(acc[r][v], s, bv[v]);
        }
        ak += sak;
    }
    for (int r = 0; r < MR; r++) {
        if (r >= mr) break;
        lm_float *c = C + (size_t)r * ldc; // (nv·VW,)
        for (int v = 0; v < nv; v++) vstore(c + v * VW, vadd(vload(c + v * VW), acc[r][v]));
    }
}

/* The last column panel (nr < NR columns): only the ceil(nr / VW) vectors that hold columns are
 * computed, into a scratch tile whose first nr columns are then added to C. */
LM_INLINE void tile_edge(lm_float *C, size_t ldc, const lm_float *A, size_t sai, size_t sak, const lm_float *Bp, int kc,
                         int mr, int nr) {
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

/* ---- one row of A (M = 1: batch-1 recurrent steps) ----------------------------------------------- */

/* c (N,) += a (K,) · B (K, N) at ldb, a's element k at a[k·sak]: rows of B streamed once into NR-wide
 * register accumulators; no packing (it would copy all of B to use each element once) and no idle
 * tile rows (a tile computes MR rows, M = 1 uses one). */
LM_INLINE void row_nn(lm_float *c, const lm_float *a, size_t sak, const lm_float *B, size_t ldb, int K, int N) {
    int j0 = 0;
    for (; j0 + NR <= N; j0 += NR) {
        vec acc[NRV];
        for (int v = 0; v < NRV; v++) acc[v] = vzero();
        const lm_float *b = B + j0, *ak = a;
        for (int k = 0; k < K; k++, b += ldb, ak += sak) {
            const vec s = vbcast(ak);
            for (int v = 0; v < NRV; v++) acc[v] = vmadd(acc[v], s, vload(b + v * VW));
        }
        for (int v = 0; v < NRV; v++) vstore(c + j0 + v * VW, vadd(vload(c + j0 + v * VW), acc[v]));
    }
    for (; j0 + VW <= N; j0 += VW) {
        vec acc = vzero();
        const lm_float *b = B + j0, *ak = a;
        for (int k = 0; k < K; k++, b += ldb, ak += sak) acc = vmadd(acc, vbcast(ak), vload(b));
        vstore(c + j0, vadd(vload(c + j0), acc));
    }
    for (; j0 < N; j0++) {
        lm_float sum = 0;
        for (int k = 0; k < K; k++) sum += a[(size_t)k * sak] * B[(size_t)k * ldb + j0];
        c[j0] += sum;
    }
}

/* c (N,) += a (K,) · Bᵀ for B stored (N, K) at ldb: per column j the dot product of a with row j of B,
 * four rows at a time, vectorised over k (a contiguous). */
LM_INLINE void row_nt(lm_float *c, const lm_float *a, const lm_float *B, size_t ldb, int K, int N) {
    int j = 0;
    for (; j + 4 <= N; j += 4) {
        const lm_float *b0 = B + (size_t)j * ldb, *b1 = b0 + ldb, *b2 = b1 + ldb, *b3 = b2 + ldb;
        vec s0 = vzero(), s1 = vzero(), s2 = vzero(), s3 = vzero();
        int k = 0;
        for (; k + VW <= K; k += VW) {
            const vec av = vload(a + k);
            s0 = vmadd(s0, av, vload(b0 + k));
            s1 = vmadd(s1, av, vload(b1 + k));
            s2 = vmadd(s2, av, vload(b2 + k));
            s3 = vmadd(s3, av, vload(b3 + k));
        }
        lm_float t[4][VW];
        vstore(t[0], s0);
        vstore(t[1], s1);
        vstore(t[2], s2);
        vstore(t[3], s3);
        for (int r = 0; r < 4; r++) {
            lm_float sum = 0;
            for (int l = 0; l < VW; l++) sum += t[r][l];
            const lm_float *br = B + (size_t)(j + r) * ldb;
            for (int kk = k; kk < K; kk++) sum += a[kk] * br[kk];
            c[j + r] += sum;
        }
    }
    for (; j < N; j++) {
        lm_float sum = 0;
        const lm_float *br = B + (size_t)j * ldb;
        for (int k = 0; k < K; k++) sum += a[k] * br[k];
        c[j] += sum;
    }
}

/* C (M, N) += op(A) · op(B): a_t = 1 reads A stored (K, M), b_t = 1 reads B stored (N, K). Loop order:
 * column panel, K block (pack once), then every row tile against the packed panel. a_t and b_t are
 * constants at each call site, so each entry point compiles to its own specialised loop. */
LM_INLINE void gemm(lm_float *C, size_t ldc, const lm_float *A, size_t lda, int a_t, const lm_float *B, size_t ldb,
                    int b_t, int M, int K, int N) {
    if (M <= 0 || N <= 0 || K <= 0) return;
    if (M == 1 && !b_t) {
        row_nn(C, A, a_t ? lda : 1, B, ldb, K, N);
        return;
    }
    if (M == 1 && !a_t) {
        row_nt(C, A, B, ldb, K, N);
        return;
    }
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
                lm_float *Ci = C + (size_t)i0 * ldc + j0;                               // (mr, nr)
                if (nr == NR && mr == MR) tile(Ci, ldc, Ai, sai, sak, Bp, kc, MR, NRV); // the common case
                else if (nr == NR) tile(Ci, ldc, Ai, sai, sak, Bp, kc, mr, NRV);
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
