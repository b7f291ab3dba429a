/* layers_api.c — the exported edge (lmlab.h) in front of layers.h: sizes, pointers, ids and
 * finiteness are checked here, once, with lm_check.h's sentences naming the layer, the argument and
 * the offending value, because the layers themselves trust their callers. Workspaces are allocated
 * here (overflow-checked) and freed before returning. Shape letters as in layers.h. */
#include "layers.h"
#include "lm_check.h"

/* ---- embedding ---------------------------------------------------------------------------------- */

lm_status lm_layer_embedding_forward(lm_float *out, const int32_t *ids, const lm_float *W, int N, int T, int V, int E) {
    const char *fn = "embedding_forward";
    size_t nout = 0, nW = 0; /* set by lm_check_elems; zeroed for -O3's flow analysis */
    LM_TRY(lm_check_min(fn, "N (batch)", N, 1));
    LM_TRY(lm_check_min(fn, "T (time steps)", T, 1));
    LM_TRY(lm_check_vocab(fn, V, 1));
    LM_TRY(lm_check_dim(fn, "E (embedding size)", E));
    LM_TRY(lm_check_elems(fn, "out (N, T, E)", &nout, N, T, E));
    LM_TRY(lm_check_elems(fn, "W (V, E)", &nW, V, E, 1));
    LM_TRY(lm_check_ptr(fn, "out", out));
    LM_TRY(lm_check_ptr(fn, "ids", ids));
    LM_TRY(lm_check_ptr(fn, "W", W));
    LM_TRY(lm_check_ids(fn, "ids", ids, (size_t)N * T, T, V, NULL, 0));
    LM_TRY(lm_check_finite(fn, "W", W, nW));
    embedding_forward(out, ids, W, N, T, V, E);
    return LM_OK;
}

lm_status lm_layer_embedding_backward(lm_float *dW, const lm_float *dout, const int32_t *ids, int N, int T, int V,
                                      int E) {
    const char *fn = "embedding_backward";
    size_t nout = 0, nW = 0; /* set by lm_check_elems; zeroed for -O3's flow analysis */
    LM_TRY(lm_check_min(fn, "N (batch)", N, 1));
    LM_TRY(lm_check_min(fn, "T (time steps)", T, 1));
    LM_TRY(lm_check_vocab(fn, V, 1));
    LM_TRY(lm_check_dim(fn, "E (embedding size)", E));
    LM_TRY(lm_check_elems(fn, "dout (N, T, E)", &nout, N, T, E));
    LM_TRY(lm_check_elems(fn, "dW (V, E)", &nW, V, E, 1));
    LM_TRY(lm_check_ptr(fn, "dW", dW));
    LM_TRY(lm_check_ptr(fn, "dout", dout));
    LM_TRY(lm_check_ptr(fn, "ids", ids));
    LM_TRY(lm_check_ids(fn, "ids", ids, (size_t)N * T, T, V, NULL, 0));
    LM_TRY(lm_check_finite(fn, "dout", dout, nout));
    embedding_backward(dW, dout, ids, N, T, V, E);
    return LM_OK;
}

/* ---- RNN ------------------------------------------------------------------------------------------ */

/* The sizes every RNN call shares: N (and T for the calls over time), E, H, and the element counts
 * of Wx, Wh and one hidden state. */
static lm_status rnn_sizes(const char *fn, int N, const int *T, int E, int H, size_t *nWx, size_t *nWh, size_t *nNH) {
    LM_TRY(lm_check_min(fn, "N (batch)", N, 1));
    if (T) LM_TRY(lm_check_min(fn, "T (time steps)", *T, 1));
    LM_TRY(lm_check_dim(fn, "E (input size)", E));
    LM_TRY(lm_check_dim(fn, "H (hidden size)", H));
    LM_TRY(lm_check_elems(fn, "Wx (E, H)", nWx, E, H, 1));
    LM_TRY(lm_check_elems(fn, "Wh (H, H)", nWh, H, H, 1));
    LM_TRY(lm_check_elems(fn, "h (N, H)", nNH, N, H, 1));
    return LM_OK;
}

lm_status lm_layer_rnn_step_forward(lm_float *h, const lm_float *x, const lm_float *h_prev, const lm_float *Wx,
                                    const lm_float *Wh, const lm_float *b, int N, int E, int H) {
    const char *fn = "rnn_step_forward";
    size_t nWx = 0, nWh = 0, nNH = 0, nx = 0; /* set by lm_check_elems; zeroed for -O3's flow analysis */
    LM_TRY(rnn_sizes(fn, N, NULL, E, H, &nWx, &nWh, &nNH));
    LM_TRY(lm_check_elems(fn, "x (N, E)", &nx, N, E, 1));
    LM_TRY(lm_check_ptr(fn, "h", h));
    LM_TRY(lm_check_ptr(fn, "x", x));
    LM_TRY(lm_check_ptr(fn, "h_prev", h_prev));
    LM_TRY(lm_check_ptr(fn, "Wx", Wx));
    LM_TRY(lm_check_ptr(fn, "Wh", Wh));
    LM_TRY(lm_check_ptr(fn, "b", b));
    LM_TRY(lm_check_finite(fn, "x", x, nx));
    LM_TRY(lm_check_finite(fn, "h_prev", h_prev, nNH));
    LM_TRY(lm_check_finite(fn, "Wx", Wx, nWx));
    LM_TRY(lm_check_finite(fn, "Wh", Wh, nWh));
    LM_TRY(lm_check_finite(fn, "b", b, (size_t)H));
    rnn_step_forward(h, x, h_prev, Wx, Wh, b, N, E, H);
    return LM_OK;
}

lm_status lm_layer_rnn_step_backward(lm_float *dx, lm_float *dh_prev, lm_float *dWx, lm_float *dWh, lm_float *db,
                                     const lm_float *dh, const lm_float *x, const lm_float *h_prev, const lm_float *h,
                                     const lm_float *Wx, const lm_float *Wh, int N, int E, int H) {
    const char *fn = "rnn_step_backward";
    size_t nWx = 0, nWh = 0, nNH = 0, nx = 0; /* set by lm_check_elems; zeroed for -O3's flow analysis */
    LM_TRY(rnn_sizes(fn, N, NULL, E, H, &nWx, &nWh, &nNH));
    LM_TRY(lm_check_elems(fn, "x (N, E)", &nx, N, E, 1));
    LM_TRY(lm_check_ptr(fn, "dWx", dWx));
    LM_TRY(lm_check_ptr(fn, "dWh", dWh));
    LM_TRY(lm_check_ptr(fn, "db", db));
    LM_TRY(lm_check_ptr(fn, "dh", dh));
    LM_TRY(lm_check_ptr(fn, "x", x));
    LM_TRY(lm_check_ptr(fn, "h_prev", h_prev));
    LM_TRY(lm_check_ptr(fn, "h", h));
    LM_TRY(lm_check_ptr(fn, "Wx", Wx));
    LM_TRY(lm_check_ptr(fn, "Wh", Wh));
    LM_TRY(lm_check_finite(fn, "dh", dh, nNH));
    LM_TRY(lm_check_finite(fn, "x", x, nx));
    LM_TRY(lm_check_finite(fn, "h_prev", h_prev, nNH));
    LM_TRY(lm_check_finite(fn, "h", h, nNH));
    LM_TRY(lm_check_finite(fn, "Wx", Wx, nWx));
    LM_TRY(lm_check_finite(fn, "Wh", Wh, nWh));
    lm_float *work = lm_check_workspace(fn, nNH); // (N, H)
    if (!work) return LM_ERR_NOMEM;
    rnn_step_backward(dx, dh_prev, dWx, dWh, db, dh, x, h_prev, h, Wx, Wh, work, N, E, H);
    lm_free(work);
    return LM_OK;
}

lm_status lm_layer_rnn_forward(lm_float *h, const lm_float *x, const lm_float *h0, const lm_float *Wx,
                               const lm_float *Wh, const lm_float *b, int N, int T, int E, int H) {
    const char *fn = "rnn_forward";
    size_t nWx = 0, nWh = 0, nNH = 0, nx = 0, nh = 0; /* set by lm_check_elems; zeroed for -O3's flow analysis */
    LM_TRY(rnn_sizes(fn, N, &T, E, H, &nWx, &nWh, &nNH));
    LM_TRY(lm_check_elems(fn, "x (N, T, E)", &nx, N, T, E));
    LM_TRY(lm_check_elems(fn, "h (N, T, H)", &nh, N, T, H));
    LM_TRY(lm_check_ptr(fn, "h", h));
    LM_TRY(lm_check_ptr(fn, "x", x));
    LM_TRY(lm_check_ptr(fn, "h0", h0));
    LM_TRY(lm_check_ptr(fn, "Wx", Wx));
    LM_TRY(lm_check_ptr(fn, "Wh", Wh));
    LM_TRY(lm_check_ptr(fn, "b", b));
    LM_TRY(lm_check_finite(fn, "x", x, nx));
    LM_TRY(lm_check_finite(fn, "h0", h0, nNH));
    LM_TRY(lm_check_finite(fn, "Wx", Wx, nWx));
    LM_TRY(lm_check_finite(fn, "Wh", Wh, nWh));
    LM_TRY(lm_check_finite(fn, "b", b, (size_t)H));
    rnn_forward(h, x, h0, Wx, Wh, b, N, T, E, H);
    return LM_OK;
}

lm_status lm_layer_rnn_backward(lm_float *dx, lm_float *dh0, lm_float *dWx, lm_float *dWh, lm_float *db,
                                const lm_float *dh, const lm_float *x, const lm_float *h0, const lm_float *h,
                                const lm_float *Wx, const lm_float *Wh, int N, int T, int E, int H) {
    const char *fn = "rnn_backward";
    size_t nWx = 0, nWh = 0, nNH = 0, nx = 0, nh = 0; /* set by lm_check_elems; zeroed for -O3's flow analysis */
    LM_TRY(rnn_sizes(fn, N, &T, E, H, &nWx, &nWh, &nNH));
    LM_TRY(lm_check_elems(fn, "x (N, T, E)", &nx, N, T, E));
    LM_TRY(lm_check_elems(fn, "h (N, T, H)", &nh, N, T, H));
    LM_TRY(lm_check_ptr(fn, "dWx", dWx));
    LM_TRY(lm_check_ptr(fn, "dWh", dWh));
    LM_TRY(lm_check_ptr(fn, "db", db));
    LM_TRY(lm_check_ptr(fn, "dh", dh));
    LM_TRY(lm_check_ptr(fn, "x", x));
    LM_TRY(lm_check_ptr(fn, "h0", h0));
    LM_TRY(lm_check_ptr(fn, "h", h));
    LM_TRY(lm_check_ptr(fn, "Wx", Wx));
    LM_TRY(lm_check_ptr(fn, "Wh", Wh));
    LM_TRY(lm_check_finite(fn, "dh", dh, nh));
    LM_TRY(lm_check_finite(fn, "x", x, nx));
    LM_TRY(lm_check_finite(fn, "h0", h0, nNH));
    LM_TRY(lm_check_finite(fn, "h", h, nh));
    LM_TRY(lm_check_finite(fn, "Wx", Wx, nWx));
    LM_TRY(lm_check_finite(fn, "Wh", Wh, nWh));
    lm_float *work = lm_check_workspace(fn, nh + nNH); // da (N, T, H) then dh_next (N, H)
    if (!work) return LM_ERR_NOMEM;
    rnn_backward(dx, dh0, dWx, dWh, db, dh, x, h0, h, Wx, Wh, work, N, T, E, H);
    lm_free(work);
    return LM_OK;
}

/* ---- hidden to scores, loss ---------------------------------------------------------------------- */

static lm_status affine_sizes(const char *fn, int N, int T, int H, int V, size_t *nh, size_t *nW, size_t *nout) {
    LM_TRY(lm_check_min(fn, "N (batch)", N, 1));
    LM_TRY(lm_check_min(fn, "T (time steps)", T, 1));
    LM_TRY(lm_check_dim(fn, "H (hidden size)", H));
    LM_TRY(lm_check_vocab(fn, V, 1));
    LM_TRY(lm_check_elems(fn, "h (N, T, H)", nh, N, T, H));
    LM_TRY(lm_check_elems(fn, "W (H, V)", nW, H, V, 1));
    LM_TRY(lm_check_elems(fn, "scores (N, T, V)", nout, N, T, V));
    return LM_OK;
}

lm_status lm_layer_temporal_affine_forward(lm_float *out, const lm_float *h, const lm_float *W, const lm_float *b,
                                           int N, int T, int H, int V) {
    const char *fn = "temporal_affine_forward";
    size_t nh = 0, nW = 0, nout = 0; /* set by lm_check_elems; zeroed for -O3's flow analysis */
    LM_TRY(affine_sizes(fn, N, T, H, V, &nh, &nW, &nout));
    LM_TRY(lm_check_ptr(fn, "out", out));
    LM_TRY(lm_check_ptr(fn, "h", h));
    LM_TRY(lm_check_ptr(fn, "W", W));
    LM_TRY(lm_check_ptr(fn, "b", b));
    LM_TRY(lm_check_finite(fn, "h", h, nh));
    LM_TRY(lm_check_finite(fn, "W", W, nW));
    LM_TRY(lm_check_finite(fn, "b", b, (size_t)V));
    temporal_affine_forward(out, h, W, b, N, T, H, V);
    return LM_OK;
}

lm_status lm_layer_temporal_affine_backward(lm_float *dh, lm_float *dW, lm_float *db, const lm_float *dout,
                                            const lm_float *h, const lm_float *W, int N, int T, int H, int V) {
    const char *fn = "temporal_affine_backward";
    size_t nh = 0, nW = 0, nout = 0; /* set by lm_check_elems; zeroed for -O3's flow analysis */
    LM_TRY(affine_sizes(fn, N, T, H, V, &nh, &nW, &nout));
    LM_TRY(lm_check_ptr(fn, "dW", dW));
    LM_TRY(lm_check_ptr(fn, "db", db));
    LM_TRY(lm_check_ptr(fn, "dout", dout));
    LM_TRY(lm_check_ptr(fn, "h", h));
    LM_TRY(lm_check_ptr(fn, "W", W));
    LM_TRY(lm_check_finite(fn, "dout", dout, nout));
    LM_TRY(lm_check_finite(fn, "h", h, nh));
    LM_TRY(lm_check_finite(fn, "W", W, nW));
    temporal_affine_backward(dh, dW, db, dout, h, W, N, T, H, V);
    return LM_OK;
}

lm_status lm_layer_temporal_softmax_loss(double *loss, lm_float *dscores, const lm_float *scores, const int32_t *y,
                                         const uint8_t *mask, int N, int T, int V, int reduction) {
    const char *fn = "temporal_softmax_loss";
    size_t nout = 0; /* set by lm_check_elems; zeroed for -O3's flow analysis */
    LM_TRY(lm_check_min(fn, "N (batch)", N, 1));
    LM_TRY(lm_check_min(fn, "T (time steps)", T, 1));
    LM_TRY(lm_check_vocab(fn, V, 1));
    LM_TRY(lm_check_elems(fn, "scores (N, T, V)", &nout, N, T, V));
    LM_TRY(lm_check_ptr(fn, "loss", loss));
    LM_TRY(lm_check_ptr(fn, "scores", scores));
    LM_TRY(lm_check_ptr(fn, "y", y));
    LM_TRY(lm_check_ids(fn, "y", y, (size_t)N * T, T, V, mask, 0));
    LM_TRY(lm_check_finite(fn, "scores", scores, nout));
    LM_TRY(lm_check_choice(fn, "reduction", reduction, 2,
                           "0 (the mean over the unmasked positions) or 1 (the sum over them divided by N, cs231n's)"));
    *loss = temporal_softmax_loss(dscores, scores, y, mask, N, T, V, (lm_loss_reduction)reduction);
    return LM_OK;
}
