/* model_cells.h — (internal to model.c) the forward and backward of every cell of the ladder over the
 * model's caches: the stacked recurrent layers (RNN, LSTM, GRU) with their input projections and the
 * decoder, or the fixed-window LM; and the state each leaves for the next window.
 * Shapes: N streams, T time, V vocabulary, E embedding, H hidden, L layers, G gates, W window. */
#ifndef LM_MODEL_CELLS_H
#define LM_MODEL_CELLS_H

#include "model.h"

/* Carves the cache arena for (N, T) (grown only when it must; model.c). */
lm_status model_ensure_caches(lm_model *m, int N, int T);
/* Scores (N, T, V) for m->inputs (N, T), every layer's h (L, N, T, H) and gate caches, from start
 * (state_count(N)) or the zero / all-pad state when NULL. The caches must be carved for (N, T). */
void lm_cells_forward(lm_model *m, int N, int T, const lm_float *start);
/* Zeroes the gradients, then the reversed chain from m->dscores (N, T, V) of the last forward; the
 * top layer's ||dL/dh_t|| go to m->flow (T,). */
void lm_cells_backward(lm_model *m, int N, int T);
/* The state after the last forward over (N, T): state (state_count(N)). */
void lm_cells_final_state(const lm_model *m, int N, int T, lm_float *state);

#endif
