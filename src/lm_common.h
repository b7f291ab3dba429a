/* lm_common.h — what every lmlab C file shares beyond the public header lmlab.h (the float type,
 * status codes, limits and exported functions): message formatting, recording a failure, LM_TRY and
 * the overflow-checked size product. It allocates nothing and never prints. Internal: not installed.
 *
 * Shape letters used in every file: N batch, T time, V vocabulary, E embedding (the lab's D),
 * H hidden, G gates, W window, L layers. Arrays are row-major and batch-first: h is (N, T, H). */
#ifndef LM_COMMON_H
#define LM_COMMON_H

#include "lmlab.h"

/* Message formatting. In the .wasm, musl's vsnprintf prints long double (128-bit, emulated in
 * software) and so pulls soft-float code into the file (with strtod's, 15 KB: see decimal.h);
 * Emscripten's __small_vsnprintf is the same formatter with long double taken as double, and lmlab
 * never prints a long double. */
#ifdef __EMSCRIPTEN__
#include <stdarg.h>
int __small_vsnprintf(char *buf, size_t size, const char *fmt, va_list args);
#define lm_vsnprintf __small_vsnprintf
#else
#define lm_vsnprintf vsnprintf
#endif
/* snprintf through lm_vsnprintf: every formatted string in src/ goes through these two. */
int lm_snprintf(char *buf, size_t size, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Return the status of `expr` from the calling function unless it is LM_OK. */
#define LM_TRY(expr)                \
    do {                            \
        lm_status s_ = (expr);      \
        if (s_ != LM_OK) return s_; \
    } while (0)

/* Record a failure: formats the message, stores the code and returns it, so callers can write
 * `return lm_fail(LM_ERR_ARG, "N must be positive, got %d", N);`. Argument checks go through
 * lm_check.h instead, which words each rule once. */
lm_status lm_fail(lm_status code, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Overflow-checked size product for allocations: 0 on overflow or when any factor is 0. */
size_t lm_size_mul(size_t a, size_t b);

#endif
