/* lm_math.h — the elementary functions at lm_float precision, so the same layer code calls tanhf/expf
 * in the float32 build and tanh/exp in the LM_DOUBLE (gradient-check) build. Private to the core. */
#ifndef LM_MATH_H
#define LM_MATH_H

#include <math.h>

#include "lm_common.h"

#ifdef LM_DOUBLE
static inline lm_float lm_tanh(lm_float x) { return tanh(x); }
static inline lm_float lm_exp(lm_float x) { return exp(x); }
#else
static inline lm_float lm_tanh(lm_float x) { return tanhf(x); }
static inline lm_float lm_exp(lm_float x) { return expf(x); }
#endif

/* x^y for x > 0 as exp(y·log x): a few ulps from pow(), which costs 2 KB of the .wasm on its own while
 * exp and log are there anyway. Used for Adam's bias correction and the bigram's temperature. */
static inline double lm_pow_positive(double x, double y) { return exp(y * log(x)); }

#endif
