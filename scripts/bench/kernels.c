/* kernels.c (bench driver) — native timings for scripts/bench/kernels.mjs, which passes the shapes and
 * reads one JSON line per shape (its timed samples) from stdout. Before timing, every shape's fast
 * kernel is checked against the scalar reference (a wrong kernel gets no speed reported: exit 1).
 * Usage: kernels SPEC...   SPEC = op,M,K,N,lda,ldb,ldc (op nn|tn|nt; an ld of 0 means contiguous rows,
 * otherwise a row stride, as for a time slice of (N, T, H)), rnn,N,T,E,H (rnn_forward + rnn_backward
 * through the validating API, one-hot x) or lm,N,T,V,H (one training step of the lecture's RNN
 * language model without the optimizer: rnn, affine, softmax loss, and back, one-hot x). */
#define _POSIX_C_SOURCE 199309L /* clock_gettime under -std=c11 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernels.h"
#include "lmlab.h"

typedef void (*matmul_ld)(lm_float *, int, const lm_float *, int, const lm_float *, int, int, int, int);

/* CPU time of this process, not wall time: the machine is shared, and wall time would count the
 * slices the scheduler gives to other jobs. */
static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static unsigned rng_state = 12345;
static lm_float urand(void) { // in [-1, 1)
    rng_state = rng_state * 1664525u + 1013904223u;
    return (lm_float)((rng_state >> 8) * (2.0 / 16777216.0) - 1.0);
}
static lm_float *filled(size_t n) {
    lm_float *p = malloc(n * sizeof *p);
    for (size_t i = 0; i < n; i++) p[i] = urand();
    return p;
}

#define SAMPLES 3
/* Seconds per call of run(ctx) in SAMPLES samples of ~15 ms each (repeat count calibrated first);
 * printed as a JSON array, because kernels.mjs pools the samples of several interleaved rounds. */
static void time_call(void (*run)(void *), void *ctx, double s[SAMPLES]) {
    run(ctx); // warm up caches
    int reps = 1;
    for (;;) {
        double t0 = now_s();
        for (int r = 0; r < reps; r++) run(ctx);
        double dt = now_s() - t0;
        if (dt > 0.015 || reps > (1 << 24)) break;
        reps *= dt < 0.002 ? 8 : 2;
    }
    for (int i = 0; i < SAMPLES; i++) {
        double t0 = now_s();
        for (int r = 0; r < reps; r++) run(ctx);
        s[i] = (now_s() - t0) / reps;
    }
}

static void print_samples(const char *spec, const double s[SAMPLES]) {
    printf("{\"spec\":\"%s\",\"samples\":[", spec);
    for (int i = 0; i < SAMPLES; i++) printf("%s%.9g", i ? "," : "", s[i]);
    printf("]}\n");
}

typedef struct {
    matmul_ld fn;
    lm_float *C, *A, *B;
    int ldc, lda, ldb, M, K, N;
} mm_ctx;
static void run_mm(void *p) {
    mm_ctx *c = p;
    c->fn(c->C, c->ldc, c->A, c->lda, c->B, c->ldb, c->M, c->K, c->N);
}

static int bench_matmul(const char *spec, const char *op, int M, int K, int N, int lda, int ldb, int ldc) {
    const int o = !strcmp(op, "nn") ? 0 : !strcmp(op, "tn") ? 1 : !strcmp(op, "nt") ? 2 : -1;
    if (o < 0 || M < 1 || K < 1 || N < 1 || lda < 0 || ldb < 0 || ldc < 0)
        return fprintf(stderr, "kernels: bad spec %s\n", spec), 1;
    const matmul_ld fast[3] = {lm_matmul_nn_ld, lm_matmul_tn_ld, lm_matmul_nt_ld};
    const matmul_ld ref[3] = {lm_ref_matmul_nn_ld, lm_ref_matmul_tn_ld, lm_ref_matmul_nt_ld};
    const int a_rows = o == 1 ? K : M, a_cols = o == 1 ? M : K, b_rows = o == 2 ? N : K, b_cols = o == 2 ? K : N;
    mm_ctx c = {fast[o], NULL, NULL, NULL, ldc ? ldc : N, lda ? lda : a_cols, ldb ? ldb : b_cols, M, K, N};
    if (c.lda < a_cols || c.ldb < b_cols || c.ldc < N) return fprintf(stderr, "kernels: ld too small in %s\n", spec), 1;
    c.A = filled((size_t)a_rows * c.lda), c.B = filled((size_t)b_rows * c.ldb), c.C = filled((size_t)M * c.ldc);
    lm_float *C2 = malloc((size_t)M * c.ldc * sizeof *C2);
    memcpy(C2, c.C, (size_t)M * c.ldc * sizeof *C2);
    fast[o](c.C, c.ldc, c.A, c.lda, c.B, c.ldb, M, K, N);
    ref[o](C2, c.ldc, c.A, c.lda, c.B, c.ldb, M, K, N);
    double worst = 0;
    for (size_t i = 0; i < (size_t)M * c.ldc; i++) {
        double e = fabs((double)c.C[i] - C2[i]) / (1 + fabs((double)C2[i]));
        worst = e > worst ? e : worst;
    }
    int bad = worst > 1e-5 * K;
    if (bad) fprintf(stderr, "kernels: %s differs from the reference by %g; not timing it\n", spec, worst);
    else {
        double s[SAMPLES];
        time_call(run_mm, &c, s);
        print_samples(spec, s);
    }
    free(c.A), free(c.B), free(c.C), free(C2);
    return bad;
}

typedef struct {
    int N, T, E, H;
    lm_float *x, *h0, *Wx, *Wh, *b, *h, *dh, *dx, *dh0, *dWx, *dWh, *db;
} rnn_ctx;
static void run_rnn(void *p) {
    rnn_ctx *c = p;
    int s = lm_layer_rnn_forward(c->h, c->x, c->h0, c->Wx, c->Wh, c->b, c->N, c->T, c->E, c->H);
    s |= lm_layer_rnn_backward(c->dx, c->dh0, c->dWx, c->dWh, c->db, c->dh, c->x, c->h0, c->h, c->Wx, c->Wh, c->N, c->T,
                               c->E, c->H);
    if (s) abort(); // the inputs are valid by construction
}

static int bench_rnn(const char *spec, int N, int T, int E, int H) {
    if (N < 1 || T < 1 || E < 1 || H < 1) return fprintf(stderr, "kernels: bad spec %s\n", spec), 1;
    rnn_ctx c = {.N = N, .T = T, .E = E, .H = H};
    const size_t NT = (size_t)N * T;
    c.x = calloc(NT * E, sizeof *c.x); // one-hot rows, as characters are
    for (size_t i = 0; i < NT; i++) c.x[i * E + (i * 7) % E] = 1;
    c.h0 = filled((size_t)N * H), c.Wx = filled((size_t)E * H), c.Wh = filled((size_t)H * H), c.b = filled(H);
    for (size_t i = 0; i < (size_t)H * H; i++) c.Wh[i] *= 0.1f;
    c.h = filled(NT * H), c.dh = filled(NT * H), c.dx = filled(NT * E), c.dh0 = filled((size_t)N * H);
    c.dWx = filled((size_t)E * H), c.dWh = filled((size_t)H * H), c.db = filled(H);
    double s[SAMPLES];
    time_call(run_rnn, &c, s);
    print_samples(spec, s);
    free(c.x), free(c.h0), free(c.Wx), free(c.Wh), free(c.b), free(c.h), free(c.dh), free(c.dx), free(c.dh0);
    free(c.dWx), free(c.dWh), free(c.db);
    return 0;
}

typedef struct {
    int N, T, V, H;
    int32_t *y;
    lm_float *x, *h0, *Wx, *Wh, *b, *h, *Wy, *by, *s, *ds, *dh, *dh0, *dWx, *dWh, *db, *dWy, *dby;
} lm_ctx;
static void run_lm(void *p) {
    lm_ctx *c = p;
    double loss;
    int s = lm_layer_rnn_forward(c->h, c->x, c->h0, c->Wx, c->Wh, c->b, c->N, c->T, c->V, c->H);
    s |= lm_layer_temporal_affine_forward(c->s, c->h, c->Wy, c->by, c->N, c->T, c->H, c->V);
    s |= lm_layer_temporal_softmax_loss(&loss, c->ds, c->s, c->y, NULL, c->N, c->T, c->V, LM_LOSS_MEAN_UNMASKED);
    s |= lm_layer_temporal_affine_backward(c->dh, c->dWy, c->dby, c->ds, c->h, c->Wy, c->N, c->T, c->H, c->V);
    s |= lm_layer_rnn_backward(NULL, c->dh0, c->dWx, c->dWh, c->db, c->dh, c->x, c->h0, c->h, c->Wx, c->Wh, c->N, c->T,
                               c->V, c->H);
    if (s) abort(); // the inputs are valid by construction
}

static int bench_lm(const char *spec, int N, int T, int V, int H) {
    if (N < 1 || T < 1 || V < 1 || H < 1) return fprintf(stderr, "kernels: bad spec %s\n", spec), 1;
    lm_ctx c = {.N = N, .T = T, .V = V, .H = H};
    const size_t NT = (size_t)N * T;
    c.y = malloc(NT * sizeof *c.y);
    c.x = calloc(NT * V, sizeof *c.x); // one-hot characters; the target is the next one
    for (size_t i = 0; i < NT; i++) c.x[i * V + (i * 7) % V] = 1, c.y[i] = (int32_t)((i * 7 + 7) % V);
    c.h0 = filled((size_t)N * H), c.Wx = filled((size_t)V * H), c.Wh = filled((size_t)H * H), c.b = filled(H);
    for (size_t i = 0; i < (size_t)H * H; i++) c.Wh[i] *= 0.1f;
    c.h = filled(NT * H), c.Wy = filled((size_t)H * V), c.by = filled(V), c.s = filled(NT * V), c.ds = filled(NT * V);
    c.dh = filled(NT * H), c.dh0 = filled((size_t)N * H), c.dWx = filled((size_t)V * H), c.dWh = filled((size_t)H * H);
    c.db = filled(H), c.dWy = filled((size_t)H * V), c.dby = filled(V);
    double s[SAMPLES];
    time_call(run_lm, &c, s);
    print_samples(spec, s);
    free(c.y), free(c.x), free(c.h0), free(c.Wx), free(c.Wh), free(c.b), free(c.h), free(c.Wy), free(c.by);
    free(c.s), free(c.ds), free(c.dh), free(c.dh0), free(c.dWx), free(c.dWh), free(c.db), free(c.dWy), free(c.dby);
    return 0;
}

int main(int argc, char **argv) {
    printf("{\"path\":\"%s\"}\n", lm_kernel_path());
    int failed = 0;
    for (int i = 1; i < argc; i++) {
        char op[8] = {0};
        int v[6] = {0};
        const int n = sscanf(argv[i], "%7[a-z],%d,%d,%d,%d,%d,%d", op, v, v + 1, v + 2, v + 3, v + 4, v + 5);
        if (n == 5 && !strcmp(op, "rnn")) failed |= bench_rnn(argv[i], v[0], v[1], v[2], v[3]);
        else if (n == 5 && !strcmp(op, "lm")) failed |= bench_lm(argv[i], v[0], v[1], v[2], v[3]);
        else if (n == 7) failed |= bench_matmul(argv[i], op, v[0], v[1], v[2], v[3], v[4], v[5]);
        else
            failed |= fprintf(stderr, "kernels: cannot read '%s' (op,M,K,N,lda,ldb,ldc, rnn,N,T,E,H or lm,N,T,V,H)\n",
                              argv[i]) > 0;
        fflush(stdout);
    }
    return failed;
}
