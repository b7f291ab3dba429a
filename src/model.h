/* model.h — the model ladder behind one interface: config + one flat parameter buffer + one flat
 * gradient buffer with a named-tensor table + caches sized once per (N, T) + the state carried between
 * windows (truncated BPTT over N parallel streams). Cells: vanilla RNN, LSTM, GRU (L stacked layers
 * each) and the fixed-window neural LM. These model_* functions are internal and trust their
 * callers (sizes, ids, options): the exported edge lm_model_* (model_api.c) checks each rule once.
 * Shapes: N batch (streams), T time, V vocabulary, E embedding (0 = one-hot), H hidden, L layers,
 * G gates (RNN 1, LSTM 4, GRU 3), W window. */
#ifndef LM_MODEL_H
#define LM_MODEL_H

#include "layers_gated.h"
#include "lm_common.h"
#include "param_table.h"

/* LM_MAX_LAYERS, LM_MAX_WINDOW and lm_cell are public: lmlab.h. */
#define LM_MODEL_MAX_TENSORS (1 + 4 * LM_MAX_LAYERS + 2)

/* Initialisation (documented in docs/training.md): biases 0 except the LSTM forget gate's (1.0, so c is
 * kept from the start); Wx, Wh, Wy (window: W, U) ~ N(0, 0.01²) as in the min-char-rnn notes (small
 * weights keep tanh linear and the first loss at log V); the trainable embedding ~ N(0, 1) as
 * torch.nn.Embedding. Draws follow the table order from one PCG32 stream seeded by seed. */
typedef struct {
    lm_cell cell;
    int V; /* vocabulary */
    int E; /* embedding size; 0 = one-hot input: Wx is (V, G·H) and x·Wx is a row gather */
    int H; /* hidden size */
    int L; /* stacked layers, 1..LM_MAX_LAYERS (the window model: 1) */
    uint32_t seed;
    int W;           /* window model: previous tokens seen, 1..LM_MAX_WINDOW; 0 for recurrent cells */
    int gru_variant; /* GRU: LM_GRU_LECTURE (0) or LM_GRU_TORCH (1); the glue and CLI default to torch */
} lm_model_config;

typedef struct lm_model {
    lm_model_config cfg;
    lm_param_info table[LM_MODEL_MAX_TENSORS];
    int n_tensors;
    size_t n_params;
    lm_float *params; /* (n_params,) */
    lm_float *grads;  /* (n_params,) same layout */
    /* Typed views into params / grads (resolved once at creation); NULL where the cell has none. */
    lm_float *W_embed, *dW_embed; /* (V, E) or NULL for one-hot */
    /* recurrent cells (RNN, LSTM, GRU): layer l's input weight, hidden weight, biases; the decoder */
    lm_float *Wx[LM_MAX_LAYERS], *dWx[LM_MAX_LAYERS]; /* layer 0: (E or V, G·H); others (H, G·H) */
    lm_float *Wh[LM_MAX_LAYERS], *dWh[LM_MAX_LAYERS]; /* (H, G·H) */
    lm_float *b[LM_MAX_LAYERS], *db[LM_MAX_LAYERS];   /* (G·H,) */
    lm_float *bh[LM_MAX_LAYERS], *dbh[LM_MAX_LAYERS]; /* (3H,) torch GRU's bias_hh (NULL otherwise) */
    lm_float *Wy, *dWy;                               /* (H, V) */
    lm_float *by, *dby;                               /* (V,) */
    /* the fixed-window model, named as in the neural-LM notes: h = tanh(e·W + b1), scores = h·U + b2 */
    lm_float *W_win, *dW_win; /* (W·E, H) the hidden layer's W */
    lm_float *b1, *db1;       /* (H,) */
    lm_float *U, *dU;         /* (H, V) */
    lm_float *b2, *db2;       /* (V,) */
    int G;                    /* gates per layer: 1 RNN and window, 4 LSTM, 3 GRU */
    /* (n_tensors,) 1 = frozen: the trainer's optimizer leaves the tensor bit-identical (optim.h) */
    unsigned char frozen[LM_MODEL_MAX_TENSORS];

    int carry_N;     /* streams of the carried state (0: none yet) */
    lm_float *carry; /* (model_state_count(N)) the state at the end of the last training window */

    /* Caches: one arena, carved for the current (N, T); reallocated only when it must grow. */
    int cache_N, cache_T;
    size_t arena_bytes;
    void *arena;
    int32_t *inputs, *targets; /* (N, T) */
    lm_float *x;               /* (N, T, E) embeddings, E > 0 only (window: (N, T, W·E) concatenated) */
    lm_float *xw;              /* (N, T, G·H) input projection of the layer being computed */
    lm_float *h;               /* (L, N, T, H) hidden states of every layer */
    lm_float *gates;           /* (L, N, T, 6H) LSTM [i f g o c tanh c] / (L, N, T, 4H) GRU [r z g s] */
    lm_float *h0;              /* (state_count(N)) the state the window started from */
    lm_float *scores;          /* (N, T, V) */
    lm_float *dscores;         /* (N, T, V) */
    lm_float *dh;              /* (N, T, H) */
    lm_float *dxw;             /* (N, T, G·H) */
    lm_float *dx;              /* (N, T, E), E > 0 only */
    lm_float *work;            /* layer workspace: RNN (N, H); LSTM (N, 7H); GRU 6H² + 11·N·H; window
                                * N·T·(H + W·E) */
    lm_float *bsum;            /* (L, 3H) torch GRU: bias_ih + [bias_hh r, z | 0] */
    int32_t *ctx;              /* (N, T, W) window contexts */
    int32_t *hist;             /* (N, W-1+T) window: carried ids then inputs, per stream */
    lm_float *dh_norms;        /* (T,) ||dL/dh_t|| of the top layer, written by the backward */
    lm_float *flow;            /* (flow_cap,) copy of dh_norms of the last loss_and_grads (survives other calls) */
    int flow_cap, last_T;      /* last_T: valid length of flow */
    double last_loss;

    char *metadata_json; /* JSON object text of string metadata (from a loaded file or set by the glue) */
} lm_model;

/* The one check of a config against the documented limits (lmlab.h), allocating nothing; the
 * sentence starts with fn (the caller that was given the settings, e.g. "model_create"). */
lm_status model_check_config(const lm_model_config *cfg, const char *fn);
/* Builds an initialised model from a config that passed model_check_config. */
lm_status model_new(lm_model **out, const lm_model_config *cfg);
void model_delete(lm_model *m);
/* Width of layer l's input: E (or V for one-hot) for layer 0, H above; window: W·E. */
int model_input_width(const lm_model *m, int layer);
/* lm_float elements of a state for N streams (0 possible: the window model with W = 1). Layouts:
 * RNN, GRU (L, N, H) hidden states; LSTM (2, L, N, H): h of every layer, then c of every layer;
 * window (N, W-1): the previous W-1 token ids, stored exactly as lm_float (LM_WINDOW_PAD = none). */
size_t model_state_count(const lm_model *m, int N);
/* Name of a cell ("rnn", "lstm", "gru", "window"); model_cell_from_name returns -1 if unknown. */
const char *model_cell_name(lm_cell cell);
int model_cell_from_name(const char *name);

/* Forward and backward on ids (N, T+1): inputs ids[:, :T], targets ids[:, 1:]. The window model
 * predicts target t from inputs t-W+1 .. t (earlier ones from the state, pads at a stream's start).
 * Starts from the carried
 * state (zeros after a reset or when N changes), carries the final state forward on success. *loss is
 * the mean cross-entropy per token (nats); the gradients are those of min-char-rnn's objective, the
 * cross-entropy summed over the window and averaged over the N streams (= T · *loss). A non-finite loss
 * or gradient gives LM_ERR_NONFINITE naming the tensor and leaves the carried state untouched. */
lm_status model_loss_and_grads(lm_model *m, const int32_t *ids, int N, int T, double *loss);
/* The same from an explicit start state h_start (state_count(N)) (NULL = zeros / pads), without
 * touching the carry. */
lm_status model_loss_and_grads_from(lm_model *m, const int32_t *ids, int N, int T, const lm_float *h_start,
                                    double *loss);
/* The same with the gradients multiplied by grad_scale (a shard of n of N streams: n / N, so the shards'
 * gradients sum to the whole batch's); *loss stays the shard's own mean. */
lm_status model_loss_and_grads_scaled(lm_model *m, const int32_t *ids, int N, int T, const lm_float *h_start,
                                      double grad_scale, double *loss);
/* Padded sentences: forward and backward on ids (N, T+1) from the empty state (each row a sentence), the
 * carry untouched; mask (N, T) marks the real targets (1) and the padding (0). The objective is each
 * sentence's cross-entropy summed over its real tokens, averaged over the N rows (cs231n's masked
 * loss; the streams' objective when nothing is masked); padding adds nothing to it or to any gradient.
 * *loss is the mean cross-entropy per real token (0 when every position is masked). */
lm_status model_loss_and_grads_masked(lm_model *m, const int32_t *ids, const uint8_t *mask, int N, int T, double *loss);
/* Forward only: summed cross-entropy over ids (N, T+1). state (state_count(N)) in/out, or NULL = zeros. */
lm_status model_loss_sum(lm_model *m, const int32_t *ids, int N, int T, lm_float *state, double *loss_sum);
void model_reset_state(lm_model *m);
/* Fill state (state_count(N)) with the empty state: zeros, or pads for the window model. */
void model_empty_state(const lm_model *m, lm_float *state, int N);
/* (Re)size the carried state for N streams (zeros when N changes; no-op otherwise). */
lm_status model_ensure_carry(lm_model *m, int N);
/* Carry the final states of the last forward over (N, T) (the trainer calls it once a step is accepted). */
void model_commit_state(lm_model *m, int N, int T);

/* Held-out evaluation: ids (len,) read as B streams (stream n starts at n·floor(len/B)), windows of T with
 * the state carried from a zero start; every token after the first of each stream is predicted. */
lm_status model_evaluate(lm_model *m, const int32_t *ids, size_t len, int B, int T, double *loss_sum, double *count);

/* Scores from a zero state: logits (N, T, V) for ids (N, T). */
lm_status model_logits(lm_model *m, const int32_t *ids, int N, int T, lm_float *logits);
/* log P(next | context) (V,) from a zero state; an empty context gives softmax(by) (h = 0). */
lm_status model_next_logprobs(lm_model *m, const int32_t *ids, int n, lm_float *out);
/* Hidden states of the top layer over ids (n,) from a zero state: out (n, H). */
lm_status model_hidden_states(lm_model *m, const int32_t *ids, int n, lm_float *out);
/* The probes of the last layer over ids (n,) from a zero state: h (n, H); c (n, H) the LSTM cell
 * state (or NULL); gates (n, G·H) after their nonlinearity, LSTM i|f|g|o, GRU r|z|g (or NULL).
 * c and gates must be NULL for cells that have none. */
lm_status model_probe(lm_model *m, const int32_t *ids, int n, lm_float *h, lm_float *c, lm_float *gates);
/* Sum of log-probabilities of ids[:, 1:] given ids[:, :T] per row, from a zero state: out (N,). */
lm_status model_sequence_logprobs(lm_model *m, const int32_t *ids, int N, int T, double *out);

/* One generation step for one stream: state (state_count(1)) in/out, logits (V,) out for the next token. */
lm_status model_step(lm_model *m, int32_t id, lm_float *state, lm_float *logits);
/* Scores for the first token from an empty context (zero state): recurrent by, window its all-pad context. */
lm_status model_empty_logits(lm_model *m, lm_float *logits);

/* Centered finite differences against loss_and_grads on ids (N, T+1), from the carried state when it
 * has N streams (else the empty state: zeros, or pads for the window model), without changing it.
 * rel_error (n_tensors,) receives, per tensor, the largest |a - n| / max(|a| + |n|, floor) over
 * `samples` random entries. */
lm_status model_gradient_check(lm_model *m, const int32_t *ids, int N, int T, int samples, double eps, uint32_t seed,
                               double *rel_error);
/* The same against model_loss_and_grads_masked: sentences from the empty state, padding masked. */
lm_status model_gradient_check_masked(lm_model *m, const int32_t *ids, const uint8_t *mask, int N, int T, int samples,
                                      double eps, uint32_t seed, double *rel_error);

#endif
