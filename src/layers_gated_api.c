/* layers_gated_api.c — the exported edge (lmlab.h) of the gated cells and the fixed-window LM, for the
 * JS glue and autograders: sizes (range, the one element-count rule), required pointers, ids and the
 * finiteness of every input read are checked with lm_check.h's sentences; the workspace is allocated
 * here, once per call, and freed before returning. The JS side checks that array lengths agree with
 * the shapes; C cannot see lengths.
 * Shapes as in layers_gated.h: N batch, T time, V vocabulary, E input, H hidden, W window. */
#include "layers_gated.h"
#include "lm_check.h"

/* The sizes every recurrent-cell call shares, and the element counts of its arrays (G gates):
 * x (N, T, E), h (N, T, H), cache (N, T, C) with C = cache_gates·H, Wx (E, G·H), Wh (H, G·H). */
typedef struct {
    size_t x, h, cache, Wx, Wh, NH;
} cell_sizes;

static lm_status check_cell_sizes(const char *fn, int N, int T, int E, int H, int G, int cache_gates, cell_sizes *n) {
    LM_TRY(lm_check_min(fn, "N (batch)", N, 1));
    LM_TRY(lm_check_min(fn, "T (time steps)", T, 1));
    LM_TRY(lm_check_dim(fn, "E (input size)", E));
    LM_TRY(lm_check_dim(fn, "H (hidden size)", H));
    LM_TRY(lm_check_elems(fn, "x (N, T, E)", &n->x, N, T, E));
    LM_TRY(lm_check_elems(fn, "h (N, T, H)", &n->h, N, T, H));
    LM_TRY(lm_check_elems(fn, "cache (N, T, C)", &n->cache, N, T, cache_gates * H));
    LM_TRY(lm_check_elems(fn, "Wx (E, G·H)", &n->Wx, E, G * H, 1));
    LM_TRY(lm_check_elems(fn, "Wh (H, G·H)", &n->Wh, H, G * H, 1));
    n->NH = (size_t)N * H;
    return LM_OK;
}

/* ---- LSTM -------------------------------------------------------------------------------------- */

lm_status lm_layer_lstm_forward(lm_float *h, lm_float *cT, lm_float *cache, const lm_float *x, const lm_float *h0,
                                const lm_float *c0, const lm_float *Wx, const lm_float *Wh, const lm_float *b, int N,
                                int T, int E, int H) {
    const char *fn = "lstm_forward";
    cell_sizes n;
    LM_TRY(check_cell_sizes(fn, N, T, E, H, 4, 6, &n));
    LM_TRY(lm_check_ptr(fn, "h", h));
    LM_TRY(lm_check_ptr(fn, "cache", cache));
    LM_TRY(lm_check_ptr(fn, "x", x));
    LM_TRY(lm_check_ptr(fn, "h0", h0));
    LM_TRY(lm_check_ptr(fn, "c0", c0));
    LM_TRY(lm_check_ptr(fn, "Wx", Wx));
    LM_TRY(lm_check_ptr(fn, "Wh", Wh));
    LM_TRY(lm_check_ptr(fn, "b", b));
    LM_TRY(lm_check_finite(fn, "x", x, n.x));
    LM_TRY(lm_check_finite(fn, "h0", h0, n.NH));
    LM_TRY(lm_check_finite(fn, "c0", c0, n.NH));
    LM_TRY(lm_check_finite(fn, "Wx", Wx, n.Wx));
    LM_TRY(lm_check_finite(fn, "Wh", Wh, n.Wh));
    LM_TRY(lm_check_finite(fn, "b", b, 4 * (size_t)H));
    lm_float *work = lm_check_workspace(fn, LSTM_WORK_FORWARD(N, T, H));
    if (!work) return LM_ERR_NOMEM;
    lstm_forward(h, cT, cache, x, h0, c0, Wx, Wh, b, work, N, T, E, H);
    lm_free(work);
    return LM_OK;
}

lm_status lm_layer_lstm_backward(lm_float *dx, lm_float *dh0, lm_float *dc0, lm_float *dWx, lm_float *dWh, lm_float *db,
                                 lm_float *dh_norms, const lm_float *dh, const lm_float *dcT, const lm_float *x,
                                 const lm_float *h0, const lm_float *c0, const lm_float *h, const lm_float *cache,
                                 const lm_float *Wx, const lm_float *Wh, int N, int T, int E, int H) {
    const char *fn = "lstm_backward";
    cell_sizes n;
    LM_TRY(check_cell_sizes(fn, N, T, E, H, 4, 6, &n));
    LM_TRY(lm_check_ptr(fn, "dWx", dWx));
    LM_TRY(lm_check_ptr(fn, "dWh", dWh));
    LM_TRY(lm_check_ptr(fn, "db", db));
    LM_TRY(lm_check_ptr(fn, "dh", dh));
    LM_TRY(lm_check_ptr(fn, "x", x));
    LM_TRY(lm_check_ptr(fn, "h0", h0));
    LM_TRY(lm_check_ptr(fn, "c0", c0));
    LM_TRY(lm_check_ptr(fn, "h", h));
    LM_TRY(lm_check_ptr(fn, "cache", cache));
    LM_TRY(lm_check_ptr(fn, "Wx", Wx));
    LM_TRY(lm_check_ptr(fn, "Wh", Wh));
    LM_TRY(lm_check_finite(fn, "dh", dh, n.h));
    LM_TRY(lm_check_finite(fn, "dcT", dcT, n.NH));
    LM_TRY(lm_check_finite(fn, "x", x, n.x));
    LM_TRY(lm_check_finite(fn, "h0", h0, n.NH));
    LM_TRY(lm_check_finite(fn, "c0", c0, n.NH));
    LM_TRY(lm_check_finite(fn, "h", h, n.h));
    LM_TRY(lm_check_finite(fn, "cache", cache, n.cache));
    LM_TRY(lm_check_finite(fn, "Wx", Wx, n.Wx));
    LM_TRY(lm_check_finite(fn, "Wh", Wh, n.Wh));
    lm_float *work = lm_check_workspace(fn, LSTM_WORK_BACKWARD(N, T, H));
    if (!work) return LM_ERR_NOMEM;
    lstm_backward(dx, dh0, dc0, dWx, dWh, db, dh_norms, dh, dcT, x, h0, c0, h, cache, Wx, Wh, work, N, T, E, H);
    lm_free(work);
    return LM_OK;
}

/* ---- GRU --------------------------------------------------------------------------------------- */

/* variant is an lm_gru_variant; the torch variant needs its reset-gate bias bhn (or dbhn). */
static lm_status check_variant(const char *fn, int variant, const void *bhn, const char *bhn_name) {
    LM_TRY(lm_check_choice(fn, "variant", variant, 2, "0 (the lecture's GRU) or 1 (torch.nn.GRU)"));
    if (variant == LM_GRU_TORCH && !bhn)
        return lm_fail(LM_ERR_ARG, "%s: the torch.nn.GRU variant needs %s (H,), the bias inside the reset gate", fn,
                       bhn_name);
    return LM_OK;
}

lm_status lm_layer_gru_forward(lm_float *h, lm_float *cache, const lm_float *x, const lm_float *h0, const lm_float *Wx,
                               const lm_float *Wh, const lm_float *b, const lm_float *bhn, int N, int T, int E, int H,
                               int variant) {
    const char *fn = "gru_forward";
    cell_sizes n;
    LM_TRY(check_cell_sizes(fn, N, T, E, H, 3, 4, &n));
    LM_TRY(check_variant(fn, variant, bhn, "bhn"));
    LM_TRY(lm_check_ptr(fn, "h", h));
    LM_TRY(lm_check_ptr(fn, "cache", cache));
    LM_TRY(lm_check_ptr(fn, "x", x));
    LM_TRY(lm_check_ptr(fn, "h0", h0));
    LM_TRY(lm_check_ptr(fn, "Wx", Wx));
    LM_TRY(lm_check_ptr(fn, "Wh", Wh));
    LM_TRY(lm_check_ptr(fn, "b", b));
    LM_TRY(lm_check_finite(fn, "x", x, n.x));
    LM_TRY(lm_check_finite(fn, "h0", h0, n.NH));
    LM_TRY(lm_check_finite(fn, "Wx", Wx, n.Wx));
    LM_TRY(lm_check_finite(fn, "Wh", Wh, n.Wh));
    LM_TRY(lm_check_finite(fn, "b", b, 3 * (size_t)H));
    if (variant == LM_GRU_TORCH) LM_TRY(lm_check_finite(fn, "bhn", bhn, (size_t)H));
    lm_float *work = lm_check_workspace(fn, GRU_WORK_FORWARD(N, T, H));
    if (!work) return LM_ERR_NOMEM;
    gru_forward(h, cache, x, h0, Wx, Wh, b, variant == LM_GRU_TORCH ? bhn : NULL, work, N, T, E, H,
                (lm_gru_variant)variant);
    lm_free(work);
    return LM_OK;
}

lm_status lm_layer_gru_backward(lm_float *dx, lm_float *dh0, lm_float *dWx, lm_float *dWh, lm_float *db, lm_float *dbhn,
                                lm_float *dh_norms, const lm_float *dh, const lm_float *x, const lm_float *h0,
                                const lm_float *h, const lm_float *cache, const lm_float *Wx, const lm_float *Wh, int N,
                                int T, int E, int H, int variant) {
    const char *fn = "gru_backward";
    cell_sizes n;
    LM_TRY(check_cell_sizes(fn, N, T, E, H, 3, 4, &n));
    LM_TRY(check_variant(fn, variant, dbhn, "dbhn"));
    LM_TRY(lm_check_ptr(fn, "dWx", dWx));
    LM_TRY(lm_check_ptr(fn, "dWh", dWh));
    LM_TRY(lm_check_ptr(fn, "db", db));
    LM_TRY(lm_check_ptr(fn, "dh", dh));
    LM_TRY(lm_check_ptr(fn, "x", x));
    LM_TRY(lm_check_ptr(fn, "h0", h0));
    LM_TRY(lm_check_ptr(fn, "h", h));
    LM_TRY(lm_check_ptr(fn, "cache", cache));
    LM_TRY(lm_check_ptr(fn, "Wx", Wx));
    LM_TRY(lm_check_ptr(fn, "Wh", Wh));
    LM_TRY(lm_check_finite(fn, "dh", dh, n.h));
    LM_TRY(lm_check_finite(fn, "x", x, n.x));
    LM_TRY(lm_check_finite(fn, "h0", h0, n.NH));
    LM_TRY(lm_check_finite(fn, "h", h, n.h));
    LM_TRY(lm_check_finite(fn, "cache", cache, n.cache));
    LM_TRY(lm_check_finite(fn, "Wx", Wx, n.Wx));
    LM_TRY(lm_check_finite(fn, "Wh", Wh, n.Wh));
    lm_float *work = lm_check_workspace(fn, GRU_WORK_BACKWARD(N, T, H));
    if (!work) return LM_ERR_NOMEM;
    gru_backward(dx, dh0, dWx, dWh, db, variant == LM_GRU_TORCH ? dbhn : NULL, dh_norms, dh, x, h0, h, cache, Wx, Wh,
                 work, N, T, E, H, (lm_gru_variant)variant);
    lm_free(work);
    return LM_OK;
}

/* ---- fixed-window LM --------------------------------------------------------------------------- */

/* The element counts of the window model's arrays. */
typedef struct {
    size_t ids, emb, e, Wh, h, U, scores;
} window_sizes;

static lm_status check_window_sizes(const char *fn, int N, int W, int V, int E, int H, window_sizes *n) {
    LM_TRY(lm_check_min(fn, "N (rows)", N, 1));
    LM_TRY(lm_check_dim(fn, "W (window width)", W));
    LM_TRY(lm_check_vocab(fn, V, 1));
    LM_TRY(lm_check_dim(fn, "E (embedding size)", E));
    LM_TRY(lm_check_dim(fn, "H (hidden size)", H));
    LM_TRY(lm_check_elems(fn, "ids (N, W)", &n->ids, N, W, 1));
    LM_TRY(lm_check_elems(fn, "emb (V, E)", &n->emb, V, E, 1));
    LM_TRY(lm_check_elems(fn, "e (N, W·E)", &n->e, N, W, E));
    LM_TRY(lm_check_elems(fn, "Wh (W·E, H)", &n->Wh, W, E, H));
    LM_TRY(lm_check_elems(fn, "h (N, H)", &n->h, N, H, 1));
    LM_TRY(lm_check_elems(fn, "U (H, V)", &n->U, H, V, 1));
    LM_TRY(lm_check_elems(fn, "scores (N, V)", &n->scores, N, V, 1));
    return LM_OK;
}

lm_status lm_layer_window_context(int32_t *ctx, const int32_t *stream, int start, int M, int W) {
    const char *fn = "window_context";
    size_t nctx;
    LM_TRY(lm_check_min(fn, "M (positions)", M, 1));
    LM_TRY(lm_check_dim(fn, "W (window width)", W));
    LM_TRY(lm_check_min(fn, "start", start, 0));
    LM_TRY(lm_check_elems(fn, "ctx (M, W)", &nctx, M, W, 1));
    LM_TRY(lm_check_ptr(fn, "ctx", ctx));
    LM_TRY(lm_check_ptr(fn, "stream", stream));
    window_context(ctx, stream + start, M, W, start);
    return LM_OK;
}

lm_status lm_layer_window_forward(lm_float *scores, lm_float *e, lm_float *h, const int32_t *ids, const lm_float *emb,
                                  const lm_float *Wh, const lm_float *b1, const lm_float *U, const lm_float *b2, int N,
                                  int W, int V, int E, int H) {
    const char *fn = "window_forward";
    window_sizes n;
    LM_TRY(check_window_sizes(fn, N, W, V, E, H, &n));
    LM_TRY(lm_check_ptr(fn, "scores", scores));
    LM_TRY(lm_check_ptr(fn, "e", e));
    LM_TRY(lm_check_ptr(fn, "h", h));
    LM_TRY(lm_check_ptr(fn, "ids", ids));
    LM_TRY(lm_check_ptr(fn, "emb", emb));
    LM_TRY(lm_check_ptr(fn, "Wh", Wh));
    LM_TRY(lm_check_ptr(fn, "b1", b1));
    LM_TRY(lm_check_ptr(fn, "U", U));
    LM_TRY(lm_check_ptr(fn, "b2", b2));
    LM_TRY(lm_check_ids(fn, "ids", ids, n.ids, W, V, NULL, 1));
    LM_TRY(lm_check_finite(fn, "emb", emb, n.emb));
    LM_TRY(lm_check_finite(fn, "Wh", Wh, n.Wh));
    LM_TRY(lm_check_finite(fn, "b1", b1, (size_t)H));
    LM_TRY(lm_check_finite(fn, "U", U, n.U));
    LM_TRY(lm_check_finite(fn, "b2", b2, (size_t)V));
    window_forward(scores, e, h, ids, emb, Wh, b1, U, b2, N, W, V, E, H);
    return LM_OK;
}

lm_status lm_layer_window_backward(lm_float *demb, lm_float *dWh, lm_float *db1, lm_float *dU, lm_float *db2,
                                   const lm_float *dscores, const int32_t *ids, const lm_float *e, const lm_float *h,
                                   const lm_float *Wh, const lm_float *U, int N, int W, int V, int E, int H) {
    const char *fn = "window_backward";
    window_sizes n;
    LM_TRY(check_window_sizes(fn, N, W, V, E, H, &n));
    LM_TRY(lm_check_ptr(fn, "demb", demb));
    LM_TRY(lm_check_ptr(fn, "dWh", dWh));
    LM_TRY(lm_check_ptr(fn, "db1", db1));
    LM_TRY(lm_check_ptr(fn, "dU", dU));
    LM_TRY(lm_check_ptr(fn, "db2", db2));
    LM_TRY(lm_check_ptr(fn, "dscores", dscores));
    LM_TRY(lm_check_ptr(fn, "ids", ids));
    LM_TRY(lm_check_ptr(fn, "e", e));
    LM_TRY(lm_check_ptr(fn, "h", h));
    LM_TRY(lm_check_ptr(fn, "Wh", Wh));
    LM_TRY(lm_check_ptr(fn, "U", U));
    LM_TRY(lm_check_ids(fn, "ids", ids, n.ids, W, V, NULL, 1));
    LM_TRY(lm_check_finite(fn, "dscores", dscores, n.scores));
    LM_TRY(lm_check_finite(fn, "e", e, n.e));
    LM_TRY(lm_check_finite(fn, "h", h, n.h));
    LM_TRY(lm_check_finite(fn, "Wh", Wh, n.Wh));
    LM_TRY(lm_check_finite(fn, "U", U, n.U));
    lm_float *work = lm_check_workspace(fn, WINDOW_WORK_BACKWARD(N, W, E, H));
    if (!work) return LM_ERR_NOMEM;
    window_backward(demb, dWh, db1, dU, db2, dscores, ids, e, h, Wh, U, work, N, W, V, E, H);
    lm_free(work);
    return LM_OK;
}
