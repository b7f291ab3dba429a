/* optim.c — SGD/momentum, Adagrad and Adam over one flat buffer, with clipping and the refusal of
 * non-finite steps. A refused step leaves parameters and moments exactly as they were: when a bound
 * from the largest |g|, |p| and moment proves every new value finite (every ordinary step), the update
 * is written in one pass; otherwise it runs twice per element, a dry run proving each new value finite,
 * then the write. The arithmetic is lm_float's (float32 as in PyTorch), so the loops vectorise. The step is O(parameters), which matters at batch 1 (25 tokens per step). */
#include "optim.h"

#include "lm_check.h"
#include "lm_math.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef LM_DOUBLE
#define LM_SQRT sqrt
#else
#define LM_SQRT sqrtf
#endif

static const char *kind_name(lm_opt_kind kind) {
    return kind == LM_OPT_SGD ? "sgd" : kind == LM_OPT_ADAGRAD ? "adagrad" : "adam";
}

lm_optim_config lm_optim_defaults(lm_opt_kind kind) {
    lm_optim_config c;
    memset(&c, 0, sizeof c);
    c.kind = kind;
    c.lr = kind == LM_OPT_ADAGRAD ? 0.1 : kind == LM_OPT_SGD ? 0.01 : 0.002;
    c.beta1 = 0.9;
    c.beta2 = 0.999;
    c.eps = 1e-8;
    c.clip_mode = LM_CLIP_VALUE;
    c.clip = 0;
    return c;
}

lm_status lm_optim_validate(const lm_optim_config *c, const char *fn) {
    LM_TRY(lm_check_choice(fn, "optimizer", (int)c->kind, 3, "0 (sgd), 1 (adagrad) or 2 (adam)"));
    LM_TRY(lm_check_positive(fn, "lr (learning rate)", c->lr));
    LM_TRY(lm_check_fraction(fn, "momentum", c->momentum));
    LM_TRY(lm_check_fraction(fn, "beta1 (Adam)", c->beta1));
    LM_TRY(lm_check_fraction(fn, "beta2 (Adam)", c->beta2));
    LM_TRY(lm_check_positive(fn, "eps", c->eps));
    LM_TRY(lm_check_choice(fn, "clip_mode", (int)c->clip_mode, 2, "0 (value) or 1 (norm)"));
    LM_TRY(lm_check_nonneg(fn, "clip (0 = off)", c->clip));
    if (c->momentum > 0 && c->kind != LM_OPT_SGD)
        return lm_fail(LM_ERR_ARG, "%s: momentum applies to sgd only, not %s", fn, kind_name(c->kind));
    return LM_OK;
}

int lm_optim_state_count(const lm_optimizer *opt) {
    switch (opt->cfg.kind) {
    case LM_OPT_SGD: return opt->cfg.momentum > 0 ? 1 : 0;
    case LM_OPT_ADAGRAD: return 1;
    case LM_OPT_ADAM: return 2;
    }
    return 0;
}

lm_status lm_optim_init(lm_optimizer *opt, const lm_optim_config *cfg, size_t n) {
    memset(opt, 0, sizeof *opt);
    opt->cfg = *cfg;
    opt->n = n;
    int states = lm_optim_state_count(opt);
    if (states >= 1 && !(opt->m = calloc(n, sizeof(lm_float))))
        return lm_fail(LM_ERR_NOMEM, "out of memory for the optimizer state (%zu values)", n);
    if (states == 2 && !(opt->v = calloc(n, sizeof(lm_float)))) {
        lm_optim_free(opt);
        return lm_fail(LM_ERR_NOMEM, "out of memory for the optimizer state (%zu values)", n);
    }
    return LM_OK;
}

void lm_optim_free(lm_optimizer *opt) {
    free(opt->m);
    free(opt->v);
    opt->m = opt->v = NULL;
}

/* The update rule for one element, in lm_float (float32, as PyTorch's optimizers; the loops of the
 * fast path vectorise). m, v are the element's state (0 when absent). The constants come in as
 * lm_float too, so both paths round identically. */
typedef struct {
    lm_float p, m, v;
} element;

typedef struct {
    lm_float lr, mu, eps, b1, b2, bc1, bc2;
} constants;

static constants constants_of(const lm_optim_config *c, double bc1, double bc2) {
    return (constants){(lm_float)c->lr,    (lm_float)c->momentum, (lm_float)c->eps, (lm_float)c->beta1,
                       (lm_float)c->beta2, (lm_float)bc1,         (lm_float)bc2};
}

static inline element update(const lm_optim_config *c, const constants *k, lm_float p, lm_float g, lm_float m,
                             lm_float v) {
    element e = {p, m, v};
    switch (c->kind) {
    case LM_OPT_SGD:
        if (c->momentum > 0) {
            e.m = k->mu * m + g;
            e.p = p - k->lr * e.m;
        } else {
            e.p = p - k->lr * g;
        }
        break;
    case LM_OPT_ADAGRAD:
        e.m = m + g * g;
        e.p = p - k->lr * g / LM_SQRT(e.m + k->eps);
        break;
    case LM_OPT_ADAM:
        e.m = k->b1 * m + (1 - k->b1) * g;
        e.v = k->b2 * v + (1 - k->b2) * g * g;
        e.p = p - k->lr * (e.m / k->bc1) / (LM_SQRT(e.v / k->bc2) + k->eps);
        break;
    }
    return e;
}

static const lm_param_info *tensor_of(const lm_param_info *table, int n_tensors, size_t i) {
    for (int k = 0; k < n_tensors; k++)
        if (i >= table[k].offset && i < table[k].offset + table[k].count) return &table[k];
    return NULL;
}

static lm_status refuse(const lm_optimizer *opt, const lm_param_info *table, int n_tensors, size_t i,
                        const char *what) {
    const lm_param_info *t = tensor_of(table, n_tensors, i);
    return lm_fail(LM_ERR_NONFINITE,
                   "step %lld refused: %s of %s (%s) is not finite; the parameters keep their last finite values. "
                   "Try a lower learning rate (now %g) or gradient clipping (e.g. clip 5)",
                   (long long)opt->step + 1, what, t ? t->name : "a parameter", t ? t->lecture : "?", opt->cfg.lr);
}

/* Bounds of one step, from the largest |g| (after clipping), |p| and state: if every new value is
 * provably far below FLT_MAX, the step can be written in one pass with no finiteness proof. SGD:
 * |m'| <= mu·|m| + |g|, |dp| <= lr·|m'|; Adagrad: G' <= G + g², |dp| <= lr (g / sqrt(G + g²) <= 1);
 * Adam: |m'| <= max(|m|, |g|), v' <= max(v, g²), |dp| <= lr·|m'| / (bc1·eps). */
static int provably_finite(const lm_optim_config *c, double bc1, double gmax, double pmax, double mmax, double vmax) {
    const double big = 1e36; /* far below FLT_MAX (3.4e38), so the rounding of the bounds cannot matter */
    double dp, state = 0;
    switch (c->kind) {
    case LM_OPT_SGD:
        state = c->momentum > 0 ? c->momentum * mmax + gmax : gmax;
        dp = c->lr * state;
        break;
    case LM_OPT_ADAGRAD:
        state = mmax + gmax * gmax;
        dp = c->lr;
        break;
    default: /* Adam */
        state = (mmax > gmax ? mmax : gmax) + (vmax > gmax * gmax ? vmax : gmax * gmax);
        dp = c->lr * (mmax > gmax ? mmax : gmax) / (bc1 * c->eps);
        break;
    }
    return pmax + dp < big && state < big;
}

/* The fast path: the update rule of update() written once per kind, in one pass (grads receive the
 * applied gradient, as in the checked path). The same lm_float arithmetic, so the same results. */
static void apply_all(lm_optimizer *opt, lm_float *restrict params, lm_float *restrict grads, lm_float scale,
                      lm_float lim, const constants *k, size_t lo, size_t hi) {
    /* the slice [lo, hi) of every buffer (all of them, or one tensor that is not frozen) */
    const lm_optim_config *c = &opt->cfg;
    const size_t n = hi - lo;
    const lm_float lr = k->lr;
    params += lo;
    grads += lo;
    lm_float *restrict m = opt->m ? opt->m + lo : NULL, *restrict v = opt->v ? opt->v + lo : NULL;
    if (scale != 1)
        for (size_t i = 0; i < n; i++) grads[i] *= scale;
    if (lim > 0)
        for (size_t i = 0; i < n; i++) grads[i] = grads[i] > lim ? lim : grads[i] < -lim ? -lim : grads[i];
    switch (c->kind) {
    case LM_OPT_SGD:
        if (m) {
            for (size_t i = 0; i < n; i++) {
                m[i] = k->mu * m[i] + grads[i];
                params[i] -= lr * m[i];
            }
        } else {
            for (size_t i = 0; i < n; i++) params[i] -= lr * grads[i];
        }
        break;
    case LM_OPT_ADAGRAD:
        for (size_t i = 0; i < n; i++) {
            m[i] = m[i] + grads[i] * grads[i];
            params[i] -= lr * grads[i] / LM_SQRT(m[i] + k->eps);
        }
        break;
    case LM_OPT_ADAM: {
        const lm_float b1 = k->b1, b2 = k->b2, eps = k->eps, bc1 = k->bc1, bc2 = k->bc2;
        for (size_t i = 0; i < n; i++) {
            const lm_float g = grads[i];
            m[i] = b1 * m[i] + (1 - b1) * g;
            v[i] = b2 * v[i] + (1 - b2) * g * g;
            params[i] -= lr * (m[i] / bc1) / (LM_SQRT(v[i] / bc2) + eps);
        }
        break;
    }
    }
}

lm_status lm_optim_step(lm_optimizer *opt, lm_float *params, lm_float *grads, const lm_param_info *table,
                        int n_tensors) {
    const lm_optim_config *c = &opt->cfg;
    size_t n = opt->n;
    /* frozen tensors: a zero gradient (so the norm, clipping and bounds see only what trains), then
     * their slices are skipped below, so values and moments stay bit-identical */
    int any_frozen = 0;
    for (int k = 0; opt->frozen && k < n_tensors; k++)
        if (opt->frozen[k]) {
            any_frozen = 1;
            memset(grads + table[k].offset, 0, table[k].count * sizeof(lm_float));
        }
    /* the slices to update: all of the buffer, or each tensor that is not frozen */
    const int segments = any_frozen ? n_tensors : 1;
    /* one read pass: the squared norm (partial sums), and the largest |g|, |p| and moments for
     * the fast path's bound; a non-finite gradient makes the sum non-finite and is located only then.
     * An absent moment reads the gradient instead (its bound is then unused or only looser). */
    const lm_float *ms = opt->m ? opt->m : grads, *vs = opt->v ? opt->v : grads;
    enum { LANES = 8 }; /* independent accumulators, written out so the compiler can vectorise them */
    double sq[LANES] = {0};
    lm_float gm[LANES] = {0}, pm[LANES] = {0}, mm[LANES] = {0}, vm[LANES] = {0};
    size_t i = 0;
    for (; i + LANES <= n; i += LANES)
        for (int l = 0; l < LANES; l++) {
            const lm_float g = grads[i + l], ag = g < 0 ? -g : g,
                           p = params[i + l] < 0 ? -params[i + l] : params[i + l];
            const lm_float am = ms[i + l] < 0 ? -ms[i + l] : ms[i + l], av = vs[i + l] < 0 ? -vs[i + l] : vs[i + l];
            sq[l] += (double)g * g;
            gm[l] = ag > gm[l] ? ag : gm[l];
            pm[l] = p > pm[l] ? p : pm[l];
            mm[l] = am > mm[l] ? am : mm[l];
            vm[l] = av > vm[l] ? av : vm[l];
        }
    for (; i < n; i++) {
        const lm_float g = grads[i], ag = g < 0 ? -g : g, p = params[i] < 0 ? -params[i] : params[i];
        const lm_float am = ms[i] < 0 ? -ms[i] : ms[i], av = vs[i] < 0 ? -vs[i] : vs[i];
        sq[0] += (double)g * g;
        gm[0] = ag > gm[0] ? ag : gm[0];
        pm[0] = p > pm[0] ? p : pm[0];
        mm[0] = am > mm[0] ? am : mm[0];
        vm[0] = av > vm[0] ? av : vm[0];
    }
    double s0 = 0, s1 = 0;
    lm_float gmax = 0, pmax = 0, mmax = 0, vmax = 0;
    for (int l = 0; l < LANES; l++) {
        if (l & 1) s1 += sq[l];
        else s0 += sq[l];
        gmax = gm[l] > gmax ? gm[l] : gmax;
        pmax = pm[l] > pmax ? pm[l] : pmax;
        mmax = mm[l] > mmax ? mm[l] : mmax;
        vmax = vm[l] > vmax ? vm[l] : vmax;
    }
    double sumsq = s0 + s1;
    if (!isfinite(sumsq)) {
        for (i = 0; i < n; i++)
            if (!isfinite(grads[i])) return refuse(opt, table, n_tensors, i, "the gradient");
        return refuse(opt, table, n_tensors, 0, "the gradient norm");
    }
    double norm = sqrt(sumsq);
    if (!isfinite(norm)) return refuse(opt, table, n_tensors, 0, "the gradient norm");
    /* Clipping decides a scale (norm mode) or a clamp (value mode); applied to g below. */
    double scale = 1, lim = c->clip;
    int clipped = 0;
    if (lim > 0 && c->clip_mode == LM_CLIP_NORM && norm > lim) {
        scale = lim / norm;
        clipped = 1;
    }
    if (lim > 0 && c->clip_mode == LM_CLIP_VALUE) clipped = gmax > lim;
    double t = (double)(opt->step + 1);
    double bc1 = c->kind == LM_OPT_ADAM ? 1 - lm_pow_positive(c->beta1, t) : 1;
    double bc2 = c->kind == LM_OPT_ADAM ? 1 - lm_pow_positive(c->beta2, t) : 1;
    double gbound = (double)gmax * scale;
    if (lim > 0 && c->clip_mode == LM_CLIP_VALUE && gbound > lim) gbound = lim;
    const constants k = constants_of(c, bc1, bc2);
    const lm_float fscale = (lm_float)scale, flim = c->clip_mode == LM_CLIP_VALUE ? (lm_float)lim : 0;
    if (provably_finite(c, bc1, gbound, pmax, mmax, vmax)) {
        for (int sg = 0; sg < segments; sg++)
            if (!any_frozen) apply_all(opt, params, grads, fscale, flim, &k, 0, n);
            else if (!opt->frozen[sg])
                apply_all(opt, params, grads, fscale, flim, &k, table[sg].offset, table[sg].offset + table[sg].count);
    } else {
        for (int pass = 0; pass < 2; pass++) { /* 0: prove finite; 1: write */
            for (int sg = 0; sg < segments; sg++) {
                if (any_frozen && opt->frozen[sg]) continue;
                const size_t lo = any_frozen ? table[sg].offset : 0, hi = any_frozen ? lo + table[sg].count : n;
                for (i = lo; i < hi; i++) {
                    lm_float g = fscale != 1 ? grads[i] * fscale : grads[i];
                    if (flim > 0) g = g > flim ? flim : g < -flim ? -flim : g;
                    element e = update(c, &k, params[i], g, opt->m ? opt->m[i] : 0, opt->v ? opt->v[i] : 0);
                    if (pass == 0) {
                        if (!isfinite(e.p)) return refuse(opt, table, n_tensors, i, "the updated value");
                        if (!isfinite(e.m) || !isfinite(e.v))
                            return refuse(opt, table, n_tensors, i, "the optimizer state");
                        continue;
                    }
                    grads[i] = g; /* what was applied, for the gradient views */
                    params[i] = e.p;
                    if (opt->m) opt->m[i] = e.m;
                    if (opt->v) opt->v[i] = e.v;
                }
            }
        }
    }
    opt->step++;
    opt->last_grad_norm = norm;
    opt->last_clipped = clipped;
    opt->clip_events += clipped;
    return LM_OK;
}
