/* optim.h — optimizers on the flat parameter/gradient buffers: SGD (optional momentum), Adagrad
 * (min-char-rnn: lr 0.1, eps 1e-8), Adam; element-wise clipping to [-c, c] or global-norm clipping,
 * with the clip events counted. A step with a non-finite gradient, or one that would make a parameter
 * or a moment non-finite, is refused: nothing changes and the error names the tensor. */
#ifndef LM_OPTIM_H
#define LM_OPTIM_H

#include "lm_common.h"
#include "param_table.h"

/* lm_opt_kind and lm_clip_mode are public: lmlab.h. */
typedef struct {
    lm_opt_kind kind;
    double lr;           /* > 0 */
    double momentum;     /* SGD only, [0, 1): v = momentum·v + g; p -= lr·v (PyTorch's form) */
    double beta1, beta2; /* Adam, [0, 1); defaults 0.9, 0.999 */
    double eps;          /* Adagrad: p -= lr·g / sqrt(G + eps) (min-char-rnn); Adam: lr·m̂ / (sqrt(v̂) + eps) */
    lm_clip_mode clip_mode;
    double clip; /* 0 = off */
} lm_optim_config;

typedef struct {
    lm_optim_config cfg;
    size_t n;              /* parameters */
    lm_float *m;           /* (n,) SGD velocity / Adagrad sum of squares / Adam first moment; NULL for plain SGD */
    lm_float *v;           /* (n,) Adam second moment; NULL otherwise */
    int64_t step;          /* applied steps */
    int64_t clip_events;   /* steps in which clipping changed the gradient */
    double last_grad_norm; /* global norm of the last gradient before clipping */
    int last_clipped;
    /* (n_tensors,) of the table given to lm_optim_step, 1 = frozen, or NULL (none; not owned): a frozen
     * tensor's gradient is zeroed first (so the norm and clipping see only what trains) and its values
     * and moments are left bit-identical. */
    const unsigned char *frozen;
} lm_optimizer;

/* Defaults for a kind: lr 0.1 (adagrad), 0.01 (sgd), 0.002 (adam); eps 1e-8; betas 0.9/0.999. */
lm_optim_config lm_optim_defaults(lm_opt_kind kind);
/* Checks every field with lm_check.h's sentence naming the bad one (lr <= 0, momentum >= 1, …),
 * starting with fn (the exported function that was given the settings). */
lm_status lm_optim_validate(const lm_optim_config *cfg, const char *fn);
/* cfg must have passed lm_optim_validate. */
lm_status lm_optim_init(lm_optimizer *opt, const lm_optim_config *cfg, size_t n);
void lm_optim_free(lm_optimizer *opt);
/* Number of state vectors of size n this optimizer keeps (0, 1 or 2). */
int lm_optim_state_count(const lm_optimizer *opt);

/* One update of params (n,) from grads (n,) (clipped in place). table names the tensors for errors. */
lm_status lm_optim_step(lm_optimizer *opt, lm_float *params, lm_float *grads, const lm_param_info *table,
                        int n_tensors);

#endif
