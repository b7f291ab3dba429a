/* layers.h — forward/backward pairs with Lab 2's names and shapes (cs231n style).
 * Argument order: outputs, then inputs, then parameters, then workspace, then sizes.
 * Forward functions overwrite their outputs. Backward functions overwrite input gradients
 * (dx, dh_prev, dh0, dh) and ACCUMULATE (+=) parameter gradients (dW*, db*), because a weight used
 * at every time step has the sum of those uses as its gradient; the model zeroes them once a step.
 * Pointers documented "or NULL" may be NULL to skip that output. These functions do not validate:
 * the API edge (layers_api.c, model_api.c) checks sizes before calling them.
 * Shapes: N batch, T time, V vocabulary, E input/embedding (the lab's D), H hidden. */
#ifndef LM_LAYERS_H
#define LM_LAYERS_H

#include "lm_common.h"

/* ---- embedding: a row gather (one-hot input is the case W = Wx, never a multiply) ---------- */
/* out (N, T, E) = W[ids]; ids (N, T) in [0, V); W (V, E) */
void embedding_forward(lm_float *out, const int32_t *ids, const lm_float *W, int N, int T, int V, int E);
/* dW (V, E) += scatter-add of dout (N, T, E) at ids (N, T) */
void embedding_backward(lm_float *dW, const lm_float *dout, const int32_t *ids, int N, int T, int V, int E);

/* ---- RNN, one step: a = h_prev·Wh + x·Wx + b, h = tanh(a) ---------------------------------- */
/* h (N, H); x (N, E); h_prev (N, H); Wx (E, H); Wh (H, H); b (H,) */
void rnn_step_forward(lm_float *h, const lm_float *x, const lm_float *h_prev, const lm_float *Wx, const lm_float *Wh,
                      const lm_float *b, int N, int E, int H);
/* dx (N, E) or NULL; dh_prev (N, H) or NULL; dWx (E, H) +=; dWh (H, H) +=; db (H,) +=;
 * dh (N, H) upstream; x, h_prev, h as cached by the forward; work (N, H) scratch for da. */
void rnn_step_backward(lm_float *dx, lm_float *dh_prev, lm_float *dWx, lm_float *dWh, lm_float *db, const lm_float *dh,
                       const lm_float *x, const lm_float *h_prev, const lm_float *h, const lm_float *Wx,
                       const lm_float *Wh, lm_float *work, int N, int E, int H);

/* ---- RNN over T with the input projection done before the recurrence ------------------------ */
/* h (N, T, H); xw (N, T, H) = x·Wx for every step (one matmul, or a row gather for one-hot);
 * h0 (N, H); Wh (H, H); b (H,) */
void rnn_forward_projected(lm_float *h, const lm_float *xw, const lm_float *h0, const lm_float *Wh, const lm_float *b,
                           int N, int T, int H);
/* dxw (N, T, H) = dL/da for every step (to be pushed through the projection by the caller);
 * dh0 (N, H) or NULL; dWh (H, H) +=; db (H,) +=; dh (N, T, H) upstream gradient of each h_t;
 * h0, h from the forward; work (N, H) scratch; dh_norms (T,) or NULL receives ||dL/dh_t|| (the
 * upstream plus the carried gradient, Frobenius norm over N and H) for the gradient-flow probe.
 * The walk is t = T-1 … 0, adding dh[:, t] to the carried dh_next. */
void rnn_backward_projected(lm_float *dxw, lm_float *dh0, lm_float *dWh, lm_float *db, lm_float *dh_norms,
                            const lm_float *dh, const lm_float *h0, const lm_float *h, const lm_float *Wh,
                            lm_float *work, int N, int T, int H);

/* ---- RNN over T, Lab 2's interface ------------------------------------------------------------ */
/* h (N, T, H); x (N, T, E); h0 (N, H); Wx (E, H); Wh (H, H); b (H,) */
void rnn_forward(lm_float *h, const lm_float *x, const lm_float *h0, const lm_float *Wx, const lm_float *Wh,
                 const lm_float *b, int N, int T, int E, int H);
/* dx (N, T, E) or NULL; dh0 (N, H) or NULL; dWx, dWh, db +=; dh (N, T, H) upstream;
 * work (N*T*H + N*H) scratch. */
void rnn_backward(lm_float *dx, lm_float *dh0, lm_float *dWx, lm_float *dWh, lm_float *db, const lm_float *dh,
                  const lm_float *x, const lm_float *h0, const lm_float *h, const lm_float *Wx, const lm_float *Wh,
                  lm_float *work, int N, int T, int E, int H);

/* ---- hidden to scores ------------------------------------------------------------------------ */
/* out (N, T, V) = h (N, T, H)·W (H, V) + b (V,) */
void temporal_affine_forward(lm_float *out, const lm_float *h, const lm_float *W, const lm_float *b, int N, int T,
                             int H, int V);
/* dh (N, T, H) or NULL (overwritten); dW (H, V) +=; db (V,) +=; dout (N, T, V) */
void temporal_affine_backward(lm_float *dh, lm_float *dW, lm_float *db, const lm_float *dout, const lm_float *h,
                              const lm_float *W, int N, int T, int H, int V);

/* ---- softmax cross-entropy ------------------------------------------------------------------ */
/* The sum over unmasked positions of -log softmax(scores)[y], computed stably (row max subtracted),
 * divided by the count of those positions (LM_LOSS_MEAN_UNMASKED, lmlab's) or by N
 * (LM_LOSS_SUM_OVER_N, cs231n's). dscores (N, T, V) or NULL receives (p - onehot(y)) / that divisor
 * at unmasked positions and 0 elsewhere. scores (N, T, V); y (N, T) in [0, V); mask (N, T) or NULL
 * (NULL: every position counts). Returns 0 when no position is unmasked. */
double temporal_softmax_loss(lm_float *dscores, const lm_float *scores, const int32_t *y, const uint8_t *mask, int N,
                             int T, int V, lm_loss_reduction reduction);

#endif
