/* layers_attention.c — the attention layer pair of layers_attention.h: scores by dot product or by the
 * additive network, a masked and stable softmax, the context as the α-weighted sum of the keys, and the
 * chain rule back through all three. Per batch row the scores, weights and context are small matrix
 * products (kernels.h); the additive network's tanh runs over a (Tk, A) block at a time. No validation,
 * no allocation. Shapes: N batch, Tq query steps, Tk key steps, H hidden, A attention size. */
#include "layers_attention.h"
#include "kernels.h"
#include "lm_math.h"

#include <string.h>

/* row (Tk,) holds the scores e_i·; overwrite it with α_i· (masked keys exactly 0). mask (Tk,) or NULL.
 * With no real key the row becomes all zeros (the API edge refuses that case before it gets here). */
static void masked_softmax(lm_float *row, const uint8_t *mask, int Tk) {
    lm_float max = 0;
    int any = 0;
    for (int j = 0; j < Tk; j++)
        if (!mask || mask[j]) {
            if (!any || row[j] > max) max = row[j];
            any = 1;
        }
    if (!any) {
        memset(row, 0, (size_t)Tk * sizeof *row);
        return;
    }
    double sum = 0;
    for (int j = 0; j < Tk; j++) {
        row[j] = !mask || mask[j] ? lm_exp(row[j] - max) : 0;
        sum += row[j];
    }
    const lm_float inv = (lm_float)(1.0 / sum); /* sum ≥ 1: the max term is exp(0) */
    for (int j = 0; j < Tk; j++) row[j] *= inv;
}

void attention_forward_projected(lm_float *c, lm_float *alpha, lm_float *cache, const lm_float *q, const lm_float *k,
                                 const lm_float *kw, const uint8_t *mask, const lm_float *Wq, const lm_float *v,
                                 lm_float *work, int N, int Tq, int Tk, int H, int A, lm_attn_score score) {
    const int additive = score == LM_ATTN_ADDITIVE;
    lm_float *qw = work; /* qw: (N, Tq, A) = q·W_q, additive only */
    if (additive) {
        memset(qw, 0, (size_t)N * Tq * A * sizeof *qw);
        lm_matmul_nn(qw, q, Wq, N * Tq, H, A);
    }
    for (int n = 0; n < N; n++) {
        const lm_float *kn = k + (size_t)n * Tk * H;             /* (Tk, H) */
        const uint8_t *mn = mask ? mask + (size_t)n * Tk : NULL; /* (Tk,) */
        lm_float *an = alpha + (size_t)n * Tq * Tk;              /* (Tq, Tk): the scores e, then α in place */
        if (!additive) {                                         /* e = q·kᵀ */
            memset(an, 0, (size_t)Tq * Tk * sizeof *an);
            lm_matmul_nt(an, q + (size_t)n * Tq * H, kn, Tq, H, Tk); /* q_n (Tq, H) */
        } else {
            for (int i = 0; i < Tq; i++) {
                const lm_float *qwi = qw + ((size_t)n * Tq + i) * A;         /* (A,) */
                lm_float *t = cache + ((size_t)n * Tq + i) * (size_t)Tk * A; /* (Tk, A) */
                for (int j = 0; j < Tk; j++) {
                    lm_float *tj = t + (size_t)j * A;
                    const lm_float *kwj = kw + ((size_t)n * Tk + j) * A;     /* (A,) */
                    if (mn && !mn[j]) memset(tj, 0, (size_t)A * sizeof *tj); /* padding: never scored */
                    else
                        for (int a = 0; a < A; a++) tj[a] = qwi[a] + kwj[a];
                }
                lm_tanh_ld(t, A, Tk, A); /* t_ij = tanh(q_i·W_q + k_j·W_k) */
                for (int j = 0; j < Tk; j++) {
                    const lm_float *tj = t + (size_t)j * A;
                    lm_float e = 0;
                    for (int a = 0; a < A; a++) e += v[a] * tj[a];
                    an[(size_t)i * Tk + j] = e;
                }
            }
        }
        for (int i = 0; i < Tq; i++) masked_softmax(an + (size_t)i * Tk, mn, Tk);
        lm_float *cn = c + (size_t)n * Tq * H; /* (Tq, H) = α (Tq, Tk) · k (Tk, H) */
        memset(cn, 0, (size_t)Tq * H * sizeof *cn);
        lm_matmul_nn(cn, an, kn, Tq, Tk, H);
    }
}

/* The chain rule, per batch row n:
 *   dα_ij = dc_i · k_j                       (c_i = Σ_j α_ij k_j)
 *   dk_j += Σ_i α_ij dc_i                    (the value path)
 *   de_ij = α_ij (dα_ij − Σ_j' α_ij' dα_ij')  (softmax; 0 where α is 0, so masked keys get nothing)
 *   dot:      dq_i = Σ_j de_ij k_j,  dk_j += Σ_i de_ij q_i
 *   additive: u_ij = q_i·W_q + k_j·W_k, t = tanh(u): dv += de_ij t_ij, du_ij = de_ij v ⊙ (1 − t_ij²),
 *             d(q_i·W_q) += du_ij, dkw_j += du_ij; then dq = d(q·W_q)·W_qᵀ and dW_q += qᵀ·d(q·W_q). */
void attention_backward_projected(lm_float *dq, lm_float *dk, lm_float *dkw, lm_float *dWq, lm_float *dv,
                                  const lm_float *dc, const lm_float *q, const lm_float *k, const lm_float *alpha,
                                  const lm_float *cache, const lm_float *Wq, const lm_float *v, lm_float *work, int N,
                                  int Tq, int Tk, int H, int A, lm_attn_score score) {
    const int additive = score == LM_ATTN_ADDITIVE;
    lm_float *g = work;                     /* g: (Tq, Tk) dα, then de, for one batch row */
    lm_float *dqw = work + (size_t)Tq * Tk; /* dqw: (N, Tq, A) dL/d(q·W_q), additive only */
    if (additive) memset(dqw, 0, (size_t)N * Tq * A * sizeof *dqw);
    if (dq) memset(dq, 0, (size_t)N * Tq * H * sizeof *dq);
    for (int n = 0; n < N; n++) {
        const lm_float *qn = q + (size_t)n * Tq * H;         /* (Tq, H) */
        const lm_float *kn = k + (size_t)n * Tk * H;         /* (Tk, H) */
        const lm_float *an = alpha + (size_t)n * Tq * Tk;    /* (Tq, Tk) */
        const lm_float *dcn = dc + (size_t)n * Tq * H;       /* (Tq, H) */
        lm_float *dkn = dk ? dk + (size_t)n * Tk * H : NULL; /* (Tk, H) */
        memset(g, 0, (size_t)Tq * Tk * sizeof *g);
        lm_matmul_nt(g, dcn, kn, Tq, H, Tk);
        if (dkn) lm_matmul_tn(dkn, an, dcn, Tk, Tq, H);
        for (int i = 0; i < Tq; i++) {
            lm_float *gi = g + (size_t)i * Tk;
            const lm_float *ai = an + (size_t)i * Tk;
            double s = 0;
            for (int j = 0; j < Tk; j++) s += (double)ai[j] * gi[j];
            for (int j = 0; j < Tk; j++) gi[j] = ai[j] * (gi[j] - (lm_float)s);
        }
        if (!additive) {
            if (dq) lm_matmul_nn(dq + (size_t)n * Tq * H, g, kn, Tq, Tk, H);
            if (dkn) lm_matmul_tn(dkn, g, qn, Tk, Tq, H);
            continue;
        }
        for (int i = 0; i < Tq; i++) {
            lm_float *dqwi = dqw + ((size_t)n * Tq + i) * A;                   /* (A,) */
            const lm_float *t = cache + ((size_t)n * Tq + i) * (size_t)Tk * A; /* (Tk, A) */
            for (int j = 0; j < Tk; j++) {
                const lm_float de = g[(size_t)i * Tk + j];
                if (de == 0) continue; /* a masked key (α = 0): no contribution */
                const lm_float *tj = t + (size_t)j * A;
                lm_float *dkwj = dkw + ((size_t)n * Tk + j) * A;
                for (int a = 0; a < A; a++) {
                    const lm_float du = de * v[a] * (1 - tj[a] * tj[a]);
                    dv[a] += de * tj[a];
                    dqwi[a] += du;
                    dkwj[a] += du;
                }
            }
        }
    }
    if (additive) {
        if (dq) lm_matmul_nt(dq, dqw, Wq, N * Tq, A, H);
        lm_matmul_tn(dWq, q, dqw, H, N * Tq, A);
    }
}

void attention_forward(lm_float *c, lm_float *alpha, lm_float *cache, const lm_float *q, const lm_float *k,
                       const uint8_t *mask, const lm_float *Wq, const lm_float *Wk, const lm_float *v, lm_float *work,
                       int N, int Tq, int Tk, int H, int A, lm_attn_score score) {
    lm_float *kw = NULL; /* kw: (N, Tk, A) = k·W_k, additive only */
    if (score == LM_ATTN_ADDITIVE) {
        kw = work;
        memset(kw, 0, (size_t)N * Tk * A * sizeof *kw);
        lm_matmul_nn(kw, k, Wk, N * Tk, H, A);
        work += (size_t)N * Tk * A;
    }
    attention_forward_projected(c, alpha, cache, q, k, kw, mask, Wq, v, work, N, Tq, Tk, H, A, score);
}

void attention_backward(lm_float *dq, lm_float *dk, lm_float *dWq, lm_float *dWk, lm_float *dv, const lm_float *dc,
                        const lm_float *q, const lm_float *k, const lm_float *alpha, const lm_float *cache,
                        const lm_float *Wq, const lm_float *Wk, const lm_float *v, lm_float *work, int N, int Tq,
                        int Tk, int H, int A, lm_attn_score score) {
    const int additive = score == LM_ATTN_ADDITIVE;
    lm_float *dkw = NULL; /* dkw: (N, Tk, A) dL/d(k·W_k), additive only */
    if (additive) {
        dkw = work;
        memset(dkw, 0, (size_t)N * Tk * A * sizeof *dkw);
    }
    if (dk) memset(dk, 0, (size_t)N * Tk * H * sizeof *dk);
    attention_backward_projected(dq, dk, dkw, dWq, dv, dc, q, k, alpha, cache, Wq, v,
                                 work + (additive ? (size_t)N * Tk * A : 0), N, Tq, Tk, H, A, score);
    if (additive) { /* the key projection: dk += dkw·W_kᵀ, dW_k += kᵀ·dkw */
        if (dk) lm_matmul_nt(dk, dkw, Wk, N * Tk, A, H);
        lm_matmul_tn(dWk, k, dkw, H, N * Tk, A);
    }
}
