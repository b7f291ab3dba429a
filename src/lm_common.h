/* lm_common.h — what every lmlab C file shares: the float type, status codes, the error message,
 * the export macro and the size limits. It allocates nothing and never prints.
 *
 * Shape letters used in every file: N batch, T time, V vocabulary, E embedding (the lab's D),
 * H hidden, G gates, W window, L layers. Arrays are row-major and batch-first: h is (N, T, H).
 *
 * The formulas, names and shapes come from five sets of lecture notes on language models; comments
 * cite them by these short names:
 * - Lab 2: the add-one smoothed bigram and its applications (bigram.c, bigram_apps.c); the RNN LM from
 *   scratch, one step and the whole sequence, forward and backward, hidden-to-scores, softmax loss
 *   (layers.h, layers_rnn.c). Our names Wx, Wh, b, Wy, by and shapes like Wx (E, H) are its.
 * - the neural-LM notes: the fixed-window neural LM (layers_window.c), the RNN LM, cross-entropy with
 *   teacher forcing, mini-batches, truncated backpropagation through time (trainer.c).
 * - the min-char-rnn notes: a minimal character-level RNN: Adagrad, clipping at ±5, hidden 100,
 *   sequence length 25, small initial weights, sampling (optim.c, model.c, sample.c).
 * - the BPTT notes: feed-forward vs recurrent LMs, backpropagation through time and vanishing or
 *   exploding gradients (the gradient-flow probe, probe.c), seq2seq with attention.
 * - the PyTorch-terms notes: RNN LMs in PyTorch terms, the LSTM, the GRU equations (layers_gated.h;
 *   the "lecture" GRU variant is theirs), cross-entropy cost, mini-batch SGD. */
#ifndef LM_COMMON_H
#define LM_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#define LM_API EMSCRIPTEN_KEEPALIVE /* exported from the .wasm */
#else
#define LM_API
#endif

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

/* Training runs in float32. The native test build defines LM_DOUBLE so gradient checks can
 * demand relative errors below 1e-6 (cs231n: float32 for training, float64 for checking). */
#ifdef LM_DOUBLE
typedef double lm_float;
#else
typedef float lm_float;
#endif

typedef enum {
    LM_OK = 0,
    LM_ERR_ARG = 1,       /* an argument is out of range or disagrees with another one */
    LM_ERR_NOMEM = 2,     /* an allocation failed (or would pass a documented budget) */
    LM_ERR_UTF8 = 3,      /* text is not valid UTF-8 */
    LM_ERR_HANDLE = 4,    /* a pointer is not a live object of the expected kind */
    LM_ERR_FORMAT = 5,    /* a model file is malformed, truncated or inconsistent */
    LM_ERR_NONFINITE = 6, /* a loss, gradient or parameter became NaN or infinite */
    LM_ERR_EMPTY = 7,     /* there is no data to work on (empty text, no sentences) */
} lm_status;

/* Limits checked at the API edge; documented in docs/js-api.md (Limits). */
#define LM_MAX_DIM 4096          /* largest H, E or window width */
#define LM_MAX_VOCAB 2000000     /* largest vocabulary (types) */
#define LM_MAX_TOKEN_BYTES 1024  /* longest single token in bytes */
/* Largest array one API call accepts, in elements: every index product then fits an int (the layers
 * pass N·T as a matrix height) and every byte count fits a 32-bit size_t (WASM). */
#define LM_MAX_CALL_ELEMS ((size_t)1 << 28)

/* Return the status of `expr` from the calling function unless it is LM_OK. */
#define LM_TRY(expr)                \
    do {                            \
        lm_status s_ = (expr);      \
        if (s_ != LM_OK) return s_; \
    } while (0)

/* The sentence saying why the last failing call failed ("" after a success-only history). */
LM_API const char *lm_error_message(void);
/* The status of the last failing call. */
LM_API int lm_error_code(void);
/* Forget the last error (the glue calls this before each call it wants to attribute). */
LM_API void lm_clear_error(void);

/* Record a failure: formats the message, stores the code and returns it, so callers can write
 * `return lm_fail(LM_ERR_ARG, "N must be positive, got %d", N);`. */
lm_status lm_fail(lm_status code, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Overflow-checked size product for allocations: 0 on overflow or when any factor is 0. */
size_t lm_size_mul(size_t a, size_t b);

/* WASM export of malloc/free for the glue is done by the linker flags; these helpers let the
 * glue allocate lm_float arrays without knowing sizeof(lm_float). */
LM_API void *lm_alloc(size_t bytes);
LM_API void lm_free(void *p);

#endif
