/* lm_common.h — what every lmlab C file shares beyond the public header lmlab.h (the float type,
 * status codes, limits and exported functions): message formatting, recording a failure, LM_TRY and
 * the overflow-checked size product. It allocates nothing and never prints. Internal: not installed.
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
