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

#endif
