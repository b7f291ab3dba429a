/* test_kernels.c — every fast kernel of kernels.h against the scalar reference and a rounding bound, on
 * odd shapes (1, 3, 7, 11, 14, 17, 65, 129: every tile remainder; K past the packing block of 256) and on strided rows, natively in the
 * float build (the SSE2 path under the test flags) and the -DLM_DOUBLE build (the portable path).
 * Padding between strided rows holds NaN in A and B (reading it would poison C) and a sentinel in C
 * (writing it is caught). The activations (tanh, sigmoid, exp) against libm in ulps over dense grids and
 * at special values. Also the validating edge of kernels_api.c, one test per message. */
#include "check.h"
#include "kernels.h"
#include "lmlab.h"
#include "rng.h"

#include <float.h>
#include <stdlib.h>
#include <string.h>

#ifdef LM_DOUBLE
#define EPS DBL_EPSILON
#else
#define EPS FLT_EPSILON
#endif

static lm_rng rng;
static const lm_float SENTINEL = (lm_float)-12345.5;

typedef void (*matmul_ld)(lm_float *, int, const lm_float *, int, const lm_float *, int, int, int, int);
static const matmul_ld fast[3] = {lm_matmul_nn_ld, lm_matmul_tn_ld, lm_matmul_nt_ld};
static const matmul_ld ref[3] = {lm_ref_matmul_nn_ld, lm_ref_matmul_tn_ld, lm_ref_matmul_nt_ld};
static const char *names[3] = {"nn", "tn", "nt"};

/* rows × ld elements: random in the first cols of each row, `pad` in the rest. */
static lm_float *matrix(int rows, int cols, int ld, lm_float pad) {
    lm_float *p = malloc((size_t)rows * ld * sizeof *p);
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < ld; c++) p[(size_t)r * ld + c] = c < cols ? (lm_float)lm_rng_normal(&rng) : pad;
    return p;
}

/* A(i, k) and B(k, j) of op as stored. */
static lm_float at_a(int op, const lm_float *A, int lda, int i, int k) {
    return op == 1 ? A[(size_t)k * lda + i] : A[(size_t)i * lda + k];
}
static lm_float at_b(int op, const lm_float *B, int ldb, int k, int j) {
    return op == 2 ? B[(size_t)j * ldb + k] : B[(size_t)k * ldb + j];
}

/* One product: the fast kernel against the reference, within the forward-error bound of a K-term
 * dot product, |error| <= (K + 2)·eps·(Σ_k |a_ik·b_kj| + |c_ij|) (a wrong term is far above it). The
 * padding of C must be untouched and no NaN from the padding of A or B may reach C. Returns 1 if ok. */
static int check_product(int op, int M, int K, int N, int pad) {
    const int a_rows = op == 1 ? K : M, a_cols = op == 1 ? M : K;
    const int b_rows = op == 2 ? N : K, b_cols = op == 2 ? K : N;
    const int lda = a_cols + pad, ldb = b_cols + 2 * pad, ldc = N + 3 * pad;
    lm_float *A = matrix(a_rows, a_cols, lda, pad ? (lm_float)NAN : 0);
    lm_float *B = matrix(b_rows, b_cols, ldb, pad ? (lm_float)NAN : 0);
    lm_float *C1 = matrix(M, N, ldc, SENTINEL); /* nonzero: the kernels accumulate */
    lm_float *C2 = malloc((size_t)M * ldc * sizeof *C2);
    memcpy(C2, C1, (size_t)M * ldc * sizeof *C2);
    fast[op](C1, ldc, A, lda, B, ldb, M, K, N);
    ref[op](C2, ldc, A, lda, B, ldb, M, K, N);
    int ok = 1;
    double worst = 0;
    for (int i = 0; i < M && ok; i++)
        for (int j = 0; j < ldc; j++) {
            const size_t at = (size_t)i * ldc + j;
            if (j >= N) {
                ok &= C1[at] == SENTINEL;
                continue;
            }
            double mag = fabs((double)C2[at]);
            for (int k = 0; k < K; k++) mag += fabs((double)at_a(op, A, lda, i, k) * at_b(op, B, ldb, k, j));
            const double err = fabs((double)C1[at] - (double)C2[at]);
            const double ratio = err / ((K + 2) * EPS * mag + DBL_MIN);
            worst = ratio > worst ? ratio : worst;
            ok &= isfinite(C1[at]) && ratio <= 1;
        }
    CHECK(ok, "matmul_%s_ld M=%d K=%d N=%d pad=%d: off the reference (worst %.3g of the bound) or wrote padding",
          names[op], M, K, N, pad, worst);
    free(A), free(B), free(C1), free(C2);
    return ok;
}

static void test_matmul_shapes(void) {
    /* M and N cover every remainder of the tiles (MR 2..6 rows; NR 16 columns in 1..4 vectors);
     * K = 300 spans two blocks of the 256-row packed panel. */
    static const int ms[] = {1, 3, 4, 17, 65}, ks[] = {1, 17, 129, 300}, ns[] = {1, 3, 7, 11, 14, 17, 65};
    for (int op = 0; op < 3; op++) {
        for (int a = 0; a < 5; a++)
            for (int b = 0; b < 4; b++)
                for (int c = 0; c < 7; c++) check_product(op, ms[a], ks[b], ns[c], (a + b + c) % 2 ? 5 : 0);
        check_product(op, 129, 65, 3, 5); /* 129 on each axis (kept out of the cross product for valgrind) */
        check_product(op, 3, 129, 129, 0);
        check_product(op, 129, 300, 17, 5);
    }
    /* The models' shapes, strided as a time slice of (N=32, T=25, H=128) and contiguous. */
    check_product(0, 32, 128, 128, 3200 - 128);
    check_product(1, 128, 32, 128, 3200 - 128);
    check_product(2, 32, 128, 128, 3200 - 128);
    check_product(0, 800, 65, 128, 0);
    check_product(1, 65, 800, 128, 0);
    check_product(2, 800, 128, 65, 0);
}

/* The plain entry points are the _ld ones with contiguous rows: same bits. */
static void test_plain_forms(void) {
    typedef void (*mm)(lm_float *, const lm_float *, const lm_float *, int, int, int);
    const mm plain[3] = {lm_matmul_nn, lm_matmul_tn, lm_matmul_nt};
    const int M = 19, K = 33, N = 21;
    for (int op = 0; op < 3; op++) {
        const int a_cols = op == 1 ? M : K, b_cols = op == 2 ? K : N;
        lm_float *A = matrix(op == 1 ? K : M, a_cols, a_cols, 0), *B = matrix(op == 2 ? N : K, b_cols, b_cols, 0);
        lm_float *C1 = matrix(M, N, N, 0), *C2 = malloc((size_t)M * N * sizeof *C2);
        memcpy(C2, C1, (size_t)M * N * sizeof *C2);
        plain[op](C1, A, B, M, K, N);
        fast[op](C2, N, A, a_cols, B, b_cols, M, K, N);
        CHECK(memcmp(C1, C2, (size_t)M * N * sizeof *C1) == 0, "lm_matmul_%s equals its _ld form", names[op]);
        free(A), free(B), free(C1), free(C2);
    }
}

static void test_elementwise(void) {
    const int M = 17, N = 65;
    lm_float *Y = matrix(M, N, N, 0), *Y0 = malloc((size_t)M * N * sizeof *Y0), *b = matrix(1, N, N, 0);
    lm_float *db = matrix(1, N, N, 0), *db0 = malloc(N * sizeof *db0);
    memcpy(Y0, Y, (size_t)M * N * sizeof *Y0);
    memcpy(db0, db, N * sizeof *db0);
    lm_add_bias(Y, b, M, N);
    lm_sum_rows(db, Y0, M, N);
    int ok_bias = 1, ok_sum = 1;
    for (int j = 0; j < N; j++) {
        double s = db0[j];
        for (int i = 0; i < M; i++) {
            ok_bias &= Y[(size_t)i * N + j] == Y0[(size_t)i * N + j] + b[j];
            s += Y0[(size_t)i * N + j];
        }
        ok_sum &= fabs(db[j] - s) <= (M + 2) * EPS * (fabs(s) + M * 4);
    }
    CHECK(ok_bias, "lm_add_bias adds b to every row");
    CHECK(ok_sum, "lm_sum_rows accumulates the column sums");
    free(Y), free(Y0), free(b), free(db), free(db0);
}

/* ---- activations ---------------------------------------------------------------------------------- */

/* The error of y against the exact value t in units of t's float spacing (ulps of lm_float). */
static double ulps(lm_float y, double t) {
    const double at = fabs(t) < FLT_MIN ? FLT_MIN : fabs(t);
    const double spacing = (double)nextafterf((float)at, INFINITY) - (float)at;
    return fabs((double)y - t) / spacing;
}

static void test_activations(void) {
    /* dense grids through every branch (tanh's polynomial below 0.625, exp above, the clamps) in a
     * strided matrix whose padding must stay untouched */
    const int M = 3, N = 20001, ld = N + 3;
    lm_float *Y = malloc((size_t)M * ld * sizeof *Y), *X = malloc((size_t)M * ld * sizeof *X);
    for (int which = 0; which < 3; which++) {
        const double lo = which == 0 ? -12 : which == 1 ? -30 : -87, hi = which == 0 ? 12 : which == 1 ? 30 : 88;
        for (int i = 0; i < M; i++)
            for (int j = 0; j < ld; j++)
                X[(size_t)i * ld + j] =
                    j < N ? (lm_float)(lo + (hi - lo) * ((double)j * M + i) / ((double)N * M)) : SENTINEL;
        memcpy(Y, X, (size_t)M * ld * sizeof *Y);
        if (which == 0) lm_tanh_ld(Y, ld, M, N);
        if (which == 1) lm_sigmoid_ld(Y, ld, M, N);
        if (which == 2)
            for (int i = 0; i < M; i++) lm_exp_sum(Y + (size_t)i * ld, Y + (size_t)i * ld, 0, N);
        double worst = 0;
        int pad_ok = 1, exact = 1;
        for (int i = 0; i < M; i++)
            for (int j = 0; j < ld; j++) {
                const size_t at = (size_t)i * ld + j;
                if (j >= N) {
                    pad_ok &= Y[at] == SENTINEL;
                    continue;
                }
                const double x = X[at];
                const double t = which == 0 ? tanh(x) : which == 1 ? 1 / (1 + exp(-x)) : exp(x);
                const double u = ulps(Y[at], t);
                worst = u > worst ? u : worst;
                exact &= Y[at] == (lm_float)t || u <= 0.5;
            }
        const char *name = which == 0 ? "tanh" : which == 1 ? "sigmoid" : "exp";
        CHECK(pad_ok, "%s: wrote the padding between strided rows", name);
#ifdef LM_DOUBLE
        /* libm itself: correctly rounded or within an ulp */
        CHECK(worst <= 1, "%s (double build, libm) is off by %.3g ulps", name, worst);
        (void)exact;
#else
        /* measured: tanh 1.1, sigmoid 1.8, exp 1.2 ulps */
        CHECK(worst <= 3, "%s is off by %.3g ulps (bound 3)", name, worst);
#endif
        if (getenv("LM_TEST_VERBOSE")) printf("  %-8s max error %.3g ulps\n", name, worst);
    }
    /* the vector lanes and the scalar row tail are the same arithmetic: a value gives the same bits
     * inside a long row (vector code) and alone in a row of one (scalar code) */
    for (int which = 0; which < 2; which++) {
        enum { n = 1000 };
        lm_float row[n], one[n];
        for (int j = 0; j < n; j++) row[j] = one[j] = (lm_float)(12 * lm_rng_normal(&rng) * lm_rng_normal(&rng));
        (which ? lm_sigmoid_ld : lm_tanh_ld)(row, n, 1, n);
        for (int j = 0; j < n; j++) (which ? lm_sigmoid_ld : lm_tanh_ld)(one + j, 1, 1, 1);
        CHECK(memcmp(row, one, sizeof row) == 0, "%s: vector lanes and scalar tail disagree",
              which ? "sigmoid" : "tanh");
    }
    /* special values: signed zero kept, tiny values exact, saturation at ±Inf, NaN propagated */
    lm_float t[8] = {0.0f, -0.0f, (lm_float)1e-30, (lm_float)-3e-8, INFINITY, -INFINITY, NAN, 100};
    lm_tanh_ld(t, 8, 1, 8);
    CHECK(t[0] == 0 && !signbit(t[0]) && t[1] == 0 && signbit(t[1]), "tanh(±0) = ±0");
#ifndef LM_DOUBLE /* in float, tanh(x) rounds to x below about 2e-4 */
    CHECK(t[2] == (lm_float)1e-30 && t[3] == (lm_float)-3e-8, "tanh(x) = x for tiny x: %g %g", t[2], t[3]);
#endif
    CHECK(t[4] == 1 && t[5] == -1 && t[7] == 1, "tanh saturates to ±1: %g %g %g", t[4], t[5], t[7]);
    CHECK(isnan(t[6]), "tanh(NaN) is NaN, not a silent number");
    lm_float g[5] = {INFINITY, -INFINITY, NAN, 0, -200};
    lm_sigmoid_ld(g, 5, 1, 5);
    CHECK(g[0] == 1 && g[1] >= 0 && g[1] < 2e-38 && isnan(g[2]) && g[3] == (lm_float)0.5 && g[4] >= 0 && g[4] < 2e-38,
          "sigmoid at ±Inf, NaN, 0, -200: %g %g %g %g %g", g[0], g[1], g[2], g[3], g[4]);
    /* the sum lm_exp_sum returns, and y = x in place */
    lm_float e[37];
    double want = 0;
    for (int j = 0; j < 37; j++) e[j] = (lm_float)(j * 0.25 - 4), want += exp(j * 0.25 - 4 - 1.5);
    const double got = lm_exp_sum(e, e, (lm_float)1.5, 37);
    CHECK(fabs(got - want) <= 4 * EPS * want, "lm_exp_sum returns Σ exp(x - shift): %.9g vs %.9g", got, want);
    CHECK(fabs(e[36] - exp(5.0 - 1.5)) <= 2 * EPS * exp(3.5), "lm_exp_sum writes exp(x - shift) in place");
    free(X), free(Y);
}

static void test_path(void) {
    const char *path = lm_kernel_path();
#ifdef LM_DOUBLE
    CHECK(strcmp(path, "portable") == 0, "the double build uses the portable path, got %s", path);
#else
    CHECK(path && path[0], "lm_kernel_path names the fast path");
#endif
}

/* ---- the validating edge ---------------------------------------------------------------------- */

static int fails_with(int status, const char *needle) {
    return status == LM_ERR_ARG && strstr(lm_error_message(), needle) != NULL;
}

static void test_api(void) {
    lm_float A[12] = {1, 2, 3, 4, 5, 6}, B[12] = {1, 0, 0, 1, 1, 1}, C[12] = {0};
    /* (2, 3)·(3, 2) with rows 3 and 2 apart */
    CHECK(lm_kernel_matmul(LM_KERNEL_NN, 0, C, 2, A, 3, B, 2, 2, 3, 2) == LM_OK, "valid call succeeds");
    CHECK(C[0] == 4 && C[1] == 5 && C[2] == 10 && C[3] == 11, "API result [[4,5],[10,11]]");
    lm_float R[4] = {0};
    CHECK(lm_kernel_matmul(LM_KERNEL_NN, 1, R, 2, A, 3, B, 2, 2, 3, 2) == LM_OK && R[3] == 11, "ref through the API");
    CHECK(fails_with(lm_kernel_matmul(3, 0, C, 2, A, 3, B, 2, 2, 3, 2),
                     "op must be 0 (A·B), 1 (Aᵀ·B) or 2 (A·Bᵀ), got 3"),
          "bad op: %s", lm_error_message());
    CHECK(fails_with(lm_kernel_matmul(0, 2, C, 2, A, 3, B, 2, 2, 3, 2), "ref must be 0"), "bad ref: %s",
          lm_error_message());
    CHECK(fails_with(lm_kernel_matmul(0, 0, C, 2, A, 3, B, 2, 0, 3, 2), "kernel_matmul: M must be at least 1, got 0"),
          "M = 0: %s", lm_error_message());
    CHECK(fails_with(lm_kernel_matmul(0, 0, C, 2, A, 3, B, 2, 2, -1, 2), "kernel_matmul: K must be at least 1, got -1"),
          "K < 0: %s", lm_error_message());
    /* no size has a limit of its own: the one rule is the span of each matrix (LM_MAX_CALL_ELEMS) */
    CHECK(fails_with(lm_kernel_matmul(0, 0, C, 1 << 29, A, 3, B, 1 << 29, 2, 3, 1 << 29),
                     "kernel_matmul: C (2 rows, ldc = 536870912) spans more than the 268435456 elements"),
          "N big: %s", lm_error_message());
    CHECK(fails_with(lm_kernel_matmul(0, 0, NULL, 2, A, 3, B, 2, 2, 3, 2), "C is NULL"), "NULL C: %s",
          lm_error_message());
    CHECK(fails_with(lm_kernel_matmul(0, 0, C, 1, A, 3, B, 2, 2, 3, 2), "ldc = 1 is less than the 2 elements"),
          "ldc: %s", lm_error_message());
    /* tn stores A as (K, M): its rows have M elements */
    CHECK(
        fails_with(lm_kernel_matmul(LM_KERNEL_TN, 0, C, 4, A, 3, B, 4, 4, 3, 4), "lda = 3 is less than the 4 elements"),
        "lda (tn): %s", lm_error_message());
    /* nt stores B as (N, K): its rows have K elements */
    CHECK(
        fails_with(lm_kernel_matmul(LM_KERNEL_NT, 0, C, 2, A, 3, B, 2, 2, 3, 2), "ldb = 2 is less than the 3 elements"),
        "ldb (nt): %s", lm_error_message());
    CHECK(fails_with(lm_kernel_matmul(0, 0, C, 2, A, 1 << 24, B, 2, 1 << 5, 3, 2),
                     "kernel_matmul: A (32 rows, lda = 16777216) spans more than the 268435456 elements"),
          "A too large: %s", lm_error_message());
    lm_float Y[6] = {0, 1, 2, 3, 4, 5};
    CHECK(lm_kernel_elementwise(LM_KERNEL_TANH, Y, 3, 2, 2) == LM_OK && Y[2] == 2 && Y[5] == 5 &&
              fabs(Y[1] - tanh(1.0)) < 1e-6,
          "elementwise tanh on strided rows");
    CHECK(fails_with(lm_kernel_elementwise(3, Y, 3, 2, 2),
                     "kernel_elementwise: fn must be 0 (tanh), 1 (sigmoid) or 2 (exp), got 3"),
          "bad fn: %s", lm_error_message());
    CHECK(fails_with(lm_kernel_elementwise(0, Y, 1, 2, 2), "kernel_elementwise: ldy = 1 is less than the 2 elements"),
          "ldy: %s", lm_error_message());
    CHECK(fails_with(lm_kernel_elementwise(0, NULL, 2, 2, 2), "kernel_elementwise: Y is NULL; it is required"),
          "NULL Y: %s", lm_error_message());
    CHECK(fails_with(lm_kernel_elementwise(1, Y, 2, 2, 0), "kernel_elementwise: N must be at least 1, got 0"),
          "N = 0: %s", lm_error_message());
}

int main(void) {
    lm_rng_seed(&rng, 7);
    test_matmul_shapes();
    test_plain_forms();
    test_elementwise();
    test_activations();
    test_path();
    test_api();
#ifdef LM_DOUBLE
    return check_summary("kernels (double)");
#else
    return check_summary("kernels (float)");
#endif
}
