/* layers_gated.h — the gated cells (LSTM, GRU) and the fixed-window neural LM (Bengio 2003) as
 * forward/backward pairs, with the conventions of layers.h: outputs, inputs, parameters, workspace,
 * sizes; forwards overwrite outputs, backwards overwrite input gradients and ACCUMULATE (+=) into
 * parameter gradients; "or NULL" pointers may be NULL; no validation here (layers_gated_api.c and
 * model.c check sizes). No allocation: caches and workspaces are caller buffers of the sizes below.
 * Shapes: N batch, T time, V vocabulary, E input (embedding, or layer l-1's H), H hidden, W window. */
#ifndef LM_LAYERS_GATED_H
#define LM_LAYERS_GATED_H

#include "lm_common.h"

/* Buffer sizes in lm_float elements. For sizes already validated (the API edge checks them with
 * lm_size_mul); they do not guard against overflow themselves. */
#define GATED_SZ(x) ((size_t)(x))
#define LSTM_CACHE_SIZE(N, T, H) (GATED_SZ(N) * GATED_SZ(T) * 6 * GATED_SZ(H))
#define LSTM_WORK_FORWARD_PROJECTED(N, H) (GATED_SZ(N) * 5 * GATED_SZ(H))
#define LSTM_WORK_BACKWARD_PROJECTED(N, H) (GATED_SZ(N) * 7 * GATED_SZ(H))
#define LSTM_WORK_FORWARD(N, T, H) (GATED_SZ(N) * GATED_SZ(T) * 4 * GATED_SZ(H) + LSTM_WORK_FORWARD_PROJECTED(N, H))
#define LSTM_WORK_BACKWARD(N, T, H) (GATED_SZ(N) * GATED_SZ(T) * 4 * GATED_SZ(H) + LSTM_WORK_BACKWARD_PROJECTED(N, H))
#define GRU_CACHE_SIZE(N, T, H) (GATED_SZ(N) * GATED_SZ(T) * 4 * GATED_SZ(H))
#define GRU_WORK_FORWARD_PROJECTED(N, H) (3 * GATED_SZ(H) * GATED_SZ(H) + GATED_SZ(N) * 6 * GATED_SZ(H))
#define GRU_WORK_BACKWARD_PROJECTED(N, H) (6 * GATED_SZ(H) * GATED_SZ(H) + GATED_SZ(N) * 11 * GATED_SZ(H))
#define GRU_WORK_FORWARD(N, T, H) (GATED_SZ(N) * GATED_SZ(T) * 3 * GATED_SZ(H) + GRU_WORK_FORWARD_PROJECTED(N, H))
#define GRU_WORK_BACKWARD(N, T, H) (GATED_SZ(N) * GATED_SZ(T) * 3 * GATED_SZ(H) + GRU_WORK_BACKWARD_PROJECTED(N, H))
#define WINDOW_WORK_BACKWARD(N, W, E, H) (GATED_SZ(N) * (GATED_SZ(H) + GATED_SZ(W) * GATED_SZ(E)))

/* ==== LSTM ====================================================================================
 * Gates packed (.., 4H) in PyTorch's order i, f, g, o (so weight_ih_l0 = Wxᵀ, weight_hh_l0 = Whᵀ,
 * bias_ih_l0 = b, bias_hh_l0 = 0):
 *   a = x·Wx + h_prev·Wh + b;  i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o)
 *   c = f ⊙ c_prev + i ⊙ g;    h = o ⊙ tanh(c)
 * Parameters: Wx (E, 4H), Wh (H, 4H), b (4H,).
 * cache (N, T, 6H), written by the forward, read by the backward and by probes: row (n, t) starts at
 * cache + (n*T + t)*6H and holds [i | f | g | o | c | tanh(c)], each H wide and after the
 * nonlinearity. Slot k of a row is at +k·H (the enum); lstm_cache_row gives the six views by name. */
enum { LSTM_I, LSTM_F, LSTM_G, LSTM_O, LSTM_C, LSTM_TANH_C, LSTM_SLOTS };
typedef struct {
    lm_float *i, *f, *g, *o; /* (H,) each: the gates after σ (tanh for g) */
    lm_float *c, *tanh_c;    /* (H,) each: the cell state c_t and tanh(c_t) */
} lstm_row;
/* The views of row nt = n*T + t of cache (N, T, 6H). As strchr does, it takes the cache const and
 * hands back writable views: the forward writes through them, the backward and probes only read. */
static inline lstm_row lstm_cache_row(const lm_float *cache, size_t nt, int H) {
    lm_float *k = (lm_float *)cache + nt * LSTM_SLOTS * (size_t)H;
    const size_t h = (size_t)H;
    return (lstm_row){k + LSTM_I * h, k + LSTM_F * h, k + LSTM_G * h,
                      k + LSTM_O * h, k + LSTM_C * h, k + LSTM_TANH_C * h};
}

/* One step, with the interface of Lab 2's RNN step (the sequence functions at T = 1).
 * h (N, H), c (N, H), cache (N, 6H) out; x (N, E); h_prev (N, H); c_prev (N, H);
 * work LSTM_WORK_FORWARD(N, 1, H). */
void lstm_step_forward(lm_float *h, lm_float *c, lm_float *cache, const lm_float *x, const lm_float *h_prev,
                       const lm_float *c_prev, const lm_float *Wx, const lm_float *Wh, const lm_float *b,
                       lm_float *work, int N, int E, int H);
/* dx (N, E) or NULL; dh_prev (N, H) or NULL; dc_prev (N, H) or NULL; dWx (E, 4H) +=; dWh (H, 4H) +=;
 * db (4H,) +=; dh (N, H) upstream; dc (N, H) upstream on c, or NULL for zero; x, h_prev, c_prev and
 * cache as given to / written by the forward; work LSTM_WORK_BACKWARD(N, 1, H). */
void lstm_step_backward(lm_float *dx, lm_float *dh_prev, lm_float *dc_prev, lm_float *dWx, lm_float *dWh, lm_float *db,
                        const lm_float *dh, const lm_float *dc, const lm_float *x, const lm_float *h_prev,
                        const lm_float *c_prev, const lm_float *cache, const lm_float *Wx, const lm_float *Wh,
                        lm_float *work, int N, int E, int H);

/* Over T with the input projection done by the caller (one matmul, or a row gather for one-hot).
 * h (N, T, H) out; cT (N, H) or NULL receives the final cell state (carried to the next truncated-
 * BPTT window like h[:, T-1]); cache (N, T, 6H) out; xw (N, T, 4H) = x·Wx for every step;
 * h0 (N, H); c0 (N, H); Wh (H, 4H); b (4H,); work LSTM_WORK_FORWARD_PROJECTED(N, H). */
void lstm_forward_projected(lm_float *h, lm_float *cT, lm_float *cache, const lm_float *xw, const lm_float *h0,
                            const lm_float *c0, const lm_float *Wh, const lm_float *b, lm_float *work, int N, int T,
                            int H);
/* dxw (N, T, 4H) = dL/da for every step (the caller pushes it through the projection);
 * dh0 (N, H) or NULL; dc0 (N, H) or NULL; dWh (H, 4H) +=; db (4H,) +=; dh_norms (T,) or NULL gets
 * ||dL/dh_t|| (upstream plus carried, Frobenius over N and H); dh (N, T, H) upstream; dcT (N, H)
 * upstream on cT or NULL for zero; h0, c0, h, cache from the forward (h's last step is not read);
 * work LSTM_WORK_BACKWARD_PROJECTED(N, H). */
void lstm_backward_projected(lm_float *dxw, lm_float *dh0, lm_float *dc0, lm_float *dWh, lm_float *db,
                             lm_float *dh_norms, const lm_float *dh, const lm_float *dcT, const lm_float *h0,
                             const lm_float *c0, const lm_float *h, const lm_float *cache, const lm_float *Wh,
                             lm_float *work, int N, int T, int H);

/* Over T, with the interface of Lab 2's rnn_forward. x (N, T, E) is the layer input: embeddings, or the h of the
 * layer below when stacked. h (N, T, H), cT (N, H) or NULL, cache (N, T, 6H) out;
 * work LSTM_WORK_FORWARD(N, T, H). */
void lstm_forward(lm_float *h, lm_float *cT, lm_float *cache, const lm_float *x, const lm_float *h0, const lm_float *c0,
                  const lm_float *Wx, const lm_float *Wh, const lm_float *b, lm_float *work, int N, int T, int E,
                  int H);
/* dx (N, T, E) or NULL; dh0, dc0 (N, H) or NULL; dWx (E, 4H), dWh (H, 4H), db (4H,) +=;
 * dh_norms (T,) or NULL; dh (N, T, H); dcT (N, H) or NULL; work LSTM_WORK_BACKWARD(N, T, H). */
void lstm_backward(lm_float *dx, lm_float *dh0, lm_float *dc0, lm_float *dWx, lm_float *dWh, lm_float *db,
                   lm_float *dh_norms, const lm_float *dh, const lm_float *dcT, const lm_float *x, const lm_float *h0,
                   const lm_float *c0, const lm_float *h, const lm_float *cache, const lm_float *Wx, const lm_float *Wh,
                   lm_float *work, int N, int T, int E, int H);

/* ==== GRU =====================================================================================
 * Gates packed (.., 3H) in PyTorch's order r, z, g (PyTorch calls g "n"), so weight_ih_l0 = Wxᵀ
 * (3H, E) and weight_hh_l0 = Whᵀ (3H, H) for either variant. Parameters: Wx (E, 3H), Wh (H, 3H),
 * b (3H,), and bhn (H,) for the PyTorch variant only.
 * LM_GRU_LECTURE (the equations of the PyTorch-terms notes, after Géron; reset before the matmul):
 *   r = σ(x·Wxr + h·Whr + br), z = σ(x·Wxz + h·Whz + bz),
 *   g = tanh(x·Wxg + (r ⊙ h)·Whg + bg),  h' = z ⊙ h + (1 − z) ⊙ g
 * LM_GRU_TORCH (torch.nn.GRU exactly; reset after the matmul, with its own bias b_hn):
 *   r, z as above; g = tanh(x·Wxg + bg + r ⊙ (h·Whg + bhn)),  h' = z ⊙ h + (1 − z) ⊙ g
 *   Export: bias_ih_l0 = b, bias_hh_l0 = [0 | 0 | bhn] (any split of the r, z biases between
 *   bias_ih and bias_hh is equivalent; import by summing them into b).
 * cache (N, T, 4H): row (n, t) starts at cache + (n*T + t)*4H and holds [r | z | g | s], each H
 * wide, after the nonlinearity, where s = r ⊙ h_prev (lecture) or s = h_prev·Whg + bhn (torch): the
 * part of g's pre-activation that the backward needs. Slot k at +k·H; gru_cache_row names them.
 * The variant is an lm_gru_variant (lmlab.h). */
enum { GRU_R, GRU_Z, GRU_G, GRU_S, GRU_SLOTS };
typedef struct {
    lm_float *r, *z, *g; /* (H,) each: reset and update gates after σ, the candidate after tanh */
    lm_float *s;         /* (H,) r ⊙ h_prev (lecture) or h_prev·Whg + bhn (torch) */
} gru_row;
/* The views of row nt = n*T + t of cache (N, T, 4H); const in, writable out, as lstm_cache_row. */
static inline gru_row gru_cache_row(const lm_float *cache, size_t nt, int H) {
    lm_float *k = (lm_float *)cache + nt * GRU_SLOTS * (size_t)H;
    const size_t h = (size_t)H;
    return (gru_row){k + GRU_R * h, k + GRU_Z * h, k + GRU_G * h, k + GRU_S * h};
}

/* One step (the sequence functions at T = 1). h (N, H), cache (N, 4H) out; x (N, E);
 * h_prev (N, H); bhn (H,) (torch) or NULL (lecture); work GRU_WORK_FORWARD(N, 1, H). */
void gru_step_forward(lm_float *h, lm_float *cache, const lm_float *x, const lm_float *h_prev, const lm_float *Wx,
                      const lm_float *Wh, const lm_float *b, const lm_float *bhn, lm_float *work, int N, int E, int H,
                      lm_gru_variant variant);
/* dx (N, E) or NULL; dh_prev (N, H) or NULL; dWx (E, 3H), dWh (H, 3H), db (3H,) +=; dbhn (H,) +=
 * (torch; NULL for lecture); dh (N, H) upstream; work GRU_WORK_BACKWARD(N, 1, H). */
void gru_step_backward(lm_float *dx, lm_float *dh_prev, lm_float *dWx, lm_float *dWh, lm_float *db, lm_float *dbhn,
                       const lm_float *dh, const lm_float *x, const lm_float *h_prev, const lm_float *cache,
                       const lm_float *Wx, const lm_float *Wh, lm_float *work, int N, int E, int H,
                       lm_gru_variant variant);

/* h (N, T, H), cache (N, T, 4H) out; xw (N, T, 3H) = x·Wx for every step; h0 (N, H);
 * work GRU_WORK_FORWARD_PROJECTED(N, H). */
void gru_forward_projected(lm_float *h, lm_float *cache, const lm_float *xw, const lm_float *h0, const lm_float *Wh,
                           const lm_float *b, const lm_float *bhn, lm_float *work, int N, int T, int H,
                           lm_gru_variant variant);
/* dxw (N, T, 3H) = dL/d(pre-activation x-part) per step; dh0 (N, H) or NULL; dWh, db, dbhn +=;
 * dh_norms (T,) or NULL; dh (N, T, H) upstream; work GRU_WORK_BACKWARD_PROJECTED(N, H). */
void gru_backward_projected(lm_float *dxw, lm_float *dh0, lm_float *dWh, lm_float *db, lm_float *dbhn,
                            lm_float *dh_norms, const lm_float *dh, const lm_float *h0, const lm_float *h,
                            const lm_float *cache, const lm_float *Wh, lm_float *work, int N, int T, int H,
                            lm_gru_variant variant);

/* x (N, T, E) layer input; h (N, T, H), cache (N, T, 4H) out; work GRU_WORK_FORWARD(N, T, H). */
void gru_forward(lm_float *h, lm_float *cache, const lm_float *x, const lm_float *h0, const lm_float *Wx,
                 const lm_float *Wh, const lm_float *b, const lm_float *bhn, lm_float *work, int N, int T, int E, int H,
                 lm_gru_variant variant);
/* dx (N, T, E) or NULL; dh0 (N, H) or NULL; dWx, dWh, db, dbhn +=; dh_norms (T,) or NULL;
 * work GRU_WORK_BACKWARD(N, T, H). */
void gru_backward(lm_float *dx, lm_float *dh0, lm_float *dWx, lm_float *dWh, lm_float *db, lm_float *dbhn,
                  lm_float *dh_norms, const lm_float *dh, const lm_float *x, const lm_float *h0, const lm_float *h,
                  const lm_float *cache, const lm_float *Wx, const lm_float *Wh, lm_float *work, int N, int T, int E,
                  int H, lm_gru_variant variant);

/* ==== fixed-window neural LM (Bengio et al. 2003; the neural-LM notes' "fixed-window neural LM") ==
 *   e = [emb[x_1]; …; emb[x_W]] (N, W·E),  h = tanh(e·Wh + b1) (N, H),  scores = h·U + b2 (N, V)
 * The softmax loss is temporal_softmax_loss (layers.h) with T = 1.
 * Parameters: emb (V, E), Wh (W·E, H), b1 (H,), U (H, V), b2 (V,). PyTorch: emb is an
 * nn.Embedding weight, Wh = Linear(W·E, H).weightᵀ, U = Linear(H, V).weightᵀ.
 * Before the start of a stream the context holds LM_WINDOW_PAD: "no token", a zero embedding that
 * gets no gradient (so no vocabulary entry is reserved for it); LM_WINDOW_PAD is in lmlab.h. */

/* ctx (M, W) out: ctx[t][k] = stream[t - W + k], the W tokens before position t, or LM_WINDOW_PAD
 * where that index is before -history. stream (M,) points at the first predicted position; the
 * `history` (≥ 0) tokens before it, stream[-history .. -1], are readable context. */
void window_context(int32_t *ctx, const int32_t *stream, int M, int W, int history);
/* scores (N, V), e (N, W·E), h (N, H) out (e and h are the backward's cache); ids (N, W) in [0, V)
 * or LM_WINDOW_PAD. */
void window_forward(lm_float *scores, lm_float *e, lm_float *h, const int32_t *ids, const lm_float *emb,
                    const lm_float *Wh, const lm_float *b1, const lm_float *U, const lm_float *b2, int N, int W, int V,
                    int E, int H);
/* demb (V, E), dWh (W·E, H), db1 (H,), dU (H, V), db2 (V,) +=; dscores (N, V) upstream; ids, e, h
 * from the forward; work WINDOW_WORK_BACKWARD(N, W, E, H). */
void window_backward(lm_float *demb, lm_float *dWh, lm_float *db1, lm_float *dU, lm_float *db2, const lm_float *dscores,
                     const int32_t *ids, const lm_float *e, const lm_float *h, const lm_float *Wh, const lm_float *U,
                     lm_float *work, int N, int W, int V, int E, int H);

#endif
