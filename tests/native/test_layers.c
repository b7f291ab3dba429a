/* test_layers.c — the layer contract of layers.h, natively: every backward against centered finite
 * differences, the kernels against their scalar references on odd shapes, the lecture's (N, T, H)
 * shapes (every output element written, nothing past it), the += / overwrite rules, and the API
 * edge's error messages. Built twice by the Makefile: float, and -DLM_DOUBLE where the check demands
 * max relative error < 1e-6 (cs231n: float64 for gradient checking). */
#include "check.h"
#include "gradcheck.h"
#include "kernels.h"
#include "layers.h"
#include "lm_common.h"
#include "lmlab.h"
#include "rng.h"

#include <stdlib.h>
#include <string.h>

static lm_float *filled(size_t n, lm_float v) {
    lm_float *p = malloc(n * sizeof *p);
    for (size_t i = 0; i < n; i++) p[i] = v;
    return p;
}

static int32_t *rand_ids(size_t n, int V) {
    int32_t *p = malloc(n * sizeof *p);
    for (size_t i = 0; i < n; i++) p[i] = (int32_t)lm_rng_below(&rng, (uint32_t)V);
    return p;
}

/* ---- kernels against the references ---------------------------------------------------------- */

static void test_kernels(void) {
    static const int sizes[] = {1, 3, 17, 65, 129};
    const int ns = (int)(sizeof sizes / sizeof *sizes);
    typedef void (*mm)(lm_float *, const lm_float *, const lm_float *, int, int, int);
    const mm fast[3] = {lm_matmul_nn, lm_matmul_tn, lm_matmul_nt};
    const mm ref[3] = {lm_ref_matmul_nn, lm_ref_matmul_tn, lm_ref_matmul_nt};
    const char *names[3] = {"nn", "tn", "nt"};
    for (int a = 0; a < ns; a++)
        for (int b = 0; b < ns; b++)
            for (int c = 0; c < ns; c++) {
                const int M = sizes[a], K = sizes[b], N = sizes[c];
                lm_float *A = randn((size_t)M * K, 1), *B = randn((size_t)K * N, 1);
                lm_float *C0 = randn((size_t)M * N, 1); /* nonzero: the kernels accumulate */
                lm_float *C1 = malloc((size_t)M * N * sizeof *C1), *C2 = malloc((size_t)M * N * sizeof *C2);
                for (int k = 0; k < 3; k++) {
                    memcpy(C1, C0, (size_t)M * N * sizeof *C1);
                    memcpy(C2, C0, (size_t)M * N * sizeof *C2);
                    fast[k](C1, A, B, M, K, N);
                    ref[k](C2, A, B, M, K, N);
                    double worst = 0;
                    for (size_t i = 0; i < (size_t)M * N; i++) {
                        /* rounding grows like sqrt(K) for random data; 1e-5·K is far above it */
                        double e = fabs((double)C1[i] - C2[i]) / (1 + fabs((double)C2[i]));
                        worst = e > worst ? e : worst;
                    }
                    CHECK(worst < 1e-5 * K, "matmul_%s M=%d K=%d N=%d differs from reference by %g", names[k], M, K, N,
                          worst);
                }
                free(A), free(B), free(C0), free(C1), free(C2);
            }
    /* The references themselves on a case worked by hand: [[1,2],[3,4]]·[[5,6],[7,8]] = [[19,22],[43,50]]. */
    lm_float A[4] = {1, 2, 3, 4}, B[4] = {5, 6, 7, 8}, C[4] = {0, 0, 0, 1};
    lm_ref_matmul_nn(C, A, B, 2, 2, 2);
    CHECK(C[0] == 19 && C[1] == 22 && C[2] == 43 && C[3] == 51, "ref nn by hand (accumulating)");
    lm_float D[4] = {0}; /* Aᵀ·B = [[26,30],[38,44]]; A·Bᵀ = [[17,23],[39,53]] */
    lm_ref_matmul_tn(D, A, B, 2, 2, 2);
    CHECK(D[0] == 26 && D[1] == 30 && D[2] == 38 && D[3] == 44, "ref tn by hand");
    memset(D, 0, sizeof D);
    lm_ref_matmul_nt(D, A, B, 2, 2, 2);
    CHECK(D[0] == 17 && D[1] == 23 && D[2] == 39 && D[3] == 53, "ref nt by hand");
    lm_float Y[6] = {0}, bias[3] = {1, 2, 3}, db[3] = {0};
    lm_add_bias(Y, bias, 2, 3);
    lm_sum_rows(db, Y, 2, 3);
    CHECK(Y[3] == 1 && Y[5] == 3 && db[0] == 2 && db[2] == 6, "add_bias / sum_rows");
}

/* ---- embedding -------------------------------------------------------------------------------- */

typedef struct {
    int N, T, V, E;
    int32_t *ids;
    lm_float *W, *out, *R;
} emb_ctx;

static double emb_loss(void *p) {
    emb_ctx *c = p;
    embedding_forward(c->out, c->ids, c->W, c->N, c->T, c->V, c->E);
    return dot(c->out, c->R, (size_t)c->N * c->T * c->E);
}

static void test_embedding(void) {
    emb_ctx c = {.N = 3, .T = 4, .V = 7, .E = 5};
    const size_t NT = (size_t)c.N * c.T;
    c.ids = rand_ids(NT, c.V);
    c.ids[0] = c.ids[5] = 2; /* a repeated token: its row's gradient is a sum */
    c.W = randn((size_t)c.V * c.E, 1);
    c.out = zeros(NT * c.E);
    c.R = randn(NT * c.E, 1);
    emb_loss(&c);
    int same = 1;
    for (size_t i = 0; i < NT; i++)
        same &= memcmp(c.out + i * c.E, c.W + (size_t)c.ids[i] * c.E, c.E * sizeof(lm_float)) == 0;
    CHECK(same, "embedding_forward is an exact row gather");
    lm_float *dW = zeros((size_t)c.V * c.E);
    embedding_backward(dW, c.R, c.ids, c.N, c.T, c.V, c.E);
    check_grad("embedding dW", dW, c.W, (size_t)c.V * c.E, emb_loss, &c);
    free(c.ids), free(c.W), free(c.out), free(c.R), free(dW);
}

/* ---- rnn step ----------------------------------------------------------------------------------- */

typedef struct {
    int N, E, H;
    lm_float *x, *h_prev, *Wx, *Wh, *b, *h, *R;
} step_ctx;

static double step_loss(void *p) {
    step_ctx *c = p;
    rnn_step_forward(c->h, c->x, c->h_prev, c->Wx, c->Wh, c->b, c->N, c->E, c->H);
    return dot(c->h, c->R, (size_t)c->N * c->H);
}

static void test_rnn_step(void) {
    step_ctx c = {.N = 3, .E = 5, .H = 4};
    const size_t NE = (size_t)c.N * c.E, NH = (size_t)c.N * c.H;
    c.x = randn(NE, 1), c.h_prev = randn(NH, 1), c.Wx = randn((size_t)c.E * c.H, 0.4);
    c.Wh = randn((size_t)c.H * c.H, 0.4), c.b = randn(c.H, 0.5), c.h = zeros(NH), c.R = randn(NH, 1);
    step_loss(&c);
    lm_float *dx = filled(NE, 99), *dh_prev = filled(NH, 99); /* overwritten, so garbage is fine */
    lm_float *dWx = zeros((size_t)c.E * c.H), *dWh = zeros((size_t)c.H * c.H), *db = zeros(c.H), *work = zeros(NH);
    rnn_step_backward(dx, dh_prev, dWx, dWh, db, c.R, c.x, c.h_prev, c.h, c.Wx, c.Wh, work, c.N, c.E, c.H);
    check_grad("rnn_step dx", dx, c.x, NE, step_loss, &c);
    check_grad("rnn_step dh_prev", dh_prev, c.h_prev, NH, step_loss, &c);
    check_grad("rnn_step dWx", dWx, c.Wx, (size_t)c.E * c.H, step_loss, &c);
    check_grad("rnn_step dWh", dWh, c.Wh, (size_t)c.H * c.H, step_loss, &c);
    check_grad("rnn_step db", db, c.b, c.H, step_loss, &c);

    /* A second backward: parameter gradients double (+=), input gradients do not; NULL skips. */
    lm_float *dWh1 = malloc((size_t)c.H * c.H * sizeof *dWh1), *db1 = malloc(c.H * sizeof *db1);
    memcpy(dWh1, dWh, (size_t)c.H * c.H * sizeof *dWh1);
    memcpy(db1, db, c.H * sizeof *db1);
    lm_float *dx2 = filled(NE, -7);
    rnn_step_backward(dx2, NULL, dWx, dWh, db, c.R, c.x, c.h_prev, c.h, c.Wx, c.Wh, work, c.N, c.E, c.H);
    int ok = 1;
    for (size_t i = 0; i < (size_t)c.H * c.H; i++) ok &= check_close(dWh[i], 2 * dWh1[i], 1e-5);
    for (int i = 0; i < c.H; i++) ok &= check_close(db[i], 2 * db1[i], 1e-5);
    CHECK(ok, "rnn_step_backward accumulates dWh and db");
    CHECK(memcmp(dx2, dx, NE * sizeof *dx) == 0, "rnn_step_backward overwrites dx");
    free(c.x), free(c.h_prev), free(c.Wx), free(c.Wh), free(c.b), free(c.h), free(c.R);
    free(dx), free(dh_prev), free(dWx), free(dWh), free(db), free(work), free(dWh1), free(db1), free(dx2);
}

/* ---- rnn over T ---------------------------------------------------------------------------------- */

typedef struct {
    int N, T, E, H;
    lm_float *x, *h0, *Wx, *Wh, *b, *h, *R;
} rnn_ctx;

static double rnn_loss(void *p) {
    rnn_ctx *c = p;
    rnn_forward(c->h, c->x, c->h0, c->Wx, c->Wh, c->b, c->N, c->T, c->E, c->H);
    return dot(c->h, c->R, (size_t)c->N * c->T * c->H);
}

static void test_rnn(void) {
    rnn_ctx c = {.N = 2, .T = 5, .E = 3, .H = 4};
    const size_t NTE = (size_t)c.N * c.T * c.E, NTH = (size_t)c.N * c.T * c.H, NH = (size_t)c.N * c.H;
    c.x = randn(NTE, 1), c.h0 = randn(NH, 1), c.Wx = randn((size_t)c.E * c.H, 0.5);
    c.Wh = randn((size_t)c.H * c.H, 0.5), c.b = randn(c.H, 0.3), c.h = zeros(NTH), c.R = randn(NTH, 1);
    rnn_loss(&c);

    /* The full forward is the lecture's loop of one-step forwards. */
    lm_float *xt = zeros((size_t)c.N * c.E), *prev = zeros(NH), *ht = zeros(NH);
    memcpy(prev, c.h0, NH * sizeof *prev);
    double worst = 0;
    for (int t = 0; t < c.T; t++) {
        for (int n = 0; n < c.N; n++) memcpy(xt + n * c.E, c.x + ((size_t)n * c.T + t) * c.E, c.E * sizeof *xt);
        rnn_step_forward(ht, xt, prev, c.Wx, c.Wh, c.b, c.N, c.E, c.H);
        for (int n = 0; n < c.N; n++)
            for (int j = 0; j < c.H; j++) {
                double e = fabs(ht[n * c.H + j] - c.h[((size_t)n * c.T + t) * c.H + j]);
                worst = e > worst ? e : worst;
            }
        memcpy(prev, ht, NH * sizeof *prev);
    }
    CHECK(worst < 1e-5, "rnn_forward equals T one-step forwards (max diff %g)", worst);

    lm_float *dx = filled(NTE, 5), *dh0 = filled(NH, 5), *dWx = zeros((size_t)c.E * c.H);
    lm_float *dWh = zeros((size_t)c.H * c.H), *db = zeros(c.H), *work = zeros(NTH + NH);
    rnn_backward(dx, dh0, dWx, dWh, db, c.R, c.x, c.h0, c.h, c.Wx, c.Wh, work, c.N, c.T, c.E, c.H);
    check_grad("rnn dx", dx, c.x, NTE, rnn_loss, &c);
    check_grad("rnn dh0", dh0, c.h0, NH, rnn_loss, &c);
    check_grad("rnn dWx", dWx, c.Wx, (size_t)c.E * c.H, rnn_loss, &c);
    check_grad("rnn dWh", dWh, c.Wh, (size_t)c.H * c.H, rnn_loss, &c);
    check_grad("rnn db", db, c.b, c.H, rnn_loss, &c);

    /* Upstream gradient only at the last step still reaches x at t = 0 (the carried dh_next). */
    lm_float *dh_last = zeros(NTH);
    for (int n = 0; n < c.N; n++)
        for (int j = 0; j < c.H; j++) dh_last[((size_t)n * c.T + c.T - 1) * c.H + j] = 1;
    rnn_backward(dx, NULL, dWx, dWh, db, dh_last, c.x, c.h0, c.h, c.Wx, c.Wh, work, c.N, c.T, c.E, c.H);
    double first = 0;
    for (int e = 0; e < c.E; e++) first += fabs(dx[e]);
    CHECK(first > 0, "gradient flows from t = T-1 back to t = 0");
    free(c.x), free(c.h0), free(c.Wx), free(c.Wh), free(c.b), free(c.h), free(c.R), free(xt), free(prev), free(ht);
    free(dx), free(dh0), free(dWx), free(dWh), free(db), free(work), free(dh_last);
}

/* The same checks at sizes that reach every path of the blocked kernels inside the recurrence: H = 19
 * is a full 16-column panel plus an edge, N = 5 a partial row tile, and the time slices are strided. */
static void test_rnn_wide(void) {
    rnn_ctx c = {.N = 5, .T = 3, .E = 7, .H = 19};
    const size_t NTE = (size_t)c.N * c.T * c.E, NTH = (size_t)c.N * c.T * c.H, NH = (size_t)c.N * c.H;
    c.x = randn(NTE, 1), c.h0 = randn(NH, 1), c.Wx = randn((size_t)c.E * c.H, 0.3);
    c.Wh = randn((size_t)c.H * c.H, 0.2), c.b = randn(c.H, 0.3), c.h = zeros(NTH), c.R = randn(NTH, 1);
    rnn_loss(&c);
    lm_float *xt = zeros((size_t)c.N * c.E), *prev = zeros(NH), *ht = zeros(NH);
    memcpy(prev, c.h0, NH * sizeof *prev);
    double worst = 0;
    for (int t = 0; t < c.T; t++) {
        for (int n = 0; n < c.N; n++) memcpy(xt + n * c.E, c.x + ((size_t)n * c.T + t) * c.E, c.E * sizeof *xt);
        rnn_step_forward(ht, xt, prev, c.Wx, c.Wh, c.b, c.N, c.E, c.H);
        for (int n = 0; n < c.N; n++)
            for (int j = 0; j < c.H; j++) {
                double e = fabs(ht[n * c.H + j] - c.h[((size_t)n * c.T + t) * c.H + j]);
                worst = e > worst ? e : worst;
            }
        memcpy(prev, ht, NH * sizeof *prev);
    }
    CHECK(worst < 1e-5, "wide rnn_forward equals T one-step forwards (max diff %g)", worst);
    lm_float *dx = filled(NTE, 5), *dh0 = filled(NH, 5), *dWx = zeros((size_t)c.E * c.H);
    lm_float *dWh = zeros((size_t)c.H * c.H), *db = zeros(c.H), *work = zeros(NTH + NH);
    rnn_backward(dx, dh0, dWx, dWh, db, c.R, c.x, c.h0, c.h, c.Wx, c.Wh, work, c.N, c.T, c.E, c.H);
    check_grad("rnn (wide) dx", dx, c.x, NTE, rnn_loss, &c);
    check_grad("rnn (wide) dh0", dh0, c.h0, NH, rnn_loss, &c);
    check_grad("rnn (wide) dWx", dWx, c.Wx, (size_t)c.E * c.H, rnn_loss, &c);
    check_grad("rnn (wide) dWh", dWh, c.Wh, (size_t)c.H * c.H, rnn_loss, &c);
    check_grad("rnn (wide) db", db, c.b, c.H, rnn_loss, &c);
    free(c.x), free(c.h0), free(c.Wx), free(c.Wh), free(c.b), free(c.h), free(c.R), free(xt), free(prev), free(ht);
    free(dx), free(dh0), free(dWx), free(dWh), free(db), free(work);
}

/* ---- rnn over T with the projection done outside --------------------------------------------- */

typedef struct {
    int N, T, H;
    lm_float *xw, *h0, *Wh, *b, *h, *R;
} proj_ctx;

static double proj_loss(void *p) {
    proj_ctx *c = p;
    rnn_forward_projected(c->h, c->xw, c->h0, c->Wh, c->b, c->N, c->T, c->H);
    return dot(c->h, c->R, (size_t)c->N * c->T * c->H);
}

static void test_rnn_projected(void) {
    proj_ctx c = {.N = 3, .T = 6, .H = 5};
    const size_t NTH = (size_t)c.N * c.T * c.H, NH = (size_t)c.N * c.H;
    c.xw = randn(NTH, 0.8), c.h0 = randn(NH, 1), c.Wh = randn((size_t)c.H * c.H, 0.5), c.b = randn(c.H, 0.3);
    c.h = zeros(NTH), c.R = randn(NTH, 1);
    proj_loss(&c);
    lm_float *dxw = filled(NTH, 3), *dh0 = filled(NH, 3), *dWh = zeros((size_t)c.H * c.H), *db = zeros(c.H);
    lm_float *work = zeros(NH), *norms = filled(c.T, -1);
    rnn_backward_projected(dxw, dh0, dWh, db, norms, c.R, c.h0, c.h, c.Wh, work, c.N, c.T, c.H);
    check_grad("rnn_projected dxw", dxw, c.xw, NTH, proj_loss, &c);
    check_grad("rnn_projected dh0", dh0, c.h0, NH, proj_loss, &c);
    check_grad("rnn_projected dWh", dWh, c.Wh, (size_t)c.H * c.H, proj_loss, &c);
    check_grad("rnn_projected db", db, c.b, c.H, proj_loss, &c);

    /* dh_norms[t] = ||dL/dh_t||: numerically, dL/dh_t = (dL/dxw_t) / (1 - h_t²) since a_t = xw_t + …. */
    double *num = numeric_grad(c.xw, NTH, proj_loss, &c);
    double worst = 0;
    for (int t = 0; t < c.T; t++) {
        double sq = 0;
        for (int n = 0; n < c.N; n++)
            for (int j = 0; j < c.H; j++) {
                size_t i = ((size_t)n * c.T + t) * c.H + j;
                double g = num[i] / (1 - (double)c.h[i] * c.h[i]);
                sq += g * g;
            }
        double e = fabs(sqrt(sq) - norms[t]) / sqrt(sq);
        worst = e > worst ? e : worst;
    }
    CHECK(worst < (GRAD_TOL > 1e-5 ? 10 * GRAD_TOL : 1e-6), "dh_norms vs numerical ||dL/dh_t||: rel error %g", worst);

    /* rnn_forward = projection then rnn_forward_projected; dxw in place over dh gives the same. */
    lm_float *dh_copy = malloc(NTH * sizeof *dh_copy);
    memcpy(dh_copy, c.R, NTH * sizeof *dh_copy);
    lm_float *dWh2 = zeros((size_t)c.H * c.H), *db2 = zeros(c.H);
    rnn_backward_projected(dh_copy, NULL, dWh2, db2, NULL, dh_copy, c.h0, c.h, c.Wh, work, c.N, c.T, c.H);
    CHECK(memcmp(dh_copy, dxw, NTH * sizeof *dxw) == 0 && memcmp(dWh2, dWh, (size_t)c.H * c.H * sizeof *dWh) == 0,
          "rnn_backward_projected with dxw == dh");
    free(c.xw), free(c.h0), free(c.Wh), free(c.b), free(c.h), free(c.R), free(dxw), free(dh0), free(dWh), free(db);
    free(work), free(norms), free(num), free(dh_copy), free(dWh2), free(db2);
}

/* ---- temporal affine ------------------------------------------------------------------------- */

typedef struct {
    int N, T, H, V;
    lm_float *h, *W, *b, *out, *R;
} aff_ctx;

static double aff_loss(void *p) {
    aff_ctx *c = p;
    temporal_affine_forward(c->out, c->h, c->W, c->b, c->N, c->T, c->H, c->V);
    return dot(c->out, c->R, (size_t)c->N * c->T * c->V);
}

static void test_temporal_affine(void) {
    aff_ctx c = {.N = 2, .T = 3, .H = 4, .V = 6};
    const size_t NTH = (size_t)c.N * c.T * c.H, NTV = (size_t)c.N * c.T * c.V;
    c.h = randn(NTH, 1), c.W = randn((size_t)c.H * c.V, 1), c.b = randn(c.V, 1), c.out = zeros(NTV);
    c.R = randn(NTV, 1);
    aff_loss(&c);
    lm_float *dh = filled(NTH, 1), *dW = zeros((size_t)c.H * c.V), *db = zeros(c.V);
    temporal_affine_backward(dh, dW, db, c.R, c.h, c.W, c.N, c.T, c.H, c.V);
    check_grad("temporal_affine dh", dh, c.h, NTH, aff_loss, &c);
    check_grad("temporal_affine dW", dW, c.W, (size_t)c.H * c.V, aff_loss, &c);
    check_grad("temporal_affine db", db, c.b, c.V, aff_loss, &c);
    free(c.h), free(c.W), free(c.b), free(c.out), free(c.R), free(dh), free(dW), free(db);
}

/* ---- softmax loss ------------------------------------------------------------------------------- */

typedef struct {
    int N, T, V;
    lm_float *scores;
    int32_t *y;
    uint8_t *mask;
    lm_loss_reduction reduction;
} sm_ctx;

static double sm_loss(void *p) {
    sm_ctx *c = p;
    return temporal_softmax_loss(NULL, c->scores, c->y, c->mask, c->N, c->T, c->V, c->reduction);
}

/* The definition, computed the long way: the sum over counted positions of -log(exp(s_y) / Σ exp(s)),
 * divided by their count (mean-unmasked) or by N (sum-over-N, cs231n's). */
static double sm_naive(const sm_ctx *c) {
    double total = 0;
    int count = 0;
    for (int i = 0; i < c->N * c->T; i++) {
        if (c->mask && !c->mask[i]) continue;
        double z = 0;
        for (int v = 0; v < c->V; v++) z += exp((double)c->scores[(size_t)i * c->V + v]);
        total -= log(exp((double)c->scores[(size_t)i * c->V + c->y[i]]) / z);
        count++;
    }
    if (c->reduction == LM_LOSS_SUM_OVER_N) return total / c->N;
    return count ? total / count : 0;
}

static void test_softmax_loss(void) {
    sm_ctx c = {.N = 3, .T = 4, .V = 7};
    const size_t NT = (size_t)c.N * c.T, NTV = NT * c.V;
    c.scores = randn(NTV, 1.5), c.y = rand_ids(NT, c.V);
    lm_float *ds = filled(NTV, 42);
    for (int pass = 0; pass < 4; pass++) { /* unmasked, masked; mean-unmasked, then sum-over-N */
        uint8_t mask[12] = {1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 1, 1};
        c.mask = pass & 1 ? mask : NULL;
        c.reduction = pass < 2 ? LM_LOSS_MEAN_UNMASKED : LM_LOSS_SUM_OVER_N;
        const char *names[4] = {"softmax_loss dscores", "softmax_loss (masked) dscores",
                                "softmax_loss (sum over N) dscores", "softmax_loss (masked, sum over N) dscores"};
        const char *name = names[pass];
        double loss = temporal_softmax_loss(ds, c.scores, c.y, c.mask, c.N, c.T, c.V, c.reduction);
        CHECK(check_close(loss, sm_naive(&c), 1e-6), "%s: loss %.9g vs naive %.9g", name, loss, sm_naive(&c));
        check_grad(name, ds, c.scores, NTV, sm_loss, &c);
        if (pass & 1) {
            int zero = 1;
            for (int v = 0; v < c.V; v++) zero &= ds[2 * c.V + v] == 0;
            CHECK(zero, "masked positions get zero dscores");
        }
        double rowsum = 0; /* each counted row of p - onehot sums to 0 */
        for (int v = 0; v < c.V; v++) rowsum += ds[v];
        CHECK(fabs(rowsum) < 1e-6, "dscores row sums to zero (%g)", rowsum);
    }

    /* Stable: scores of 1000 (exp overflows without the row max) give the exact uniform loss log V. */
    lm_float big[3 * 4] = {1000, 1000, 1000, 1000, -1000, 999, 1000, 998, 1e4, 1e4, 1e4, 1e4};
    int32_t yb[3] = {0, 1, 3};
    double lb = temporal_softmax_loss(NULL, big, yb, NULL, 1, 3, 4, LM_LOSS_MEAN_UNMASKED);
    double expect = (log(4.0) + (1 + log(1 + exp(-1.0) + exp(-2.0))) + log(4.0)) / 3;
    CHECK(isfinite(lb) && check_close(lb, expect, 1e-5), "stable loss with huge scores: %g vs %g", lb, expect);

    /* The two reductions differ by exactly count / N: the masked sum over N is the unmasked mean
     * times 8 / 3 (8 of the 12 positions count, N = 3), in the loss and in every dscores entry. */
    uint8_t eight[12] = {1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 1, 1};
    lm_float *ds_sum = zeros(NTV);
    double mean = temporal_softmax_loss(ds, c.scores, c.y, eight, c.N, c.T, c.V, LM_LOSS_MEAN_UNMASKED);
    double sum_n = temporal_softmax_loss(ds_sum, c.scores, c.y, eight, c.N, c.T, c.V, LM_LOSS_SUM_OVER_N);
    CHECK(check_close(sum_n, mean * 8 / 3, 1e-6), "sum over N = mean x count / N: %.9g vs %.9g", sum_n, mean * 8 / 3);
    double worst = 0;
    for (size_t i = 0; i < NTV; i++) worst = fmax(worst, fabs((double)ds_sum[i] - (double)ds[i] * 8 / 3));
    CHECK(worst < 1e-6, "dscores (sum over N) = dscores (mean) x count / N, off by %g", worst);
    free(ds_sum);

    /* All masked: loss 0 and dscores 0, in both reductions. */
    uint8_t none[12] = {0};
    c.mask = none;
    for (int r = 0; r < 2; r++) {
        CHECK(temporal_softmax_loss(ds, c.scores, c.y, c.mask, c.N, c.T, c.V, (lm_loss_reduction)r) == 0,
              "all masked: loss 0 (reduction %d)", r);
        int zero = 1;
        for (size_t i = 0; i < NTV; i++) zero &= ds[i] == 0;
        CHECK(zero, "all masked: dscores 0 (reduction %d)", r);
    }
    free(c.scores), free(c.y), free(ds);
}

/* ---- shapes: (N, T, H) data, every output element written and nothing past it ----------------- */

#define CANARY 12345.0f
/* An output buffer of n elements pre-filled with NaN, followed by 8 canaries. */
static lm_float *out_buf(size_t n) {
    lm_float *p = malloc((n + 8) * sizeof *p);
    for (size_t i = 0; i < n; i++) p[i] = NAN;
    for (size_t i = n; i < n + 8; i++) p[i] = CANARY;
    return p;
}
static int written(const lm_float *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!isfinite(p[i])) return 0;
    for (size_t i = n; i < n + 8; i++)
        if (p[i] != CANARY) return 0;
    return 1;
}

static void test_shapes(void) {
    const int N = 2, T = 3, E = 5, H = 4, V = 6;
    const size_t NT = N * T, NTE = NT * E, NTH = NT * H, NTV = NT * V, NH = N * H;
    int32_t *ids = rand_ids(NT, V);
    lm_float *Wemb = randn((size_t)V * E, 1), *x = out_buf(NTE), *h0 = randn(NH, 1);
    lm_float *Wx = randn((size_t)E * H, 0.5), *Wh = randn((size_t)H * H, 0.5), *b = randn(H, 1);
    lm_float *Wy = randn((size_t)H * V, 1), *by = randn(V, 1);
    embedding_forward(x, ids, Wemb, N, T, V, E);
    CHECK(written(x, NTE), "embedding_forward writes exactly (N, T, E)");
    lm_float *h = out_buf(NTH);
    rnn_forward(h, x, h0, Wx, Wh, b, N, T, E, H);
    CHECK(written(h, NTH), "rnn_forward writes exactly (N, T, H)");
    lm_float *s = out_buf(NTV);
    temporal_affine_forward(s, h, Wy, by, N, T, H, V);
    CHECK(written(s, NTV), "temporal_affine_forward writes exactly (N, T, V)");
    lm_float *ds = out_buf(NTV);
    double loss = temporal_softmax_loss(ds, s, ids, NULL, N, T, V, LM_LOSS_MEAN_UNMASKED);
    CHECK(isfinite(loss) && loss > 0 && written(ds, NTV), "softmax loss: scalar and dscores (N, T, V)");
    lm_float *dh = out_buf(NTH), *dWy = zeros((size_t)H * V + 8), *dby = zeros(V);
    temporal_affine_backward(dh, dWy, dby, ds, h, Wy, N, T, H, V);
    CHECK(written(dh, NTH), "temporal_affine_backward writes exactly dh (N, T, H)");
    lm_float *dx = out_buf(NTE), *dh0 = out_buf(NH), *work = malloc((NTH + NH) * sizeof *work);
    lm_float *dWx = zeros((size_t)E * H), *dWh = zeros((size_t)H * H), *db = zeros(H);
    rnn_backward(dx, dh0, dWx, dWh, db, dh, x, h0, h, Wx, Wh, work, N, T, E, H);
    CHECK(written(dx, NTE) && written(dh0, NH), "rnn_backward writes exactly dx (N, T, E) and dh0 (N, H)");
    lm_float *dWemb = zeros((size_t)V * E);
    embedding_backward(dWemb, dx, ids, N, T, V, E);
    lm_float *xt = out_buf(N * E), *ht = out_buf(NH);
    for (int n = 0; n < N; n++) memcpy(xt + n * E, x + (size_t)n * T * E, E * sizeof *xt);
    rnn_step_forward(ht, xt, h0, Wx, Wh, b, N, E, H);
    CHECK(written(ht, NH), "rnn_step_forward writes exactly (N, H)");
    free(ids), free(Wemb), free(x), free(h0), free(Wx), free(Wh), free(b), free(Wy), free(by), free(h), free(s);
    free(ds), free(dh), free(dWy), free(dby), free(dx), free(dh0), free(work), free(dWx), free(dWh), free(db);
    free(dWemb), free(xt), free(ht);
}

/* ---- the API edge: each documented error, and a success equal to the layer ----------------------- */

static void test_api(void) {
    const int N = 2, T = 3, E = 3, H = 4, V = 5;
    lm_float *x = randn(N * T * E, 1), *h0 = randn(N * H, 1), *Wx = randn(E * H, 1), *Wh = randn(H * H, 1);
    lm_float *b = randn(H, 1), *h = zeros(N * T * H), *h_ref = zeros(N * T * H), *W = randn(V * E, 1);
    lm_float *dWx = zeros(E * H), *dWh = zeros(H * H), *db = zeros(H), *dx = zeros(N * T * E);
    int32_t ids[6] = {0, 1, 2, 3, 4, 0};
    double loss = -1;

    /* sizes */
    CHECK_FAILS(lm_layer_rnn_forward(h, x, h0, Wx, Wh, b, 0, T, E, H), LM_ERR_ARG,
                "rnn_forward: N (batch) must be at least 1, got 0");
    CHECK_FAILS(lm_layer_rnn_forward(h, x, h0, Wx, Wh, b, N, 0, E, H), LM_ERR_ARG,
                "rnn_forward: T (time steps) must be at least 1, got 0");
    CHECK_FAILS(lm_layer_rnn_step_forward(h, x, h0, Wx, Wh, b, N, E, LM_MAX_DIM + 1), LM_ERR_ARG,
                "rnn_step_forward: H (hidden size) must be between 1 and 4096, got 4097");
    CHECK_FAILS(lm_layer_rnn_step_backward(dx, NULL, dWx, dWh, db, h, x, h0, h, Wx, Wh, N, -2, H), LM_ERR_ARG,
                "E (input size) must be between 1 and 4096");
    CHECK_FAILS(lm_layer_embedding_forward(h, ids, W, N, T, LM_MAX_VOCAB + 1, E), LM_ERR_ARG,
                "embedding_forward: V (vocabulary size) must be between 1 and 2000000, got 2000001");
    CHECK_FAILS(lm_layer_temporal_softmax_loss(&loss, NULL, h, ids, NULL, N, T, 0, LM_LOSS_MEAN_UNMASKED), LM_ERR_ARG,
                "temporal_softmax_loss: V (vocabulary size) must be between 1");
    CHECK_FAILS(lm_layer_rnn_forward(NULL, NULL, NULL, NULL, NULL, NULL, 1 << 16, 1 << 10, 1, 4096), LM_ERR_ARG,
                "rnn_forward: h (N, T, H) would have 65536·1024·4096 elements, more than the 268435456");
    CHECK_FAILS(lm_layer_temporal_affine_forward(NULL, NULL, NULL, NULL, 1 << 16, 1 << 8, 4, 1000), LM_ERR_ARG,
                "scores (N, T, V) would have");
    /* pointers */
    CHECK_FAILS(lm_layer_rnn_forward(h, x, NULL, Wx, Wh, b, N, T, E, H), LM_ERR_ARG, "rnn_forward: h0 is NULL");
    CHECK_FAILS(lm_layer_rnn_backward(dx, NULL, dWx, NULL, db, h, x, h0, h, Wx, Wh, N, T, E, H), LM_ERR_ARG,
                "rnn_backward: dWh is NULL");
    CHECK_FAILS(lm_layer_temporal_affine_backward(NULL, dWx, NULL, h, h, W, N, T, H, V), LM_ERR_ARG,
                "temporal_affine_backward: db is NULL");
    CHECK_FAILS(lm_layer_embedding_backward(W, NULL, ids, N, T, V, E), LM_ERR_ARG, "embedding_backward: dout is NULL");
    /* ids */
    ids[4] = V;
    CHECK_FAILS(lm_layer_embedding_forward(h, ids, W, N, T, V, E), LM_ERR_ARG,
                "embedding_forward: ids[1, 1] = 5 is not a token id in [0, V) = [0, 5)");
    ids[4] = -1;
    CHECK_FAILS(lm_layer_embedding_backward(W, x, ids, N, T, V, E), LM_ERR_ARG,
                "embedding_backward: ids[1, 1] = -1 is not a token id");
    lm_float *scores = randn(N * T * V, 1), *ds = zeros(N * T * V);
    CHECK_FAILS(lm_layer_temporal_softmax_loss(&loss, ds, scores, ids, NULL, N, T, V, LM_LOSS_MEAN_UNMASKED),
                LM_ERR_ARG, "temporal_softmax_loss: y[1, 1] = -1");
    uint8_t mask[6] = {1, 1, 1, 1, 0, 1}; /* a masked position's target is never read: any value is fine */
    lm_clear_error();
    CHECK(lm_layer_temporal_softmax_loss(&loss, ds, scores, ids, mask, N, T, V, LM_LOSS_SUM_OVER_N) == LM_OK &&
              isfinite(loss),
          "masked position may hold any target: %s", lm_error_message());
    ids[4] = 4;
    /* non-finite input */
    x[7] = NAN;
    CHECK_FAILS(lm_layer_rnn_forward(h, x, h0, Wx, Wh, b, N, T, E, H), LM_ERR_NONFINITE,
                "rnn_forward: x[7] is NaN; inputs must be finite numbers");
    x[7] = 0;
    Wh[3] = -INFINITY;
    CHECK_FAILS(lm_layer_rnn_step_forward(h, x, h0, Wx, Wh, b, N, E, H), LM_ERR_NONFINITE,
                "rnn_step_forward: Wh[3] is -Infinity");
    Wh[3] = 0.5;
    scores[2] = INFINITY;
    CHECK_FAILS(lm_layer_temporal_softmax_loss(&loss, ds, scores, ids, NULL, N, T, V, LM_LOSS_MEAN_UNMASKED),
                LM_ERR_NONFINITE, "scores[2] is Infinity");
    scores[2] = 0;
    /* an unknown reduction */
    CHECK_FAILS(lm_layer_temporal_softmax_loss(&loss, ds, scores, ids, NULL, N, T, V, 2), LM_ERR_ARG,
                "temporal_softmax_loss: reduction must be 0 (the mean over the unmasked positions) or 1 (the sum over "
                "them divided by N, cs231n's), got 2");
    CHECK_FAILS(lm_layer_temporal_softmax_loss(&loss, ds, scores, ids, NULL, N, T, V, -1), LM_ERR_ARG,
                "temporal_softmax_loss: reduction must be 0");

    /* success: the same numbers as the layer itself */
    lm_clear_error();
    CHECK(lm_layer_rnn_forward(h, x, h0, Wx, Wh, b, N, T, E, H) == LM_OK && lm_error_code() == LM_OK, "api ok");
    rnn_forward(h_ref, x, h0, Wx, Wh, b, N, T, E, H);
    CHECK(memcmp(h, h_ref, (size_t)N * T * H * sizeof *h) == 0, "lm_layer_rnn_forward = rnn_forward");
    CHECK(lm_layer_rnn_backward(dx, NULL, dWx, dWh, db, h, x, h0, h, Wx, Wh, N, T, E, H) == LM_OK, "api backward ok");
    for (int r = 0; r < 2; r++)
        CHECK(
            lm_layer_temporal_softmax_loss(&loss, NULL, scores, ids, NULL, N, T, V, r) == LM_OK &&
                check_close(loss, temporal_softmax_loss(NULL, scores, ids, NULL, N, T, V, (lm_loss_reduction)r), 1e-12),
            "api loss = layer loss (reduction %d)", r);
    free(x), free(h0), free(Wx), free(Wh), free(b), free(h), free(h_ref), free(W), free(dWx), free(dWh), free(db);
    free(dx), free(scores), free(ds);
}

int main(void) {
    lm_rng_seed(&rng, 20261122);
    test_kernels();
    test_embedding();
    test_rnn_step();
    test_rnn();
    test_rnn_wide();
    test_rnn_projected();
    test_temporal_affine();
    test_softmax_loss();
    test_shapes();
    test_api();
#ifdef LM_DOUBLE
    return check_summary("layers (double)");
#else
    return check_summary("layers (float)");
#endif
}
