/* layers_attention.h — attention (the BPTT notes' seq2seq chapter; Bahdanau et al. 2015) as a
 * forward/backward pair with the conventions of layers.h: outputs, then inputs, then parameters, then
 * workspace, then sizes; forwards overwrite their outputs; backwards OVERWRITE the input gradients
 * (dq, dk) and ACCUMULATE (+=) into parameter gradients (dWq, dWk, dv); "or NULL" pointers may be NULL.
 * No validation and no allocation here (the API edge and seq2seq.c check sizes and masks).
 * Shapes: N batch, Tq query steps (decoder steps; Tq = 1 is one decoder step), Tk key steps (encoder
 * positions), H hidden (queries, keys and values share it: keys = values = encoder states h^E),
 * A attention size (the additive network's width).
 *
 *   scores   e_ij = q_i · k_j                               (LM_ATTN_DOT)
 *            e_ij = vᵀ tanh(q_i·W_q + k_j·W_k)                (LM_ATTN_ADDITIVE; W_q (H, A), W_k (H, A), v (A,))
 *   weights  α_ij = exp(e_ij − m_i) / Σ_{j' real} exp(e_ij' − m_i) for a real (unmasked) key j, where m_i is
 *            the largest e_ij over real j (so exp never overflows); α_ij = 0 exactly for a masked j
 *   context  c_i  = Σ_j α_ij k_j
 * mask (N, Tk): 1 = a real token, 0 = padding. A row whose keys are all masked has no softmax; the layer
 * gives it α = 0 and c = 0 without a NaN, and the API edge refuses such a row with a sentence. */
#ifndef LM_LAYERS_ATTENTION_H
#define LM_LAYERS_ATTENTION_H

#include "lm_common.h"

/* Buffer sizes in lm_float elements, for sizes already validated (no overflow guard here). The cache
 * holds tanh(q_i·W_q + k_j·W_k) for every (n, i, j): the additive backward reads it; the dot product
 * needs no cache (pass NULL). */
#define ATTN_SZ(x) ((size_t)(x))
#define ATTN_CACHE_SIZE(N, Tq, Tk, A) (ATTN_SZ(N) * ATTN_SZ(Tq) * ATTN_SZ(Tk) * ATTN_SZ(A))
#define ATTN_WORK_FORWARD_PROJECTED(N, Tq, A) (ATTN_SZ(N) * ATTN_SZ(Tq) * ATTN_SZ(A) + 1)
#define ATTN_WORK_BACKWARD_PROJECTED(N, Tq, Tk, A) (ATTN_SZ(Tq) * ATTN_SZ(Tk) + ATTN_SZ(N) * ATTN_SZ(Tq) * ATTN_SZ(A))
#define ATTN_WORK_FORWARD(N, Tq, Tk, A) (ATTN_SZ(N) * ATTN_SZ(Tk) * ATTN_SZ(A) + ATTN_WORK_FORWARD_PROJECTED(N, Tq, A))
#define ATTN_WORK_BACKWARD(N, Tq, Tk, A) \
    (ATTN_SZ(N) * ATTN_SZ(Tk) * ATTN_SZ(A) + ATTN_WORK_BACKWARD_PROJECTED(N, Tq, Tk, A))

/* ---- the notes' interface ------------------------------------------------------------------------- */

/* c (N, Tq, H), alpha (N, Tq, Tk) out; cache (N, Tq, Tk, A) out (additive; NULL for dot); q (N, Tq, H);
 * k (N, Tk, H); mask (N, Tk) or NULL (every key real); Wq (H, A), Wk (H, A), v (A,) for additive (NULL
 * for dot); work ATTN_WORK_FORWARD(N, Tq, Tk, A) (additive; NULL for dot). */
void attention_forward(lm_float *c, lm_float *alpha, lm_float *cache, const lm_float *q, const lm_float *k,
                       const uint8_t *mask, const lm_float *Wq, const lm_float *Wk, const lm_float *v, lm_float *work,
                       int N, int Tq, int Tk, int H, int A, lm_attn_score score);
/* dq (N, Tq, H), dk (N, Tk, H) overwritten (either may be NULL); dWq, dWk (H, A), dv (A,) += (additive;
 * NULL for dot); dc (N, Tq, H) upstream; q, k, alpha, cache as given to / written by the forward;
 * work ATTN_WORK_BACKWARD(N, Tq, Tk, A). */
void attention_backward(lm_float *dq, lm_float *dk, lm_float *dWq, lm_float *dWk, lm_float *dv, const lm_float *dc,
                        const lm_float *q, const lm_float *k, const lm_float *alpha, const lm_float *cache,
                        const lm_float *Wq, const lm_float *Wk, const lm_float *v, lm_float *work, int N, int Tq,
                        int Tk, int H, int A, lm_attn_score score);

/* ---- with the key projection done by the caller (the seq2seq decoder) ----------------------------
 * A decoder runs attention once per step against the same encoder states, so kw = k·W_k is computed
 * once per sequence and its gradient pushed through W_k once (like the cells' input projection). */

/* As attention_forward, with kw (N, Tk, A) = k·W_k given (additive; NULL for dot) and no Wk;
 * work ATTN_WORK_FORWARD_PROJECTED(N, Tq, A) (additive; NULL for dot). */
void attention_forward_projected(lm_float *c, lm_float *alpha, lm_float *cache, const lm_float *q, const lm_float *k,
                                 const lm_float *kw, const uint8_t *mask, const lm_float *Wq, const lm_float *v,
                                 lm_float *work, int N, int Tq, int Tk, int H, int A, lm_attn_score score);
/* dq (N, Tq, H) overwritten (or NULL). dk (N, Tk, H) and dkw (N, Tk, A) ACCUMULATE (+=) here, unlike the
 * notes' interface: the decoder reads the same keys at every step, so their gradient is the sum over
 * the steps, added in place step by step. dWq (H, A), dv (A,) +=; dkw, dWq, dv are NULL for dot.
 * work ATTN_WORK_BACKWARD_PROJECTED(N, Tq, Tk, A), with A = 0 for dot. */
void attention_backward_projected(lm_float *dq, lm_float *dk, lm_float *dkw, lm_float *dWq, lm_float *dv,
                                  const lm_float *dc, const lm_float *q, const lm_float *k, const lm_float *alpha,
                                  const lm_float *cache, const lm_float *Wq, const lm_float *v, lm_float *work, int N,
                                  int Tq, int Tk, int H, int A, lm_attn_score score);

#endif
