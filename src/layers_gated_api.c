/* layers_gated_api.c — the exported (LM_API) edge of the gated cells and the fixed-window LM, for
 * the JS glue and autograders: sizes are checked (range, overflow), required pointers must be
 * non-NULL, inputs must be finite and ids in range, each failure naming the function and the problem
 * in an lm_fail sentence. The workspace is allocated here, once per call, and freed before returning.
 * The JS side checks that array lengths agree with the shapes; C cannot see lengths.
 * Shapes as in layers_gated.h: N batch, T time, V vocabulary, E input, H hidden, W window. */
#include "layers_gated.h"
#include "layers_gated_api.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>

static lm_status check_dim(const char *fn, const char *name, int v, int max) {
    if (v < 1 || v > max)
        return lm_fail(LM_ERR_ARG, "%s: %s must be between 1 and %d, got %d", fn, name, max, v);
    return LM_OK;
}

static lm_status check_ptr(const char *fn, const char *name, const void *p) {
    if (!p) return lm_fail(LM_ERR_ARG, "%s: %s is NULL, but it is required", fn, name);
    return LM_OK;
}

/* n elements of p must be finite: a NaN here would silently spread through every later step. */
static lm_status check_finite(const char *fn, const char *name, const lm_float *p, size_t n) {
    if (!p) return LM_OK;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(p[i]))
            return lm_fail(LM_ERR_NONFINITE, "%s: %s holds a non-finite value (NaN or infinity) at index %zu", fn,
                           name, i);
    return LM_OK;
}

/* N·T rows of at most `width` elements must be addressable: the product fits size_t and the row
 * count an int (the kernels' M). */
static lm_status check_rows(const char *fn, int N, int T, size_t width) {
    size_t rows = lm_size_mul((size_t)N, (size_t)T);
    if (rows == 0 || rows > INT_MAX || lm_size_mul(lm_size_mul(rows, width), sizeof(lm_float)) == 0)
        return lm_fail(LM_ERR_ARG, "%s: N·T = %d·%d rows of %zu values is too large to address", fn, N, T, width);
    return LM_OK;
}

static lm_float *alloc_work(const char *fn, size_t count) {
    size_t bytes = lm_size_mul(count, sizeof(lm_float));
    lm_float *p = bytes ? malloc(bytes) : NULL;
    if (!p) lm_fail(LM_ERR_NOMEM, "%s: cannot allocate %zu values of workspace", fn, count);
    return p;
}

/* The shared checks of a recurrent cell with G gates: sizes, then the inputs every call reads. */
static lm_status check_cell_sizes(const char *fn, int N, int T, int E, int H, int G) {
    LM_TRY(check_dim(fn, "N (batch)", N, INT_MAX));
    LM_TRY(check_dim(fn, "T (time steps)", T, INT_MAX));
    LM_TRY(check_dim(fn, "E (input size)", E, LM_MAX_DIM));
    LM_TRY(check_dim(fn, "H (hidden size)", H, LM_MAX_DIM));
    size_t widest = (size_t)G * H + 2 * (size_t)H;
    if ((size_t)E > widest) widest = (size_t)E;
    return check_rows(fn, N, T, widest);
}

/* ---- LSTM -------------------------------------------------------------------------------------- */

/* h (N, T, H), cT (N, H) or NULL, cache (N, T, 6H) out; x (N, T, E); h0, c0 (N, H); Wx (E, 4H);
 * Wh (H, 4H); b (4H,). Returns an lm_status. */
LM_API int lm_layer_lstm_forward(lm_float *h, lm_float *cT, lm_float *cache, const lm_float *x,
                                 const lm_float *h0, const lm_float *c0, const lm_float *Wx, const lm_float *Wh,
                                 const lm_float *b, int N, int T, int E, int H) {
    const char *fn = "lstm_forward";
    LM_TRY(check_cell_sizes(fn, N, T, E, H, 4));
    const size_t NT = (size_t)N * T, NH = (size_t)N * H, G = 4 * (size_t)H;
    LM_TRY(check_ptr(fn, "h", h));
    LM_TRY(check_ptr(fn, "cache", cache));
    LM_TRY(check_ptr(fn, "x", x));
    LM_TRY(check_ptr(fn, "h0", h0));
    LM_TRY(check_ptr(fn, "c0", c0));
    LM_TRY(check_ptr(fn, "Wx", Wx));
    LM_TRY(check_ptr(fn, "Wh", Wh));
    LM_TRY(check_ptr(fn, "b", b));
    LM_TRY(check_finite(fn, "x", x, NT * E));
    LM_TRY(check_finite(fn, "h0", h0, NH));
    LM_TRY(check_finite(fn, "c0", c0, NH));
    LM_TRY(check_finite(fn, "Wx", Wx, (size_t)E * G));
    LM_TRY(check_finite(fn, "Wh", Wh, (size_t)H * G));
    LM_TRY(check_finite(fn, "b", b, G));
    lm_float *work = alloc_work(fn, LSTM_WORK_FORWARD(N, T, H));
    if (!work) return LM_ERR_NOMEM;
    lstm_forward(h, cT, cache, x, h0, c0, Wx, Wh, b, work, N, T, E, H);
    free(work);
    return LM_OK;
}

/* dx (N, T, E), dh0, dc0 (N, H), dh_norms (T,) or NULL (overwritten); dWx (E, 4H), dWh (H, 4H),
 * db (4H,) += (pass zeros for the plain gradient); dh (N, T, H); dcT (N, H) or NULL; x, h0, c0, h,
 * cache as given to / written by lm_layer_lstm_forward. */
LM_API int lm_layer_lstm_backward(lm_float *dx, lm_float *dh0, lm_float *dc0, lm_float *dWx, lm_float *dWh,
                                  lm_float *db, lm_float *dh_norms, const lm_float *dh, const lm_float *dcT,
                                  const lm_float *x, const lm_float *h0, const lm_float *c0, const lm_float *h,
                                  const lm_float *cache, const lm_float *Wx, const lm_float *Wh, int N, int T,
                                  int E, int H) {
    const char *fn = "lstm_backward";
    LM_TRY(check_cell_sizes(fn, N, T, E, H, 4));
    const size_t NT = (size_t)N * T, NH = (size_t)N * H, G = 4 * (size_t)H;
    LM_TRY(check_ptr(fn, "dWx", dWx));
    LM_TRY(check_ptr(fn, "dWh", dWh));
    LM_TRY(check_ptr(fn, "db", db));
    LM_TRY(check_ptr(fn, "dh", dh));
    LM_TRY(check_ptr(fn, "x", x));
    LM_TRY(check_ptr(fn, "h0", h0));
    LM_TRY(check_ptr(fn, "c0", c0));
    LM_TRY(check_ptr(fn, "h", h));
    LM_TRY(check_ptr(fn, "cache", cache));
    LM_TRY(check_ptr(fn, "Wx", Wx));
    LM_TRY(check_ptr(fn, "Wh", Wh));
    LM_TRY(check_finite(fn, "dh", dh, NT * H));
    LM_TRY(check_finite(fn, "dcT", dcT, NH));
    LM_TRY(check_finite(fn, "cache", cache, NT * 6 * H));
    LM_TRY(check_finite(fn, "Wh", Wh, (size_t)H * G));
    LM_TRY(check_finite(fn, "Wx", Wx, (size_t)E * G));
    lm_float *work = alloc_work(fn, LSTM_WORK_BACKWARD(N, T, H));
    if (!work) return LM_ERR_NOMEM;
    lstm_backward(dx, dh0, dc0, dWx, dWh, db, dh_norms, dh, dcT, x, h0, c0, h, cache, Wx, Wh, work, N, T, E, H);
    free(work);
    return LM_OK;
}

/* ---- GRU --------------------------------------------------------------------------------------- */

static lm_status check_variant(const char *fn, int variant, const void *bhn, const char *bhn_name) {
    if (variant != LM_GRU_LECTURE && variant != LM_GRU_TORCH)
        return lm_fail(LM_ERR_ARG, "%s: variant must be 0 (the lecture's GRU) or 1 (torch.nn.GRU), got %d", fn,
                       variant);
    if (variant == LM_GRU_TORCH && !bhn)
        return lm_fail(LM_ERR_ARG, "%s: the torch.nn.GRU variant needs %s (H,), the bias inside the reset gate",
                       fn, bhn_name);
    return LM_OK;
}

/* h (N, T, H), cache (N, T, 4H) out; x (N, T, E); h0 (N, H); Wx (E, 3H); Wh (H, 3H); b (3H,);
 * bhn (H,) for variant 1 (torch), ignored for variant 0 (lecture). */
LM_API int lm_layer_gru_forward(lm_float *h, lm_float *cache, const lm_float *x, const lm_float *h0,
                                const lm_float *Wx, const lm_float *Wh, const lm_float *b, const lm_float *bhn,
                                int N, int T, int E, int H, int variant) {
    const char *fn = "gru_forward";
    LM_TRY(check_cell_sizes(fn, N, T, E, H, 3));
    LM_TRY(check_variant(fn, variant, bhn, "bhn"));
    const size_t NT = (size_t)N * T, G = 3 * (size_t)H;
    LM_TRY(check_ptr(fn, "h", h));
    LM_TRY(check_ptr(fn, "cache", cache));
    LM_TRY(check_ptr(fn, "x", x));
    LM_TRY(check_ptr(fn, "h0", h0));
    LM_TRY(check_ptr(fn, "Wx", Wx));
    LM_TRY(check_ptr(fn, "Wh", Wh));
    LM_TRY(check_ptr(fn, "b", b));
    LM_TRY(check_finite(fn, "x", x, NT * E));
    LM_TRY(check_finite(fn, "h0", h0, (size_t)N * H));
    LM_TRY(check_finite(fn, "Wx", Wx, (size_t)E * G));
    LM_TRY(check_finite(fn, "Wh", Wh, (size_t)H * G));
    LM_TRY(check_finite(fn, "b", b, G));
    if (variant == LM_GRU_TORCH) LM_TRY(check_finite(fn, "bhn", bhn, (size_t)H));
    lm_float *work = alloc_work(fn, GRU_WORK_FORWARD(N, T, H));
    if (!work) return LM_ERR_NOMEM;
    gru_forward(h, cache, x, h0, Wx, Wh, b, variant == LM_GRU_TORCH ? bhn : NULL, work, N, T, E, H,
                (lm_gru_variant)variant);
    free(work);
    return LM_OK;
}

/* dx (N, T, E), dh0 (N, H), dh_norms (T,) or NULL; dWx (E, 3H), dWh (H, 3H), db (3H,) +=, dbhn (H,) +=
 * (variant 1 only); dh (N, T, H); x, h0, h, cache from the forward. */
LM_API int lm_layer_gru_backward(lm_float *dx, lm_float *dh0, lm_float *dWx, lm_float *dWh, lm_float *db,
                                 lm_float *dbhn, lm_float *dh_norms, const lm_float *dh, const lm_float *x,
                                 const lm_float *h0, const lm_float *h, const lm_float *cache, const lm_float *Wx,
                                 const lm_float *Wh, int N, int T, int E, int H, int variant) {
    const char *fn = "gru_backward";
    LM_TRY(check_cell_sizes(fn, N, T, E, H, 3));
    LM_TRY(check_variant(fn, variant, dbhn, "dbhn"));
    const size_t NT = (size_t)N * T, G = 3 * (size_t)H;
    LM_TRY(check_ptr(fn, "dWx", dWx));
    LM_TRY(check_ptr(fn, "dWh", dWh));
    LM_TRY(check_ptr(fn, "db", db));
    LM_TRY(check_ptr(fn, "dh", dh));
    LM_TRY(check_ptr(fn, "x", x));
    LM_TRY(check_ptr(fn, "h0", h0));
    LM_TRY(check_ptr(fn, "h", h));
    LM_TRY(check_ptr(fn, "cache", cache));
    LM_TRY(check_ptr(fn, "Wx", Wx));
    LM_TRY(check_ptr(fn, "Wh", Wh));
    LM_TRY(check_finite(fn, "dh", dh, NT * H));
    LM_TRY(check_finite(fn, "cache", cache, NT * 4 * H));
    LM_TRY(check_finite(fn, "Wh", Wh, (size_t)H * G));
    LM_TRY(check_finite(fn, "Wx", Wx, (size_t)E * G));
    lm_float *work = alloc_work(fn, GRU_WORK_BACKWARD(N, T, H));
    if (!work) return LM_ERR_NOMEM;
    gru_backward(dx, dh0, dWx, dWh, db, variant == LM_GRU_TORCH ? dbhn : NULL, dh_norms, dh, x, h0, h, cache, Wx,
                 Wh, work, N, T, E, H, (lm_gru_variant)variant);
    free(work);
    return LM_OK;
}

/* ---- fixed-window LM --------------------------------------------------------------------------- */

static lm_status check_window_sizes(const char *fn, int N, int W, int V, int E, int H) {
    LM_TRY(check_dim(fn, "N (rows)", N, INT_MAX));
    LM_TRY(check_dim(fn, "W (window width)", W, LM_MAX_DIM));
    LM_TRY(check_dim(fn, "V (vocabulary size)", V, LM_MAX_VOCAB));
    LM_TRY(check_dim(fn, "E (embedding size)", E, LM_MAX_DIM));
    LM_TRY(check_dim(fn, "H (hidden size)", H, LM_MAX_DIM));
    size_t widest = (size_t)W * E;
    if ((size_t)V > widest) widest = (size_t)V;
    if (widest > INT_MAX) return lm_fail(LM_ERR_ARG, "%s: W·E = %d·%d is too large", fn, W, E);
    return check_rows(fn, N, 1, widest);
}

static lm_status check_ids(const char *fn, const int32_t *ids, size_t n, int V) {
    for (size_t i = 0; i < n; i++)
        if (ids[i] != LM_WINDOW_PAD && (ids[i] < 0 || ids[i] >= V))
            return lm_fail(LM_ERR_ARG, "%s: ids[%zu] = %d is outside the vocabulary [0, %d) and is not the pad id %d",
                           fn, i, (int)ids[i], V, LM_WINDOW_PAD);
    return LM_OK;
}

/* ctx (M, W) out: the W ids before positions start … start+M-1 of stream, LM_WINDOW_PAD (-1) before
 * stream[0]. stream holds start + M ids. */
LM_API int lm_layer_window_context(int32_t *ctx, const int32_t *stream, int start, int M, int W) {
    const char *fn = "window_context";
    LM_TRY(check_dim(fn, "M (positions)", M, INT_MAX));
    LM_TRY(check_dim(fn, "W (window width)", W, LM_MAX_DIM));
    if (start < 0) return lm_fail(LM_ERR_ARG, "%s: start must be >= 0, got %d", fn, start);
    LM_TRY(check_rows(fn, M, 1, (size_t)W));
    LM_TRY(check_ptr(fn, "ctx", ctx));
    LM_TRY(check_ptr(fn, "stream", stream));
    window_context(ctx, stream + start, M, W, start);
    return LM_OK;
}

/* scores (N, V), e (N, W·E), h (N, H) out; ids (N, W) in [0, V) or -1 (pad); emb (V, E);
 * Wh (W·E, H); b1 (H,); U (H, V); b2 (V,). */
LM_API int lm_layer_window_forward(lm_float *scores, lm_float *e, lm_float *h, const int32_t *ids,
                                   const lm_float *emb, const lm_float *Wh, const lm_float *b1, const lm_float *U,
                                   const lm_float *b2, int N, int W, int V, int E, int H) {
    const char *fn = "window_forward";
    LM_TRY(check_window_sizes(fn, N, W, V, E, H));
    LM_TRY(check_ptr(fn, "scores", scores));
    LM_TRY(check_ptr(fn, "e", e));
    LM_TRY(check_ptr(fn, "h", h));
    LM_TRY(check_ptr(fn, "ids", ids));
    LM_TRY(check_ptr(fn, "emb", emb));
    LM_TRY(check_ptr(fn, "Wh", Wh));
    LM_TRY(check_ptr(fn, "b1", b1));
    LM_TRY(check_ptr(fn, "U", U));
    LM_TRY(check_ptr(fn, "b2", b2));
    LM_TRY(check_ids(fn, ids, (size_t)N * W, V));
    LM_TRY(check_finite(fn, "emb", emb, (size_t)V * E));
    LM_TRY(check_finite(fn, "Wh", Wh, (size_t)W * E * H));
    LM_TRY(check_finite(fn, "b1", b1, (size_t)H));
    LM_TRY(check_finite(fn, "U", U, (size_t)H * V));
    LM_TRY(check_finite(fn, "b2", b2, (size_t)V));
    window_forward(scores, e, h, ids, emb, Wh, b1, U, b2, N, W, V, E, H);
    return LM_OK;
}

/* demb (V, E), dWh (W·E, H), db1 (H,), dU (H, V), db2 (V,) +=; dscores (N, V); ids, e, h from the
 * forward; Wh, U the parameters. */
LM_API int lm_layer_window_backward(lm_float *demb, lm_float *dWh, lm_float *db1, lm_float *dU, lm_float *db2,
                                    const lm_float *dscores, const int32_t *ids, const lm_float *e,
                                    const lm_float *h, const lm_float *Wh, const lm_float *U, int N, int W, int V,
                                    int E, int H) {
    const char *fn = "window_backward";
    LM_TRY(check_window_sizes(fn, N, W, V, E, H));
    LM_TRY(check_ptr(fn, "demb", demb));
    LM_TRY(check_ptr(fn, "dWh", dWh));
    LM_TRY(check_ptr(fn, "db1", db1));
    LM_TRY(check_ptr(fn, "dU", dU));
    LM_TRY(check_ptr(fn, "db2", db2));
    LM_TRY(check_ptr(fn, "dscores", dscores));
    LM_TRY(check_ptr(fn, "ids", ids));
    LM_TRY(check_ptr(fn, "e", e));
    LM_TRY(check_ptr(fn, "h", h));
    LM_TRY(check_ptr(fn, "Wh", Wh));
    LM_TRY(check_ptr(fn, "U", U));
    LM_TRY(check_ids(fn, ids, (size_t)N * W, V));
    LM_TRY(check_finite(fn, "dscores", dscores, (size_t)N * V));
    LM_TRY(check_finite(fn, "e", e, (size_t)N * W * E));
    LM_TRY(check_finite(fn, "h", h, (size_t)N * H));
    lm_float *work = alloc_work(fn, WINDOW_WORK_BACKWARD(N, W, E, H));
    if (!work) return LM_ERR_NOMEM;
    window_backward(demb, dWh, db1, dU, db2, dscores, ids, e, h, Wh, U, work, N, W, V, E, H);
    free(work);
    return LM_OK;
}
