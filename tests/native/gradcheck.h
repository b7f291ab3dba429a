/* gradcheck.h — the centered-difference gradient checker every native layer and model test shares:
 * per-build tolerances, random fixtures, and check_grad(), which also proves each check can fail (the
 * same gradient 1% off in its largest entry must be rejected), and check_grad_fine(), the same with five-point
 * differences for gradients whose entries span many orders of magnitude. Include after check.h; one test file
 * per binary, so the static state below is that test's own. */
#ifndef LM_GRADCHECK_H
#define LM_GRADCHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lm_common.h"
#include "rng.h"

#ifdef LM_DOUBLE
/* cs231n's elementwise relative error max |a - n| / max(|a| + |n|, 1e-8). */
#define GRAD_EPS 1e-5
#define GRAD_TOL 1e-6
#define GRAD_METRIC "max relative error"
#else
/* In float32 a centered difference of a float loss carries ~1e-5 of rounding, so an elementwise
 * ratio is meaningless for near-zero entries; the error is measured against the tensor's largest
 * gradient instead. Observed <= 2.4e-4 (eps 1e-2); a 1% error in one entry is 1e-2. */
#define GRAD_EPS 1e-2
#define GRAD_TOL 3e-3
#define GRAD_METRIC "max error / max |gradient|"
#endif

static lm_rng rng; /* seeded by each test's main() */
static double worst_grad_error;

static lm_float *randn(size_t n, double scale) {
    lm_float *p = malloc((n ? n : 1) * sizeof *p);
    for (size_t i = 0; i < n; i++) p[i] = (lm_float)(scale * lm_rng_normal(&rng));
    return p;
}
static lm_float *zeros(size_t n) { return calloc(n ? n : 1, sizeof(lm_float)); }

static int all_finite(const lm_float *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!isfinite(p[i])) return 0;
    return 1;
}

/* Σ out·R in double: the scalar whose gradient wrt out is R, so backward(dout = R) must match. */
static double dot(const lm_float *out, const lm_float *R, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; i++) s += (double)out[i] * R[i];
    return s;
}

/* The error between an analytic gradient and a numerical one, in the build's metric. */
static double grad_error(const lm_float *analytic, const double *numeric, size_t n) {
    double worst = 0;
#ifdef LM_DOUBLE
    for (size_t i = 0; i < n; i++) {
        double denom = fabs(analytic[i]) + fabs(numeric[i]);
        double e = fabs(analytic[i] - numeric[i]) / (denom > 1e-8 ? denom : 1e-8);
        if (e > worst) worst = e;
    }
#else
    double scale = 1e-8;
    for (size_t i = 0; i < n; i++) scale = fabs(numeric[i]) > scale ? fabs(numeric[i]) : scale;
    for (size_t i = 0; i < n; i++) {
        double e = fabs(analytic[i] - numeric[i]) / scale;
        if (e > worst) worst = e;
    }
#endif
    return worst;
}

/* A scalar function of the test's arrays (held in a context struct). */
typedef double (*loss_fn)(void *ctx);

/* Centered differences of f with respect to every element of p (n elements). */
static double *numeric_grad(lm_float *p, size_t n, loss_fn f, void *ctx) {
    double *g = malloc((n ? n : 1) * sizeof *g);
    for (size_t i = 0; i < n; i++) {
        const lm_float saved = p[i];
        p[i] = (lm_float)(saved + GRAD_EPS);
        const double plus = f(ctx);
        p[i] = (lm_float)(saved - GRAD_EPS);
        const double minus = f(ctx);
        p[i] = saved;
        /* divide by the step actually taken (in float, saved ± eps is rounded) */
        g[i] = (plus - minus) / ((double)(lm_float)(saved + GRAD_EPS) - (double)(lm_float)(saved - GRAD_EPS));
    }
    f(ctx); /* leave the context's outputs as the unperturbed forward made them */
    return g;
}

#ifdef LM_DOUBLE
/* Five-point centered differences, (8·(f(x+h) − f(x−h)) − (f(x+2h) − f(x−2h))) / 12h: the truncation is
 * O(h⁴), so h = 1e-3 keeps it near 1e-13, and the rounding noise of the loss (about 1e-15 / h) is 100 times
 * smaller than the two-point difference's at GRAD_EPS (about 1e-10). For layers whose gradients have entries
 * many orders below their largest (attention: a key with little weight gets a tiny gradient), where that
 * noise alone would exceed 1e-6 of an entry. */
#define GRAD_FINE_H 1e-3
static inline double *numeric_grad_fine(lm_float *p, size_t n, loss_fn f, void *ctx) {
    double *g = calloc(n ? n : 1, sizeof *g);
    for (size_t i = 0; i < n; i++) {
        const lm_float saved = p[i];
        p[i] = saved + GRAD_FINE_H;
        const double plus1 = f(ctx);
        p[i] = saved - GRAD_FINE_H;
        const double minus1 = f(ctx);
        p[i] = saved + 2 * GRAD_FINE_H;
        const double plus2 = f(ctx);
        p[i] = saved - 2 * GRAD_FINE_H;
        const double minus2 = f(ctx);
        p[i] = saved;
        g[i] = (8 * (plus1 - minus1) - (plus2 - minus2)) / (12 * GRAD_FINE_H);
    }
    f(ctx);
    return g;
}
#else
/* float32: the two-point difference and the metric against the largest gradient already fit. */
#define numeric_grad_fine numeric_grad
#endif

/* Compare analytic with num (n,), report and return the error; `what` names layer and tensor. */
static double check_grad_against(const char *what, const lm_float *analytic, const double *num, size_t n) {
    double e = grad_error(analytic, num, n);
    if (e > worst_grad_error) worst_grad_error = e;
    CHECK(all_finite(analytic, n), "%s: the analytic gradient holds NaN (an element was never written)", what);
    CHECK(e < GRAD_TOL, "%s: %s %.3g >= %.1g", what, GRAD_METRIC, e, GRAD_TOL);
    if (getenv("LM_TEST_VERBOSE")) printf("  %-36s %s %.3g\n", what, GRAD_METRIC, e);
    /* The check must be able to fail: the same gradient 1% off in its largest entry is rejected. */
    size_t big = 0;
    for (size_t i = 0; i < n; i++) big = fabs(num[i]) > fabs(num[big]) ? i : big;
    if (fabs(num[big]) > 1e-6) {
        lm_float *wrong = malloc(n * sizeof *wrong);
        memcpy(wrong, analytic, n * sizeof *wrong);
        wrong[big] = (lm_float)(wrong[big] * 1.01);
        CHECK(grad_error(wrong, num, n) > GRAD_TOL, "%s: a 1%% error in one entry went unnoticed", what);
        free(wrong);
    }
    return e;
}

/* Centered differences of f (two-point, GRAD_EPS) against the analytic gradient of p (n,). */
static inline double check_grad(const char *what, const lm_float *analytic, lm_float *p, size_t n, loss_fn f,
                                void *ctx) {
    double *num = numeric_grad(p, n, f, ctx);
    double e = check_grad_against(what, analytic, num, n);
    free(num);
    return e;
}

/* The same with the five-point differences of numeric_grad_fine (double build). */
static inline double check_grad_fine(const char *what, const lm_float *analytic, lm_float *p, size_t n, loss_fn f,
                                     void *ctx) {
    double *num = numeric_grad_fine(p, n, f, ctx);
    double e = check_grad_against(what, analytic, num, n);
    free(num);
    return e;
}

#endif
