/* sample.h — choosing tokens from scores: temperature (0 = greedy argmax), top-k, seeded through an
 * explicit RNG the caller owns; and generation from a prime text with a model, stopping at a stop id
 * (word level: </s>). Shapes: V vocabulary. */
#ifndef LM_SAMPLE_H
#define LM_SAMPLE_H

#include "model.h"
#include "rng.h"

/* One id from logits (V,). temperature 0: the argmax (lowest id on ties); top_k 0: all ids, else
 * only ids whose logit is at least the k-th largest. work (V,) is scratch. Consumes one uniform draw
 * unless greedy. */
int32_t lm_sample_logits(const lm_float *logits, int V, double temperature, int top_k, lm_rng *rng, lm_float *work);

/* Feed prime (n_prime,) from a zero state, then sample up to `length` ids into out (length,), stopping
 * after stop_id (-1: never). *n_out receives the number written. Reproducible for a seed. */
lm_status model_generate(lm_model *m, const int32_t *prime, int n_prime, int length, double temperature, int top_k,
                         uint32_t seed, int32_t stop_id, int32_t *out, int *n_out);

#endif
