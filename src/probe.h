/* probe.h — the last-step gradient-flow probe of a recurrent model: how much the LAST position's loss
 * still depends on each earlier hidden state of the last layer, ||∂L_T/∂h_t||. The trainer's own
 * gradient flow (m->flow) adds every step's loss, which hides the decay this shows.
 * Shapes: N streams, T window, V vocabulary, H hidden. */
#ifndef LM_PROBE_H
#define LM_PROBE_H

#include "model.h"

/* ids (N, T+1) from the zero state: L_T = mean over the N streams of the cross-entropy of ids[:, T]
 * given ids[:, :T]; out (T,) receives ||∂L_T/∂h_t|| of the last layer (Frobenius over N and H; entry
 * T-1 is the decoder's own). *loss (or NULL) receives L_T. The gradient buffer, the trainer's carried
 * state and the trainer's gradient flow are left exactly as they were. Recurrent cells only, N ≥ 1,
 * T ≥ 1 and ids in [0, V): the edge (lm_model_grad_flow_last) checks them. */
lm_status model_grad_flow_last(lm_model *m, const int32_t *ids, int N, int T, lm_float *out, double *loss);

#endif
