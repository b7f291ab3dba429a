/* lmlab.h — the public C API of lmlab: every exported (LM_API) function, the opaque handle types, the
 * status codes, the limits and the indices of the arrays the info functions fill. It is what the
 * .wasm exports and what wasm_glue/ calls. scripts/gen-constants.mjs reads its enums and numeric
 * #defines into wasm_glue/constants.mjs: write each enum as `typedef enum { … } lm_name;` (JS group
 * NAME, "_index" dropped; keys are the members without their common prefix) and each limit as
 * `#define LM_MAX_… <integer expression>` (JS LIMITS.MAX_…).
 *
 * Every function validates its arguments (each rule once, src/lm_check.h) and returns an lm_status;
 * a failure leaves a sentence in lm_error_message() that starts with the function's name without its
 * lm_ prefix ("model_create: H (hidden size) must be between 1 and 4096, got 0"; the layer functions
 * go by the lecture's names: "rnn_forward: …"). Nothing here prints, exits or aborts.
 * Handles are checked against a registry: a freed, foreign or NULL one gives LM_ERR_HANDLE.
 * Out-parameters receive results; doubles travel through 8-byte slots (JS reads them as Float64).
 *
 * Shape letters: N batch (streams), T time, V vocabulary, E embedding / layer input (0 = one-hot),
 * H hidden, G gates (LSTM 4, GRU 3), L layers, W window. Arrays are row-major and batch-first:
 * h (N, T, H). "+=" marks parameter gradients that accumulate (pass zeros for the plain gradient). */
#ifndef LMLAB_H
#define LMLAB_H

#include <stddef.h>
#include <stdint.h>

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#define LM_API EMSCRIPTEN_KEEPALIVE /* exported from the .wasm */
#else
#define LM_API
#endif

/* Training runs in float32. The native test build defines LM_DOUBLE so gradient checks can
 * demand relative errors below 1e-6 (cs231n: float32 for training, float64 for checking). */
#ifdef LM_DOUBLE
typedef double lm_float;
#else
typedef float lm_float;
#endif

/* ---- status codes (JS: STATUS, STATUS_NAMES) ------------------------------------------------- */
typedef enum {
    LM_OK = 0,
    LM_ERR_ARG = 1,       /* an argument is out of range or disagrees with another one */
    LM_ERR_NOMEM = 2,     /* an allocation failed (or would pass a documented budget) */
    LM_ERR_UTF8 = 3,      /* text is not valid UTF-8 */
    LM_ERR_HANDLE = 4,    /* a pointer is not a live object of the expected kind */
    LM_ERR_FORMAT = 5,    /* a model file is malformed, truncated or inconsistent */
    LM_ERR_NONFINITE = 6, /* a loss, gradient, parameter or input is NaN or infinite */
    LM_ERR_EMPTY = 7,     /* there is no data to work on (empty text, no sentences) */
} lm_status;

/* ---- limits (JS: LIMITS) ------------------------------------------------------------------------ */
#define LM_MAX_DIM 4096         /* largest E, H, W (layers), window width, and bigram matrix side */
#define LM_MAX_VOCAB 2000000    /* largest vocabulary (types) */
#define LM_MAX_TOKEN_BYTES 1024 /* longest single token in bytes */
/* Largest array one call accepts, in elements (the one size rule of every call): every index product
 * then fits an int (the layers pass N·T as a matrix height) and every byte count a 32-bit size_t. */
#define LM_MAX_CALL_ELEMS ((size_t)1 << 28)
#define LM_MAX_LAYERS 4            /* stacked recurrent layers of a model */
#define LM_MAX_WINDOW 64           /* previous tokens the fixed-window model sees */
#define LM_MAX_TRAIN_STEPS 1000000 /* optimizer steps of one lm_trainer_train call */
#define LM_MAX_GRAD_SAMPLES 100000 /* entries per tensor of one lm_model_gradient_check */
#define LM_MAX_GEN_LENGTH 100000   /* tokens per sentence of lm_bigram_generate */
#define LM_MAX_GEN_COUNT 10000     /* sentences of one lm_bigram_generate call */
#define LM_MAX_TOP_K 1000          /* candidates lm_bigram_predict_masked returns */
#define LM_MAX_S2S_LAYERS 2        /* stacked layers on each side of a seq2seq model */
#define LM_MAX_S2S_LEN 1024        /* longest source, target or decoded output of a seq2seq call (ids) */
#define LM_MAX_S2S_BEAM 64         /* widest beam of lm_seq2seq_beam */
/* The window model's "no token" id (before a stream's start): a zero embedding. */
#define LM_WINDOW_PAD (-1)

/* ---- choices (JS: CELL, GRU_VARIANT, OPT_KIND, CLIP_MODE, LEVEL, TOKENIZER_KIND, …) ------- */
typedef enum { LM_CELL_RNN = 0, LM_CELL_LSTM = 1, LM_CELL_GRU = 2, LM_CELL_WINDOW = 3, LM_CELL_COUNT } lm_cell;
/* LM_GRU_LECTURE: reset before the matmul; LM_GRU_TORCH: torch.nn.GRU exactly (its own bias b_hn). */
typedef enum { LM_GRU_LECTURE = 0, LM_GRU_TORCH = 1 } lm_gru_variant;
typedef enum { LM_OPT_SGD = 0, LM_OPT_ADAGRAD = 1, LM_OPT_ADAM = 2 } lm_opt_kind;
/* Clipping of the gradient: each element to [-clip, clip], or its global norm to clip. */
typedef enum { LM_CLIP_VALUE = 0, LM_CLIP_NORM = 1 } lm_clip_mode;
/* The softmax loss's reduction over the (N, T) positions: the mean over the unmasked positions
 * (lmlab's); or the sum over the unmasked positions divided by N (cs231n's temporal_softmax_loss). */
typedef enum { LM_LOSS_MEAN_UNMASKED = 0, LM_LOSS_SUM_OVER_N = 1 } lm_loss_reduction;
typedef enum { LM_LEVEL_CHAR = 0, LM_LEVEL_WORD = 1 } lm_level;
/* Word-level tokenizers: words, numbers and punctuation apart; or maximal runs of non-white-space. */
typedef enum { LM_TOK_WORDS = 0, LM_TOK_WHITESPACE = 1 } lm_tokenizer_kind;
/* Word-level sentences: each non-blank line; or after a token made of . ! ? and at a blank line. */
typedef enum { LM_SENT_LINES = 0, LM_SENT_PUNCT = 1 } lm_sentences;
/* Whether a vocabulary has <unk>: AUTO — word level always, char level when min_count or max_size
 * dropped a character; ALWAYS — always (char level: text with unseen characters still encodes);
 * NEVER — never (for graders that need V exactly): every type must be kept, and an unknown token is an
 * error when encoding. */
typedef enum { LM_UNK_AUTO = 0, LM_UNK_ALWAYS = 1, LM_UNK_NEVER = 2 } lm_unk_rule;
/* lm_kernel_matmul's product and lm_kernel_elementwise's function. */
typedef enum { LM_KERNEL_NN = 0, LM_KERNEL_TN = 1, LM_KERNEL_NT = 2 } lm_kernel_op;
typedef enum { LM_KERNEL_TANH = 0, LM_KERNEL_SIGMOID = 1, LM_KERNEL_EXP = 2 } lm_kernel_fn;
/* Attention scores: none (a seq2seq model without attention), e = q·k, or e = vᵀ tanh(q·W_q + k·W_k). */
typedef enum { LM_ATTN_NONE = 0, LM_ATTN_DOT = 1, LM_ATTN_ADDITIVE = 2 } lm_attn_score;

/* ---- indices of the info arrays (JS: MODEL_INFO, TENSOR_INFO, …); *_COUNT is the array length ---- */
typedef enum { /* lm_model_info (uint32) */
               LM_MODEL_INFO_CELL,
               LM_MODEL_INFO_V,
               LM_MODEL_INFO_E,
               LM_MODEL_INFO_H,
               LM_MODEL_INFO_L,
               LM_MODEL_INFO_SEED,
               LM_MODEL_INFO_TENSORS,
               LM_MODEL_INFO_PARAMS,
               LM_MODEL_INFO_W,
               LM_MODEL_INFO_GRU_VARIANT,
               LM_MODEL_INFO_COUNT
} lm_model_info_index;
typedef enum { /* lm_model_tensor (uint32): shape (ROWS,) or (ROWS, COLS); OFFSET, ELEMS in lm_floats */
               LM_TENSOR_INFO_NDIM,
               LM_TENSOR_INFO_ROWS,
               LM_TENSOR_INFO_COLS,
               LM_TENSOR_INFO_OFFSET,
               LM_TENSOR_INFO_ELEMS,
               LM_TENSOR_INFO_TRANSPOSED,
               LM_TENSOR_INFO_FROZEN, /* 1: the trainer leaves it bit-identical (lm_model_set_frozen) */
               LM_TENSOR_INFO_COUNT
} lm_tensor_info_index;
typedef enum { /* lm_model_evaluate (double) */
               LM_MODEL_EVAL_NATS,
               LM_MODEL_EVAL_TOKENS,
               LM_MODEL_EVAL_COUNT
} lm_model_eval_index;
typedef enum { /* lm_trainer_train (double): LOSS is the mean over the call's steps */
               LM_TRAIN_STATS_STEP,
               LM_TRAIN_STATS_LOSS,
               LM_TRAIN_STATS_LAST_LOSS,
               LM_TRAIN_STATS_GRAD_NORM,
               LM_TRAIN_STATS_CLIPPED,
               LM_TRAIN_STATS_CLIP_EVENTS,
               LM_TRAIN_STATS_POSITION,
               LM_TRAIN_STATS_WRAPS,
               LM_TRAIN_STATS_COUNT
} lm_train_stats_index;
typedef enum { /* lm_trainer_info (double) */
               LM_TRAINER_INFO_STEP,
               LM_TRAINER_INFO_CLIP_EVENTS,
               LM_TRAINER_INFO_POSITION,
               LM_TRAINER_INFO_WRAPS,
               LM_TRAINER_INFO_SENTENCES, /* sentence batching: the pieces cycled through (0: streams) */
               LM_TRAINER_INFO_COUNT
} lm_trainer_info_index;
typedef enum { /* lm_vocab_info (int32): absent specials are -1 */
               LM_VOCAB_INFO_SIZE,
               LM_VOCAB_INFO_LEVEL,
               LM_VOCAB_INFO_TOKENIZER,
               LM_VOCAB_INFO_LOWERCASE,
               LM_VOCAB_INFO_SENTENCES,
               LM_VOCAB_INFO_UNK,
               LM_VOCAB_INFO_BOS,
               LM_VOCAB_INFO_EOS,
               LM_VOCAB_INFO_COUNT
} lm_vocab_info_index;
typedef enum { /* lm_bigram_info (double) */
               LM_BIGRAM_INFO_V,
               LM_BIGRAM_INFO_K,
               LM_BIGRAM_INFO_SPARSE,
               LM_BIGRAM_INFO_NONZERO,
               LM_BIGRAM_INFO_PAIRS,
               LM_BIGRAM_INFO_COUNT_BYTES,
               LM_BIGRAM_INFO_COUNT
} lm_bigram_info_index;
typedef enum { /* lm_bigram_evaluate (double): per predicted token */
               LM_BIGRAM_EVAL_LOSS,
               LM_BIGRAM_EVAL_PERPLEXITY,
               LM_BIGRAM_EVAL_BITS,
               LM_BIGRAM_EVAL_TOKENS,
               LM_BIGRAM_EVAL_COUNT
} lm_bigram_eval_index;
typedef enum { /* lm_bigram_masked_accuracy (double) */
               LM_MASKED_TOP1,
               LM_MASKED_TOP5,
               LM_MASKED_SENTENCES,
               LM_MASKED_COUNT
} lm_masked_index;
typedef enum { /* lm_seq2seq_info (uint32) */
               LM_S2S_INFO_CELL,
               LM_S2S_INFO_GRU_VARIANT,
               LM_S2S_INFO_VS,
               LM_S2S_INFO_VT,
               LM_S2S_INFO_E,
               LM_S2S_INFO_H,
               LM_S2S_INFO_L,
               LM_S2S_INFO_ATTENTION,
               LM_S2S_INFO_A,
               LM_S2S_INFO_OUT_CONTEXT,
               LM_S2S_INFO_SRC_PAD,
               LM_S2S_INFO_TGT_PAD,
               LM_S2S_INFO_TGT_BOS,
               LM_S2S_INFO_TGT_EOS,
               LM_S2S_INFO_SEED,
               LM_S2S_INFO_TENSORS,
               LM_S2S_INFO_PARAMS,
               LM_S2S_INFO_COUNT
} lm_seq2seq_info_index;
typedef enum { /* lm_seq2seq_trainer_train (double): LOSS is the mean over the call's steps */
               LM_S2S_STATS_STEP,
               LM_S2S_STATS_LOSS,
               LM_S2S_STATS_LAST_LOSS,
               LM_S2S_STATS_GRAD_NORM,
               LM_S2S_STATS_CLIPPED,
               LM_S2S_STATS_CLIP_EVENTS,
               LM_S2S_STATS_PAIRS,
               LM_S2S_STATS_TOKENS,
               LM_S2S_STATS_EPOCH,
               LM_S2S_STATS_CURSOR,
               LM_S2S_STATS_COUNT
} lm_s2s_train_stats_index;
typedef enum { /* lm_seq2seq_loss (double) */
               LM_S2S_LOSS_NATS,
               LM_S2S_LOSS_TOKENS,
               LM_S2S_LOSS_COUNT
} lm_s2s_loss_index;

/* ---- opaque handles: create with the *_create / *_build / *_train / *_load functions, free with the
 * matching *_free (exactly once; the registry refuses a second free) ----------------------------------- */
typedef struct lm_model lm_model;                 /* a neural language model: parameters, gradients, caches */
typedef struct lm_trainer lm_trainer;             /* a model's optimizer and training stream (does not own the model) */
typedef struct lm_vocab lm_vocab;                 /* a vocabulary (char or word level) */
typedef struct lm_bigram lm_bigram;               /* an add-k bigram model with its own vocabulary copy */
typedef struct lm_bytes lm_bytes;                 /* a byte buffer the library hands out (a saved model file) */
typedef struct lm_seq2seq lm_seq2seq;             /* an encoder–decoder: parameters, gradients, caches */
typedef struct lm_s2s_trainer lm_seq2seq_trainer; /* its optimizer and pairs (does not own the model) */

/* ---- errors, memory, build facts --------------------------------------------------------------- */
/* The sentence saying why the last failing call failed ("" after lm_clear_error). Owned by lmlab. */
LM_API const char *lm_error_message(void);
/* The status of the last failing call. */
LM_API int lm_error_code(void);
/* Forget the last error (the glue calls this before each call it wants to attribute). */
LM_API void lm_clear_error(void);
/* malloc/free for the glue's arrays (free with lm_free what lmlab allocated for you, e.g. lm_vocab_encode's). */
LM_API void *lm_alloc(size_t bytes);
LM_API void lm_free(void *p);
/* The value this build was compiled with of every constant of this header, in the order they appear
 * here (limits and LM_WINDOW_PAD, then each enum's members): *count = how many there are, values
 * (capacity,) receives the first min(capacity, *count). tests/constants.test.mjs compares them with
 * wasm_glue/constants.mjs, generated from this file. */
LM_API lm_status lm_constants(int32_t *values, int capacity, int *count);
/* Which fast kernel path this build uses: "wasm-simd128", "wasm-relaxed-simd" (build/lmlab-fma.wasm),
 * "avx2-fma", "sse2" or "portable". */
LM_API const char *lm_kernel_path(void);

/* ---- layers (the lecture's functions, src/layers.h and layers_gated.h, behind a validating edge) ----
 * Same argument order as the internal layers: outputs first (overwritten), then parameter gradients
 * (+=), then inputs, parameters, sizes. Every size, required pointer, id and input value is checked;
 * workspaces are allocated and freed inside the call. */

/* out (N, T, E) = W[ids]; ids (N, T) in [0, V); W (V, E). */
LM_API lm_status lm_layer_embedding_forward(lm_float *out, const int32_t *ids, const lm_float *W, int N, int T, int V,
                                            int E);
/* dW (V, E) += scatter of dout (N, T, E) into the rows named by ids (N, T). */
LM_API lm_status lm_layer_embedding_backward(lm_float *dW, const lm_float *dout, const int32_t *ids, int N, int T,
                                             int V, int E);
/* h (N, H) = tanh(x·Wx + h_prev·Wh + b); x (N, E); h_prev (N, H); Wx (E, H); Wh (H, H); b (H,). */
LM_API lm_status lm_layer_rnn_step_forward(lm_float *h, const lm_float *x, const lm_float *h_prev, const lm_float *Wx,
                                           const lm_float *Wh, const lm_float *b, int N, int E, int H);
/* dx (N, E), dh_prev (N, H) (each may be NULL); dWx (E, H), dWh (H, H), db (H,) +=; dh (N, H) upstream;
 * x, h_prev, h as in/out of the forward. */
LM_API lm_status lm_layer_rnn_step_backward(lm_float *dx, lm_float *dh_prev, lm_float *dWx, lm_float *dWh, lm_float *db,
                                            const lm_float *dh, const lm_float *x, const lm_float *h_prev,
                                            const lm_float *h, const lm_float *Wx, const lm_float *Wh, int N, int E,
                                            int H);
/* h (N, T, H): the RNN over T steps from h0 (N, H); x (N, T, E). */
LM_API lm_status lm_layer_rnn_forward(lm_float *h, const lm_float *x, const lm_float *h0, const lm_float *Wx,
                                      const lm_float *Wh, const lm_float *b, int N, int T, int E, int H);
/* BPTT: dx (N, T, E), dh0 (N, H) (each may be NULL); dWx, dWh, db +=; dh (N, T, H) upstream of every h_t. */
LM_API lm_status lm_layer_rnn_backward(lm_float *dx, lm_float *dh0, lm_float *dWx, lm_float *dWh, lm_float *db,
                                       const lm_float *dh, const lm_float *x, const lm_float *h0, const lm_float *h,
                                       const lm_float *Wx, const lm_float *Wh, int N, int T, int E, int H);
/* out (N, T, V) = h·W + b at every step; h (N, T, H); W (H, V); b (V,). */
LM_API lm_status lm_layer_temporal_affine_forward(lm_float *out, const lm_float *h, const lm_float *W,
                                                  const lm_float *b, int N, int T, int H, int V);
/* dh (N, T, H) (may be NULL); dW (H, V), db (V,) +=; dout (N, T, V). */
LM_API lm_status lm_layer_temporal_affine_backward(lm_float *dh, lm_float *dW, lm_float *db, const lm_float *dout,
                                                   const lm_float *h, const lm_float *W, int N, int T, int H, int V);
/* *loss = the cross-entropy over the positions with mask 1 (mask (N, T) or NULL = all), reduced by
 * reduction (an lm_loss_reduction): divided by the count of those positions (LM_LOSS_MEAN_UNMASKED) or
 * by N (LM_LOSS_SUM_OVER_N, cs231n's); dscores (N, T, V) (may be NULL) = (p - onehot(y)) / that divisor
 * at counted positions, 0 elsewhere; y (N, T) in [0, V) where counted. */
LM_API lm_status lm_layer_temporal_softmax_loss(double *loss, lm_float *dscores, const lm_float *scores,
                                                const int32_t *y, const uint8_t *mask, int N, int T, int V,
                                                int reduction);
/* LSTM over T steps, gates i, f, g, o packed (PyTorch's order): h (N, T, H), cT (N, H) or NULL, cache
 * (N, T, 6H) = [i f g o c tanh(c)] out; x (N, T, E); h0, c0 (N, H); Wx (E, 4H); Wh (H, 4H); b (4H,). */
LM_API lm_status lm_layer_lstm_forward(lm_float *h, lm_float *cT, lm_float *cache, const lm_float *x,
                                       const lm_float *h0, const lm_float *c0, const lm_float *Wx, const lm_float *Wh,
                                       const lm_float *b, int N, int T, int E, int H);
/* dx (N, T, E), dh0, dc0 (N, H), dh_norms (T,) (each may be NULL); dWx (E, 4H), dWh (H, 4H), db (4H,) +=;
 * dh (N, T, H); dcT (N, H) or NULL (zero); x, h0, c0, h, cache as given to / written by the forward. */
LM_API lm_status lm_layer_lstm_backward(lm_float *dx, lm_float *dh0, lm_float *dc0, lm_float *dWx, lm_float *dWh,
                                        lm_float *db, lm_float *dh_norms, const lm_float *dh, const lm_float *dcT,
                                        const lm_float *x, const lm_float *h0, const lm_float *c0, const lm_float *h,
                                        const lm_float *cache, const lm_float *Wx, const lm_float *Wh, int N, int T,
                                        int E, int H);
/* GRU over T steps, gates r, z, g packed: h (N, T, H), cache (N, T, 4H) = [r z g s] out; x (N, T, E);
 * h0 (N, H); Wx (E, 3H); Wh (H, 3H); b (3H,); variant an lm_gru_variant; bhn (H,) for LM_GRU_TORCH
 * (ignored for LM_GRU_LECTURE). */
LM_API lm_status lm_layer_gru_forward(lm_float *h, lm_float *cache, const lm_float *x, const lm_float *h0,
                                      const lm_float *Wx, const lm_float *Wh, const lm_float *b, const lm_float *bhn,
                                      int N, int T, int E, int H, int variant);
/* dx (N, T, E), dh0 (N, H), dh_norms (T,) (each may be NULL); dWx (E, 3H), dWh (H, 3H), db (3H,) +=,
 * dbhn (H,) += (LM_GRU_TORCH only); dh (N, T, H); x, h0, h, cache from the forward. */
LM_API lm_status lm_layer_gru_backward(lm_float *dx, lm_float *dh0, lm_float *dWx, lm_float *dWh, lm_float *db,
                                       lm_float *dbhn, lm_float *dh_norms, const lm_float *dh, const lm_float *x,
                                       const lm_float *h0, const lm_float *h, const lm_float *cache, const lm_float *Wx,
                                       const lm_float *Wh, int N, int T, int E, int H, int variant);
/* ctx (M, W) out: the W ids before positions start … start+M-1 of stream (start + M ids), LM_WINDOW_PAD
 * before stream[0]. */
LM_API lm_status lm_layer_window_context(int32_t *ctx, const int32_t *stream, int start, int M, int W);
/* The fixed-window LM: scores (N, V), e (N, W·E), h (N, H) out; ids (N, W) in [0, V) or LM_WINDOW_PAD;
 * emb (V, E); Wh (W·E, H); b1 (H,); U (H, V); b2 (V,). */
LM_API lm_status lm_layer_window_forward(lm_float *scores, lm_float *e, lm_float *h, const int32_t *ids,
                                         const lm_float *emb, const lm_float *Wh, const lm_float *b1, const lm_float *U,
                                         const lm_float *b2, int N, int W, int V, int E, int H);
/* demb (V, E), dWh (W·E, H), db1 (H,), dU (H, V), db2 (V,) +=; dscores (N, V); ids, e, h from the forward. */
LM_API lm_status lm_layer_window_backward(lm_float *demb, lm_float *dWh, lm_float *db1, lm_float *dU, lm_float *db2,
                                          const lm_float *dscores, const int32_t *ids, const lm_float *e,
                                          const lm_float *h, const lm_float *Wh, const lm_float *U, int N, int W, int V,
                                          int E, int H);

/* Attention (the BPTT notes' seq2seq chapter): scores e_ij = q_i·k_j (LM_ATTN_DOT) or vᵀ tanh(q_i·W_q + k_j·W_k)
 * (LM_ATTN_ADDITIVE), α_i = softmax over the real keys (mask 1; padding gets exactly 0), c_i = Σ_j α_ij k_j.
 * c (N, Tq, H), alpha (N, Tq, Tk) out; cache (N, Tq, Tk, A) out (additive; NULL for dot); q (N, Tq, H);
 * k (N, Tk, H) (keys = values); mask (N, Tk) of 0/1 or NULL (all real; a row with no real key is
 * refused); Wq, Wk (H, A) and v (A,) for additive (NULL for dot); score an lm_attn_score other than
 * NONE; A in 1 … LM_MAX_DIM for additive, 0 for dot. */
LM_API lm_status lm_layer_attention_forward(lm_float *c, lm_float *alpha, lm_float *cache, const lm_float *q,
                                            const lm_float *k, const uint8_t *mask, const lm_float *Wq,
                                            const lm_float *Wk, const lm_float *v, int N, int Tq, int Tk, int H, int A,
                                            int score);
/* dq (N, Tq, H), dk (N, Tk, H) overwritten (each may be NULL); dWq, dWk (H, A), dv (A,) += (additive only;
 * NULL for dot); dc (N, Tq, H) upstream; q, k, alpha, cache as given to / written by the forward. */
LM_API lm_status lm_layer_attention_backward(lm_float *dq, lm_float *dk, lm_float *dWq, lm_float *dWk, lm_float *dv,
                                             const lm_float *dc, const lm_float *q, const lm_float *k,
                                             const lm_float *alpha, const lm_float *cache, const lm_float *Wq,
                                             const lm_float *Wk, const lm_float *v, int N, int Tq, int Tk, int H, int A,
                                             int score);

/* ---- kernels (exported from build/lmlab-kernels.wasm only, for their tests and the benchmark) ---- */
/* C (M, N), rows ldc apart, += op(A)·op(B) with the fast kernel (ref 0) or the scalar reference (ref 1);
 * op an lm_kernel_op: NN A (M, K), B (K, N); TN A stored (K, M); NT B stored (N, K). */
LM_API lm_status lm_kernel_matmul(int op, int ref, lm_float *C, int ldc, const lm_float *A, int lda, const lm_float *B,
                                  int ldb, int M, int K, int N);
/* Y (M, N), rows ldy apart, replaced in place by fn (an lm_kernel_fn) of itself. */
LM_API lm_status lm_kernel_elementwise(int fn, lm_float *Y, int ldy, int M, int N);

/* ---- neural models ------------------------------------------------------------------------------ */
/* *out = a new model with initialised weights (free with lm_model_free). cell an lm_cell; V in
 * 2 … LM_MAX_VOCAB; E in 0 (one-hot: V ≤ LM_MAX_DIM) … LM_MAX_DIM; H in 1 … LM_MAX_DIM; L in
 * 1 … LM_MAX_LAYERS; W in 1 … LM_MAX_WINDOW for the window model (then E ≥ 1, L = 1, W·E ≤ LM_MAX_DIM),
 * 0 otherwise; gru_variant an lm_gru_variant (any cell). */
LM_API lm_status lm_model_create(int cell, int V, int E, int H, int L, int W, int gru_variant, uint32_t seed,
                                 lm_model **out);
LM_API lm_status lm_model_free(lm_model *m);
/* info (LM_MODEL_INFO_COUNT,) by lm_model_info_index. */
LM_API lm_status lm_model_info(const lm_model *m, uint32_t *info);
/* *params, *grads: the flat (n_params,) buffers, owned by the model (valid until it is freed). */
LM_API lm_status lm_model_buffers(const lm_model *m, lm_float **params, lm_float **grads);
/* Tensor k in [0, n_tensors): info (LM_TENSOR_INFO_COUNT,) by lm_tensor_info_index; *name (PyTorch's)
 * and *lecture (the lecture's) point into the model (either may be NULL). */
LM_API lm_status lm_model_tensor(const lm_model *m, int k, uint32_t *info, const char **name, const char **lecture);
/* Freeze (frozen 1) or fine-tune (0) tensor k: a trainer of m leaves a frozen tensor bit-identical (its
 * gradient is zeroed before the norm and clipping; its optimizer moments stay as they were). Saved in the
 * model file's training state and restored by lm_trainer_restore. */
LM_API lm_status lm_model_set_frozen(lm_model *m, int k, int frozen);
/* Forward + backward on ids (N, T+1) (inputs [:, :T], targets [:, 1:]), from and to the carried state;
 * *loss = mean cross-entropy per token; the gradients (overwritten) are of the window sum averaged over
 * the N streams. */
LM_API lm_status lm_model_loss_and_grads(lm_model *m, const int32_t *ids, int N, int T, double *loss);
/* Padded sentences: the same on ids (N, T+1), every row from the empty state (the carried state untouched);
 * mask (N, T): nonzero where the target ids[n, t+1] is real, 0 at padding (whose ids must still be token
 * ids: they pass through the cells). *loss = mean cross-entropy per real token; the gradients are of each
 * row's sum over its real tokens averaged over the N rows; padding changes neither. */
LM_API lm_status lm_model_loss_and_grads_masked(lm_model *m, const int32_t *ids, const uint8_t *mask, int N, int T,
                                                double *loss);
/* Forget the carried state. */
LM_API lm_status lm_model_reset_state(lm_model *m);
/* out (V,) = log P(next | ids (n,)) from a zero state; n ≥ 0 (0: the empty context). */
LM_API lm_status lm_model_next_logprobs(lm_model *m, const int32_t *ids, int n, lm_float *out);
/* out (N, T, V) = the scores for ids (N, T) from a zero state. */
LM_API lm_status lm_model_logits(lm_model *m, const int32_t *ids, int N, int T, lm_float *out);
/* out (n, H) = the top layer's hidden states over ids (n,), n ≥ 1, from a zero state. */
LM_API lm_status lm_model_hidden_states(lm_model *m, const int32_t *ids, int n, lm_float *out);
/* Over ids (n,), n ≥ 1, from a zero state, the last layer's h (n, H); c (n, H) the LSTM's cell state
 * or NULL; gates (n, G·H) after their nonlinearity (LSTM i|f|g|o, GRU r|z|g) or NULL. */
LM_API lm_status lm_model_probe(lm_model *m, const int32_t *ids, int n, lm_float *h, lm_float *c, lm_float *gates);
/* out (N,) = summed log-probabilities of ids[:, 1:] given the tokens before, ids (N, T+1), zero state. */
LM_API lm_status lm_model_sequence_logprobs(lm_model *m, const int32_t *ids, int N, int T, double *out);
/* *flow points at (*T,) ||dL/dh_t|| of the last lm_model_loss_and_grads (owned by the model); *T = 0 before any. */
LM_API lm_status lm_model_grad_flow(const lm_model *m, lm_float **flow, int *T);
/* ids (N, T+1) from a zero state: out (T,) = ||∂L_T/∂h_t|| of the last layer for the last position's loss
 * alone; *loss (or NULL) = L_T. Recurrent cells only. Leaves gradients and carried state as they were. */
LM_API lm_status lm_model_grad_flow_last(lm_model *m, const int32_t *ids, int N, int T, lm_float *out, double *loss);
/* out (length,) sampled ids after prime (n_prime,), *n_out of them written (fewer when stop_id, -1 = none,
 * was drawn; it is included); temperature ≥ 0 (0 = greedy); top_k ≥ 0 (0 = every token). */
LM_API lm_status lm_model_generate(lm_model *m, const int32_t *prime, int n_prime, int length, double temperature,
                                   int top_k, uint32_t seed, int stop_id, int32_t *out, int *n_out);
/* out (n_tensors,) = per tensor the largest relative error of `samples` (1 … LM_MAX_GRAD_SAMPLES)
 * centered finite differences (step eps > 0) against lm_model_loss_and_grads on ids (N, T+1), or with a
 * mask (N, T) (NULL: none) against lm_model_loss_and_grads_masked. */
LM_API lm_status lm_model_gradient_check(lm_model *m, const int32_t *ids, const uint8_t *mask, int N, int T,
                                         int samples, double eps, uint32_t seed, double *out);
/* Held-out ids (len,) read as N streams with windows of T from a zero state: out (LM_MODEL_EVAL_COUNT,)
 * by lm_model_eval_index (summed nats, predicted tokens). */
LM_API lm_status lm_model_evaluate(lm_model *m, const int32_t *ids, uint32_t len, int N, int T, double *out);
/* The model's string metadata: a JSON object of strings (copied); *json (owned by the model) reads it. */
LM_API lm_status lm_model_set_metadata(lm_model *m, const char *json);
LM_API lm_status lm_model_metadata(const lm_model *m, const char **json);
/* *out = the model file (safetensors: parameters, config, metadata, and trainer's state when trainer is
 * not NULL); read it with lm_bytes_view, free it with lm_bytes_free. */
LM_API lm_status lm_model_save(const lm_model *m, const lm_trainer *trainer, lm_bytes **out);
/* *data, *len: the buffer's bytes (owned by it). */
LM_API lm_status lm_bytes_view(const lm_bytes *b, uint8_t **data, uint32_t *len);
LM_API lm_status lm_bytes_free(lm_bytes *b);
/* *out = the model in a file's bytes (len,); LM_ERR_FORMAT names what is wrong with the file. */
LM_API lm_status lm_model_load(const uint8_t *bytes, uint32_t len, lm_model **out);

/* ---- training ----------------------------------------------------------------------------------- */
/* *out = a trainer of m (which must outlive it) over a copy of ids (len,) read as N streams with windows
 * of T; optimizer an lm_opt_kind; lr > 0; momentum in [0, 1) (sgd only); clip ≥ 0 (0 = off) with
 * clip_mode an lm_clip_mode. */
LM_API lm_status lm_trainer_create(lm_model *m, const int32_t *ids, uint32_t len, int N, int T, int optimizer,
                                   double lr, double momentum, double clip, int clip_mode, lm_trainer **out);
/* *out = a trainer on whole sentences: ids (len,) split by starts (S+1,) (0 = starts[0] ≤ … ≤ starts[S] =
 * len); each step takes the next N sentences in order (cyclically), each from the empty state, padded to
 * the longest with the padding masked (lm_model_loss_and_grads_masked). A sentence longer than T+1 tokens
 * is cut into pieces of T+1 sharing one token; one-token sentences have nothing to predict and are
 * skipped; fewer pieces than N is LM_ERR_EMPTY. The other arguments as lm_trainer_create. */
LM_API lm_status lm_trainer_create_sentences(lm_model *m, const int32_t *ids, uint32_t len, const int32_t *starts,
                                             int S, int N, int T, int optimizer, double lr, double momentum,
                                             double clip, int clip_mode, lm_trainer **out);
LM_API lm_status lm_trainer_free(lm_trainer *t);
/* count (1 … LM_MAX_TRAIN_STEPS) steps; stats (LM_TRAIN_STATS_COUNT,) by lm_train_stats_index, written
 * also when a step is refused (LM_ERR_NONFINITE: the parameters keep their last finite values). */
LM_API lm_status lm_trainer_train(lm_trainer *t, int count, double *stats);
LM_API lm_status lm_trainer_set_lr(lm_trainer *t, double lr);
/* Streams only: each window, each stream starts from the zero state instead of its carried one with
 * probability p in [0, 1) (0, the default, = never), decided by a hash of (steps taken, stream), the
 * same in every replica and after a resume. Guards against the one-stream latch (docs/training.md). */
LM_API lm_status lm_trainer_set_state_resets(lm_trainer *t, double p);
/* Restore optimizer state, step, stream position and carried state from lm_model_save(m, t) bytes. */
LM_API lm_status lm_trainer_restore(lm_trainer *t, const uint8_t *bytes, uint32_t len);
/* info (LM_TRAINER_INFO_COUNT,) by lm_trainer_info_index. */
LM_API lm_status lm_trainer_info(const lm_trainer *t, double *info);
/* Data-parallel training (replicas of one model, each with a trainer over the same ids, N, T and
 * optimizer, owning some of the shards): split the N streams into `shards` (1 … N) fixed shards of
 * contiguous streams (the first N mod shards one stream longer); t computes shards [first, first+count). */
LM_API lm_status lm_trainer_set_shards(lm_trainer *t, int shards, int first, int count);
/* The next window's gradients of t's shards without applying them: grads (count, P) one row per shard,
 * each divided by N so the rows of all shards sum to the batch's gradient; losses (count,) each shard's
 * mean loss per token; state (state of t's streams) or NULL: their final states (layout of the carried
 * state for those streams: (L, n, H), LSTM (2, L, n, H), window (n, W-1)). LM_ERR_NONFINITE as train. */
LM_API lm_status lm_trainer_grads(lm_trainer *t, lm_float *grads, double *losses, lm_float *state);
/* Apply grad (P,), the sum of all shards' rows in shard order, with t's optimizer (clipping sees the
 * sum), carry t's streams and advance; stats as lm_trainer_train (LOSS, LAST_LOSS NaN: the caller has
 * them). Needs a pending lm_trainer_grads; a refused step changes nothing. */
LM_API lm_status lm_trainer_apply(lm_trainer *t, const lm_float *grad, double *stats);
/* grads (rows, P), rows 1 … the shards: row 0 += row 1, then += row 2, … in that order (float32 adds),
 * so row 0 holds the shard-order sum lm_trainer_apply wants; the other rows are left as they were. */
LM_API lm_status lm_trainer_sum_grads(lm_trainer *t, lm_float *grads, int rows);
/* The carried state of streams [first_stream, first_stream + n) from state (layout as above). */
LM_API lm_status lm_trainer_set_state_rows(lm_trainer *t, int first_stream, int n, const lm_float *state);
/* The bigram's masked-accuracy positions, so both models are scored alike: per sentence (lengths (n,))
 * one draw of a PCG32 stream seeded by seed picks a real token (skip_ends: not <s> or </s>):
 * positions (n,), -1 for a sentence without one. */
LM_API lm_status lm_mask_positions(uint32_t seed, const int32_t *lengths, int n, int skip_ends, int32_t *positions);

/* ---- sequence to sequence (src/seq2seq.h: the equations; docs/seq2seq.md) ------------------------
 * A batch: src (N, Ts) source ids, real tokens then src_pad; tgt (N, Tt+1) = <s> y_1 … y_m </s> then tgt_pad.
 * With teacher forcing the decoder reads tgt[:, :Tt] and predicts tgt[:, 1:]; <pad> targets are not
 * scored. Every rule is checked and the first break named ("seq2seq_loss_and_grads: source row 2 …"). */

/* *out = a new encoder–decoder (free with lm_seq2seq_free). cell RNN, LSTM or GRU (both sides);
 * gru_variant an lm_gru_variant; Vs in 2 … LM_MAX_VOCAB, Vt in 4 … LM_MAX_VOCAB; E, H in 1 … LM_MAX_DIM
 * with E + H ≤ LM_MAX_DIM; L in 1 … LM_MAX_S2S_LAYERS; attention an lm_attn_score; A in 1 … LM_MAX_DIM
 * for additive attention, else 0; out_context 0/1 (1: the output layer reads [h^D_i; c_i]; attention
 * only); src_pad in [0, Vs); tgt_pad, tgt_bos, tgt_eos three different ids in [0, Vt). */
LM_API lm_status lm_seq2seq_create(int cell, int gru_variant, int Vs, int Vt, int E, int H, int L, int attention, int A,
                                   int out_context, int src_pad, int tgt_pad, int tgt_bos, int tgt_eos, uint32_t seed,
                                   lm_seq2seq **out);
LM_API lm_status lm_seq2seq_free(lm_seq2seq *m);
/* info (LM_S2S_INFO_COUNT,) by lm_seq2seq_info_index. */
LM_API lm_status lm_seq2seq_info(const lm_seq2seq *m, uint32_t *info);
/* *params, *grads: the flat (n_params,) buffers, owned by the model. */
LM_API lm_status lm_seq2seq_buffers(const lm_seq2seq *m, lm_float **params, lm_float **grads);
/* Tensor k: info (LM_TENSOR_INFO_COUNT,) by lm_tensor_info_index; *name (PyTorch's), *lecture (ours). */
LM_API lm_status lm_seq2seq_tensor(const lm_seq2seq *m, int k, uint32_t *info, const char **name, const char **lecture);
/* Teacher-forced forward and backward: *loss = mean over the real target tokens of −log p; the gradient
 * buffer (overwritten) holds the gradient of that mean. */
LM_API lm_status lm_seq2seq_loss_and_grads(lm_seq2seq *m, const int32_t *src, int N, int Ts, const int32_t *tgt, int Tt,
                                           double *loss);
/* Forward only: out (LM_S2S_LOSS_COUNT,) by lm_s2s_loss_index (summed nats, scored target tokens). */
LM_API lm_status lm_seq2seq_loss(lm_seq2seq *m, const int32_t *src, int N, int Ts, const int32_t *tgt, int Tt,
                                 double *out);
/* out (N,) = Σ_i log p(y_i | y_<i, x) over each row's real targets. */
LM_API lm_status lm_seq2seq_sequence_logprobs(lm_seq2seq *m, const int32_t *src, int N, int Ts, const int32_t *tgt,
                                              int Tt, double *out);
/* Greedy decoding of src (N, Ts), max_len in 1 … LM_MAX_S2S_LEN: out (N, max_len) tokens (</s> included
 * when produced, then tgt_pad), out_len (N,), alpha (N, max_len, Ts) or NULL (zeros after the end and
 * without attention), logprob (N,) or NULL. <pad> and <s> are never produced. */
LM_API lm_status lm_seq2seq_greedy(lm_seq2seq *m, const int32_t *src, int N, int Ts, int max_len, int32_t *out,
                                   int32_t *out_len, lm_float *alpha, double *logprob);
/* Beam search of width K (1 … LM_MAX_S2S_BEAM) for one source src (Ts,): the best hypothesis by summed
 * log-probability (see seq2seq.h): out (max_len,), *out_len, alpha (max_len, Ts) or NULL, *logprob or NULL. */
LM_API lm_status lm_seq2seq_beam(lm_seq2seq *m, const int32_t *src, int Ts, int K, int max_len, int32_t *out,
                                 int32_t *out_len, lm_float *alpha, double *logprob);
/* out (n_tensors,) = per tensor the largest relative error of `samples` (1 … LM_MAX_GRAD_SAMPLES)
 * centered differences (step eps > 0) against lm_seq2seq_loss_and_grads on the batch. */
LM_API lm_status lm_seq2seq_gradient_check(lm_seq2seq *m, const int32_t *src, int N, int Ts, const int32_t *tgt, int Tt,
                                           int samples, double eps, uint32_t seed, double *out);
/* String metadata (a JSON object of strings, e.g. the vocabularies), as for lm_model_set_metadata. */
LM_API lm_status lm_seq2seq_set_metadata(lm_seq2seq *m, const char *json);
LM_API lm_status lm_seq2seq_metadata(const lm_seq2seq *m, const char **json);
/* *out = the model file (and the trainer's state when trainer is not NULL); lm_bytes_view / lm_bytes_free. */
LM_API lm_status lm_seq2seq_save(const lm_seq2seq *m, const lm_seq2seq_trainer *trainer, lm_bytes **out);
/* *out = the model in a seq2seq file's bytes (len,); LM_ERR_FORMAT names what is wrong. */
LM_API lm_status lm_seq2seq_load(const uint8_t *bytes, uint32_t len, lm_seq2seq **out);
/* *out = a trainer of m over a copy of P pairs: src (Σ src_len,) and tgt (Σ tgt_len,) concatenated,
 * src_len, tgt_len (P,); sources without <pad>, targets <s> … without <pad> or a second <s>; N pairs per
 * batch (1 … 65536); optimizer, lr, momentum, clip, clip_mode as lm_trainer_create; seed orders the pairs. */
LM_API lm_status lm_seq2seq_trainer_create(lm_seq2seq *m, const int32_t *src, const int32_t *src_len,
                                           const int32_t *tgt, const int32_t *tgt_len, uint32_t P, int N, int optimizer,
                                           double lr, double momentum, double clip, int clip_mode, uint32_t seed,
                                           lm_seq2seq_trainer **out);
LM_API lm_status lm_seq2seq_trainer_free(lm_seq2seq_trainer *t);
/* count (1 … LM_MAX_TRAIN_STEPS) steps; stats (LM_S2S_STATS_COUNT,) by lm_s2s_train_stats_index, written
 * also when a step is refused (LM_ERR_NONFINITE). */
LM_API lm_status lm_seq2seq_trainer_train(lm_seq2seq_trainer *t, int count, double *stats);
LM_API lm_status lm_seq2seq_trainer_set_lr(lm_seq2seq_trainer *t, double lr);
/* Restore the optimizer state, step and data position from lm_seq2seq_save(m, t) bytes. */
LM_API lm_status lm_seq2seq_trainer_restore(lm_seq2seq_trainer *t, const uint8_t *bytes, uint32_t len);

/* ---- vocabulary --------------------------------------------------------------------------------- */
/* *out = a vocabulary of text (len,) (UTF-8). level an lm_level; tokenizer, lowercase (0/1) and
 * sentences (an lm_sentences) apply to word level (0 at char level); min_count ≥ 1: rarer types become
 * <unk>; max_size: at most this many types, specials included (0 = no limit); unk an lm_unk_rule
 * (LM_UNK_NEVER: min_count and max_size must keep every type). */
LM_API lm_status lm_vocab_build(lm_vocab **out, const uint8_t *text, size_t len, int level, int tokenizer,
                                int lowercase, int sentences, int32_t min_count, int32_t max_size, int unk);
/* *out = the vocabulary of a token list (the model file form): bytes = the V tokens concatenated,
 * lengths (V,), counts (V,); specials are recognised by their spelling (word level needs <s> and
 * </s>; without <unk>, unknown tokens are an error when encoding). A malformed list is LM_ERR_FORMAT. */
LM_API lm_status lm_vocab_from_tokens(lm_vocab **out, int level, int tokenizer, int lowercase, int sentences,
                                      const uint8_t *bytes, const int32_t *lengths, const int32_t *counts, int32_t V);
/* Frees a vocabulary of lm_vocab_build / lm_vocab_from_tokens (not a bigram model's own). */
LM_API lm_status lm_vocab_free(lm_vocab *v);
/* info (LM_VOCAB_INFO_COUNT,) by lm_vocab_info_index. */
LM_API lm_status lm_vocab_info(const lm_vocab *v, int32_t *info);
/* Zero-copy views (owned by the vocabulary): token i = bytes[offsets[i], offsets[i+1]); offsets (V+1,),
 * counts (V,). */
LM_API lm_status lm_vocab_views(const lm_vocab *v, const uint8_t **bytes, const uint32_t **offsets,
                                const int32_t **counts);
/* *id of one token (lower-cased first when the vocabulary lower-cases): <unk>, or -1 without one. */
LM_API lm_status lm_vocab_id_of(const lm_vocab *v, const uint8_t *token, size_t len, int32_t *id);
/* Text → *ids (*n,) and sentence starts *starts (*n_sentences + 1,), both allocated: free with lm_free.
 * Word level pads sentences <s> … </s>; char level with split drops newlines, one sentence a line.
 * A token the vocabulary lacks is <unk>, or an error naming it and its byte offset without one. */
LM_API lm_status lm_vocab_encode(const lm_vocab *v, const uint8_t *text, size_t len, int split, int32_t **ids,
                                 int32_t *n, int32_t **starts, int32_t *n_sentences);

/* ---- bigram model ------------------------------------------------------------------------------- */
/* *out = counts of text's bigrams with a private copy of vocab; add-k smoothing, k ≥ 0 (0 = MLE);
 * dense (V, V) counts while V·V·4 bytes ≤ dense_limit_bytes (< 0: 64 MiB), sparse rows otherwise. */
LM_API lm_status lm_bigram_train(lm_bigram **out, const lm_vocab *vocab, const uint8_t *text, size_t len, double k,
                                 double dense_limit_bytes);
LM_API lm_status lm_bigram_free(lm_bigram *b);
/* info (LM_BIGRAM_INFO_COUNT,) by lm_bigram_info_index. */
LM_API lm_status lm_bigram_info(const lm_bigram *b, double *info);
/* *vocab = the model's own vocabulary (a live handle until the model is freed; do not free it). */
LM_API lm_status lm_bigram_vocab(const lm_bigram *b, const lm_vocab **vocab);
/* C(prev next) and P(next | prev), prev and next in [0, V). */
LM_API lm_status lm_bigram_count(const lm_bigram *b, int32_t prev, int32_t next, double *count);
LM_API lm_status lm_bigram_prob(const lm_bigram *b, int32_t prev, int32_t next, double *prob);
/* dist (V,) = P(· | prev). */
LM_API lm_status lm_bigram_distribution(const lm_bigram *b, int32_t prev, float *dist);
/* Held-out text: result (LM_BIGRAM_EVAL_COUNT,) by lm_bigram_eval_index; LM_ERR_EMPTY when nothing is predicted. */
LM_API lm_status lm_bigram_evaluate(const lm_bigram *b, const uint8_t *text, size_t len, double *result);
/* *log_prob = Σ ln P over the text's predicted tokens, *tokens = how many. */
LM_API lm_status lm_bigram_log_prob(const lm_bigram *b, const uint8_t *text, size_t len, double *log_prob,
                                    double *tokens);
/* count (1 … LM_MAX_GEN_COUNT) sentences of at most max_length (1 … LM_MAX_GEN_LENGTH) tokens: ids
 * (count, max_length), lengths (count,); seed a whole number in [0, 2^53); temperature ≥ 0; greedy (or
 * temperature 0) takes the argmax. */
LM_API lm_status lm_bigram_generate(const lm_bigram *b, double seed, double temperature, int greedy, int32_t max_length,
                                    int32_t count, int32_t *ids, int32_t *lengths);
/* The best top_k (1 … LM_MAX_TOP_K) candidates for the one [MASK] (or ___) of text by
 * P(w | prev)·P(next | w), normalised: ids (top_k,), probs (top_k,), *n written. */
LM_API lm_status lm_bigram_predict_masked(const lm_bigram *b, const uint8_t *text, size_t len, int32_t top_k,
                                          int32_t *ids, double *probs, int32_t *n);
/* Mask one random token per sentence (line) of text: result (LM_MASKED_COUNT,) by lm_masked_index. */
LM_API lm_status lm_bigram_masked_accuracy(const lm_bigram *b, const uint8_t *text, size_t len, double seed,
                                           double *result);
/* The top_n (1 … LM_MAX_DIM) most frequent tokens: ids (top_n,), values (top_n, top_n) of counts (kind 0)
 * or P(column | row) (kind 1); *n = min(top_n, V). */
LM_API lm_status lm_bigram_matrix(const lm_bigram *b, int32_t top_n, int kind, int32_t *ids, float *values, int32_t *n);

#endif
