/* layers_api.h — the layer functions of layers.h behind a validating edge, exported to JS (the
 * `layers` object of wasm_glue/layers.mjs, for autograders). Each checks every size (1 … LM_MAX_DIM
 * for E and H, 1 … LM_MAX_VOCAB for V, products within int range), every required pointer, ids in
 * [0, V) and that inputs are finite, then calls the layer. It allocates the layer's workspace itself.
 * Returns LM_OK or a status with a sentence in lm_error_message() starting with the layer's name.
 * Same argument order and meaning as layers.h: outputs are overwritten, parameter gradients +=. */
#ifndef LM_LAYERS_API_H
#define LM_LAYERS_API_H

#include "lm_common.h"

LM_API int lm_layer_embedding_forward(lm_float *out, const int32_t *ids, const lm_float *W, int N, int T, int V,
                                      int E);
LM_API int lm_layer_embedding_backward(lm_float *dW, const lm_float *dout, const int32_t *ids, int N, int T, int V,
                                       int E);
LM_API int lm_layer_rnn_step_forward(lm_float *h, const lm_float *x, const lm_float *h_prev, const lm_float *Wx,
                                     const lm_float *Wh, const lm_float *b, int N, int E, int H);
LM_API int lm_layer_rnn_step_backward(lm_float *dx, lm_float *dh_prev, lm_float *dWx, lm_float *dWh, lm_float *db,
                                      const lm_float *dh, const lm_float *x, const lm_float *h_prev,
                                      const lm_float *h, const lm_float *Wx, const lm_float *Wh, int N, int E,
                                      int H);
LM_API int lm_layer_rnn_forward(lm_float *h, const lm_float *x, const lm_float *h0, const lm_float *Wx,
                                const lm_float *Wh, const lm_float *b, int N, int T, int E, int H);
LM_API int lm_layer_rnn_backward(lm_float *dx, lm_float *dh0, lm_float *dWx, lm_float *dWh, lm_float *db,
                                 const lm_float *dh, const lm_float *x, const lm_float *h0, const lm_float *h,
                                 const lm_float *Wx, const lm_float *Wh, int N, int T, int E, int H);
LM_API int lm_layer_temporal_affine_forward(lm_float *out, const lm_float *h, const lm_float *W, const lm_float *b,
                                            int N, int T, int H, int V);
LM_API int lm_layer_temporal_affine_backward(lm_float *dh, lm_float *dW, lm_float *db, const lm_float *dout,
                                             const lm_float *h, const lm_float *W, int N, int T, int H, int V);
/* *loss receives the mean loss (a double, so JS reads it from an 8-byte slot). */
LM_API int lm_layer_temporal_softmax_loss(double *loss, lm_float *dscores, const lm_float *scores,
                                          const int32_t *y, const uint8_t *mask, int N, int T, int V);

#endif
