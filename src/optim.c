/* optim.c — SGD/momentum, Adagrad and Adam over one flat buffer, with clipping and the refusal of
 * non-finite steps. The update runs twice per element: a dry run that proves every new value finite,
 * then the real write, so a refused step leaves parameters and moments exactly as they were (cheap:
 * O(parameters), against O(N·T·parameters) for the forward and backward). */
#include "optim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

lm_status lm_optim_validate(const lm_optim_config *c) {
    if (c->kind != LM_OPT_SGD && c->kind != LM_OPT_ADAGRAD && c->kind != LM_OPT_ADAM)
        return lm_fail(LM_ERR_ARG, "optimizer must be sgd (0), adagrad (1) or adam (2), got %d", (int)c->kind);
    if (!(c->lr > 0) || !isfinite(c->lr))
        return lm_fail(LM_ERR_ARG, "learning rate must be a positive finite number, got %g", c->lr);
    if (!(c->momentum >= 0 && c->momentum < 1))
        return lm_fail(LM_ERR_ARG, "momentum must be in [0, 1), got %g", c->momentum);
    if (!(c->beta1 >= 0 && c->beta1 < 1) || !(c->beta2 >= 0 && c->beta2 < 1))
        return lm_fail(LM_ERR_ARG, "Adam betas must be in [0, 1), got %g and %g", c->beta1, c->beta2);
    if (!(c->eps > 0) || !isfinite(c->eps)) return lm_fail(LM_ERR_ARG, "eps must be positive, got %g", c->eps);
    if (c->clip_mode != LM_CLIP_VALUE && c->clip_mode != LM_CLIP_NORM)
        return lm_fail(LM_ERR_ARG, "clip mode must be value (0) or norm (1), got %d", (int)c->clip_mode);
    if (!(c->clip >= 0) || !isfinite(c->clip))
        return lm_fail(LM_ERR_ARG, "clip must be 0 (off) or a positive number, got %g", c->clip);
    if (c->momentum > 0 && c->kind != LM_OPT_SGD)
        return lm_fail(LM_ERR_ARG, "momentum applies to sgd only, not %s", kind_name(c->kind));
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
    lm_status s = lm_optim_validate(cfg);
    if (s) return s;
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

/* The update rule for one element, in double. m, v are the element's state (0 when absent). */
typedef struct {
    double p, m, v;
} element;

static inline element update(const lm_optim_config *c, double bc1, double bc2, double p, double g, double m,
                             double v) {
    element e = {p, m, v};
    switch (c->kind) {
    case LM_OPT_SGD:
        if (c->momentum > 0) {
            e.m = c->momentum * m + g;
            e.p = p - c->lr * e.m;
        } else {
            e.p = p - c->lr * g;
        }
        break;
    case LM_OPT_ADAGRAD:
        e.m = m + g * g;
        e.p = p - c->lr * g / sqrt(e.m + c->eps);
        break;
    case LM_OPT_ADAM:
        e.m = c->beta1 * m + (1 - c->beta1) * g;
        e.v = c->beta2 * v + (1 - c->beta2) * g * g;
        e.p = p - c->lr * (e.m / bc1) / (sqrt(e.v / bc2) + c->eps);
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

lm_status lm_optim_step(lm_optimizer *opt, lm_float *params, lm_float *grads, const lm_param_info *table,
                        int n_tensors) {
    const lm_optim_config *c = &opt->cfg;
    size_t n = opt->n;
    double sumsq = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(grads[i])) return refuse(opt, table, n_tensors, i, "the gradient");
        sumsq += (double)grads[i] * grads[i];
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
    if (lim > 0 && c->clip_mode == LM_CLIP_VALUE)
        for (size_t i = 0; i < n && !clipped; i++) clipped = fabs((double)grads[i]) > lim;
    double t = (double)(opt->step + 1);
    double bc1 = c->kind == LM_OPT_ADAM ? 1 - pow(c->beta1, t) : 1;
    double bc2 = c->kind == LM_OPT_ADAM ? 1 - pow(c->beta2, t) : 1;
    for (int pass = 0; pass < 2; pass++) { /* 0: prove finite; 1: write */
        for (size_t i = 0; i < n; i++) {
            double g = (double)grads[i] * scale;
            if (lim > 0 && c->clip_mode == LM_CLIP_VALUE) g = g > lim ? lim : g < -lim ? -lim : g;
            element e = update(c, bc1, bc2, params[i], g, opt->m ? opt->m[i] : 0, opt->v ? opt->v[i] : 0);
            if (pass == 0) {
                /* the value as stored must be finite too (a double can overflow the float) */
                lm_float p = (lm_float)e.p, m = (lm_float)e.m, v = (lm_float)e.v;
                if (!isfinite(p)) return refuse(opt, table, n_tensors, i, "the updated value");
                if (!isfinite(m) || !isfinite(v)) return refuse(opt, table, n_tensors, i, "the optimizer state");
                continue;
            }
            grads[i] = (lm_float)g; /* what was applied, for the gradient views */
            params[i] = (lm_float)e.p;
            if (opt->m) opt->m[i] = (lm_float)e.m;
            if (opt->v) opt->v[i] = (lm_float)e.v;
        }
    }
    opt->step++;
    opt->last_grad_norm = norm;
    opt->last_clipped = clipped;
    opt->clip_events += clipped;
    return LM_OK;
}
