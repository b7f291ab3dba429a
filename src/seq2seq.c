/* seq2seq.c — the encoder–decoder model behind seq2seq.h: config checks, the named-tensor table and its
 * initialisation, the cache arena, the batch rules and their loading, the teacher-forced loss and its
 * gradients, per-row scores, and the whole-model gradient check. The passes themselves are in
 * seq2seq_forward.c / seq2seq_backward.c; decoding in seq2seq_decode.c.
 * Shapes: N batch, Ts / Tt source / target steps, Vs / Vt vocabularies, E embedding, H hidden, L layers,
 * G gates, A attention size. */
#include "seq2seq.h"

#include "layers.h"
#include "rng.h"
#include "seq2seq_cells.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *attention_names[3] = {"none", "dot", "additive"};

const char *seq2seq_attention_name(lm_attn_score a) {
    return (int)a >= 0 && (int)a < 3 ? attention_names[a] : "unknown";
}

int seq2seq_attention_from_name(const char *name) {
    for (int k = 0; k < 3; k++)
        if (strcmp(name, attention_names[k]) == 0) return k;
    return -1;
}

static int gates_of(lm_cell cell) { return cell == LM_CELL_LSTM ? 4 : cell == LM_CELL_GRU ? 3 : 1; }

lm_status seq2seq_check_config(const lm_seq2seq_config *c, const char *fn) {
    if (c->cell != LM_CELL_RNN && c->cell != LM_CELL_LSTM && c->cell != LM_CELL_GRU)
        return lm_fail(LM_ERR_ARG, "%s: cell %d is unknown: use 0 (rnn), 1 (lstm) or 2 (gru)", fn, (int)c->cell);
    if (c->gru_variant != LM_GRU_LECTURE && c->gru_variant != LM_GRU_TORCH)
        return lm_fail(LM_ERR_ARG, "%s: GRU variant %d is unknown: use 0 (lecture) or 1 (torch)", fn, c->gru_variant);
    if (c->Vs < 2 || c->Vs > LM_MAX_VOCAB || c->Vt < 4 || c->Vt > LM_MAX_VOCAB)
        return lm_fail(LM_ERR_ARG,
                       "%s: vocabulary sizes must be 2 .. %d (source) and 4 .. %d (target: <pad>, <s>, </s> and a "
                       "token), got %d and %d",
                       fn, LM_MAX_VOCAB, LM_MAX_VOCAB, c->Vs, c->Vt);
    if (c->E < 1 || c->E > LM_MAX_DIM)
        return lm_fail(LM_ERR_ARG, "%s: embedding size E must be between 1 and %d, got %d", fn, LM_MAX_DIM, c->E);
    if (c->H < 1 || c->H > LM_MAX_DIM)
        return lm_fail(LM_ERR_ARG, "%s: hidden size H must be between 1 and %d, got %d", fn, LM_MAX_DIM, c->H);
    if ((size_t)c->E + (size_t)c->H > LM_MAX_DIM)
        return lm_fail(LM_ERR_ARG, "%s: embedding E + hidden H = %d + %d is more than %d decoder inputs", fn, c->E,
                       c->H, LM_MAX_DIM);
    if (c->L < 1 || c->L > LM_MAX_S2S_LAYERS)
        return lm_fail(LM_ERR_ARG, "%s: layers must be between 1 and %d, got %d", fn, LM_MAX_S2S_LAYERS, c->L);
    if (c->attention != LM_ATTN_NONE && c->attention != LM_ATTN_DOT && c->attention != LM_ATTN_ADDITIVE)
        return lm_fail(LM_ERR_ARG, "%s: attention %d is unknown: use 0 (none), 1 (dot) or 2 (additive)", fn,
                       (int)c->attention);
    if (c->attention == LM_ATTN_ADDITIVE && (c->A < 1 || c->A > LM_MAX_DIM))
        return lm_fail(LM_ERR_ARG, "%s: additive attention needs a width A between 1 and %d, got %d", fn, LM_MAX_DIM,
                       c->A);
    if (c->attention != LM_ATTN_ADDITIVE && c->A != 0)
        return lm_fail(LM_ERR_ARG, "%s: attention width A applies to additive attention only; %s needs A = 0, got %d",
                       fn, seq2seq_attention_name(c->attention), c->A);
    if (c->out_context != 0 && c->out_context != 1)
        return lm_fail(LM_ERR_ARG, "%s: out_context must be 0 or 1, got %d", fn, c->out_context);
    if (c->out_context && c->attention == LM_ATTN_NONE)
        return lm_fail(LM_ERR_ARG,
                       "%s: out_context feeds the attention context to the output layer; without "
                       "attention there is none: use out_context 0",
                       fn);
    if (c->src_pad < 0 || c->src_pad >= c->Vs)
        return lm_fail(LM_ERR_ARG, "%s: source <pad> id %d is outside the source vocabulary [0, %d)", fn, c->src_pad,
                       c->Vs);
    const int ids[3] = {c->tgt_pad, c->tgt_bos, c->tgt_eos};
    const char *names[3] = {"<pad>", "<s>", "</s>"};
    for (int k = 0; k < 3; k++)
        if (ids[k] < 0 || ids[k] >= c->Vt)
            return lm_fail(LM_ERR_ARG, "%s: target %s id %d is outside the target vocabulary [0, %d)", fn, names[k],
                           ids[k], c->Vt);
    if (c->tgt_pad == c->tgt_bos || c->tgt_pad == c->tgt_eos || c->tgt_bos == c->tgt_eos)
        return lm_fail(LM_ERR_ARG, "%s: target <pad>, <s> and </s> need three different ids, got %d, %d and %d", fn,
                       c->tgt_pad, c->tgt_bos, c->tgt_eos);
    return LM_OK;
}

/* ---- the parameter table ------------------------------------------------------------------------ */

static void add_tensor(lm_seq2seq *m, const char *name, const char *lecture, int rows, int cols, int transposed) {
    lm_param_info *t = &m->table[m->n_tensors++];
    lm_snprintf(t->name, sizeof t->name, "%s", name);
    lm_snprintf(t->lecture, sizeof t->lecture, "%s", lecture);
    t->ndim = cols > 0 ? 2 : 1;
    t->shape[0] = rows;
    t->shape[1] = cols > 0 ? cols : 1;
    t->count = (size_t)rows * (size_t)(cols > 0 ? cols : 1);
    t->offset = m->n_params;
    t->transposed = transposed;
    m->n_params += t->count;
}

/* encoder.rnn.* / decoder.rnn.*: torch.nn.RNN/LSTM/GRU's names, our (in, G·H) layouts (file: transposed). */
static void add_stack(lm_seq2seq *m, const char *side, const char *tag, int in0) {
    const lm_seq2seq_config *c = &m->cfg;
    const int GH = gates_of(c->cell) * c->H, torch_gru = c->cell == LM_CELL_GRU && c->gru_variant == LM_GRU_TORCH;
    char name[LM_PARAM_NAME_MAX], lecture[LM_PARAM_NAME_MAX];
    const char *kinds[4] = {"weight_ih", "weight_hh", "bias_ih", "bias_hh"}, *lect[4] = {"Wx", "Wh", "b", "bh"};
    for (int l = 0; l < c->L; l++)
        for (int k = 0; k < 3 + torch_gru; k++) {
            lm_snprintf(name, sizeof name, "%s.rnn.%s_l%d", side, kinds[k], l);
            if (c->L > 1) lm_snprintf(lecture, sizeof lecture, "%s_%s%d", lect[k], tag, l);
            else lm_snprintf(lecture, sizeof lecture, "%s_%s", lect[k], tag);
            if (k < 2) add_tensor(m, name, lecture, k == 0 ? (l ? c->H : in0) : c->H, GH, 1);
            else add_tensor(m, name, lecture, GH, 0, 0);
        }
}

/* Table in file order. Attention: W_q and W_k are torch.nn.Linear(H, A, bias=False) weights (file (A, H)),
 * v a Linear(A, 1, bias=False) weight (file (1, A)); the output layer is decoder.out = Linear(Hout, Vt). */
static void build_table(lm_seq2seq *m) {
    const lm_seq2seq_config *c = &m->cfg;
    add_tensor(m, "encoder.embedding.weight", "W_embed_src", c->Vs, c->E, 0);
    add_stack(m, "encoder", "enc", c->E);
    add_tensor(m, "decoder.embedding.weight", "W_embed_tgt", c->Vt, c->E, 0);
    add_stack(m, "decoder", "dec", c->E + (c->attention != LM_ATTN_NONE ? c->H : 0));
    if (c->attention == LM_ATTN_ADDITIVE) {
        add_tensor(m, "attention.W_q.weight", "W_q", c->H, c->A, 1);
        add_tensor(m, "attention.W_k.weight", "W_k", c->H, c->A, 1);
        add_tensor(m, "attention.v.weight", "v", c->A, 1, 1);
    }
    add_tensor(m, "decoder.out.weight", "Wy", m->Hout, c->Vt, 1);
    add_tensor(m, "decoder.out.bias", "by", c->Vt, 0, 0);
}

/* Views of tensor k in params and grads; returns the next k. */
static int view(lm_seq2seq *m, int k, lm_float **p, lm_float **g) {
    *p = m->params + m->table[k].offset;
    *g = m->grads + m->table[k].offset;
    return k + 1;
}

static int resolve_stack(lm_seq2seq *m, lm_s2s_stack *s, int k, int in0, lm_float *bsum) {
    const lm_seq2seq_config *c = &m->cfg;
    s->cell = c->cell;
    s->gru_variant = c->gru_variant;
    s->L = c->L;
    s->H = c->H;
    s->G = gates_of(c->cell);
    s->in0 = in0;
    s->bsum = bsum;
    const int torch_gru = c->cell == LM_CELL_GRU && c->gru_variant == LM_GRU_TORCH;
    for (int l = 0; l < c->L; l++) {
        k = view(m, k, &s->Wx[l], &s->dWx[l]);
        k = view(m, k, &s->Wh[l], &s->dWh[l]);
        k = view(m, k, &s->b[l], &s->db[l]);
        if (torch_gru) k = view(m, k, &s->bh[l], &s->dbh[l]);
    }
    return k;
}

static void resolve_views(lm_seq2seq *m) {
    const lm_seq2seq_config *c = &m->cfg;
    const size_t L3H = (size_t)c->L * 3 * c->H;
    int k = view(m, 0, &m->emb_src, &m->demb_src);
    k = resolve_stack(m, &m->enc, k, c->E, m->bsum);
    k = view(m, k, &m->emb_tgt, &m->demb_tgt);
    k = resolve_stack(m, &m->dec, k, c->E + (c->attention != LM_ATTN_NONE ? c->H : 0), m->bsum + L3H);
    if (c->attention == LM_ATTN_ADDITIVE) {
        k = view(m, k, &m->Wq, &m->dWq);
        k = view(m, k, &m->Wk, &m->dWk);
        k = view(m, k, &m->v, &m->dv);
    }
    k = view(m, k, &m->Wy, &m->dWy);
    view(m, k, &m->by, &m->dby);
}

/* PyTorch's defaults where it has them, so a learner's runs look like a tutorial's: embeddings N(0, 1)
 * (nn.Embedding); recurrent weights U(−1/√H, 1/√H) (nn.RNN/LSTM/GRU); W_q, W_k U(−1/√H, 1/√H) and v
 * U(−1/√A, 1/√A), the output weight U(−1/√Hout, 1/√Hout) (nn.Linear); biases 0 except the LSTM's forget
 * gate (1, so c is kept from the start). One PCG32 stream from seed, in table order. */
static void initialise(lm_seq2seq *m) {
    lm_rng rng;
    lm_rng_seed(&rng, m->cfg.seed);
    for (int k = 0; k < m->n_tensors; k++) {
        const lm_param_info *t = &m->table[k];
        lm_float *p = m->params + t->offset;
        if (t->ndim == 1) {
            memset(p, 0, t->count * sizeof *p);
            if (m->cfg.cell == LM_CELL_LSTM && strstr(t->name, ".rnn.bias_ih_l"))
                for (int j = m->cfg.H; j < 2 * m->cfg.H; j++) p[j] = 1;
            continue;
        }
        if (strstr(t->name, ".embedding.")) {
            for (size_t i = 0; i < t->count; i++) p[i] = (lm_float)lm_rng_normal(&rng);
            continue;
        }
        /* fan-in of the PyTorch module: H for the cells, the input width of a Linear */
        double fan_in = strstr(t->name, ".rnn.") ? m->cfg.H : t->shape[0];
        double bound = 1 / sqrt(fan_in);
        for (size_t i = 0; i < t->count; i++) p[i] = (lm_float)(bound * (2 * lm_rng_uniform(&rng) - 1));
    }
}

lm_status seq2seq_new(lm_seq2seq **out, const lm_seq2seq_config *c) {
    *out = NULL;
    lm_seq2seq *m = calloc(1, sizeof *m);
    if (!m) return lm_fail(LM_ERR_NOMEM, "out of memory for a seq2seq model");
    m->cfg = *c;
    m->Hout = c->out_context ? 2 * c->H : c->H;
    build_table(m);
    m->params = calloc(m->n_params, sizeof(lm_float));
    m->grads = calloc(m->n_params, sizeof(lm_float));
    m->bsum = calloc((size_t)2 * c->L * 3 * c->H, sizeof(lm_float));
    if (!m->params || !m->grads || !m->bsum) {
        size_t count = m->n_params;
        seq2seq_delete(m);
        return lm_fail(LM_ERR_NOMEM, "out of memory for %zu seq2seq parameters", count);
    }
    resolve_views(m);
    initialise(m);
    *out = m;
    return LM_OK;
}

void seq2seq_delete(lm_seq2seq *m) {
    if (!m) return;
    free(m->params);
    free(m->grads);
    free(m->bsum);
    free(m->arena);
    free(m->metadata_json);
    free(m);
}

/* ---- caches ------------------------------------------------------------------------------------- */

lm_status seq2seq_ensure_caches(lm_seq2seq *m, int N, int Ts, int Tt) {
    if (m->arena && m->cache_N == N && m->cache_Ts == Ts && m->cache_Tt == Tt) return LM_OK;
    const size_t H = (size_t)m->cfg.H, E = (size_t)m->cfg.E, L = (size_t)m->cfg.L, A = (size_t)m->cfg.A;
    const size_t Vt = (size_t)m->cfg.Vt, GH = (size_t)m->enc.G * H, CW = s2s_cache_width(m->cfg.cell, H);
    const size_t n = (size_t)N, S = (size_t)Ts, T = (size_t)Tt, NH = n * H, lstm = m->cfg.cell == LM_CELL_LSTM;
    const size_t Hout = (size_t)m->Hout;
    size_t cell = s2s_cell_work(m->cfg.cell, N, m->cfg.H);
    size_t att = ATTN_WORK_BACKWARD_PROJECTED(n, 1, S, A);
    if (ATTN_WORK_FORWARD_PROJECTED(n, 1, A) > att) att = ATTN_WORK_FORWARD_PROJECTED(n, 1, A);
    /* element counts; any factor product that overflows becomes 0 and is refused below */
    size_t counts[] = {
        lm_size_mul(S, n),
        n,
        lm_size_mul(n, S),
        lm_size_mul(T, n),
        lm_size_mul(T, n),
        lm_size_mul(T, n),                                           /* ints/bytes */
        lm_size_mul(lm_size_mul(S, n), E),                           /* xe */
        lm_size_mul(lm_size_mul(S, n), GH),                          /* exw */
        lm_size_mul(lm_size_mul(L, S + 1), NH),                      /* hE */
        lstm ? lm_size_mul(lm_size_mul(L, S + 1), NH) : 1,           /* cE */
        CW ? lm_size_mul(lm_size_mul(L, S), lm_size_mul(n, CW)) : 1, /* cacheE */
        lm_size_mul(S, NH),                                          /* keys */
        A ? lm_size_mul(lm_size_mul(n, S), A) : 1,                   /* kw */
        lm_size_mul(lm_size_mul(T, n), E),                           /* xd */
        lm_size_mul(lm_size_mul(T, n), GH),                          /* dxw */
        lm_size_mul(n, GH),                                          /* xw */
        lm_size_mul(lm_size_mul(L, T + 1), NH),                      /* hD */
        lstm ? lm_size_mul(lm_size_mul(L, T + 1), NH) : 1,           /* cD */
        CW ? lm_size_mul(lm_size_mul(L, T), lm_size_mul(n, CW)) : 1, /* cacheD */
        lm_size_mul(T, NH),                                          /* ctx */
        lm_size_mul(lm_size_mul(T, n), S),                           /* alpha */
        A ? lm_size_mul(lm_size_mul(T, n), lm_size_mul(S, A)) : 1,   /* acache */
        m->cfg.out_context ? lm_size_mul(T, 2 * NH) : 1,             /* outin */
        lm_size_mul(lm_size_mul(T, n), Vt),                          /* scores */
        lm_size_mul(lm_size_mul(T, n), Vt),                          /* dscores */
        lm_size_mul(lm_size_mul(T, n), Hout),                        /* doutin */
        lm_size_mul(L, NH),
        lm_size_mul(L, NH), /* dh, dc */
        NH,
        NH,
        NH,
        NH,                                 /* gh, gc, ph, pc */
        lm_size_mul(n, GH),                 /* dstep */
        lm_size_mul(lm_size_mul(T, n), GH), /* dxw0 */
        NH,
        NH,                                        /* dctx, dq */
        lm_size_mul(S, NH),                        /* dkeys */
        A ? lm_size_mul(lm_size_mul(n, S), A) : 1, /* dkw */
        lm_size_mul(S, NH),                        /* dup */
        lm_size_mul(lm_size_mul(S, n), GH),        /* dexw */
        lm_size_mul(lm_size_mul(S, n), E),         /* dxe */
        lm_size_mul(lm_size_mul(T, n), E),         /* dxd */
        cell > att ? cell : att,                   /* work */
    };
    enum { NB = sizeof counts / sizeof counts[0], N_INT = 6 };
    size_t offsets[NB], total = 0;
    for (int i = 0; i < NB; i++) {
        size_t elem = i == 2 || i == 5 ? 1 : i < N_INT ? sizeof(int32_t) : sizeof(lm_float);
        size_t bytes = lm_size_mul(counts[i], elem);
        if (bytes == 0 || total > SIZE_MAX - bytes - 16)
            return lm_fail(LM_ERR_NOMEM,
                           "seq2seq: a batch of %d pairs with %d source and %d target steps is too large "
                           "for this model's caches",
                           N, Ts, Tt);
        offsets[i] = total;
        total += (bytes + 15) & ~(size_t)15; /* 16-byte aligned slices */
    }
    if (total > m->arena_bytes) {
        void *grown = malloc(total);
        if (!grown)
            return lm_fail(LM_ERR_NOMEM,
                           "seq2seq: out of memory for the caches of %d pairs x %d x %d steps (%zu bytes)", N, Ts, Tt,
                           total);
        free(m->arena);
        m->arena = grown;
        m->arena_bytes = total;
    }
    char *base = m->arena;
    int k = 0;
#define SLICE(type, field) m->field = (type *)(void *)(base + offsets[k++])
    SLICE(int32_t, src_t);
    SLICE(int32_t, lens);
    SLICE(uint8_t, mask);
    SLICE(int32_t, yin);
    SLICE(int32_t, yout);
    SLICE(uint8_t, tmask);
    SLICE(lm_float, xe);
    SLICE(lm_float, exw);
    SLICE(lm_float, hE);
    SLICE(lm_float, cE);
    SLICE(lm_float, cacheE);
    SLICE(lm_float, keys);
    SLICE(lm_float, kw);
    SLICE(lm_float, xd);
    SLICE(lm_float, dxw);
    SLICE(lm_float, xw);
    SLICE(lm_float, hD);
    SLICE(lm_float, cD);
    SLICE(lm_float, cacheD);
    SLICE(lm_float, ctx);
    SLICE(lm_float, alpha);
    SLICE(lm_float, acache);
    SLICE(lm_float, outin);
    SLICE(lm_float, scores);
    SLICE(lm_float, dscores);
    SLICE(lm_float, doutin);
    SLICE(lm_float, dh);
    SLICE(lm_float, dc);
    SLICE(lm_float, gh);
    SLICE(lm_float, gc);
    SLICE(lm_float, ph);
    SLICE(lm_float, pc);
    SLICE(lm_float, dstep);
    SLICE(lm_float, dxw0);
    SLICE(lm_float, dctx);
    SLICE(lm_float, dq);
    SLICE(lm_float, dkeys);
    SLICE(lm_float, dkw);
    SLICE(lm_float, dup);
    SLICE(lm_float, dexw);
    SLICE(lm_float, dxe);
    SLICE(lm_float, dxd);
    SLICE(lm_float, work);
#undef SLICE
    m->cache_N = N;
    m->cache_Ts = Ts;
    m->cache_Tt = Tt;
    return LM_OK;
}

/* ---- batches ------------------------------------------------------------------------------------ */

lm_status seq2seq_check_sources(const lm_seq2seq *m, const int32_t *src, int N, int Ts, const char *fn) {
    const lm_seq2seq_config *c = &m->cfg;
    if (N < 1) return lm_fail(LM_ERR_ARG, "%s: a batch needs at least 1 source, got N = %d", fn, N);
    if (Ts < 1 || Ts > LM_MAX_S2S_LEN)
        return lm_fail(LM_ERR_ARG, "%s: source length Ts must be between 1 and %d, got %d", fn, LM_MAX_S2S_LEN, Ts);
    if (!src) return lm_fail(LM_ERR_ARG, "%s: the source ids are NULL", fn);
    for (int n = 0; n < N; n++) {
        const int32_t *s = src + (size_t)n * Ts;
        int padded = 0;
        for (int t = 0; t < Ts; t++) {
            if (s[t] < 0 || s[t] >= c->Vs)
                return lm_fail(LM_ERR_ARG,
                               "%s: source row %d, position %d: id %d is outside the source vocabulary "
                               "[0, %d)",
                               fn, n, t, (int)s[t], c->Vs);
            if (s[t] == c->src_pad) padded = 1;
            else if (padded)
                return lm_fail(LM_ERR_ARG,
                               "%s: source row %d has a token at position %d after <pad>: padding must "
                               "come after the real tokens",
                               fn, n, t);
        }
        if (s[0] == c->src_pad)
            return lm_fail(LM_ERR_ARG, "%s: source row %d is all <pad>: every source needs at least one token", fn, n);
    }
    return LM_OK;
}

lm_status seq2seq_check_batch(const lm_seq2seq *m, const lm_s2s_batch *b, const char *fn) {
    const lm_seq2seq_config *c = &m->cfg;
    LM_TRY(seq2seq_check_sources(m, b->src, b->N, b->Ts, fn));
    if (b->Tt < 1 || b->Tt > LM_MAX_S2S_LEN)
        return lm_fail(LM_ERR_ARG, "%s: target steps Tt must be between 1 and %d, got %d", fn, LM_MAX_S2S_LEN, b->Tt);
    if (!b->tgt) return lm_fail(LM_ERR_ARG, "%s: the target ids are NULL", fn);
    size_t scored = 0;
    for (int n = 0; n < b->N; n++) {
        const int32_t *y = b->tgt + (size_t)n * (b->Tt + 1);
        if (y[0] != c->tgt_bos)
            return lm_fail(LM_ERR_ARG,
                           "%s: target row %d starts with id %d, not <s> (id %d): the decoder's first "
                           "input is <s>",
                           fn, n, (int)y[0], c->tgt_bos);
        int padded = 0;
        for (int t = 0; t <= b->Tt; t++) {
            if (y[t] < 0 || y[t] >= c->Vt)
                return lm_fail(LM_ERR_ARG,
                               "%s: target row %d, position %d: id %d is outside the target vocabulary "
                               "[0, %d)",
                               fn, n, t, (int)y[t], c->Vt);
            if (y[t] == c->tgt_pad) padded = 1;
            else if (padded)
                return lm_fail(LM_ERR_ARG,
                               "%s: target row %d has a token at position %d after <pad>: padding must "
                               "come at the end",
                               fn, n, t);
            if (t > 0 && y[t] == c->tgt_bos)
                return lm_fail(LM_ERR_ARG, "%s: target row %d has <s> at position %d: <s> only starts a target", fn, n,
                               t);
            if (t > 0 && y[t] != c->tgt_pad) scored++;
        }
    }
    if (scored == 0)
        return lm_fail(LM_ERR_EMPTY, "%s: the batch has no target token to predict (every target is <s> then <pad>)",
                       fn);
    return LM_OK;
}

void s2s_load_sources(lm_seq2seq *m, const int32_t *src) {
    const int N = m->cache_N, Ts = m->cache_Ts;
    for (int n = 0; n < N; n++) {
        const int32_t *s = src + (size_t)n * Ts;
        int len = 0;
        for (int t = 0; t < Ts; t++) {
            m->src_t[(size_t)t * N + n] = s[t];
            int real = s[t] != m->cfg.src_pad;
            m->mask[(size_t)n * Ts + t] = (uint8_t)real;
            len += real;
        }
        m->lens[n] = len;
    }
}

/* Load a checked batch into the caches (carved for its shape): time-major ids, lengths, masks. */
static lm_status load_batch(lm_seq2seq *m, const lm_s2s_batch *b) {
    LM_TRY(seq2seq_ensure_caches(m, b->N, b->Ts, b->Tt));
    const int N = b->N, Tt = b->Tt;
    s2s_load_sources(m, b->src);
    for (int n = 0; n < N; n++) {
        const int32_t *y = b->tgt + (size_t)n * (Tt + 1);
        for (int i = 0; i < Tt; i++) { /* teacher forcing: the input at step i is the reference y_{i-1} */
            m->yin[(size_t)i * N + n] = y[i];
            m->yout[(size_t)i * N + n] = y[i + 1];
            m->tmask[(size_t)i * N + n] = (uint8_t)(y[i + 1] != m->cfg.tgt_pad);
        }
    }
    return LM_OK;
}

static void forward(lm_seq2seq *m) {
    s2s_encode(m);
    s2s_decoder_inputs(m);
    for (int i = 0; i < m->cache_Tt; i++) s2s_decode_step(m, i);
    s2s_output(m);
}

static const lm_param_info *first_nonfinite(const lm_seq2seq *m, const lm_float *buf) {
    for (int k = 0; k < m->n_tensors; k++)
        for (size_t i = 0; i < m->table[k].count; i++)
            if (!isfinite(buf[m->table[k].offset + i])) return &m->table[k];
    return NULL;
}

static lm_status nonfinite_loss(const lm_seq2seq *m, double loss) {
    const lm_param_info *bad = first_nonfinite(m, m->params);
    if (bad)
        return lm_fail(LM_ERR_NONFINITE,
                       "seq2seq: the loss is %g because parameter %s (%s) holds a non-finite value: "
                       "try a lower learning rate or gradient clipping (e.g. clip 5)",
                       loss, bad->name, bad->lecture);
    return lm_fail(LM_ERR_NONFINITE,
                   "seq2seq: the loss became %g (the scores overflowed): try a lower learning rate or "
                   "gradient clipping (e.g. clip 5)",
                   loss);
}

static double count_targets(const lm_seq2seq *m) {
    double count = 0;
    for (size_t i = 0; i < (size_t)m->cache_Tt * m->cache_N; i++) count += m->tmask[i];
    return count;
}

lm_status seq2seq_loss_and_grads(lm_seq2seq *m, const lm_s2s_batch *b, double *loss, double *count) {
    LM_TRY(load_batch(m, b));
    forward(m);
    /* (Tt·N) rows; the mean over the real targets, so dscores already holds the gradient of that mean */
    double value = temporal_softmax_loss(m->dscores, m->scores, m->yout, m->tmask, m->cache_Tt, m->cache_N, m->cfg.Vt,
                                         LM_LOSS_MEAN_UNMASKED);
    if (!isfinite(value)) return nonfinite_loss(m, value);
    s2s_backward(m);
    const lm_param_info *bad = first_nonfinite(m, m->grads);
    if (bad)
        return lm_fail(LM_ERR_NONFINITE,
                       "seq2seq: the gradient of %s (%s) is not finite: try a lower learning rate or "
                       "gradient clipping (e.g. clip 5)",
                       bad->name, bad->lecture);
    m->last_loss = value;
    *loss = value;
    if (count) *count = count_targets(m);
    return LM_OK;
}

lm_status seq2seq_loss_sum(lm_seq2seq *m, const lm_s2s_batch *b, double *loss_sum, double *count) {
    LM_TRY(load_batch(m, b));
    forward(m);
    double mean = temporal_softmax_loss(NULL, m->scores, m->yout, m->tmask, m->cache_Tt, m->cache_N, m->cfg.Vt,
                                        LM_LOSS_MEAN_UNMASKED);
    if (!isfinite(mean)) return nonfinite_loss(m, mean);
    double n = count_targets(m);
    *loss_sum = mean * n;
    *count = n;
    return LM_OK;
}

lm_status seq2seq_sequence_logprobs(lm_seq2seq *m, const lm_s2s_batch *b, double *out) {
    LM_TRY(load_batch(m, b));
    forward(m);
    const int N = b->N, Vt = m->cfg.Vt;
    for (int n = 0; n < N; n++) out[n] = 0;
    for (int i = 0; i < b->Tt; i++)
        for (int n = 0; n < N; n++) {
            const size_t r = (size_t)i * N + n;
            if (!m->tmask[r]) continue;
            const lm_float *s = m->scores + r * Vt; /* (Vt,) */
            double max = s[0], z = 0;
            for (int v = 1; v < Vt; v++) max = s[v] > max ? s[v] : max;
            for (int v = 0; v < Vt; v++) z += exp((double)s[v] - max);
            out[n] += (double)s[m->yout[r]] - max - log(z);
        }
    for (int n = 0; n < N; n++)
        if (!isfinite(out[n])) return nonfinite_loss(m, -out[n]);
    return LM_OK;
}

/* ---- gradient check ----------------------------------------------------------------------------- */

static lm_status mean_loss(lm_seq2seq *m, const lm_s2s_batch *b, double *loss) {
    double sum = 0, count = 1; // set by seq2seq_loss_sum on success (initialised for -Wmaybe-uninitialized at -O3)
    LM_TRY(seq2seq_loss_sum(m, b, &sum, &count));
    *loss = sum / count;
    return LM_OK;
}

lm_status seq2seq_gradient_check(lm_seq2seq *m, const lm_s2s_batch *b, int samples, double eps, uint32_t seed,
                                 double *rel_error) {
    lm_float *analytic = malloc(m->n_params * sizeof(lm_float));
    if (!analytic) return lm_fail(LM_ERR_NOMEM, "seq2seq: out of memory for the gradient check");
    double loss;
    lm_status s = seq2seq_loss_and_grads(m, b, &loss, NULL);
    if (!s) memcpy(analytic, m->grads, m->n_params * sizeof(lm_float));
    lm_rng rng;
    lm_rng_seed(&rng, seed);
    const int five = sizeof(lm_float) == sizeof(double);
    const double floor_ = five ? 1e-10 : 1e-4;
    for (int k = 0; k < m->n_tensors && !s; k++) {
        const lm_param_info *t = &m->table[k];
        double worst = 0;
        for (int j = 0; j < samples && !s; j++) {
            size_t i = t->offset + lm_rng_below(&rng, (uint32_t)t->count);
            const lm_float saved = m->params[i];
            double f[4] = {0, 0, 0, 0}; /* f(x+h), f(x−h), f(x+2h), f(x−2h) */
            const double step[4] = {eps, -eps, 2 * eps, -2 * eps};
            for (int q = 0; q < (five ? 4 : 2) && !s; q++) {
                m->params[i] = (lm_float)(saved + step[q]);
                s = mean_loss(m, b, &f[q]);
            }
            /* float: divide by the step actually taken after rounding to lm_float */
            double taken = (double)(lm_float)(saved + eps) - (double)(lm_float)(saved - eps);
            m->params[i] = saved;
            double numeric = five ? (8 * (f[0] - f[1]) - (f[2] - f[3])) / (12 * eps) : (f[0] - f[1]) / taken;
            double a = analytic[i], denom = fabs(a) + fabs(numeric);
            double rel = fabs(a - numeric) / (denom > floor_ ? denom : floor_);
            if (rel > worst) worst = rel;
        }
        rel_error[k] = worst;
    }
    if (!s) memcpy(m->grads, analytic, m->n_params * sizeof(lm_float)); /* the analytic gradient of this batch */
    free(analytic);
    return s;
}
