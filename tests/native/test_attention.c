/* test_attention.c — the attention layer pair of layers_attention.h, natively: every gradient (dot and
 * additive; masks; Tq = 1 and Tq > 1; the notes' interface and the projected one) against centered
 * finite differences, each check shown able to fail; masked keys get exactly zero weight and gradient;
 * the BPTT notes' worked example; the += / overwrite rules; steps one at a time equal the batch of steps;
 * a fully masked row gives zeros, not NaN; huge scores do not overflow. Workspaces are allocated at
 * exactly their documented sizes so ASan catches an overrun. Built float and -DLM_DOUBLE.
 * The double build checks with five-point differences (gradcheck.h's check_grad_fine): a key with little
 * weight gets a gradient 1e-5 … 1e-7 of the largest, below what the two-point difference resolves to 1e-6
 * (over 30 seeds of this fixture, 20 failed that way at 1e-6 with two points; none with five). */
#include "check.h"
#include "gradcheck.h"
#include "layers_attention.h"
#include "lm_common.h"
#include "rng.h"

#include <stdlib.h>
#include <string.h>

#ifdef LM_DOUBLE
#define SAME_TOL 1e-12
#else
#define SAME_TOL 1e-5
#endif

static lm_float *poisoned(size_t n) {
    lm_float *p = malloc((n ? n : 1) * sizeof *p);
    for (size_t i = 0; i < n; i++) p[i] = (lm_float)NAN;
    return p;
}

static lm_float *copy_of(const lm_float *p, size_t n) {
    lm_float *q = malloc((n ? n : 1) * sizeof *q);
    memcpy(q, p, n * sizeof *q);
    return q;
}

static double max_abs_diff(const lm_float *a, const lm_float *b, size_t n) {
    double worst = 0;
    for (size_t i = 0; i < n; i++) worst = fmax(worst, fabs((double)a[i] - (double)b[i]));
    return worst;
}

/* ---- one context for every case -------------------------------------------------------------- */

typedef struct {
    int N, Tq, Tk, H, A, projected;
    lm_attn_score score;
    lm_float *q, *k, *kw, *Wq, *Wk, *v;  /* (N, Tq, H), (N, Tk, H), (N, Tk, A), (H, A), (H, A), (A,) */
    uint8_t *mask;                       /* (N, Tk) or NULL */
    lm_float *c, *alpha, *cache, *fwork; /* (N, Tq, H), (N, Tq, Tk), (N, Tq, Tk, A), forward work */
    lm_float *Rc;                        /* loss weights: L = Σ c·Rc */
} att_ctx;

static int additive(const att_ctx *a) { return a->score == LM_ATTN_ADDITIVE; }

static void att_forward(att_ctx *a) {
    if (a->projected) {
        if (additive(a)) { /* kw = k·W_k by hand: the projected form takes it as an input */
            for (int r = 0; r < a->N * a->Tk; r++)
                for (int j = 0; j < a->A; j++) {
                    double s = 0;
                    for (int h = 0; h < a->H; h++)
                        s += (double)a->k[(size_t)r * a->H + h] * a->Wk[(size_t)h * a->A + j];
                    a->kw[(size_t)r * a->A + j] = (lm_float)s;
                }
        }
        attention_forward_projected(a->c, a->alpha, a->cache, a->q, a->k, additive(a) ? a->kw : NULL, a->mask, a->Wq,
                                    a->v, a->fwork, a->N, a->Tq, a->Tk, a->H, a->A, a->score);
    } else {
        attention_forward(a->c, a->alpha, a->cache, a->q, a->k, a->mask, a->Wq, a->Wk, a->v, a->fwork, a->N, a->Tq,
                          a->Tk, a->H, a->A, a->score);
    }
}

static double att_loss(void *p) {
    att_ctx *a = p;
    att_forward(a);
    return dot(a->c, a->Rc, (size_t)a->N * a->Tq * a->H);
}

/* mask rows: row n has its last (n % Tk) keys masked, but always at least one real key */
static uint8_t *make_mask(int N, int Tk) {
    uint8_t *m = malloc((size_t)N * Tk);
    for (int n = 0; n < N; n++)
        for (int j = 0; j < Tk; j++) m[(size_t)n * Tk + j] = j < Tk - (n % Tk) || j == 0;
    return m;
}

static void att_alloc(att_ctx *a, lm_attn_score score, int projected, int N, int Tq, int Tk, int H, int A, int masked) {
    *a = (att_ctx){.N = N,
                   .Tq = Tq,
                   .Tk = Tk,
                   .H = H,
                   .A = score == LM_ATTN_ADDITIVE ? A : 0,
                   .projected = projected,
                   .score = score};
    A = a->A;
    a->q = randn((size_t)N * Tq * H, 1);
    a->k = randn((size_t)N * Tk * H, 1);
    a->kw = zeros((size_t)N * Tk * (A ? A : 1));
    a->Wq = randn((size_t)H * (A ? A : 1), 0.5);
    a->Wk = randn((size_t)H * (A ? A : 1), 0.5);
    a->v = randn(A ? A : 1, 0.5);
    a->mask = masked ? make_mask(N, Tk) : NULL;
    a->c = poisoned((size_t)N * Tq * H);
    a->alpha = poisoned((size_t)N * Tq * Tk);
    a->cache = A ? poisoned(ATTN_CACHE_SIZE(N, Tq, Tk, A)) : NULL;
    size_t fw = !A ? 0 : projected ? ATTN_WORK_FORWARD_PROJECTED(N, Tq, A) : ATTN_WORK_FORWARD(N, Tq, Tk, A);
    a->fwork = fw ? malloc(fw * sizeof(lm_float)) : NULL; /* exactly the documented size */
    a->Rc = randn((size_t)N * Tq * H, 1);
}

static void att_free(att_ctx *a) {
    free(a->q), free(a->k), free(a->kw), free(a->Wq), free(a->Wk), free(a->v), free(a->mask);
    free(a->c), free(a->alpha), free(a->cache), free(a->fwork), free(a->Rc);
}

typedef struct {
    lm_float *dq, *dk, *dkw, *dWq, *dWk, *dv, *work;
} att_grads;

static size_t bwork_size(const att_ctx *a) {
    return a->projected ? ATTN_WORK_BACKWARD_PROJECTED(a->N, a->Tq, a->Tk, a->A)
                        : ATTN_WORK_BACKWARD(a->N, a->Tq, a->Tk, a->A);
}

static void grads_alloc(att_grads *g, const att_ctx *a) {
    const size_t A = a->A ? (size_t)a->A : 1;
    g->dq = poisoned((size_t)a->N * a->Tq * a->H); /* overwritten */
    /* overwritten by the notes' interface, accumulated by the projected one */
    g->dk = a->projected ? zeros((size_t)a->N * a->Tk * a->H) : poisoned((size_t)a->N * a->Tk * a->H);
    g->dkw = zeros((size_t)a->N * a->Tk * A);
    g->dWq = zeros((size_t)a->H * A);
    g->dWk = zeros((size_t)a->H * A);
    g->dv = zeros(A);
    g->work = malloc(bwork_size(a) * sizeof(lm_float));
}

static void grads_free(att_grads *g) {
    free(g->dq), free(g->dk), free(g->dkw), free(g->dWq), free(g->dWk), free(g->dv), free(g->work);
}

static void att_backward(const att_ctx *a, att_grads *g) {
    const int ad = additive(a);
    if (a->projected)
        attention_backward_projected(g->dq, g->dk, ad ? g->dkw : NULL, ad ? g->dWq : NULL, ad ? g->dv : NULL, a->Rc,
                                     a->q, a->k, a->alpha, a->cache, a->Wq, a->v, g->work, a->N, a->Tq, a->Tk, a->H,
                                     a->A, a->score);
    else
        attention_backward(g->dq, g->dk, ad ? g->dWq : NULL, ad ? g->dWk : NULL, ad ? g->dv : NULL, a->Rc, a->q, a->k,
                           a->alpha, a->cache, a->Wq, a->Wk, a->v, g->work, a->N, a->Tq, a->Tk, a->H, a->A, a->score);
}

static const char *score_name(lm_attn_score s) { return s == LM_ATTN_DOT ? "dot" : "additive"; }

/* The projected backward's dk is the gradient with kw held fixed; the full dk adds dkw·W_kᵀ. For its
 * check the loss must see k only through the value and dot paths, so kw is frozen in the context. */
static double att_loss_kw_frozen(void *p) {
    att_ctx *a = p;
    attention_forward_projected(a->c, a->alpha, a->cache, a->q, a->k, additive(a) ? a->kw : NULL, a->mask, a->Wq, a->v,
                                a->fwork, a->N, a->Tq, a->Tk, a->H, a->A, a->score);
    return dot(a->c, a->Rc, (size_t)a->N * a->Tq * a->H);
}

static void test_gradients(lm_attn_score score, int projected, int N, int Tq, int Tk, int H, int A, int masked) {
    att_ctx a;
    att_alloc(&a, score, projected, N, Tq, Tk, H, A, masked);
    char what[128], base[96];
    snprintf(base, sizeof base, "%s%s N%d Tq%d Tk%d H%d%s", score_name(score), projected ? " projected" : "", N, Tq, Tk,
             H, masked ? " masked" : "");
    att_loss(&a);
    CHECK(all_finite(a.c, (size_t)N * Tq * H) && all_finite(a.alpha, (size_t)N * Tq * Tk), "%s: outputs written", base);
    if (a.A) CHECK(all_finite(a.cache, ATTN_CACHE_SIZE(N, Tq, Tk, a.A)), "%s: cache written", base);
    att_grads g;
    grads_alloc(&g, &a);
    att_backward(&a, &g);
    const size_t nq = (size_t)N * Tq * H, nk = (size_t)N * Tk * H, nw = (size_t)H * a.A;
#define GRAD(name, analytic, param, count, fn)                 \
    do {                                                       \
        snprintf(what, sizeof what, "%s %s", base, name);      \
        check_grad_fine(what, analytic, param, count, fn, &a); \
    } while (0)
    if (projected) {
        GRAD("dq", g.dq, a.q, nq, att_loss_kw_frozen);
        GRAD("dk (kw fixed)", g.dk, a.k, nk, att_loss_kw_frozen);
        if (a.A) {
            GRAD("dkw", g.dkw, a.kw, (size_t)N * Tk * a.A, att_loss_kw_frozen);
            GRAD("dWq", g.dWq, a.Wq, nw, att_loss_kw_frozen);
            GRAD("dv", g.dv, a.v, (size_t)a.A, att_loss_kw_frozen);
        }
    } else {
        GRAD("dq", g.dq, a.q, nq, att_loss);
        GRAD("dk", g.dk, a.k, nk, att_loss);
        if (a.A) {
            GRAD("dWq", g.dWq, a.Wq, nw, att_loss);
            GRAD("dWk", g.dWk, a.Wk, nw, att_loss);
            GRAD("dv", g.dv, a.v, (size_t)a.A, att_loss);
        }
    }
#undef GRAD
    /* masked keys: weight exactly 0 and gradient exactly 0 */
    if (masked) {
        int zero_alpha = 1, zero_dk = 1;
        for (int n = 0; n < N; n++)
            for (int j = 0; j < Tk; j++) {
                if (a.mask[(size_t)n * Tk + j]) continue;
                for (int i = 0; i < Tq; i++) zero_alpha &= a.alpha[((size_t)n * Tq + i) * Tk + j] == 0;
                for (int h = 0; h < H; h++) zero_dk &= g.dk[((size_t)n * Tk + j) * H + h] == 0;
            }
        CHECK(zero_alpha, "%s: masked keys get exactly zero weight", base);
        CHECK(zero_dk, "%s: masked keys get exactly zero gradient", base);
    }
    /* each row of α sums to 1 */
    double worst = 0;
    for (int r = 0; r < N * Tq; r++) {
        double s = 0;
        for (int j = 0; j < Tk; j++) s += a.alpha[(size_t)r * Tk + j];
        worst = fmax(worst, fabs(s - 1));
    }
    CHECK(worst < 10 * SAME_TOL, "%s: every row of α sums to 1 (off by %.2g)", base, worst);

    /* += for parameter gradients, overwrite for input gradients (accumulate for the projected dk, dkw) */
    lm_float *dq1 = copy_of(g.dq, nq), *dk1 = copy_of(g.dk, nk);
    lm_float *dWq1 = copy_of(g.dWq, nw), *dv1 = copy_of(g.dv, (size_t)a.A);
    att_backward(&a, &g);
    int same_dq = memcmp(dq1, g.dq, nq * sizeof *dq1) == 0, rule_dk = 1, twice = 1;
    for (size_t i = 0; i < nk; i++)
        rule_dk &= projected ? fabs(g.dk[i] - 2 * dk1[i]) <= 1e-5 * (1 + fabs(dk1[i])) : g.dk[i] == dk1[i];
    for (size_t i = 0; i < nw; i++) twice &= fabs(g.dWq[i] - 2 * dWq1[i]) <= 1e-5 * (1 + fabs(dWq1[i]));
    for (int i = 0; i < a.A; i++) twice &= fabs(g.dv[i] - 2 * dv1[i]) <= 1e-5 * (1 + fabs(dv1[i]));
    CHECK(same_dq, "%s: a second backward overwrites dq", base);
    CHECK(rule_dk, "%s: a second backward %s dk", base, projected ? "adds to" : "overwrites");
    CHECK(twice, "%s: a second backward adds to dWq and dv", base);
    free(dq1), free(dk1), free(dWq1), free(dv1);
    grads_free(&g);
    att_free(&a);
}

/* ---- changing a masked key changes nothing; all-masked rows; steps vs the batch of steps --------- */

static void test_mask_semantics(lm_attn_score score) {
    const int N = 2, Tq = 3, Tk = 5, H = 4, A = 3;
    att_ctx a;
    att_alloc(&a, score, 0, N, Tq, Tk, H, A, 1);
    att_forward(&a);
    lm_float *c1 = copy_of(a.c, (size_t)N * Tq * H);
    /* row 1 has key 4 masked: a huge value there must not move anything */
    CHECK(a.mask[1 * Tk + 4] == 0, "fixture: key 4 of row 1 is padding");
    for (int h = 0; h < H; h++) a.k[((size_t)1 * Tk + 4) * H + h] = (lm_float)1e4;
    att_forward(&a);
    CHECK(max_abs_diff(c1, a.c, (size_t)N * Tq * H) == 0, "%s: the value of a masked key does not change c",
          score_name(score));
    /* a row with every key masked: α = 0 and c = 0, no NaN */
    memset(a.mask + Tk, 0, (size_t)Tk);
    att_forward(&a);
    int zero = 1;
    for (int i = 0; i < Tq; i++) {
        for (int j = 0; j < Tk; j++) zero &= a.alpha[((size_t)1 * Tq + i) * Tk + j] == 0;
        for (int h = 0; h < H; h++) zero &= a.c[((size_t)1 * Tq + i) * H + h] == 0;
    }
    CHECK(zero && all_finite(a.c, (size_t)N * Tq * H), "%s: a fully masked row gives α = 0 and c = 0, no NaN",
          score_name(score));
    free(c1);
    att_free(&a);
}

/* Tq queries at once equal Tq calls with one query each (the decoder calls it one step at a time). */
static void test_steps_equal_batch(lm_attn_score score) {
    const int N = 3, Tq = 4, Tk = 5, H = 3, A = 4;
    att_ctx a, s;
    att_alloc(&a, score, 0, N, Tq, Tk, H, A, 1);
    att_forward(&a);
    att_grads g;
    grads_alloc(&g, &a);
    att_backward(&a, &g);
    att_alloc(&s, score, 0, N, 1, Tk, H, A, 1);
    memcpy(s.k, a.k, (size_t)N * Tk * H * sizeof *s.k);
    if (a.A) {
        memcpy(s.Wq, a.Wq, (size_t)H * A * sizeof *s.Wq);
        memcpy(s.Wk, a.Wk, (size_t)H * A * sizeof *s.Wk);
        memcpy(s.v, a.v, (size_t)A * sizeof *s.v);
    }
    att_grads sg;
    grads_alloc(&sg, &s);
    lm_float *dk_sum = zeros((size_t)N * Tk * H);
    double worst_c = 0, worst_a = 0, worst_dq = 0;
    for (int i = 0; i < Tq; i++) {
        for (int n = 0; n < N; n++) {
            memcpy(s.q + (size_t)n * H, a.q + ((size_t)n * Tq + i) * H, (size_t)H * sizeof *s.q);
            memcpy(s.Rc + (size_t)n * H, a.Rc + ((size_t)n * Tq + i) * H, (size_t)H * sizeof *s.Rc);
        }
        att_forward(&s);
        att_backward(&s, &sg);
        for (int n = 0; n < N; n++) {
            worst_c = fmax(worst_c, max_abs_diff(s.c + (size_t)n * H, a.c + ((size_t)n * Tq + i) * H, (size_t)H));
            worst_a =
                fmax(worst_a, max_abs_diff(s.alpha + (size_t)n * Tk, a.alpha + ((size_t)n * Tq + i) * Tk, (size_t)Tk));
            worst_dq = fmax(worst_dq, max_abs_diff(sg.dq + (size_t)n * H, g.dq + ((size_t)n * Tq + i) * H, (size_t)H));
        }
        for (size_t e = 0; e < (size_t)N * Tk * H; e++) dk_sum[e] += sg.dk[e];
    }
    CHECK(worst_c < SAME_TOL && worst_a < SAME_TOL, "%s: one query at a time gives the same c and α (%.2g, %.2g)",
          score_name(score), worst_c, worst_a);
    CHECK(worst_dq < SAME_TOL, "%s: ... and the same dq (%.2g)", score_name(score), worst_dq);
    CHECK(max_abs_diff(dk_sum, g.dk, (size_t)N * Tk * H) < 10 * SAME_TOL, "%s: dk is the sum over the steps",
          score_name(score));
    if (a.A)
        CHECK(max_abs_diff(sg.dWq, g.dWq, (size_t)H * A) < 10 * SAME_TOL &&
                  max_abs_diff(sg.dWk, g.dWk, (size_t)H * A) < 10 * SAME_TOL &&
                  max_abs_diff(sg.dv, g.dv, (size_t)A) < 10 * SAME_TOL,
              "%s: the parameter gradients of the steps add up to the batch's", score_name(score));
    free(dk_sum);
    grads_free(&g), grads_free(&sg);
    att_free(&a), att_free(&s);
}

/* ---- the BPTT notes' worked example----------------------------------------------------------
 * The notes score four encoder states e = [1.5, 0.9, 0.3, -0.5] and print α = [0.51, 0.28, 0.14, 0.07].
 * softmax(e) is [0.5037, 0.2764, 0.1517, 0.0682], which rounds to [0.50, 0.28, 0.15, 0.07]: the slide's
 * first and third figures are off by 0.006 and 0.012 (they still sum to 1, as if rounded by hand). We
 * test what softmax gives and record the slide's figures next to it. The scores are made by a dot
 * product: q = (1, 0) and k_j = (e_j, y_j), so q·k_j = e_j. */
static void test_worked_example(void) {
    const lm_float e[4] = {1.5, 0.9, 0.3, -0.5}, y[4] = {2.0, -1.0, 0.5, 3.0};
    const double softmax_2dp[4] = {0.50, 0.28, 0.15, 0.07}, slide[4] = {0.51, 0.28, 0.14, 0.07};
    lm_float q[2] = {1, 0}, k[4 * 2], c[2], alpha[4], work[ATTN_WORK_BACKWARD(1, 1, 4, 0)];
    for (int j = 0; j < 4; j++) k[2 * j] = e[j], k[2 * j + 1] = y[j];
    attention_forward(c, alpha, NULL, q, k, NULL, NULL, NULL, NULL, NULL, 1, 1, 4, 2, 0, LM_ATTN_DOT);
    double sum = 0, exact[4];
    for (int j = 0; j < 4; j++) sum += exp(e[j]);
    int rounded = 1, close_to_slide = 1;
    for (int j = 0; j < 4; j++) {
        exact[j] = exp(e[j]) / sum;
        rounded &= fabs(round(alpha[j] * 100) / 100 - softmax_2dp[j]) < 1e-9;
        close_to_slide &= fabs(alpha[j] - slide[j]) < 0.0125;
    }
    CHECK(rounded, "worked example: α = [%.4f %.4f %.4f %.4f] rounds to [0.50 0.28 0.15 0.07]", (double)alpha[0],
          (double)alpha[1], (double)alpha[2], (double)alpha[3]);
    CHECK(close_to_slide, "worked example: α within 0.0125 of the slide's [0.51 0.28 0.14 0.07]");
    CHECK(fabs(alpha[0] - exact[0]) < 1e-6 && fabs(alpha[3] - exact[3]) < 1e-6, "worked example: α is softmax(e)");
    double c0 = 0, c1 = 0;
    for (int j = 0; j < 4; j++) c0 += alpha[j] * k[2 * j], c1 += alpha[j] * k[2 * j + 1];
    CHECK(fabs(c[0] - c0) < 1e-6 && fabs(c[1] - c1) < 1e-6, "worked example: c = Σ α_j h_j (%g, %g)", (double)c[0],
          (double)c[1]);
    /* the same example through the additive scorer, with A = 1, W_k = (1, 0)ᵀ, W_q = 0 and v = 1 would
     * give tanh(e); the dot product is the plain reading of the slide. The backward runs too: */
    lm_float dc[2] = {1, 0}, dq[2], dk[8];
    attention_backward(dq, dk, NULL, NULL, NULL, dc, q, k, alpha, NULL, NULL, NULL, NULL, work, 1, 1, 4, 2, 0,
                       LM_ATTN_DOT);
    CHECK(all_finite(dq, 2) && all_finite(dk, 8), "worked example: the backward runs on the notes' shapes");
}

/* Scores far beyond exp's range: the max is subtracted first, so α stays finite and exact. */
static void test_large_scores(void) {
    lm_float q[1] = {1}, k[3] = {1000, 999, -1000}, c[1], alpha[3];
    attention_forward(c, alpha, NULL, q, k, NULL, NULL, NULL, NULL, NULL, 1, 1, 3, 1, 0, LM_ATTN_DOT);
    double a0 = 1 / (1 + exp(-1.0));
    CHECK(all_finite(alpha, 3) && fabs(alpha[0] - a0) < 1e-6 && alpha[2] == 0,
          "softmax of scores near 1000 is stable: "
          "α = [%g %g %g]",
          (double)alpha[0], (double)alpha[1], (double)alpha[2]);
}

/* ---- the exported edge: each rule once, each failure one sentence ------------------------------ */

static int message_has(const char *needle) { return strstr(lm_error_message(), needle) != NULL; }

static void test_api(void) {
    enum { N = 2, Tq = 1, Tk = 3, H = 2, A = 2 };
    lm_float q[N * Tq * H] = {1, 0, 0, 1}, k[N * Tk * H] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    lm_float W[H * A] = {0.1, 0.2, 0.3, 0.4}, v[A] = {1, -1}, c[N * Tq * H], alpha[N * Tq * Tk], cache[N * Tq * Tk * A];
    uint8_t mask[N * Tk] = {1, 1, 0, 1, 0, 0};
    CHECK(lm_layer_attention_forward(c, alpha, cache, q, k, mask, W, W, v, N, Tq, Tk, H, A, LM_ATTN_ADDITIVE) == LM_OK,
          "%s", lm_error_message());
    CHECK(alpha[2] == 0 && alpha[4] == 0 && alpha[5] == 0 && alpha[3] == 1, "the edge's forward masks padding");
    CHECK(lm_layer_attention_forward(c, alpha, NULL, q, k, mask, NULL, NULL, NULL, N, Tq, Tk, H, 0, LM_ATTN_DOT) ==
              LM_OK,
          "%s", lm_error_message());
    mask[3] = 0;
    CHECK(lm_layer_attention_forward(c, alpha, NULL, q, k, mask, NULL, NULL, NULL, N, Tq, Tk, H, 0, LM_ATTN_DOT) ==
                  LM_ERR_ARG &&
              message_has("attention_forward: mask row 1 has no real key (all 0)"),
          "%s", lm_error_message());
    mask[3] = 2;
    CHECK(lm_layer_attention_forward(c, alpha, NULL, q, k, mask, NULL, NULL, NULL, N, Tq, Tk, H, 0, LM_ATTN_DOT) ==
                  LM_ERR_ARG &&
              message_has("mask[1, 0] = 2; it must be 0 (padding) or 1"),
          "%s", lm_error_message());
    mask[3] = 1;
    CHECK(lm_layer_attention_forward(c, alpha, NULL, q, k, mask, NULL, NULL, NULL, N, Tq, Tk, H, 0, LM_ATTN_NONE) ==
                  LM_ERR_ARG &&
              message_has("score must be 1 (dot) or 2 (additive), got 0"),
          "%s", lm_error_message());
    CHECK(lm_layer_attention_forward(c, alpha, NULL, q, k, mask, NULL, NULL, NULL, N, Tq, Tk, H, 3, LM_ATTN_DOT) ==
                  LM_ERR_ARG &&
              message_has("the dot product needs A = 0, got 3"),
          "%s", lm_error_message());
    CHECK(lm_layer_attention_forward(c, alpha, cache, q, k, mask, W, NULL, v, N, Tq, Tk, H, A, LM_ATTN_ADDITIVE) ==
                  LM_ERR_ARG &&
              message_has("attention_forward: Wk is NULL"),
          "%s", lm_error_message());
    CHECK(lm_layer_attention_forward(c, alpha, NULL, q, k, mask, NULL, NULL, NULL, N, Tq, Tk, 0, 0, LM_ATTN_DOT) ==
                  LM_ERR_ARG &&
              message_has("H (hidden size) must be between 1 and 4096, got 0"),
          "%s", lm_error_message());
    k[4] = (lm_float)NAN;
    CHECK(lm_layer_attention_forward(c, alpha, NULL, q, k, mask, NULL, NULL, NULL, N, Tq, Tk, H, 0, LM_ATTN_DOT) ==
                  LM_ERR_NONFINITE &&
              message_has("attention_forward: k[4] is NaN"),
          "%s", lm_error_message());
    k[4] = 5;
    lm_float dc[N * Tq * H] = {1, 1, 1, 1}, dq[N * Tq * H], dk[N * Tk * H], dW[H * A] = {0}, dW2[H * A] = {0},
                         dv[A] = {0};
    CHECK(lm_layer_attention_forward(c, alpha, cache, q, k, mask, W, W, v, N, Tq, Tk, H, A, LM_ATTN_ADDITIVE) == LM_OK,
          "%s", lm_error_message());
    CHECK(lm_layer_attention_backward(dq, dk, dW, dW2, dv, dc, q, k, alpha, cache, W, W, v, N, Tq, Tk, H, A,
                                      LM_ATTN_ADDITIVE) == LM_OK,
          "%s", lm_error_message());
    CHECK(lm_layer_attention_backward(dq, dk, NULL, dW2, dv, dc, q, k, alpha, cache, W, W, v, N, Tq, Tk, H, A,
                                      LM_ATTN_ADDITIVE) == LM_ERR_ARG &&
              message_has("attention_backward: dWq is NULL"),
          "%s", lm_error_message());
    CHECK(lm_layer_attention_backward(dq, dk, NULL, NULL, NULL, dc, q, k, alpha, NULL, NULL, NULL, NULL, N, Tq, Tk, H,
                                      0, LM_ATTN_DOT) == LM_OK,
          "%s", lm_error_message());
}

int main(void) {
    lm_rng_seed(&rng, 77);
    const lm_attn_score scores[2] = {LM_ATTN_DOT, LM_ATTN_ADDITIVE};
    for (int s = 0; s < 2; s++)
        for (int projected = 0; projected <= 1; projected++) {
            test_gradients(scores[s], projected, 3, 1, 5, 4, 3, 1); /* one decoder step, masked */
            test_gradients(scores[s], projected, 2, 4, 6, 3, 5, 1); /* Tq > 1, masked */
            test_gradients(scores[s], projected, 2, 3, 4, 5, 2, 0); /* no mask */
            test_gradients(scores[s], projected, 1, 1, 1, 1, 1, 0); /* the smallest shapes */
        }
    for (int s = 0; s < 2; s++) {
        test_mask_semantics(scores[s]);
        test_steps_equal_batch(scores[s]);
    }
    test_worked_example();
    test_large_scores();
    test_api();
    printf("worst gradient-check error: %.3g (%s, bound %.0e)\n", worst_grad_error, GRAD_METRIC, GRAD_TOL);
    return check_summary("test_attention");
}
