/* layers_api.c — the validating edge in front of layers.h (see layers_api.h): sizes, pointers, ids
 * and finiteness are checked here, once, with a sentence naming the layer, the argument and the
 * offending value, because the layers themselves trust their callers. Workspaces are allocated here
 * (overflow-checked) and freed before returning. Shape letters as in layers.h. */
#include <limits.h>
#include <math.h>

#include "layers.h"
#include "layers_api.h"

static lm_status need_count(const char *fn, const char *name, const char *meaning, int v) {
    if (v < 1) return lm_fail(LM_ERR_ARG, "%s: %s (%s) must be at least 1, got %d", fn, name, meaning, v);
    return LM_OK;
}

static lm_status need_dim(const char *fn, const char *name, const char *meaning, int v) {
    if (v < 1 || v > LM_MAX_DIM)
        return lm_fail(LM_ERR_ARG, "%s: %s (%s) must be between 1 and %d (LM_MAX_DIM), got %d", fn, name, meaning,
                       LM_MAX_DIM, v);
    return LM_OK;
}

static lm_status need_vocab(const char *fn, int V) {
    if (V < 1 || V > LM_MAX_VOCAB)
        return lm_fail(LM_ERR_ARG, "%s: V (vocabulary size) must be between 1 and %d (LM_MAX_VOCAB), got %d", fn,
                       LM_MAX_VOCAB, V);
    return LM_OK;
}

/* a·b·c elements must stay within LM_MAX_CALL_ELEMS; *n receives the product. */
static lm_status need_elems(const char *fn, const char *name, size_t *n, int a, int b, int c) {
    size_t p = lm_size_mul(lm_size_mul((size_t)a, (size_t)b), (size_t)c);
    if (p == 0 || p > LM_MAX_CALL_ELEMS)
        return lm_fail(LM_ERR_ARG, "%s: %s would have %d·%d·%d elements, more than the %zu one call accepts", fn,
                       name, a, b, c, LM_MAX_CALL_ELEMS);
    *n = p;
    return LM_OK;
}

static lm_status need_ptr(const char *fn, const char *name, const void *p) {
    if (!p) return lm_fail(LM_ERR_ARG, "%s: %s is NULL; it is required", fn, name);
    return LM_OK;
}

/* NaN or ±Inf in an input would spread silently through every later number: refuse it. */
static lm_status need_finite(const char *fn, const char *name, const lm_float *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!isfinite(p[i]))
            return lm_fail(LM_ERR_NONFINITE, "%s: %s[%zu] is %s; inputs must be finite numbers", fn, name, i,
                           isnan(p[i]) ? "NaN" : p[i] > 0 ? "Infinity" : "-Infinity");
    return LM_OK;
}

/* ids (N, T) in [0, V); positions with mask 0 are skipped (they are never read). */
static lm_status need_ids(const char *fn, const char *name, const int32_t *ids, const uint8_t *mask, int N, int T,
                          int V) {
    for (size_t i = 0; i < (size_t)N * T; i++)
        if ((!mask || mask[i]) && (ids[i] < 0 || ids[i] >= V))
            return lm_fail(LM_ERR_ARG, "%s: %s[n=%zu, t=%zu] = %d is not a token id in [0, V) = [0, %d)", fn, name,
                           i / (size_t)T, i % (size_t)T, (int)ids[i], V);
    return LM_OK;
}

static lm_status alloc_work(const char *fn, lm_float **work, size_t n) {
    size_t bytes = lm_size_mul(n, sizeof **work);
    *work = bytes ? lm_alloc(bytes) : NULL;
    if (!*work) return lm_fail(LM_ERR_NOMEM, "%s: cannot allocate the %zu-element workspace", fn, n);
    return LM_OK;
}

/* ---- embedding ---------------------------------------------------------------------------------- */

int lm_layer_embedding_forward(lm_float *out, const int32_t *ids, const lm_float *W, int N, int T, int V, int E) {
    const char *fn = "embedding_forward";
    size_t nout = 0, nW = 0; /* set by need_elems; zeroed for -O3's flow analysis */
    LM_TRY(need_count(fn, "N", "batch", N));
    LM_TRY(need_count(fn, "T", "time steps", T));
    LM_TRY(need_vocab(fn, V));
    LM_TRY(need_dim(fn, "E", "embedding size", E));
    LM_TRY(need_elems(fn, "out (N, T, E)", &nout, N, T, E));
    LM_TRY(need_elems(fn, "W (V, E)", &nW, V, E, 1));
    LM_TRY(need_ptr(fn, "out", out));
    LM_TRY(need_ptr(fn, "ids", ids));
    LM_TRY(need_ptr(fn, "W", W));
    LM_TRY(need_ids(fn, "ids", ids, NULL, N, T, V));
    LM_TRY(need_finite(fn, "W", W, nW));
    embedding_forward(out, ids, W, N, T, V, E);
    return LM_OK;
}

int lm_layer_embedding_backward(lm_float *dW, const lm_float *dout, const int32_t *ids, int N, int T, int V, int E) {
    const char *fn = "embedding_backward";
    size_t nout = 0, nW = 0; /* set by need_elems; zeroed for -O3's flow analysis */
    LM_TRY(need_count(fn, "N", "batch", N));
    LM_TRY(need_count(fn, "T", "time steps", T));
    LM_TRY(need_vocab(fn, V));
    LM_TRY(need_dim(fn, "E", "embedding size", E));
    LM_TRY(need_elems(fn, "dout (N, T, E)", &nout, N, T, E));
    LM_TRY(need_elems(fn, "dW (V, E)", &nW, V, E, 1));
    LM_TRY(need_ptr(fn, "dW", dW));
    LM_TRY(need_ptr(fn, "dout", dout));
    LM_TRY(need_ptr(fn, "ids", ids));
    LM_TRY(need_ids(fn, "ids", ids, NULL, N, T, V));
    LM_TRY(need_finite(fn, "dout", dout, nout));
    embedding_backward(dW, dout, ids, N, T, V, E);
    return LM_OK;
}

/* ---- RNN ------------------------------------------------------------------------------------------ */

/* The sizes every RNN call shares: N (and T for the calls over time), E, H, and the element counts
 * of Wx, Wh and one hidden state. */
static lm_status rnn_sizes(const char *fn, int N, const int *T, int E, int H, size_t *nWx, size_t *nWh,
                           size_t *nNH) {
    LM_TRY(need_count(fn, "N", "batch", N));
    if (T) LM_TRY(need_count(fn, "T", "time steps", *T));
    LM_TRY(need_dim(fn, "E", "input size", E));
    LM_TRY(need_dim(fn, "H", "hidden size", H));
    LM_TRY(need_elems(fn, "Wx (E, H)", nWx, E, H, 1));
    LM_TRY(need_elems(fn, "Wh (H, H)", nWh, H, H, 1));
    LM_TRY(need_elems(fn, "h (N, H)", nNH, N, H, 1));
    return LM_OK;
}

int lm_layer_rnn_step_forward(lm_float *h, const lm_float *x, const lm_float *h_prev, const lm_float *Wx,
                              const lm_float *Wh, const lm_float *b, int N, int E, int H) {
    const char *fn = "rnn_step_forward";
    size_t nWx = 0, nWh = 0, nNH = 0, nx = 0; /* set by need_elems; zeroed for -O3's flow analysis */
    LM_TRY(rnn_sizes(fn, N, NULL, E, H, &nWx, &nWh, &nNH));
    LM_TRY(need_elems(fn, "x (N, E)", &nx, N, E, 1));
    LM_TRY(need_ptr(fn, "h", h));
    LM_TRY(need_ptr(fn, "x", x));
    LM_TRY(need_ptr(fn, "h_prev", h_prev));
    LM_TRY(need_ptr(fn, "Wx", Wx));
    LM_TRY(need_ptr(fn, "Wh", Wh));
    LM_TRY(need_ptr(fn, "b", b));
    LM_TRY(need_finite(fn, "x", x, nx));
    LM_TRY(need_finite(fn, "h_prev", h_prev, nNH));
    LM_TRY(need_finite(fn, "Wx", Wx, nWx));
    LM_TRY(need_finite(fn, "Wh", Wh, nWh));
    LM_TRY(need_finite(fn, "b", b, (size_t)H));
    rnn_step_forward(h, x, h_prev, Wx, Wh, b, N, E, H);
    return LM_OK;
}

int lm_layer_rnn_step_backward(lm_float *dx, lm_float *dh_prev, lm_float *dWx, lm_float *dWh, lm_float *db,
                               const lm_float *dh, const lm_float *x, const lm_float *h_prev, const lm_float *h,
                               const lm_float *Wx, const lm_float *Wh, int N, int E, int H) {
    const char *fn = "rnn_step_backward";
    size_t nWx = 0, nWh = 0, nNH = 0, nx = 0; /* set by need_elems; zeroed for -O3's flow analysis */
    LM_TRY(rnn_sizes(fn, N, NULL, E, H, &nWx, &nWh, &nNH));
    LM_TRY(need_elems(fn, "x (N, E)", &nx, N, E, 1));
    LM_TRY(need_ptr(fn, "dWx", dWx));
    LM_TRY(need_ptr(fn, "dWh", dWh));
    LM_TRY(need_ptr(fn, "db", db));
    LM_TRY(need_ptr(fn, "dh", dh));
    LM_TRY(need_ptr(fn, "x", x));
    LM_TRY(need_ptr(fn, "h_prev", h_prev));
    LM_TRY(need_ptr(fn, "h", h));
    LM_TRY(need_ptr(fn, "Wx", Wx));
    LM_TRY(need_ptr(fn, "Wh", Wh));
    LM_TRY(need_finite(fn, "dh", dh, nNH));
    LM_TRY(need_finite(fn, "x", x, nx));
    LM_TRY(need_finite(fn, "h_prev", h_prev, nNH));
    LM_TRY(need_finite(fn, "h", h, nNH));
    LM_TRY(need_finite(fn, "Wx", Wx, nWx));
    LM_TRY(need_finite(fn, "Wh", Wh, nWh));
    lm_float *work; // (N, H)
    LM_TRY(alloc_work(fn, &work, nNH));
    rnn_step_backward(dx, dh_prev, dWx, dWh, db, dh, x, h_prev, h, Wx, Wh, work, N, E, H);
    lm_free(work);
    return LM_OK;
}

int lm_layer_rnn_forward(lm_float *h, const lm_float *x, const lm_float *h0, const lm_float *Wx, const lm_float *Wh,
                         const lm_float *b, int N, int T, int E, int H) {
    const char *fn = "rnn_forward";
    size_t nWx = 0, nWh = 0, nNH = 0, nx = 0, nh = 0; /* set by need_elems; zeroed for -O3's flow analysis */
    LM_TRY(rnn_sizes(fn, N, &T, E, H, &nWx, &nWh, &nNH));
    LM_TRY(need_elems(fn, "x (N, T, E)", &nx, N, T, E));
    LM_TRY(need_elems(fn, "h (N, T, H)", &nh, N, T, H));
    LM_TRY(need_ptr(fn, "h", h));
    LM_TRY(need_ptr(fn, "x", x));
    LM_TRY(need_ptr(fn, "h0", h0));
    LM_TRY(need_ptr(fn, "Wx", Wx));
    LM_TRY(need_ptr(fn, "Wh", Wh));
    LM_TRY(need_ptr(fn, "b", b));
    LM_TRY(need_finite(fn, "x", x, nx));
    LM_TRY(need_finite(fn, "h0", h0, nNH));
    LM_TRY(need_finite(fn, "Wx", Wx, nWx));
    LM_TRY(need_finite(fn, "Wh", Wh, nWh));
    LM_TRY(need_finite(fn, "b", b, (size_t)H));
    rnn_forward(h, x, h0, Wx, Wh, b, N, T, E, H);
    return LM_OK;
}

int lm_layer_rnn_backward(lm_float *dx, lm_float *dh0, lm_float *dWx, lm_float *dWh, lm_float *db, const lm_float *dh,
                          const lm_float *x, const lm_float *h0, const lm_float *h, const lm_float *Wx,
                          const lm_float *Wh, int N, int T, int E, int H) {
    const char *fn = "rnn_backward";
    size_t nWx = 0, nWh = 0, nNH = 0, nx = 0, nh = 0; /* set by need_elems; zeroed for -O3's flow analysis */
    LM_TRY(rnn_sizes(fn, N, &T, E, H, &nWx, &nWh, &nNH));
    LM_TRY(need_elems(fn, "x (N, T, E)", &nx, N, T, E));
    LM_TRY(need_elems(fn, "h (N, T, H)", &nh, N, T, H));
    LM_TRY(need_ptr(fn, "dWx", dWx));
    LM_TRY(need_ptr(fn, "dWh", dWh));
    LM_TRY(need_ptr(fn, "db", db));
    LM_TRY(need_ptr(fn, "dh", dh));
    LM_TRY(need_ptr(fn, "x", x));
    LM_TRY(need_ptr(fn, "h0", h0));
    LM_TRY(need_ptr(fn, "h", h));
    LM_TRY(need_ptr(fn, "Wx", Wx));
    LM_TRY(need_ptr(fn, "Wh", Wh));
    LM_TRY(need_finite(fn, "dh", dh, nh));
    LM_TRY(need_finite(fn, "x", x, nx));
    LM_TRY(need_finite(fn, "h0", h0, nNH));
    LM_TRY(need_finite(fn, "h", h, nh));
    LM_TRY(need_finite(fn, "Wx", Wx, nWx));
    LM_TRY(need_finite(fn, "Wh", Wh, nWh));
    lm_float *work; // da (N, T, H) then dh_next (N, H)
    LM_TRY(alloc_work(fn, &work, nh + nNH));
    rnn_backward(dx, dh0, dWx, dWh, db, dh, x, h0, h, Wx, Wh, work, N, T, E, H);
    lm_free(work);
    return LM_OK;
}

/* ---- hidden to scores, loss ---------------------------------------------------------------------- */

static lm_status affine_sizes(const char *fn, int N, int T, int H, int V, size_t *nh, size_t *nW, size_t *nout) {
    LM_TRY(need_count(fn, "N", "batch", N));
    LM_TRY(need_count(fn, "T", "time steps", T));
    LM_TRY(need_dim(fn, "H", "hidden size", H));
    LM_TRY(need_vocab(fn, V));
    LM_TRY(need_elems(fn, "h (N, T, H)", nh, N, T, H));
    LM_TRY(need_elems(fn, "W (H, V)", nW, H, V, 1));
    LM_TRY(need_elems(fn, "scores (N, T, V)", nout, N, T, V));
    return LM_OK;
}

int lm_layer_temporal_affine_forward(lm_float *out, const lm_float *h, const lm_float *W, const lm_float *b, int N,
                                     int T, int H, int V) {
    const char *fn = "temporal_affine_forward";
    size_t nh = 0, nW = 0, nout = 0; /* set by need_elems; zeroed for -O3's flow analysis */
    LM_TRY(affine_sizes(fn, N, T, H, V, &nh, &nW, &nout));
    LM_TRY(need_ptr(fn, "out", out));
    LM_TRY(need_ptr(fn, "h", h));
    LM_TRY(need_ptr(fn, "W", W));
    LM_TRY(need_ptr(fn, "b", b));
    LM_TRY(need_finite(fn, "h", h, nh));
    LM_TRY(need_finite(fn, "W", W, nW));
    LM_TRY(need_finite(fn, "b", b, (size_t)V));
    temporal_affine_forward(out, h, W, b, N, T, H, V);
    return LM_OK;
}

int lm_layer_temporal_affine_backward(lm_float *dh, lm_float *dW, lm_float *db, const lm_float *dout,
                                      const lm_float *h, const lm_float *W, int N, int T, int H, int V) {
    const char *fn = "temporal_affine_backward";
    size_t nh = 0, nW = 0, nout = 0; /* set by need_elems; zeroed for -O3's flow analysis */
    LM_TRY(affine_sizes(fn, N, T, H, V, &nh, &nW, &nout));
    LM_TRY(need_ptr(fn, "dW", dW));
    LM_TRY(need_ptr(fn, "db", db));
    LM_TRY(need_ptr(fn, "dout", dout));
    LM_TRY(need_ptr(fn, "h", h));
    LM_TRY(need_ptr(fn, "W", W));
    LM_TRY(need_finite(fn, "dout", dout, nout));
    LM_TRY(need_finite(fn, "h", h, nh));
    LM_TRY(need_finite(fn, "W", W, nW));
    temporal_affine_backward(dh, dW, db, dout, h, W, N, T, H, V);
    return LM_OK;
}

int lm_layer_temporal_softmax_loss(double *loss, lm_float *dscores, const lm_float *scores, const int32_t *y,
                                   const uint8_t *mask, int N, int T, int V) {
    const char *fn = "temporal_softmax_loss";
    size_t nout = 0; /* set by need_elems; zeroed for -O3's flow analysis */
    LM_TRY(need_count(fn, "N", "batch", N));
    LM_TRY(need_count(fn, "T", "time steps", T));
    LM_TRY(need_vocab(fn, V));
    LM_TRY(need_elems(fn, "scores (N, T, V)", &nout, N, T, V));
    LM_TRY(need_ptr(fn, "loss", loss));
    LM_TRY(need_ptr(fn, "scores", scores));
    LM_TRY(need_ptr(fn, "y", y));
    LM_TRY(need_ids(fn, "y", y, mask, N, T, V));
    LM_TRY(need_finite(fn, "scores", scores, nout));
    *loss = temporal_softmax_loss(dscores, scores, y, mask, N, T, V);
    return LM_OK;
}
