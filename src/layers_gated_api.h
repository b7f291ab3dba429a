/* layers_gated_api.h — the validating, exported edge in front of layers_gated.h (LSTM, GRU, window LM),
 * for the JS glue (wasm_glue/layers_gated.mjs) and autograders. Each function checks sizes (E, H, W
 * in 1 … LM_MAX_DIM, V in 1 … LM_MAX_VOCAB, products addressable), required pointers, finiteness of
 * inputs and ids, allocates the workspace itself, and returns LM_OK or a status with a sentence in
 * lm_error_message() that starts with the layer's name. Argument order and meaning as layers_gated.h. */
#ifndef LM_LAYERS_GATED_API_H
#define LM_LAYERS_GATED_API_H

#include "lm_common.h"

/* h (N, T, H), cT (N, H) or NULL, cache (N, T, 6H) out; x (N, T, E); h0, c0 (N, H); Wx (E, 4H);
 * Wh (H, 4H); b (4H,). Returns an lm_status. */
LM_API int lm_layer_lstm_forward(lm_float *h, lm_float *cT, lm_float *cache, const lm_float *x,
                                 const lm_float *h0, const lm_float *c0, const lm_float *Wx, const lm_float *Wh,
                                 const lm_float *b, int N, int T, int E, int H);
/* dx (N, T, E), dh0, dc0 (N, H), dh_norms (T,) or NULL (overwritten); dWx (E, 4H), dWh (H, 4H),
 * db (4H,) += (pass zeros for the plain gradient); dh (N, T, H); dcT (N, H) or NULL; x, h0, c0, h,
 * cache as given to / written by lm_layer_lstm_forward. */
LM_API int lm_layer_lstm_backward(lm_float *dx, lm_float *dh0, lm_float *dc0, lm_float *dWx, lm_float *dWh,
                                  lm_float *db, lm_float *dh_norms, const lm_float *dh, const lm_float *dcT,
                                  const lm_float *x, const lm_float *h0, const lm_float *c0, const lm_float *h,
                                  const lm_float *cache, const lm_float *Wx, const lm_float *Wh, int N, int T,
                                  int E, int H);
/* h (N, T, H), cache (N, T, 4H) out; x (N, T, E); h0 (N, H); Wx (E, 3H); Wh (H, 3H); b (3H,);
 * bhn (H,) for variant 1 (torch), ignored for variant 0 (lecture). */
LM_API int lm_layer_gru_forward(lm_float *h, lm_float *cache, const lm_float *x, const lm_float *h0,
                                const lm_float *Wx, const lm_float *Wh, const lm_float *b, const lm_float *bhn,
                                int N, int T, int E, int H, int variant);
/* dx (N, T, E), dh0 (N, H), dh_norms (T,) or NULL; dWx (E, 3H), dWh (H, 3H), db (3H,) +=, dbhn (H,) +=
 * (variant 1 only); dh (N, T, H); x, h0, h, cache from the forward. */
LM_API int lm_layer_gru_backward(lm_float *dx, lm_float *dh0, lm_float *dWx, lm_float *dWh, lm_float *db,
                                 lm_float *dbhn, lm_float *dh_norms, const lm_float *dh, const lm_float *x,
                                 const lm_float *h0, const lm_float *h, const lm_float *cache, const lm_float *Wx,
                                 const lm_float *Wh, int N, int T, int E, int H, int variant);
/* ctx (M, W) out: the W ids before positions start … start+M-1 of stream, LM_WINDOW_PAD (-1) before
 * stream[0]. stream holds start + M ids. */
LM_API int lm_layer_window_context(int32_t *ctx, const int32_t *stream, int start, int M, int W);
/* scores (N, V), e (N, W·E), h (N, H) out; ids (N, W) in [0, V) or -1 (pad); emb (V, E);
 * Wh (W·E, H); b1 (H,); U (H, V); b2 (V,). */
LM_API int lm_layer_window_forward(lm_float *scores, lm_float *e, lm_float *h, const int32_t *ids,
                                   const lm_float *emb, const lm_float *Wh, const lm_float *b1, const lm_float *U,
                                   const lm_float *b2, int N, int W, int V, int E, int H);
/* demb (V, E), dWh (W·E, H), db1 (H,), dU (H, V), db2 (V,) +=; dscores (N, V); ids, e, h from the
 * forward; Wh, U the parameters. */
LM_API int lm_layer_window_backward(lm_float *demb, lm_float *dWh, lm_float *db1, lm_float *dU, lm_float *db2,
                                    const lm_float *dscores, const int32_t *ids, const lm_float *e,
                                    const lm_float *h, const lm_float *Wh, const lm_float *U, int N, int W, int V,
                                    int E, int H);

#endif
