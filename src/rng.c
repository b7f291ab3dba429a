/* rng.c — PCG32 (O'Neill 2014, the XSH RR variant), plus the few distributions lmlab needs. */
#include "rng.h"

#include <math.h>

void lm_rng_seed(lm_rng *rng, uint64_t seed) {
    rng->state = 0;
    rng->increment = (seed << 1u) | 1u;
    lm_rng_u32(rng);
    rng->state += 0x853c49e6748fea9bULL ^ seed;
    lm_rng_u32(rng);
}

uint32_t lm_rng_u32(lm_rng *rng) {
    uint64_t old = rng->state;
    rng->state = old * 6364136223846793005ULL + rng->increment;
    uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
    uint32_t rot = (uint32_t)(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((-rot) & 31u));
}

uint32_t lm_rng_below(lm_rng *rng, uint32_t bound) {
    uint32_t threshold = (0u - bound) % bound; /* reject the low values that would bias the modulo */
    for (;;) {
        uint32_t r = lm_rng_u32(rng);
        if (r >= threshold) return r % bound;
    }
}

double lm_rng_uniform(lm_rng *rng) {
    uint64_t hi = lm_rng_u32(rng) >> 5, lo = lm_rng_u32(rng) >> 6; /* 27 + 26 = 53 bits */
    return ((double)hi * 67108864.0 + (double)lo) / 9007199254740992.0;
}

double lm_rng_normal(lm_rng *rng) {
    double u1 = lm_rng_uniform(rng), u2 = lm_rng_uniform(rng);
    if (u1 < 1e-300) u1 = 1e-300; /* log(0) guard */
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}
