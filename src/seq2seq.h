/* seq2seq.h — the encoder–decoder model of the BPTT notes' last chapter, over the cells we have (RNN,
 * LSTM, GRU; L stacked layers on each side): config, one flat parameter buffer and one flat gradient
 * buffer with a named-tensor table (PyTorch-style names), caches sized per (N, Ts, Tt), the loss with
 * teacher forcing and its gradients, scoring, greedy decoding and beam search. Internal: these
 * seq2seq_* functions validate only where they say so; the exported edge is lm_seq2seq_* (seq2seq_api.c).
 * Shapes: N batch (pairs), Ts source steps, Tt target steps, Vs / Vt source / target vocabulary,
 * E embedding, H hidden, L layers, G gates (RNN 1, LSTM 4, GRU 3), A attention size, K beam width.
 *
 * The equations (i = 1 … Tt target steps, j = 1 … Ts source positions; h^D_0 = h^E_{Ts}, layer by layer):
 *   encoder    h^E_j = cell_E(emb_src(x_j), h^E_{j-1}), h^E_0 = 0; a row's state stops at its last real
 *              token (padding after it leaves the state unchanged, as torch's pack_padded_sequence)
 *   attention  c_i = Σ_j α_ij h^E_j,  α_i = softmax_j(e_ij) over the real source tokens,
 *              e_ij = h^D_{i-1}·h^E_j (dot) or vᵀ tanh(h^D_{i-1}·W_q + h^E_j·W_k) (additive), where h^D_{i-1}
 *              is the top decoder layer's previous state (Bahdanau: the context is computed before the step)
 *   decoder    h^D_i = cell_D([emb_tgt(y_{i-1}); c_i], h^D_{i-1})   (no attention: cell_D(emb_tgt(y_{i-1}), ·))
 *   output     s_i = [h^D_i; c_i]·W_y + b_y  (out_context = 1)  or  s_i = h^D_i·W_y + b_y  (out_context = 0)
 *   loss       the mean over the real target tokens of −log softmax(s_i)[y_i]
 * Teacher forcing: in training the decoder's input y_{i-1} is the reference token (y_0 = <s>), not the
 * model's own prediction; decoding feeds back its own choices. */
#ifndef LM_SEQ2SEQ_H
#define LM_SEQ2SEQ_H

#include "layers_attention.h"
#include "lm_common.h"
#include "model.h"
#include "param_table.h"

/* LM_MAX_S2S_LAYERS, LM_MAX_S2S_LEN and LM_MAX_S2S_BEAM are public limits (lmlab.h). */
#define LM_S2S_MAX_TENSORS (2 + 2 * 4 * LM_MAX_S2S_LAYERS + 3 + 2)

typedef struct {
    lm_cell cell;                  /* LM_CELL_RNN, LM_CELL_LSTM or LM_CELL_GRU (the same on both sides) */
    int gru_variant;               /* GRU: LM_GRU_LECTURE or LM_GRU_TORCH */
    int Vs, Vt;                    /* source and target vocabulary sizes (the same ids when shared) */
    int E;                         /* embedding size, both sides, >= 1 */
    int H;                         /* hidden size, both sides (the decoder starts from the encoder's state) */
    int L;                         /* layers on each side, 1 .. LM_MAX_S2S_LAYERS */
    lm_attn_score attention;       /* LM_ATTN_NONE (the bottleneck), LM_ATTN_DOT or LM_ATTN_ADDITIVE */
    int A;                         /* additive attention width (>= 1); 0 otherwise */
    int out_context;               /* attention only: 1 = the output layer reads [h^D_i; c_i], 0 = h^D_i */
    int src_pad;                   /* source id of <pad> */
    int tgt_pad, tgt_bos, tgt_eos; /* target ids of <pad>, <s>, </s> */
    uint32_t seed;
} lm_seq2seq_config;

/* One recurrent stack (the encoder's or the decoder's): views into the model's params and grads. */
typedef struct {
    lm_cell cell;
    int gru_variant, L, H, G;
    int in0; /* layer 0's input width: E, or E + H (attention decoder) */
    lm_float *Wx[LM_MAX_S2S_LAYERS], *dWx[LM_MAX_S2S_LAYERS]; /* (in, G·H): in = in0 for layer 0, else H */
    lm_float *Wh[LM_MAX_S2S_LAYERS], *dWh[LM_MAX_S2S_LAYERS]; /* (H, G·H) */
    lm_float *b[LM_MAX_S2S_LAYERS], *db[LM_MAX_S2S_LAYERS];   /* (G·H,) */
    lm_float *bh[LM_MAX_S2S_LAYERS], *dbh[LM_MAX_S2S_LAYERS]; /* (G·H,) torch GRU's bias_hh, else NULL */
    lm_float *bsum;                                           /* (L, 3H) torch GRU: bias_ih + [bias_hh r, z | 0] */
} lm_s2s_stack;

typedef struct lm_seq2seq {
    lm_seq2seq_config cfg;
    lm_param_info table[LM_S2S_MAX_TENSORS];
    int n_tensors;
    size_t n_params;
    lm_float *params; /* (n_params,) */
    lm_float *grads;  /* (n_params,) same layout */
    lm_s2s_stack enc, dec;
    lm_float *emb_src, *demb_src;  /* (Vs, E) */
    lm_float *emb_tgt, *demb_tgt;  /* (Vt, E) */
    lm_float *Wq, *dWq, *Wk, *dWk; /* (H, A), additive only */
    lm_float *v, *dv;              /* (A,), additive only */
    lm_float *Wy, *dWy;            /* (Hout, Vt), Hout = 2H with out_context, else H */
    lm_float *by, *dby;            /* (Vt,) */
    int Hout;
    lm_float *bsum; /* (2, L, 3H) storage of enc.bsum and dec.bsum */

    /* Caches for (N, Ts, Tt): one arena, carved per shape, grown only when it must. Time-major inside
     * (a step's (N, ·) block is contiguous for the cells); keys, mask and α are batch-first. */
    int cache_N, cache_Ts, cache_Tt;
    size_t arena_bytes;
    void *arena;
    int32_t *src_t;    /* (Ts, N) source ids, time-major */
    int32_t *lens;     /* (N,) real source tokens per row */
    uint8_t *mask;     /* (N, Ts) 1 = real source token */
    int32_t *yin;      /* (Tt, N) decoder inputs y_{i-1} (teacher forcing) */
    int32_t *yout;     /* (Tt, N) targets y_i */
    uint8_t *tmask;    /* (Tt, N) 1 = real target */
    lm_float *xe;      /* (Ts, N, E) source embeddings */
    lm_float *exw;     /* (Ts, N, G·H) input projection of the encoder layer being computed */
    lm_float *hE;      /* (L, Ts+1, N, H) encoder states; slot 0 is the zero start */
    lm_float *cE;      /* (L, Ts+1, N, H) LSTM cell states */
    lm_float *cacheE;  /* (L, Ts, N, CW) gate caches (CW = 6H LSTM, 4H GRU) */
    lm_float *keys;    /* (N, Ts, H) top encoder states, batch-first: attention's keys and values */
    lm_float *kw;      /* (N, Ts, A) keys·W_k (additive) */
    lm_float *xd;      /* (Tt, N, E) target-side embeddings of the decoder inputs */
    lm_float *dxw;     /* (Tt, N, G·H) decoder layer 0's input projection of the embeddings */
    lm_float *xw;      /* (N, G·H) one step's projection */
    lm_float *hD;      /* (L, Tt+1, N, H) decoder states; slot 0 = the encoder's final state */
    lm_float *cD;      /* (L, Tt+1, N, H) LSTM cell states */
    lm_float *cacheD;  /* (L, Tt, N, CW) */
    lm_float *ctx;     /* (Tt, N, H) contexts c_i */
    lm_float *alpha;   /* (Tt, N, Ts) attention weights α_i */
    lm_float *acache;  /* (Tt, N, Ts, A) additive tanh cache */
    lm_float *outin;   /* (Tt, N, 2H) [h^D_i; c_i] (out_context only) */
    lm_float *scores;  /* (Tt, N, Vt) */
    lm_float *dscores; /* (Tt, N, Vt) */
    lm_float *doutin;  /* (Tt, N, Hout) */
    lm_float *dh, *dc; /* (L, N, H) gradient carried into each layer's current state */
    lm_float *gh, *gc; /* (N, H) one cell step's upstream */
    lm_float *ph, *pc; /* (N, H) one cell step's dh_prev, dc_prev */
    lm_float *dstep;   /* (N, G·H) one cell step's dL/d(projection) */
    lm_float *dxw0;    /* (Tt, N, G·H) decoder layer 0's dL/d(projection) at every step */
    lm_float *dctx;    /* (N, H) */
    lm_float *dq;      /* (N, H) */
    lm_float *dkeys;   /* (N, Ts, H) */
    lm_float *dkw;     /* (N, Ts, A) */
    lm_float *dup;     /* (Ts, N, H) upstream of the encoder layer being walked back */
    lm_float *dexw;    /* (Ts, N, G·H) */
    lm_float *dxe;     /* (Ts, N, E) */
    lm_float *dxd;     /* (Tt, N, E) */
    lm_float *work;    /* the cells' and attention's workspace (the largest of them) */
    double last_loss;

    char *metadata_json; /* JSON object text of string metadata (vocabularies, set by the glue) */
} lm_seq2seq;

/* A padded batch: src (N, Ts) ids then src_pad; tgt (N, Tt+1) = <s> y_1 … y_m </s> then tgt_pad. The
 * decoder reads tgt[:, :Tt] (teacher forcing) and predicts tgt[:, 1:]; a target equal to tgt_pad is
 * not scored. */
typedef struct {
    const int32_t *src;
    const int32_t *tgt;
    int N, Ts, Tt;
} lm_s2s_batch;

/* Checks a config against the documented limits without allocating; a sentence starting with fn. */
lm_status seq2seq_check_config(const lm_seq2seq_config *cfg, const char *fn);
/* Builds an initialised model from a config that passed seq2seq_check_config. */
lm_status seq2seq_new(lm_seq2seq **out, const lm_seq2seq_config *cfg);
void seq2seq_delete(lm_seq2seq *m);
/* "none", "dot", "additive"; seq2seq_attention_from_name returns -1 if unknown. */
const char *seq2seq_attention_name(lm_attn_score a);
int seq2seq_attention_from_name(const char *name);

/* Every rule a batch must follow, with a sentence (starting with fn) naming the first row and position
 * that breaks one:
 * sizes, ids in range, source padding only after the real tokens and at least one real token per row,
 * every target row starting with <s>, target padding only at the end, <pad> and <s> never as targets,
 * at least one target to score in the batch. */
lm_status seq2seq_check_batch(const lm_seq2seq *m, const lm_s2s_batch *b, const char *fn);
/* The source part of those rules, for src (N, Ts) alone (decoding). */
lm_status seq2seq_check_sources(const lm_seq2seq *m, const int32_t *src, int N, int Ts, const char *fn);

/* Teacher-forced forward and backward on a checked batch: *loss = the mean over the real target
 * tokens of −log p(y_i | y_<i, x); the gradient buffer receives the gradient of that mean (zeroed
 * first). A non-finite loss or gradient gives LM_ERR_NONFINITE naming the tensor. *count (or NULL)
 * receives the number of target tokens scored. */
lm_status seq2seq_loss_and_grads(lm_seq2seq *m, const lm_s2s_batch *b, double *loss, double *count);
/* Forward only: *loss_sum = Σ over real targets of −log p, *count = their number. */
lm_status seq2seq_loss_sum(lm_seq2seq *m, const lm_s2s_batch *b, double *loss_sum, double *count);
/* Per row: out (N,) = Σ_i log p(y_i | y_<i, x) over the row's real targets (teacher forcing). */
lm_status seq2seq_sequence_logprobs(lm_seq2seq *m, const lm_s2s_batch *b, double *out);

/* Greedy decoding of checked sources src (N, Ts), max_len in 1 … LM_MAX_S2S_LEN: at each step the most probable token other than <pad> and <s>,
 * fed back as the next input, until </s> or max_len tokens. out (N, max_len) receives the tokens
 * (</s> included when produced, then tgt_pad); out_len (N,) the count before any padding; alpha
 * (N, max_len, Ts) or NULL the attention weights of every step (zeros after the end, and zeros
 * everywhere without attention); logprob (N,) or NULL the sum of the chosen tokens' log-probabilities. */
lm_status seq2seq_greedy(lm_seq2seq *m, const int32_t *src, int N, int Ts, int max_len, int32_t *out, int32_t *out_len,
                         lm_float *alpha, double *logprob);
/* Beam search of width K (1 … LM_MAX_S2S_BEAM) over one checked source src (Ts,): hypotheses are scored by the sum of their tokens'
 * log-probabilities (no length normalisation); a hypothesis ends at </s>; the search stops when K have
 * ended, when the best ended one scores at least the best live one (scores only fall), or at max_len.
 * The best ended hypothesis is returned (the best live one if none ended): out (max_len,), *out_len,
 * *logprob, alpha (max_len, Ts) or NULL as for greedy. K = 1 is greedy decoding. */
lm_status seq2seq_beam(lm_seq2seq *m, const int32_t *src, int Ts, int K, int max_len, int32_t *out, int32_t *out_len,
                       lm_float *alpha, double *logprob);

/* Centered differences against seq2seq_loss_and_grads on a batch, per tensor: rel_error (n_tensors,)
 * receives the largest |a − n| / max(|a| + |n|, floor) over `samples` random entries. The double
 * build uses five-point differences with step eps (attention's small gradients need them); the float
 * build two-point differences over the step actually taken. */
lm_status seq2seq_gradient_check(lm_seq2seq *m, const lm_s2s_batch *b, int samples, double eps, uint32_t seed,
                                 double *rel_error);

/* (internal to the seq2seq files) carve the caches for (N, Ts, Tt). */
lm_status seq2seq_ensure_caches(lm_seq2seq *m, int N, int Ts, int Tt);

#endif
