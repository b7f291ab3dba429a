/* probe.c — the last-step gradient-flow probe (probe.h): forward from the zero state, the loss of the
 * last position only (a mask on temporal_softmax_loss), the model's own backward, and the top layer's
 * dh norms it leaves. Saves and restores what the backward overwrites (gradients, the trainer's flow)
 * so the probe can run between training steps without changing them.
 * Shapes: N streams, T window, V vocabulary, H hidden, P parameters. */
#include "probe.h"

#include "layers.h"
#include "model_cells.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

lm_status model_grad_flow_last(lm_model *m, const int32_t *ids, int N, int T, lm_float *out, double *loss) {
    lm_status s = model_ensure_caches(m, N, T);
    if (s) return s;
    const size_t P = m->n_params, NT = (size_t)N * T;
    const int saved_T = m->last_T;
    /* one block: grads (P,) | flow (saved_T,) as lm_float, then mask (N, T) bytes */
    size_t floats = lm_size_mul(P + (size_t)saved_T + 1, sizeof(lm_float));
    if (floats == SIZE_MAX || floats > SIZE_MAX - NT)
        return lm_fail(LM_ERR_NOMEM, "the gradient-flow probe of batch %d x window %d is too large", N, T);
    lm_float *saved = malloc(floats + NT);
    if (!saved) return lm_fail(LM_ERR_NOMEM, "out of memory for the gradient-flow probe (%zu bytes)", floats + NT);
    lm_float *saved_flow = saved + P;
    uint8_t *mask = (uint8_t *)saved + floats; /* (N, T) */
    memcpy(saved, m->grads, P * sizeof(lm_float));
    memcpy(saved_flow, m->flow, (size_t)saved_T * sizeof(lm_float));

    for (int n = 0; n < N; n++) {
        const int32_t *row = ids + (size_t)n * (T + 1);
        memcpy(m->inputs + (size_t)n * T, row, (size_t)T * sizeof *row);
        memcpy(m->targets + (size_t)n * T, row + 1, (size_t)T * sizeof *row);
        memset(mask + (size_t)n * T, 0, (size_t)T);
        mask[(size_t)n * T + T - 1] = 1; /* the last position only */
    }
    lm_cells_forward(m, N, T, NULL);
    double value =
        temporal_softmax_loss(m->dscores, m->scores, m->targets, mask, N, T, m->cfg.V, LM_LOSS_MEAN_UNMASKED);
    if (!isfinite(value)) {
        s = lm_fail(LM_ERR_NONFINITE, "the last-step loss is %g: the model's parameters hold values that overflow",
                    value);
    } else {
        lm_cells_backward(m, N, T);
        for (int t = 0; t < T && !s; t++) {
            out[t] = m->dh_norms[t];
            if (!isfinite(out[t]))
                s = lm_fail(LM_ERR_NONFINITE, "the last-step gradient at step %d back is not finite", T - 1 - t);
        }
    }
    memcpy(m->grads, saved, P * sizeof(lm_float));
    memcpy(m->flow, saved_flow, (size_t)saved_T * sizeof(lm_float));
    m->last_T = saved_T;
    free(saved);
    if (!s && loss) *loss = value;
    return s;
}
