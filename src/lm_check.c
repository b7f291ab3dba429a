/* lm_check.c — the argument checks of lm_check.h, each with its one sentence. The sentences are most
 * of the .wasm's data, so every rule is worded once here and every edge calls it. */
#include "lm_check.h"

#include <math.h>

lm_status lm_check_min(const char *fn, const char *what, int v, int min) {
    if (v < min) return lm_fail(LM_ERR_ARG, "%s: %s must be at least %d, got %d", fn, what, min, v);
    return LM_OK;
}

lm_status lm_check_range(const char *fn, const char *what, int v, int lo, int hi) {
    if (v < lo || v > hi) return lm_fail(LM_ERR_ARG, "%s: %s must be between %d and %d, got %d", fn, what, lo, hi, v);
    return LM_OK;
}

lm_status lm_check_dim(const char *fn, const char *what, int v) { return lm_check_range(fn, what, v, 1, LM_MAX_DIM); }

lm_status lm_check_vocab(const char *fn, int V, int min) {
    return lm_check_range(fn, "V (vocabulary size)", V, min, LM_MAX_VOCAB);
}

lm_status lm_check_elems(const char *fn, const char *what, size_t *n, size_t a, size_t b, size_t c) {
    size_t p = lm_size_mul(lm_size_mul(a, b), c);
    if (p == 0 || p > LM_MAX_CALL_ELEMS) {
        char factors[72];
        if (b == 1 && c == 1) lm_snprintf(factors, sizeof factors, "%zu", a);
        else if (c == 1) lm_snprintf(factors, sizeof factors, "%zu·%zu", a, b);
        else lm_snprintf(factors, sizeof factors, "%zu·%zu·%zu", a, b, c);
        return lm_fail(LM_ERR_ARG, "%s: %s would have %s elements, more than the %zu one call accepts", fn, what,
                       factors, LM_MAX_CALL_ELEMS);
    }
    *n = p;
    return LM_OK;
}

lm_status lm_check_text(const char *fn, const uint8_t *text, size_t len, int nonempty) {
    size_t n;
    if (len > 0) LM_TRY(lm_check_ptr(fn, "text", text));
    if (len > 0) LM_TRY(lm_check_elems(fn, "text", &n, len, 1, 1));
    if (nonempty && len == 0) return lm_fail(LM_ERR_EMPTY, "%s: the text is empty", fn);
    return LM_OK;
}

lm_status lm_check_matrix(const char *fn, const char *what, const char *ld_name, const void *p, int ld, int rows,
                          int cols) {
    LM_TRY(lm_check_ptr(fn, what, p));
    if (ld < cols)
        return lm_fail(LM_ERR_ARG,
                       "%s: %s = %d is less than the %d elements of one stored row of %s (it is the distance between "
                       "row starts)",
                       fn, ld_name, ld, cols, what);
    /* the elements from the first row's start to the last row's end; lm_size_mul is 0 on overflow */
    size_t before_last = lm_size_mul((size_t)(rows - 1), (size_t)ld);
    if ((size_t)cols > LM_MAX_CALL_ELEMS || (rows > 1 && before_last == 0) ||
        before_last > LM_MAX_CALL_ELEMS - (size_t)cols)
        return lm_fail(LM_ERR_ARG, "%s: %s (%d rows, %s = %d) spans more than the %zu elements one call accepts", fn,
                       what, rows, ld_name, ld, LM_MAX_CALL_ELEMS);
    return LM_OK;
}

lm_status lm_check_ptr(const char *fn, const char *what, const void *p) {
    if (!p) return lm_fail(LM_ERR_ARG, "%s: %s is NULL; it is required", fn, what);
    return LM_OK;
}

/* NaN or ±Inf in an input would spread silently through every later number: refuse it. */
lm_status lm_check_finite(const char *fn, const char *what, const lm_float *p, size_t n) {
    if (!p) return LM_OK;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(p[i]))
            return lm_fail(LM_ERR_NONFINITE, "%s: %s[%zu] is %s; inputs must be finite numbers", fn, what, i,
                           isnan(p[i]) ? "NaN"
                           : p[i] > 0  ? "Infinity"
                                       : "-Infinity");
    return LM_OK;
}

lm_status lm_check_ids(const char *fn, const char *what, const int32_t *ids, size_t n, int cols, int V,
                       const uint8_t *mask, int pad) {
    for (size_t i = 0; i < n; i++) {
        int32_t id = ids[i];
        if ((mask && !mask[i]) || (id >= 0 && id < V) || (pad && id == LM_WINDOW_PAD)) continue;
        char at[48] = "";
        if (cols > 0) lm_snprintf(at, sizeof at, "[%zu, %zu]", i / (size_t)cols, i % (size_t)cols);
        else if (cols == 0) lm_snprintf(at, sizeof at, "[%zu]", i);
        return lm_fail(LM_ERR_ARG, "%s: %s%s = %d is %s a token id in [0, V) = [0, %d)%s", fn, what, at, (int)id,
                       pad ? "neither" : "not", V, pad ? " nor the pad id -1" : "");
    }
    return LM_OK;
}

lm_status lm_check_choice(const char *fn, const char *what, int v, int count, const char *names) {
    if (v < 0 || v >= count) return lm_fail(LM_ERR_ARG, "%s: %s must be %s, got %d", fn, what, names, v);
    return LM_OK;
}

lm_status lm_check_nonneg(const char *fn, const char *what, double x) {
    if (!(x >= 0) || !isfinite(x))
        return lm_fail(LM_ERR_ARG, "%s: %s must be a finite number >= 0, got %g", fn, what, x);
    return LM_OK;
}

lm_status lm_check_positive(const char *fn, const char *what, double x) {
    if (!(x > 0) || !isfinite(x))
        return lm_fail(LM_ERR_ARG, "%s: %s must be a positive finite number, got %g", fn, what, x);
    return LM_OK;
}

lm_status lm_check_fraction(const char *fn, const char *what, double x) {
    if (!(x >= 0 && x < 1)) return lm_fail(LM_ERR_ARG, "%s: %s must be in [0, 1), got %g", fn, what, x);
    return LM_OK;
}

lm_status lm_check_whole(const char *fn, const char *what, double x, double max) {
    if (!(x >= 0 && x <= max) || x != floor(x))
        return lm_fail(LM_ERR_ARG, "%s: %s must be a whole number from 0 to %.0f, got %g", fn, what, max, x);
    return LM_OK;
}

lm_status lm_check_stored_whole(const char *where, const char *what, double x, double max) {
    if (!(x >= 0 && x <= max) || x != floor(x))
        return lm_fail(LM_ERR_FORMAT, "%s: '%s' must be a whole number from 0 to %.0f, got %g", where, what, max, x);
    return LM_OK;
}

lm_status lm_check_stored_values(const char *where, const char *what, const lm_float *p, size_t n, double limit,
                                 int nonneg) {
    for (size_t i = 0; i < n; i++) {
        double x = (double)p[i];
        const char *why = !isfinite(x)      ? "not a finite number"
                          : fabs(x) > limit ? "beyond the range a model computes with"
                          : nonneg && x < 0 ? "negative, but it is a sum of squares"
                                            : NULL;
        if (why) return lm_fail(LM_ERR_FORMAT, "%s: tensor '%s' holds %g at index %zu, %s", where, what, x, i, why);
    }
    return LM_OK;
}

lm_float *lm_check_workspace(const char *fn, size_t n) {
    size_t bytes = lm_size_mul(n, sizeof(lm_float));
    lm_float *p = bytes ? lm_alloc(bytes) : NULL;
    if (!p) lm_fail(LM_ERR_NOMEM, "%s: out of memory for a workspace of %zu values", fn, n);
    return p;
}
