/* layers_attention_api.c — the exported edge (lmlab.h) of the attention layer pair, for the JS glue
 * (lm.layers.attention_forward / _backward) and autograders: sizes (range, the one element-count rule),
 * the scorer and its parameters, required pointers, the mask (0/1, at least one real key per row: a row
 * with none has no softmax) and the finiteness of every input read are checked with lm_check.h's
 * sentences; the workspace is allocated here and freed before returning. The JS side checks that array
 * lengths agree with the shapes. Shapes as in layers_attention.h: N, Tq, Tk, H, A. */
#include "layers_attention.h"
#include "lm_check.h"

typedef struct {
    size_t q, k, alpha, cache, W, mask;
} attn_sizes;

/* Sizes, the scorer, and that A and the additive parameters go together. */
static lm_status check_sizes(const char *fn, int N, int Tq, int Tk, int H, int A, int score, const void *Wq,
                             const void *Wk, const void *v, attn_sizes *n) {
    LM_TRY(lm_check_min(fn, "N (batch)", N, 1));
    LM_TRY(lm_check_min(fn, "Tq (query steps)", Tq, 1));
    LM_TRY(lm_check_min(fn, "Tk (key steps)", Tk, 1));
    LM_TRY(lm_check_dim(fn, "H (hidden size)", H));
    LM_TRY(lm_check_choice(fn, "score", score, 3, "1 (dot) or 2 (additive)"));
    if (score == LM_ATTN_NONE)
        return lm_fail(LM_ERR_ARG,
                       "%s: score must be 1 (dot) or 2 (additive), got 0 (none: there is nothing to attend with)", fn);
    if (score == LM_ATTN_ADDITIVE) {
        LM_TRY(lm_check_dim(fn, "A (attention size)", A));
        LM_TRY(lm_check_ptr(fn, "Wq", Wq));
        LM_TRY(lm_check_ptr(fn, "Wk", Wk));
        LM_TRY(lm_check_ptr(fn, "v", v));
    } else if (A != 0) {
        return lm_fail(LM_ERR_ARG,
                       "%s: A (attention size) belongs to the additive score; the dot product needs A = 0, "
                       "got %d",
                       fn, A);
    }
    LM_TRY(lm_check_elems(fn, "q (N, Tq, H)", &n->q, N, Tq, H));
    LM_TRY(lm_check_elems(fn, "k (N, Tk, H)", &n->k, N, Tk, H));
    LM_TRY(lm_check_elems(fn, "alpha (N, Tq, Tk)", &n->alpha, N, Tq, Tk));
    LM_TRY(lm_check_elems(fn, "mask (N, Tk)", &n->mask, N, Tk, 1));
    n->cache = n->W = 0;
    if (A) {
        LM_TRY(lm_check_elems(fn, "cache (N·Tq, Tk, A)", &n->cache, n->alpha, A, 1));
        LM_TRY(lm_check_elems(fn, "Wq (H, A)", &n->W, H, A, 1));
    }
    return LM_OK;
}

/* mask (N, Tk) or NULL: 0/1 values and at least one real key in every row. */
static lm_status check_mask(const char *fn, const uint8_t *mask, int N, int Tk) {
    if (!mask) return LM_OK;
    for (int n = 0; n < N; n++) {
        int real = 0;
        for (int j = 0; j < Tk; j++) {
            uint8_t b = mask[(size_t)n * Tk + j];
            if (b > 1)
                return lm_fail(LM_ERR_ARG, "%s: mask[%d, %d] = %d; it must be 0 (padding) or 1 (a real token)", fn, n,
                               j, b);
            real += b;
        }
        if (!real)
            return lm_fail(LM_ERR_ARG,
                           "%s: mask row %d has no real key (all 0): its attention weights have no softmax; "
                           "every row needs at least one real token",
                           fn, n);
    }
    return LM_OK;
}

lm_status lm_layer_attention_forward(lm_float *c, lm_float *alpha, lm_float *cache, const lm_float *q,
                                     const lm_float *k, const uint8_t *mask, const lm_float *Wq, const lm_float *Wk,
                                     const lm_float *v, int N, int Tq, int Tk, int H, int A, int score) {
    const char *fn = "attention_forward";
    attn_sizes n;
    LM_TRY(check_sizes(fn, N, Tq, Tk, H, A, score, Wq, Wk, v, &n));
    LM_TRY(lm_check_ptr(fn, "c", c));
    LM_TRY(lm_check_ptr(fn, "alpha", alpha));
    if (score == LM_ATTN_ADDITIVE) LM_TRY(lm_check_ptr(fn, "cache", cache));
    LM_TRY(lm_check_ptr(fn, "q", q));
    LM_TRY(lm_check_ptr(fn, "k", k));
    LM_TRY(check_mask(fn, mask, N, Tk));
    LM_TRY(lm_check_finite(fn, "q", q, n.q));
    LM_TRY(lm_check_finite(fn, "k", k, n.k));
    lm_float *work = NULL;
    if (score == LM_ATTN_ADDITIVE) {
        LM_TRY(lm_check_finite(fn, "Wq", Wq, n.W));
        LM_TRY(lm_check_finite(fn, "Wk", Wk, n.W));
        LM_TRY(lm_check_finite(fn, "v", v, (size_t)A));
        if (!(work = lm_check_workspace(fn, ATTN_WORK_FORWARD(N, Tq, Tk, A)))) return LM_ERR_NOMEM;
    }
    attention_forward(c, alpha, score == LM_ATTN_ADDITIVE ? cache : NULL, q, k, mask, Wq, Wk, v, work, N, Tq, Tk, H, A,
                      (lm_attn_score)score);
    lm_free(work);
    return LM_OK;
}

lm_status lm_layer_attention_backward(lm_float *dq, lm_float *dk, lm_float *dWq, lm_float *dWk, lm_float *dv,
                                      const lm_float *dc, const lm_float *q, const lm_float *k, const lm_float *alpha,
                                      const lm_float *cache, const lm_float *Wq, const lm_float *Wk, const lm_float *v,
                                      int N, int Tq, int Tk, int H, int A, int score) {
    const char *fn = "attention_backward";
    attn_sizes n;
    LM_TRY(check_sizes(fn, N, Tq, Tk, H, A, score, Wq, Wk, v, &n));
    if (score == LM_ATTN_ADDITIVE) {
        LM_TRY(lm_check_ptr(fn, "dWq", dWq));
        LM_TRY(lm_check_ptr(fn, "dWk", dWk));
        LM_TRY(lm_check_ptr(fn, "dv", dv));
        LM_TRY(lm_check_ptr(fn, "cache", cache));
    }
    LM_TRY(lm_check_ptr(fn, "dc", dc));
    LM_TRY(lm_check_ptr(fn, "q", q));
    LM_TRY(lm_check_ptr(fn, "k", k));
    LM_TRY(lm_check_ptr(fn, "alpha", alpha));
    LM_TRY(lm_check_finite(fn, "dc", dc, n.q));
    LM_TRY(lm_check_finite(fn, "q", q, n.q));
    LM_TRY(lm_check_finite(fn, "k", k, n.k));
    LM_TRY(lm_check_finite(fn, "alpha", alpha, n.alpha));
    if (score == LM_ATTN_ADDITIVE) {
        LM_TRY(lm_check_finite(fn, "cache", cache, n.cache));
        LM_TRY(lm_check_finite(fn, "Wq", Wq, n.W));
        LM_TRY(lm_check_finite(fn, "Wk", Wk, n.W));
        LM_TRY(lm_check_finite(fn, "v", v, (size_t)A));
    }
    lm_float *work = lm_check_workspace(fn, ATTN_WORK_BACKWARD(N, Tq, Tk, A));
    if (!work) return LM_ERR_NOMEM;
    const int additive = score == LM_ATTN_ADDITIVE;
    attention_backward(dq, dk, additive ? dWq : NULL, additive ? dWk : NULL, additive ? dv : NULL, dc, q, k, alpha,
                       additive ? cache : NULL, Wq, Wk, v, work, N, Tq, Tk, H, A, (lm_attn_score)score);
    lm_free(work);
    return LM_OK;
}
