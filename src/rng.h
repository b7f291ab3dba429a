/* rng.h — one small deterministic RNG (PCG32) with explicit state. The same seed gives the same
 * stream natively and in WASM: only integer arithmetic and IEEE doubles are involved. */
#ifndef LM_RNG_H
#define LM_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t state;
    uint64_t increment;
} lm_rng;

void lm_rng_seed(lm_rng *rng, uint64_t seed);
uint32_t lm_rng_u32(lm_rng *rng);
/* Uniform integer in [0, bound) without modulo bias; bound must be > 0. */
uint32_t lm_rng_below(lm_rng *rng, uint32_t bound);
/* Uniform double in [0, 1) with 53 random bits. */
double lm_rng_uniform(lm_rng *rng);
/* Standard normal (Box-Muller, one value per call: simple and reproducible). */
double lm_rng_normal(lm_rng *rng);

#endif
