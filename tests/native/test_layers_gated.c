/* test_layers_gated.c — the gated cells and the fixed-window LM of layers_gated.h, natively: every
 * backward (step, projected, sequence; LSTM, both GRU variants; window) against centered finite
 * differences, the steps over T against the sequence functions, outputs against torch.nn.LSTM/GRU
 * values checked in, the += / overwrite rules, exact workspace sizes (ASan catches an overrun), the
 * ||dL/dh_t|| probe, and the API edge's error messages. Built float and -DLM_DOUBLE by the Makefile. */
#include "check.h"
#include "gradcheck.h"
#include "kernels.h"
#include "layers_gated.h"
#include "lm_common.h"
#include "lmlab.h"
#include "rng.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#ifdef LM_DOUBLE
#define SAME_TOL 1e-12 /* two orders of the same sums */
#else
#define SAME_TOL 1e-5
#endif

/* A buffer the code under test must overwrite completely: NaN everywhere. */
static lm_float *poisoned(size_t n) {
    lm_float *p = malloc((n ? n : 1) * sizeof *p);
    for (size_t i = 0; i < n; i++) p[i] = (lm_float)NAN;
    return p;
}

static lm_float *copy_of(const lm_float *p, size_t n) {
    lm_float *q = malloc(n * sizeof *q);
    memcpy(q, p, n * sizeof *q);
    return q;
}

/* max |a - b| / (1 + |b|) */
static double max_diff(const lm_float *a, const lm_float *b, size_t n) {
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        double e = fabs((double)a[i] - b[i]) / (1 + fabs((double)b[i]));
        worst = e > worst ? e : worst;
    }
    return worst;
}

/* ---- one context for every recurrent case --------------------------------------------------- */

enum cell { LSTM, GRU_LECTURE, GRU_TORCH };
enum mode { SEQ, PROJ, STEP };
static const char *cell_name[] = {"lstm", "gru(lecture)", "gru(torch)"};
static const char *mode_name[] = {"seq", "projected", "step"};

typedef struct {
    int cell, mode, N, T, E, H, G;
    lm_float *x;                      /* (N, T, E), or xw (N, T, G·H) in PROJ mode */
    lm_float *h0, *c0;                /* (N, H) */
    lm_float *Wx, *Wh, *b, *bhn;      /* (E, GH), (H, GH), (GH,), (H,) */
    lm_float *h, *cT, *cache, *fwork; /* (N, T, H), (N, H), cache, forward workspace */
    lm_float *Rh, *Rc;                /* loss weights: L = Σ h·Rh + Σ cT·Rc (LSTM) */
} cell_ctx;

static size_t in_width(const cell_ctx *c) { return c->mode == PROJ ? (size_t)c->G * c->H : (size_t)c->E; }
static size_t cache_size(const cell_ctx *c) {
    return c->cell == LSTM ? LSTM_CACHE_SIZE(c->N, c->T, c->H) : GRU_CACHE_SIZE(c->N, c->T, c->H);
}
static size_t fwork_size(const cell_ctx *c) {
    if (c->cell == LSTM)
        return c->mode == PROJ ? LSTM_WORK_FORWARD_PROJECTED(c->N, c->H) : LSTM_WORK_FORWARD(c->N, c->T, c->H);
    return c->mode == PROJ ? GRU_WORK_FORWARD_PROJECTED(c->N, c->H) : GRU_WORK_FORWARD(c->N, c->T, c->H);
}
static size_t bwork_size(const cell_ctx *c) {
    if (c->cell == LSTM)
        return c->mode == PROJ ? LSTM_WORK_BACKWARD_PROJECTED(c->N, c->H) : LSTM_WORK_BACKWARD(c->N, c->T, c->H);
    return c->mode == PROJ ? GRU_WORK_BACKWARD_PROJECTED(c->N, c->H) : GRU_WORK_BACKWARD(c->N, c->T, c->H);
}
static lm_gru_variant variant_of(const cell_ctx *c) { return c->cell == GRU_TORCH ? LM_GRU_TORCH : LM_GRU_LECTURE; }

static void cell_forward(cell_ctx *c) {
    const int N = c->N, T = c->T, E = c->E, H = c->H;
    if (c->cell == LSTM) {
        if (c->mode == SEQ)
            lstm_forward(c->h, c->cT, c->cache, c->x, c->h0, c->c0, c->Wx, c->Wh, c->b, c->fwork, N, T, E, H);
        else if (c->mode == PROJ)
            lstm_forward_projected(c->h, c->cT, c->cache, c->x, c->h0, c->c0, c->Wh, c->b, c->fwork, N, T, H);
        else lstm_step_forward(c->h, c->cT, c->cache, c->x, c->h0, c->c0, c->Wx, c->Wh, c->b, c->fwork, N, E, H);
    } else {
        lm_gru_variant v = variant_of(c);
        if (c->mode == SEQ)
            gru_forward(c->h, c->cache, c->x, c->h0, c->Wx, c->Wh, c->b, c->bhn, c->fwork, N, T, E, H, v);
        else if (c->mode == PROJ)
            gru_forward_projected(c->h, c->cache, c->x, c->h0, c->Wh, c->b, c->bhn, c->fwork, N, T, H, v);
        else gru_step_forward(c->h, c->cache, c->x, c->h0, c->Wx, c->Wh, c->b, c->bhn, c->fwork, N, E, H, v);
    }
}

static double cell_loss(void *p) {
    cell_ctx *c = p;
    cell_forward(c);
    double L = dot(c->h, c->Rh, (size_t)c->N * c->T * c->H);
    if (c->cell == LSTM) L += dot(c->cT, c->Rc, (size_t)c->N * c->H);
    return L;
}

typedef struct {
    lm_float *dx, *dh0, *dc0, *dWx, *dWh, *db, *dbhn, *norms;
} cell_grads;

/* dh = Rh, dcT = Rc: the gradient of cell_loss. */
static void cell_backward(cell_ctx *c, cell_grads *g, lm_float *work) {
    const int N = c->N, T = c->T, E = c->E, H = c->H;
    if (c->cell == LSTM) {
        if (c->mode == SEQ)
            lstm_backward(g->dx, g->dh0, g->dc0, g->dWx, g->dWh, g->db, g->norms, c->Rh, c->Rc, c->x, c->h0, c->c0,
                          c->h, c->cache, c->Wx, c->Wh, work, N, T, E, H);
        else if (c->mode == PROJ)
            lstm_backward_projected(g->dx, g->dh0, g->dc0, g->dWh, g->db, g->norms, c->Rh, c->Rc, c->h0, c->c0, c->h,
                                    c->cache, c->Wh, work, N, T, H);
        else
            lstm_step_backward(g->dx, g->dh0, g->dc0, g->dWx, g->dWh, g->db, c->Rh, c->Rc, c->x, c->h0, c->c0, c->cache,
                               c->Wx, c->Wh, work, N, E, H);
    } else {
        lm_gru_variant v = variant_of(c);
        if (c->mode == SEQ)
            gru_backward(g->dx, g->dh0, g->dWx, g->dWh, g->db, g->dbhn, g->norms, c->Rh, c->x, c->h0, c->h, c->cache,
                         c->Wx, c->Wh, work, N, T, E, H, v);
        else if (c->mode == PROJ)
            gru_backward_projected(g->dx, g->dh0, g->dWh, g->db, g->dbhn, g->norms, c->Rh, c->h0, c->h, c->cache, c->Wh,
                                   work, N, T, H, v);
        else
            gru_step_backward(g->dx, g->dh0, g->dWx, g->dWh, g->db, g->dbhn, c->Rh, c->x, c->h0, c->cache, c->Wx, c->Wh,
                              work, N, E, H, v);
    }
}

static void cell_alloc(cell_ctx *c, int cell, int mode, int N, int T, int E, int H) {
    *c = (cell_ctx){.cell = cell, .mode = mode, .N = N, .T = T, .E = E, .H = H, .G = cell == LSTM ? 4 : 3};
    const size_t NH = (size_t)N * H, GH = (size_t)c->G * H;
    c->x = randn((size_t)N * T * in_width(c), 1);
    c->h0 = randn(NH, 0.5);
    c->c0 = randn(NH, 1);
    c->Wx = randn((size_t)E * GH, 0.5);
    c->Wh = randn((size_t)H * GH, 0.5);
    c->b = randn(GH, 0.3);
    c->bhn = randn((size_t)H, 0.3);
    c->h = poisoned((size_t)N * T * H);
    c->cT = poisoned(NH);
    c->cache = poisoned(cache_size(c));
    c->fwork = malloc(fwork_size(c) * sizeof(lm_float)); /* exactly the documented size */
    c->Rh = randn((size_t)N * T * H, 1);
    c->Rc = randn(NH, 1);
}

static void cell_free(cell_ctx *c) {
    free(c->x), free(c->h0), free(c->c0), free(c->Wx), free(c->Wh), free(c->b), free(c->bhn);
    free(c->h), free(c->cT), free(c->cache), free(c->fwork), free(c->Rh), free(c->Rc);
}

static void grads_alloc(cell_grads *g, const cell_ctx *c) {
    const size_t NH = (size_t)c->N * c->H, GH = (size_t)c->G * c->H;
    g->dx = poisoned((size_t)c->N * c->T * in_width(c)); /* overwritten */
    g->dh0 = poisoned(NH);
    g->dc0 = poisoned(NH);
    g->norms = poisoned((size_t)c->T);
    g->dWx = zeros((size_t)c->E * GH); /* accumulated */
    g->dWh = zeros((size_t)c->H * GH);
    g->db = zeros(GH);
    g->dbhn = zeros((size_t)c->H);
}
static void grads_free(cell_grads *g) {
    free(g->dx), free(g->dh0), free(g->dc0), free(g->norms), free(g->dWx), free(g->dWh), free(g->db), free(g->dbhn);
}

/* ||dL/dh_t|| at t = 0 by another route: run the sequence from step 1 on with (h_0, c_0) as its
 * initial state; the suffix's dh0 plus the upstream dh[:, 0] is the total gradient at h_0. */
static double norm_at_0_by_suffix(const cell_ctx *c) {
    cell_ctx s = *c;
    const int N = c->N, T = c->T, H = c->H;
    const size_t w = in_width(c), cw = cache_size(c) / ((size_t)N * T);
    s.T = T - 1;
    s.x = malloc((size_t)N * s.T * w * sizeof(lm_float));
    s.Rh = malloc((size_t)N * s.T * H * sizeof(lm_float));
    s.h0 = malloc((size_t)N * H * sizeof(lm_float));
    s.c0 = malloc((size_t)N * H * sizeof(lm_float));
    for (int n = 0; n < N; n++) {
        memcpy(s.x + (size_t)n * s.T * w, c->x + ((size_t)n * T + 1) * w, (size_t)s.T * w * sizeof(lm_float));
        memcpy(s.Rh + (size_t)n * s.T * H, c->Rh + ((size_t)n * T + 1) * H, (size_t)s.T * H * sizeof(lm_float));
        memcpy(s.h0 + (size_t)n * H, c->h + (size_t)n * T * H, (size_t)H * sizeof(lm_float));
        if (c->cell == LSTM)
            memcpy(s.c0 + (size_t)n * H, c->cache + (size_t)n * T * cw + 4 * H, (size_t)H * sizeof(lm_float));
    }
    s.h = malloc((size_t)N * s.T * H * sizeof(lm_float));
    s.cache = malloc(cache_size(&s) * sizeof(lm_float));
    s.fwork = malloc(fwork_size(&s) * sizeof(lm_float));
    cell_forward(&s);
    cell_grads g;
    grads_alloc(&g, &s);
    lm_float *work = malloc(bwork_size(&s) * sizeof(lm_float));
    cell_backward(&s, &g, work);
    double sq = 0;
    for (int n = 0; n < N; n++)
        for (int j = 0; j < H; j++) {
            double d = (double)g.dh0[(size_t)n * H + j] + c->Rh[(size_t)n * T * H + j];
            sq += d * d;
        }
    grads_free(&g);
    free(work), free(s.x), free(s.Rh), free(s.h0), free(s.c0), free(s.h), free(s.cache), free(s.fwork);
    return sqrt(sq);
}

static void test_cell(int cell, int mode, int N, int T, int E, int H) {
    cell_ctx c;
    cell_alloc(&c, cell, mode, N, T, E, H);
    char what[96];
    const char *cn = cell_name[cell], *mn = mode_name[mode];
    const size_t NH = (size_t)N * H, GH = (size_t)c.G * H;
    cell_loss(&c);
    CHECK(all_finite(c.h, (size_t)N * T * H), "%s %s: every element of h is written", cn, mn);
    CHECK(all_finite(c.cache, cache_size(&c)), "%s %s: every element of the cache is written", cn, mn);
    if (cell == LSTM) CHECK(all_finite(c.cT, NH), "%s %s: every element of cT is written", cn, mn);

    cell_grads g;
    grads_alloc(&g, &c);
    lm_float *bwork = malloc(bwork_size(&c) * sizeof(lm_float));
    cell_backward(&c, &g, bwork);
#define GRAD(name, analytic, param, count)                       \
    do {                                                         \
        snprintf(what, sizeof what, "%s %s %s", cn, mn, name);   \
        check_grad(what, analytic, param, count, cell_loss, &c); \
    } while (0)
    GRAD(mode == PROJ ? "dxw" : "dx", g.dx, c.x, (size_t)N * T * in_width(&c));
    GRAD(mode == STEP ? "dh_prev" : "dh0", g.dh0, c.h0, NH);
    if (cell == LSTM) GRAD(mode == STEP ? "dc_prev" : "dc0", g.dc0, c.c0, NH);
    if (mode != PROJ) GRAD("dWx", g.dWx, c.Wx, (size_t)E * GH);
    GRAD("dWh", g.dWh, c.Wh, (size_t)H * GH);
    GRAD("db", g.db, c.b, GH);
    if (cell == GRU_TORCH) GRAD("dbhn", g.dbhn, c.bhn, (size_t)H);
#undef GRAD

    /* Parameter gradients accumulate; input gradients and norms are overwritten. */
    lm_float *dWh1 = copy_of(g.dWh, (size_t)H * GH), *db1 = copy_of(g.db, GH), *dh01 = copy_of(g.dh0, NH);
    lm_float *dx1 = copy_of(g.dx, (size_t)N * T * in_width(&c));
    cell_backward(&c, &g, bwork);
    int twice = 1, same = 1;
    for (size_t i = 0; i < (size_t)H * GH; i++) twice &= fabs(g.dWh[i] - 2 * dWh1[i]) <= 1e-5 * (1 + fabs(dWh1[i]));
    for (size_t i = 0; i < GH; i++) twice &= fabs(g.db[i] - 2 * db1[i]) <= 1e-5 * (1 + fabs(db1[i]));
    same &= memcmp(g.dh0, dh01, NH * sizeof *dh01) == 0;
    same &= memcmp(g.dx, dx1, (size_t)N * T * in_width(&c) * sizeof *dx1) == 0;
    CHECK(twice, "%s %s: a second backward adds to dWh and db", cn, mn);
    CHECK(same, "%s %s: a second backward overwrites dx and dh0", cn, mn);

    /* ||dL/dh_t||: the last step sees only its upstream gradient; step 0 sees the carried one too. */
    if (mode != STEP) {
        CHECK(all_finite(g.norms, (size_t)T), "%s %s: every dh_norms entry written", cn, mn);
        double last = 0;
        for (int n = 0; n < N; n++)
            for (int j = 0; j < H; j++) {
                double d = c.Rh[((size_t)n * T + T - 1) * H + j];
                last += d * d;
            }
        CHECK(check_close(g.norms[T - 1], sqrt(last), SAME_TOL * 10), "%s %s: dh_norms[T-1] %g vs %g", cn, mn,
              (double)g.norms[T - 1], sqrt(last));
        if (T > 1) {
            double n0 = norm_at_0_by_suffix(&c);
            CHECK(check_close(g.norms[0], n0, SAME_TOL * 10), "%s %s: dh_norms[0] %g vs %g by the suffix", cn, mn,
                  (double)g.norms[0], n0);
        }
    }
    free(dWh1), free(db1), free(dh01), free(dx1), free(bwork);
    grads_free(&g);
    cell_free(&c);
}

/* ---- T steps of the step functions equal the sequence functions, forward and backward --------- */

static void test_steps_equal_sequence(int cell) {
    const int N = 3, T = 4, E = 2, H = 5;
    cell_ctx c;
    cell_alloc(&c, cell, SEQ, N, T, E, H);
    const char *cn = cell_name[cell];
    const size_t NH = (size_t)N * H, GH = (size_t)c.G * H, cw = cache_size(&c) / ((size_t)N * T);
    cell_forward(&c);
    cell_grads g;
    grads_alloc(&g, &c);
    lm_float *bwork = malloc(bwork_size(&c) * sizeof(lm_float));
    cell_backward(&c, &g, bwork);

    cell_ctx s; /* one step: T = 1, its arrays per step */
    cell_alloc(&s, cell, STEP, N, 1, E, H);
    memcpy(s.Wx, c.Wx, (size_t)E * GH * sizeof(lm_float));
    memcpy(s.Wh, c.Wh, (size_t)H * GH * sizeof(lm_float));
    memcpy(s.b, c.b, GH * sizeof(lm_float));
    memcpy(s.bhn, c.bhn, (size_t)H * sizeof(lm_float));
    lm_float *hs = malloc((size_t)N * T * H * sizeof *hs), *caches = malloc(cache_size(&c) * sizeof *caches);
    lm_float *hprev = copy_of(c.h0, NH), *cprev = copy_of(c.c0, NH);
    for (int t = 0; t < T; t++) {
        for (int n = 0; n < N; n++) memcpy(s.x + (size_t)n * E, c.x + ((size_t)n * T + t) * E, (size_t)E * sizeof *s.x);
        memcpy(s.h0, hprev, NH * sizeof *hprev);
        memcpy(s.c0, cprev, NH * sizeof *cprev);
        cell_forward(&s);
        for (int n = 0; n < N; n++) {
            memcpy(hs + ((size_t)n * T + t) * H, s.h + (size_t)n * H, (size_t)H * sizeof *hs);
            memcpy(caches + ((size_t)n * T + t) * cw, s.cache + (size_t)n * cw, cw * sizeof *caches);
        }
        memcpy(hprev, s.h, NH * sizeof *hprev);
        if (cell == LSTM) memcpy(cprev, s.cT, NH * sizeof *cprev);
    }
    CHECK(max_diff(hs, c.h, (size_t)N * T * H) <= SAME_TOL, "%s: steps over T give the sequence's h", cn);
    CHECK(max_diff(caches, c.cache, cache_size(&c)) <= SAME_TOL, "%s: steps over T give the sequence's cache", cn);
    if (cell == LSTM) CHECK(max_diff(cprev, c.cT, NH) <= SAME_TOL, "%s: the last step's c is cT", cn);

    /* Backward: walk t = T-1 … 0 with the step backward, carrying dh (and dc) by hand. */
    cell_grads sg;
    grads_alloc(&sg, &s);
    lm_float *sbwork = malloc(bwork_size(&s) * sizeof(lm_float));
    lm_float *dx = malloc((size_t)N * T * E * sizeof *dx), *dh_carry = zeros(NH), *dc_carry = copy_of(c.Rc, NH);
    for (int t = T - 1; t >= 0; t--) {
        for (int n = 0; n < N; n++) {
            memcpy(s.x + (size_t)n * E, c.x + ((size_t)n * T + t) * E, (size_t)E * sizeof *s.x);
            memcpy(s.cache + (size_t)n * cw, c.cache + ((size_t)n * T + t) * cw, cw * sizeof *s.cache);
            const lm_float *hp = t ? c.h + ((size_t)n * T + t - 1) * H : c.h0 + (size_t)n * H;
            memcpy(s.h0 + (size_t)n * H, hp, (size_t)H * sizeof *hp);
            if (cell == LSTM) {
                const lm_float *cp = t ? c.cache + ((size_t)n * T + t - 1) * cw + 4 * H : c.c0 + (size_t)n * H;
                memcpy(s.c0 + (size_t)n * H, cp, (size_t)H * sizeof *cp);
            }
            for (int j = 0; j < H; j++)
                s.Rh[(size_t)n * H + j] = c.Rh[((size_t)n * T + t) * H + j] + dh_carry[(size_t)n * H + j];
        }
        memcpy(s.Rc, dc_carry, NH * sizeof *dc_carry);
        cell_backward(&s, &sg, sbwork);
        for (int n = 0; n < N; n++) memcpy(dx + ((size_t)n * T + t) * E, sg.dx + (size_t)n * E, (size_t)E * sizeof *dx);
        memcpy(dh_carry, sg.dh0, NH * sizeof *dh_carry);
        if (cell == LSTM) memcpy(dc_carry, sg.dc0, NH * sizeof *dc_carry);
    }
    CHECK(max_diff(dx, g.dx, (size_t)N * T * E) <= SAME_TOL, "%s: step backward over T gives dx", cn);
    CHECK(max_diff(dh_carry, g.dh0, NH) <= SAME_TOL, "%s: step backward over T gives dh0", cn);
    if (cell == LSTM) CHECK(max_diff(dc_carry, g.dc0, NH) <= SAME_TOL, "%s: step backward over T gives dc0", cn);
    CHECK(max_diff(sg.dWx, g.dWx, (size_t)E * GH) <= SAME_TOL, "%s: step backward over T gives dWx", cn);
    CHECK(max_diff(sg.dWh, g.dWh, (size_t)H * GH) <= SAME_TOL, "%s: step backward over T gives dWh", cn);
    CHECK(max_diff(sg.db, g.db, GH) <= SAME_TOL, "%s: step backward over T gives db", cn);
    if (cell == GRU_TORCH) CHECK(max_diff(sg.dbhn, g.dbhn, (size_t)H) <= SAME_TOL, "%s: ... and dbhn", cn);

    free(hs), free(caches), free(hprev), free(cprev), free(dx), free(dh_carry), free(dc_carry), free(sbwork),
        free(bwork);
    grads_free(&sg);
    grads_free(&g);
    cell_free(&s);
    cell_free(&c);
}

/* ---- stacking: layer 2 consumes layer 1's h as its (N, T, E_in = H1) input --------------------- */

static void test_stacked_lstm(void) {
    const int N = 2, T = 3, E = 3, H1 = 4, H2 = 2;
    lm_float *x = randn((size_t)N * T * E, 1), *z1 = zeros((size_t)N * H1), *z2 = zeros((size_t)N * H2);
    lm_float *Wx1 = randn((size_t)E * 4 * H1, 0.5), *Wh1 = randn((size_t)H1 * 4 * H1, 0.5),
             *b1 = randn(4 * (size_t)H1, 0.3);
    lm_float *Wx2 = randn((size_t)H1 * 4 * H2, 0.5), *Wh2 = randn((size_t)H2 * 4 * H2, 0.5),
             *b2 = randn(4 * (size_t)H2, 0.3);
    lm_float *h1 = poisoned((size_t)N * T * H1), *h2 = poisoned((size_t)N * T * H2);
    lm_float *k1 = malloc(LSTM_CACHE_SIZE(N, T, H1) * sizeof(lm_float)),
             *k2 = malloc(LSTM_CACHE_SIZE(N, T, H2) * sizeof(lm_float));
    lm_float *w = malloc(LSTM_WORK_FORWARD(N, T, H1) * sizeof(lm_float));
    lstm_forward(h1, NULL, k1, x, z1, z1, Wx1, Wh1, b1, w, N, T, E, H1);
    lstm_forward(h2, NULL, k2, h1, z2, z2, Wx2, Wh2, b2, w, N, T, H1, H2);
    /* The second layer's first step by hand, for batch row 1. */
    int ok = 1;
    for (int j = 0; j < H2; j++) {
        double a[4];
        for (int q = 0; q < 4; q++) {
            a[q] = b2[q * H2 + j];
            for (int k = 0; k < H1; k++)
                a[q] += (double)h1[(size_t)1 * T * H1 + k] * Wx2[(size_t)k * 4 * H2 + q * H2 + j];
        }
        double i = 1 / (1 + exp(-a[0])), g = tanh(a[2]), o = 1 / (1 + exp(-a[3]));
        ok &= check_close(h2[(size_t)1 * T * H2 + j], o * tanh(i * g), SAME_TOL * 10);
    }
    CHECK(ok && all_finite(h2, (size_t)N * T * H2), "stacked LSTM: layer 2 reads layer 1's h as its x");
    free(x), free(z1), free(z2), free(Wx1), free(Wh1), free(b1), free(Wx2), free(Wh2), free(b2);
    free(h1), free(h2), free(k1), free(k2), free(w);
}

/* ---- PyTorch reference values ------------------------------------------------------------------
 * Checked-in outputs of torch.nn.LSTM / torch.nn.GRU (PyTorch 1.13, float64, batch_first) with
 * weight_ih = Wxᵀ, weight_hh = Whᵀ, bias_ih = b, bias_hh = 0 (LSTM) or [0 | 0 | bhn] (GRU), every
 * array filled with 0.5·sin(0.37·i + s) in row-major order; s per array below. */
static void fill(lm_float *p, size_t n, double s) {
    for (size_t i = 0; i < n; i++) p[i] = (lm_float)(0.5 * sin(0.37 * (double)i + s));
}

static void test_against_pytorch(void) {
    enum { N = 2, T = 3, E = 2, H = 3 };
    static const double lstm_h[N * T * H] = {0.088355638, 0.101637183, 0.097462829, 0.145458969, 0.112319851,
                                             0.057738833, 0.190206130, 0.127414993, 0.036019325, 0.215999277,
                                             0.165002326, 0.091107766, 0.168992109, 0.095560893, 0.001516468,
                                             0.105271020, 0.013834812, -0.079705051};
    static const double lstm_c[N * H] = {0.469399245, 0.349473906, 0.105749623, 0.283265627, 0.037548088, -0.217158799};
    static const double gru_h[N * T * H] = {0.177885222, 0.250727971, 0.273417947, 0.241579755, 0.254165564,
                                            0.212673941, 0.292373507, 0.263208053, 0.177390025, 0.460899784,
                                            0.421297740, 0.303976473, 0.439773551, 0.363373050, 0.208765139,
                                            0.413298180, 0.314428113, 0.143793923};
    lm_float x[N * T * E], h0[N * H], c0[N * H], Wx[E * 4 * H], Wh[H * 4 * H], b[4 * H], bhn[H];
    lm_float h[N * T * H], cT[N * H], cache[N * T * 6 * H];
    lm_float work[LSTM_WORK_FORWARD(N, T, H) > GRU_WORK_FORWARD(N, T, H) ? LSTM_WORK_FORWARD(N, T, H)
                                                                         : GRU_WORK_FORWARD(N, T, H)];
    fill(x, N * T * E, 0.1), fill(h0, N * H, 0.2), fill(c0, N * H, 0.3);
    fill(Wx, E * 4 * H, 0.4), fill(Wh, H * 4 * H, 0.5), fill(b, 4 * H, 0.6);
    lstm_forward(h, cT, cache, x, h0, c0, Wx, Wh, b, work, N, T, E, H);
    double eh = 0, ec = 0;
    for (int i = 0; i < N * T * H; i++) eh = fmax(eh, fabs(h[i] - lstm_h[i]));
    for (int i = 0; i < N * H; i++) ec = fmax(ec, fabs(cT[i] - lstm_c[i]));
    CHECK(eh < 1e-6 && ec < 1e-6, "lstm_forward equals torch.nn.LSTM (max |diff| h %.2g, c %.2g)", eh, ec);
    fill(Wx, E * 3 * H, 0.4), fill(Wh, H * 3 * H, 0.5), fill(b, 3 * H, 0.6), fill(bhn, H, 0.7);
    gru_forward(h, cache, x, h0, Wx, Wh, b, bhn, work, N, T, E, H, LM_GRU_TORCH);
    eh = 0;
    for (int i = 0; i < N * T * H; i++) eh = fmax(eh, fabs(h[i] - gru_h[i]));
    CHECK(eh < 1e-6, "gru_forward(LM_GRU_TORCH) equals torch.nn.GRU (max |diff| %.2g)", eh);
    /* The lecture variant is a different function of the same weights (reset before the matmul). */
    gru_forward(h, cache, x, h0, Wx, Wh, b, NULL, work, N, T, E, H, LM_GRU_LECTURE);
    eh = 0;
    for (int i = 0; i < N * T * H; i++) eh = fmax(eh, fabs(h[i] - gru_h[i]));
    CHECK(eh > 1e-3, "the lecture GRU differs from torch.nn.GRU (max |diff| %.2g)", eh);
}

/* ---- the lecture's GRU step worked by hand (H = 1, E = 1, N = 1) ------------------------------- */

static void test_gru_lecture_by_hand(void) {
    lm_float x = 0.5, hp = -0.4, Wx[3] = {0.3, -0.2, 0.8}, Wh[3] = {0.6, 0.1, -0.7}, b[3] = {0.05, -0.1, 0.2};
    lm_float h, cache[4], work[GRU_WORK_FORWARD(1, 1, 1)];
    gru_step_forward(&h, cache, &x, &hp, Wx, Wh, b, NULL, work, 1, 1, 1, LM_GRU_LECTURE);
    double r = 1 / (1 + exp(-(0.5 * 0.3 + -0.4 * 0.6 + 0.05)));
    double z = 1 / (1 + exp(-(0.5 * -0.2 + -0.4 * 0.1 - 0.1)));
    double g = tanh(0.5 * 0.8 + (r * -0.4) * -0.7 + 0.2);
    double expect = z * -0.4 + (1 - z) * g;
    CHECK(check_close(h, expect, SAME_TOL * 10), "gru lecture step by hand: %g vs %g", (double)h, expect);
    CHECK(check_close(cache[0], r, SAME_TOL * 10) && check_close(cache[1], z, SAME_TOL * 10) &&
              check_close(cache[2], g, SAME_TOL * 10) && check_close(cache[3], r * -0.4, SAME_TOL * 10),
          "gru cache layout [r z g r*h]");
}

/* ---- the fixed-window LM ---------------------------------------------------------------------- */

typedef struct {
    int N, W, V, E, H;
    int32_t *ids;
    lm_float *emb, *Wh, *b1, *U, *b2, *scores, *e, *h, *R;
} win_ctx;

static double win_loss(void *p) {
    win_ctx *c = p;
    window_forward(c->scores, c->e, c->h, c->ids, c->emb, c->Wh, c->b1, c->U, c->b2, c->N, c->W, c->V, c->E, c->H);
    return dot(c->scores, c->R, (size_t)c->N * c->V);
}

static void test_window_context(void) {
    const int32_t stream[5] = {5, 6, 7, 8, 9};
    int32_t ctx[5 * 3];
    window_context(ctx, stream, 4, 3, 0);
    const int32_t want[12] = {-1, -1, -1, -1, -1, 5, -1, 5, 6, 5, 6, 7};
    CHECK(memcmp(ctx, want, sizeof want) == 0, "window_context pads the start with LM_WINDOW_PAD");
    window_context(ctx, stream + 2, 3, 3, 2); /* predicting 7, 8, 9 with 5, 6 readable */
    const int32_t want2[9] = {-1, 5, 6, 5, 6, 7, 6, 7, 8};
    CHECK(memcmp(ctx, want2, sizeof want2) == 0, "window_context reads `history` tokens before the stream");
    CHECK(lm_layer_window_context(ctx, stream, 2, 3, 3) == LM_OK && memcmp(ctx, want2, sizeof want2) == 0,
          "lm_layer_window_context(start = 2) matches");
}

static void test_window(void) {
    win_ctx c = {.N = 4, .W = 3, .V = 7, .E = 3, .H = 5};
    const size_t WE = (size_t)c.W * c.E;
    int32_t ids[12] = {-1, -1, 2, -1, 2, 2, 4, 0, 6, 3, 3, 1}; /* pads, and a token twice in one window */
    c.ids = ids;
    c.emb = randn((size_t)c.V * c.E, 1), c.Wh = randn(WE * c.H, 0.5), c.b1 = randn((size_t)c.H, 0.3);
    c.U = randn((size_t)c.H * c.V, 0.5), c.b2 = randn((size_t)c.V, 0.3), c.R = randn((size_t)c.N * c.V, 1);
    c.scores = poisoned((size_t)c.N * c.V), c.e = poisoned(c.N * WE), c.h = poisoned((size_t)c.N * c.H);
    win_loss(&c);
    CHECK(all_finite(c.scores, (size_t)c.N * c.V) && all_finite(c.h, (size_t)c.N * c.H), "window: outputs written");
    int gather = 1;
    for (int n = 0; n < c.N; n++)
        for (int k = 0; k < c.W; k++)
            for (int j = 0; j < c.E; j++) {
                int32_t id = ids[n * c.W + k];
                lm_float want = id == LM_WINDOW_PAD ? 0 : c.emb[(size_t)id * c.E + j];
                gather &= c.e[n * WE + (size_t)k * c.E + j] == want;
            }
    CHECK(gather, "window: e is the concatenation of the W embeddings, zeros for the pad");
    lm_float *demb = zeros((size_t)c.V * c.E), *dWh = zeros(WE * c.H), *db1 = zeros((size_t)c.H);
    lm_float *dU = zeros((size_t)c.H * c.V), *db2 = zeros((size_t)c.V);
    lm_float *work = malloc(WINDOW_WORK_BACKWARD(c.N, c.W, c.E, c.H) * sizeof(lm_float));
    window_backward(demb, dWh, db1, dU, db2, c.R, c.ids, c.e, c.h, c.Wh, c.U, work, c.N, c.W, c.V, c.E, c.H);
    check_grad("window demb", demb, c.emb, (size_t)c.V * c.E, win_loss, &c);
    check_grad("window dWh", dWh, c.Wh, WE * c.H, win_loss, &c);
    check_grad("window db1", db1, c.b1, (size_t)c.H, win_loss, &c);
    check_grad("window dU", dU, c.U, (size_t)c.H * c.V, win_loss, &c);
    check_grad("window db2", db2, c.b2, (size_t)c.V, win_loss, &c);
    int untouched = 1; /* id 5 appears nowhere: its row gets no gradient */
    for (int j = 0; j < c.E; j++) untouched &= demb[5 * c.E + j] == 0;
    CHECK(untouched, "window: an id absent from the batch gets no gradient");
    lm_float *db2_once = copy_of(db2, (size_t)c.V);
    window_backward(demb, dWh, db1, dU, db2, c.R, c.ids, c.e, c.h, c.Wh, c.U, work, c.N, c.W, c.V, c.E, c.H);
    int twice = 1;
    for (int v = 0; v < c.V; v++) twice &= fabs(db2[v] - 2 * db2_once[v]) <= 1e-5 * (1 + fabs(db2_once[v]));
    CHECK(twice, "window: parameter gradients accumulate");
    free(c.emb), free(c.Wh), free(c.b1), free(c.U), free(c.b2), free(c.R), free(c.scores), free(c.e), free(c.h);
    free(demb), free(dWh), free(db1), free(dU), free(db2), free(work), free(db2_once);
}

/* ---- the API edge: sizes, pointers, finiteness, ids, each with its sentence -------------------- */

static int message_has(const char *needle) { return strstr(lm_error_message(), needle) != NULL; }

static void test_api_errors(void) {
    const int N = 2, T = 3, E = 2, H = 3;
    lm_float *x = randn((size_t)N * T * E, 1), *h0 = zeros((size_t)N * H), *Wx = randn((size_t)E * 4 * H, 0.5);
    lm_float *Wh = randn((size_t)H * 4 * H, 0.5), *b = zeros(4 * (size_t)H), *h = zeros((size_t)N * T * H);
    lm_float *cT = zeros((size_t)N * H), *cache = zeros(LSTM_CACHE_SIZE(N, T, H));
    int s;
    s = lm_layer_lstm_forward(h, cT, cache, x, h0, h0, Wx, Wh, b, N, T, E, H);
    CHECK(s == LM_OK && all_finite(h, (size_t)N * T * H), "lm_layer_lstm_forward succeeds on good input");
    s = lm_layer_lstm_forward(h, cT, cache, x, h0, h0, Wx, Wh, b, N, T, E, 0);
    CHECK(s == LM_ERR_ARG && message_has("lstm_forward: H (hidden size) must be between 1 and 4096, got 0"), "%s",
          lm_error_message());
    s = lm_layer_lstm_forward(h, cT, cache, x, h0, h0, Wx, Wh, b, N, T, LM_MAX_DIM + 1, H);
    CHECK(s == LM_ERR_ARG && message_has("E (input size) must be between 1 and 4096"), "%s", lm_error_message());
    s = lm_layer_lstm_forward(h, cT, cache, x, h0, h0, Wx, Wh, b, INT_MAX, INT_MAX, E, H);
    CHECK(s == LM_ERR_ARG && message_has("lstm_forward: x (N, T, E) would have 2147483647·2147483647·2 elements, more "
                                         "than the 268435456 one call accepts"),
          "%s", lm_error_message());
    s = lm_layer_lstm_forward(h, cT, cache, x, NULL, h0, Wx, Wh, b, N, T, E, H);
    CHECK(s == LM_ERR_ARG && message_has("h0 is NULL"), "%s", lm_error_message());
    Wh[5] = (lm_float)NAN;
    s = lm_layer_lstm_forward(h, cT, cache, x, h0, h0, Wx, Wh, b, N, T, E, H);
    CHECK(s == LM_ERR_NONFINITE && message_has("lstm_forward: Wh[5] is NaN; inputs must be finite numbers"), "%s",
          lm_error_message());
    Wh[5] = 0;
    lm_float *dWx = zeros((size_t)E * 4 * H), *dWh = zeros((size_t)H * 4 * H), *db = zeros(4 * (size_t)H);
    s = lm_layer_lstm_backward(NULL, NULL, NULL, dWx, dWh, NULL, NULL, h, NULL, x, h0, h0, h, cache, Wx, Wh, N, T, E,
                               H);
    CHECK(s == LM_ERR_ARG && message_has("lstm_backward: db is NULL"), "%s", lm_error_message());
    s = lm_layer_lstm_backward(NULL, NULL, NULL, dWx, dWh, db, NULL, h, NULL, x, h0, h0, h, cache, Wx, Wh, N, T, E, H);
    CHECK(s == LM_OK, "lm_layer_lstm_backward with the optional outputs NULL");
    x[4] = (lm_float)INFINITY; /* the backward reads x for dWx: it is checked like every input */
    s = lm_layer_lstm_backward(NULL, NULL, NULL, dWx, dWh, db, NULL, h, NULL, x, h0, h0, h, cache, Wx, Wh, N, T, E, H);
    CHECK(s == LM_ERR_NONFINITE && message_has("lstm_backward: x[4] is Infinity"), "%s", lm_error_message());
    s = lm_layer_gru_backward(NULL, NULL, dWx, dWh, db, NULL, NULL, h, x, h0, h, cache, Wx, Wh, N, T, E, H, 0);
    CHECK(s == LM_ERR_NONFINITE && message_has("gru_backward: x[4] is Infinity"), "%s", lm_error_message());
    x[4] = 0;
    s = lm_layer_gru_forward(h, cache, x, h0, Wx, Wh, b, NULL, N, T, E, H, 2);
    CHECK(s == LM_ERR_ARG && message_has("variant must be 0 (the lecture's GRU) or 1 (torch.nn.GRU), got 2"), "%s",
          lm_error_message());
    s = lm_layer_gru_forward(h, cache, x, h0, Wx, Wh, b, NULL, N, T, E, H, 1);
    CHECK(s == LM_ERR_ARG && message_has("needs bhn"), "%s", lm_error_message());
    s = lm_layer_gru_forward(h, cache, x, h0, Wx, Wh, b, NULL, N, T, E, H, 0);
    CHECK(s == LM_OK, "lm_layer_gru_forward, lecture variant, needs no bhn");

    int32_t ids[4] = {0, 1, -1, 9}, ctx[4];
    lm_float *emb = zeros(7 * 2), *W1 = zeros(2 * 2 * 3), *U = zeros(3 * 7), *scores = zeros(2 * 7), *e = zeros(2 * 4);
    s = lm_layer_window_forward(scores, e, h, ids, emb, W1, b, U, b, 2, 0, 7, 2, 3);
    CHECK(s == LM_ERR_ARG && message_has("window_forward: W (window width) must be between 1 and 4096, got 0"), "%s",
          lm_error_message());
    s = lm_layer_window_forward(scores, e, h, ids, emb, W1, b, U, b, 2, 2, 7, 2, 3);
    CHECK(s == LM_ERR_ARG &&
              message_has("window_forward: ids[1, 1] = 9 is neither a token id in [0, V) = [0, 7) nor the pad id -1"),
          "%s", lm_error_message());
    ids[3] = 6;
    s = lm_layer_window_forward(scores, e, h, ids, emb, W1, b, U, b, 2, 2, 7, 2, 3);
    CHECK(s == LM_OK, "lm_layer_window_forward accepts the pad id");
    s = lm_layer_window_context(ctx, ids, -1, 2, 2);
    CHECK(s == LM_ERR_ARG && message_has("window_context: start must be at least 0, got -1"), "%s", lm_error_message());
    free(x), free(h0), free(Wx), free(Wh), free(b), free(h), free(cT), free(cache), free(dWx), free(dWh), free(db);
    free(emb), free(W1), free(U), free(scores), free(e);
}

int main(void) {
    lm_rng_seed(&rng, 2024);
    for (int cell = LSTM; cell <= GRU_TORCH; cell++) {
        test_cell(cell, SEQ, 2, 4, 3, 4);
        test_cell(cell, SEQ, 1, 1, 1, 1);
        test_cell(cell, PROJ, 3, 3, 0, 3);
        test_cell(cell, STEP, 3, 1, 4, 3);
        test_steps_equal_sequence(cell);
    }
    test_stacked_lstm();
    test_against_pytorch();
    test_gru_lecture_by_hand();
    test_window_context();
    test_window();
    test_api_errors();
    printf("worst gradient-check error: %.3g (%s, bound %.0e)\n", worst_grad_error, GRAD_METRIC, GRAD_TOL);
    return check_summary("test_layers_gated");
}
