/* seq2seq_api.c — the exported edge (lmlab.h) of the encoder–decoder, its trainer and its files, for
 * wasm_glue/seq2seq.mjs: every handle against the registry, every size and option with lm_check.h's
 * sentences, every batch and pair with the rules of seq2seq_check_* (once: seq2seq.c, seq2seq_decode.c and
 * seq2seq_trainer.c trust what arrives from here), then the call. Results through out-pointers; doubles
 * through 8-byte slots. Shapes: N batch, Ts / Tt source / target steps, K beam, P pairs. */
#include "bytes.h"
#include "lm_check.h"
#include "seq2seq.h"
#include "seq2seq_io.h"
#include "seq2seq_trainer.h"

#include <string.h>

static lm_status check_model(const char *fn, const lm_seq2seq *m) {
    return lm_check_handle(fn, "model", m, LM_KIND_SEQ2SEQ);
}

static lm_status check_trainer(const char *fn, const lm_seq2seq_trainer *t) {
    LM_TRY(lm_check_handle(fn, "trainer", t, LM_KIND_S2S_TRAINER));
    return lm_check_handle(fn, "the trainer's model (dispose the trainer before its model)", t->model, LM_KIND_SEQ2SEQ);
}

/* The largest arrays a batch of (N, Ts, Tt) makes, within the one size rule (per-call caches follow). */
static lm_status check_shape(const char *fn, const lm_seq2seq *m, int N, int Ts, int Tt) {
    size_t n;
    LM_TRY(lm_check_min(fn, "N (batch)", N, 1));
    LM_TRY(lm_check_range(fn, "Ts (source steps)", Ts, 1, LM_MAX_S2S_LEN));
    LM_TRY(lm_check_range(fn, "Tt (target steps)", Tt, 1, LM_MAX_S2S_LEN));
    LM_TRY(lm_check_elems(fn, "the scores (N, Tt, Vt)", &n, N, Tt, m->cfg.Vt));
    LM_TRY(lm_check_elems(fn, "the encoder caches (N, Ts, 6H)", &n, N, Ts, 6 * (size_t)m->cfg.H));
    LM_TRY(lm_check_elems(fn, "the attention weights (N, Tt, Ts)", &n, N, Tt, Ts));
    if (m->cfg.A)
        LM_TRY(lm_check_elems(fn, "the additive attention cache (N·Tt, Ts, A)", &n, (size_t)N * Tt, Ts, m->cfg.A));
    return LM_OK;
}

static lm_status check_batch(const char *fn, const lm_seq2seq *m, const int32_t *src, int N, int Ts, const int32_t *tgt,
                             int Tt, lm_s2s_batch *b) {
    LM_TRY(check_shape(fn, m, N, Ts, Tt));
    LM_TRY(lm_check_ptr(fn, "src", src));
    LM_TRY(lm_check_ptr(fn, "tgt", tgt));
    *b = (lm_s2s_batch){src, tgt, N, Ts, Tt};
    return seq2seq_check_batch(m, b, fn);
}

/* ---- model -------------------------------------------------------------------------------------- */

lm_status lm_seq2seq_create(int cell, int gru_variant, int Vs, int Vt, int E, int H, int L, int attention, int A,
                            int out_context, int src_pad, int tgt_pad, int tgt_bos, int tgt_eos, uint32_t seed,
                            lm_seq2seq **out) {
    const char *fn = "seq2seq_create";
    LM_TRY(lm_check_ptr(fn, "out", out));
    *out = NULL;
    lm_seq2seq_config c = {(lm_cell)cell, gru_variant, Vs,      Vt,      E,       H,   L, (lm_attn_score)attention, A,
                           out_context,   src_pad,     tgt_pad, tgt_bos, tgt_eos, seed};
    LM_TRY(seq2seq_check_config(&c, fn));
    lm_seq2seq *m;
    LM_TRY(seq2seq_new(&m, &c));
    lm_status s = lm_handle_add(m, LM_KIND_SEQ2SEQ);
    if (s) {
        seq2seq_delete(m);
        return s;
    }
    *out = m;
    return LM_OK;
}

lm_status lm_seq2seq_free(lm_seq2seq *m) {
    LM_TRY(check_model("seq2seq_free", m));
    lm_handle_remove(m);
    seq2seq_delete(m);
    return LM_OK;
}

lm_status lm_seq2seq_info(const lm_seq2seq *m, uint32_t *info) {
    const char *fn = "seq2seq_info";
    LM_TRY(check_model(fn, m));
    LM_TRY(lm_check_ptr(fn, "info", info));
    const lm_seq2seq_config *c = &m->cfg;
    const uint32_t values[LM_S2S_INFO_COUNT] = {
        [LM_S2S_INFO_CELL] = (uint32_t)c->cell,
        [LM_S2S_INFO_GRU_VARIANT] = (uint32_t)c->gru_variant,
        [LM_S2S_INFO_VS] = (uint32_t)c->Vs,
        [LM_S2S_INFO_VT] = (uint32_t)c->Vt,
        [LM_S2S_INFO_E] = (uint32_t)c->E,
        [LM_S2S_INFO_H] = (uint32_t)c->H,
        [LM_S2S_INFO_L] = (uint32_t)c->L,
        [LM_S2S_INFO_ATTENTION] = (uint32_t)c->attention,
        [LM_S2S_INFO_A] = (uint32_t)c->A,
        [LM_S2S_INFO_OUT_CONTEXT] = (uint32_t)c->out_context,
        [LM_S2S_INFO_SRC_PAD] = (uint32_t)c->src_pad,
        [LM_S2S_INFO_TGT_PAD] = (uint32_t)c->tgt_pad,
        [LM_S2S_INFO_TGT_BOS] = (uint32_t)c->tgt_bos,
        [LM_S2S_INFO_TGT_EOS] = (uint32_t)c->tgt_eos,
        [LM_S2S_INFO_SEED] = c->seed,
        [LM_S2S_INFO_TENSORS] = (uint32_t)m->n_tensors,
        [LM_S2S_INFO_PARAMS] = (uint32_t)m->n_params,
    };
    memcpy(info, values, sizeof values);
    return LM_OK;
}

lm_status lm_seq2seq_buffers(const lm_seq2seq *m, lm_float **params, lm_float **grads) {
    const char *fn = "seq2seq_buffers";
    LM_TRY(check_model(fn, m));
    LM_TRY(lm_check_ptr(fn, "params", params));
    LM_TRY(lm_check_ptr(fn, "grads", grads));
    *params = m->params;
    *grads = m->grads;
    return LM_OK;
}

lm_status lm_seq2seq_tensor(const lm_seq2seq *m, int k, uint32_t *info, const char **name, const char **lecture) {
    const char *fn = "seq2seq_tensor";
    LM_TRY(check_model(fn, m));
    LM_TRY(lm_check_ptr(fn, "info", info));
    LM_TRY(lm_check_range(fn, "k (tensor index)", k, 0, m->n_tensors - 1));
    const lm_param_info *t = &m->table[k];
    info[LM_TENSOR_INFO_NDIM] = (uint32_t)t->ndim;
    info[LM_TENSOR_INFO_ROWS] = (uint32_t)t->shape[0];
    info[LM_TENSOR_INFO_COLS] = (uint32_t)t->shape[1];
    info[LM_TENSOR_INFO_OFFSET] = (uint32_t)t->offset;
    info[LM_TENSOR_INFO_ELEMS] = (uint32_t)t->count;
    info[LM_TENSOR_INFO_TRANSPOSED] = (uint32_t)t->transposed;
    info[LM_TENSOR_INFO_FROZEN] = 0; /* seq2seq tensors cannot be frozen */
    if (name) *name = t->name;
    if (lecture) *lecture = t->lecture;
    return LM_OK;
}

lm_status lm_seq2seq_loss_and_grads(lm_seq2seq *m, const int32_t *src, int N, int Ts, const int32_t *tgt, int Tt,
                                    double *loss) {
    const char *fn = "seq2seq_loss_and_grads";
    LM_TRY(check_model(fn, m));
    LM_TRY(lm_check_ptr(fn, "loss", loss));
    lm_s2s_batch b;
    LM_TRY(check_batch(fn, m, src, N, Ts, tgt, Tt, &b));
    return seq2seq_loss_and_grads(m, &b, loss, NULL);
}

lm_status lm_seq2seq_loss(lm_seq2seq *m, const int32_t *src, int N, int Ts, const int32_t *tgt, int Tt, double *out) {
    const char *fn = "seq2seq_loss";
    LM_TRY(check_model(fn, m));
    LM_TRY(lm_check_ptr(fn, "out", out));
    lm_s2s_batch b;
    LM_TRY(check_batch(fn, m, src, N, Ts, tgt, Tt, &b));
    return seq2seq_loss_sum(m, &b, &out[LM_S2S_LOSS_NATS], &out[LM_S2S_LOSS_TOKENS]);
}

lm_status lm_seq2seq_sequence_logprobs(lm_seq2seq *m, const int32_t *src, int N, int Ts, const int32_t *tgt, int Tt,
                                       double *out) {
    const char *fn = "seq2seq_sequence_logprobs";
    LM_TRY(check_model(fn, m));
    LM_TRY(lm_check_ptr(fn, "out", out));
    lm_s2s_batch b;
    LM_TRY(check_batch(fn, m, src, N, Ts, tgt, Tt, &b));
    return seq2seq_sequence_logprobs(m, &b, out);
}

lm_status lm_seq2seq_greedy(lm_seq2seq *m, const int32_t *src, int N, int Ts, int max_len, int32_t *out,
                            int32_t *out_len, lm_float *alpha, double *logprob) {
    const char *fn = "seq2seq_greedy";
    LM_TRY(check_model(fn, m));
    LM_TRY(lm_check_range(fn, "max_len (output length cap)", max_len, 1, LM_MAX_S2S_LEN));
    LM_TRY(check_shape(fn, m, N, Ts, 1));
    size_t n;
    if (alpha) LM_TRY(lm_check_elems(fn, "alpha (N, max_len, Ts)", &n, N, max_len, Ts));
    LM_TRY(lm_check_ptr(fn, "out", out));
    LM_TRY(lm_check_ptr(fn, "out_len", out_len));
    LM_TRY(seq2seq_check_sources(m, src, N, Ts, fn));
    return seq2seq_greedy(m, src, N, Ts, max_len, out, out_len, alpha, logprob);
}

lm_status lm_seq2seq_beam(lm_seq2seq *m, const int32_t *src, int Ts, int K, int max_len, int32_t *out, int32_t *out_len,
                          lm_float *alpha, double *logprob) {
    const char *fn = "seq2seq_beam";
    LM_TRY(check_model(fn, m));
    LM_TRY(lm_check_range(fn, "K (beam width)", K, 1, LM_MAX_S2S_BEAM));
    LM_TRY(lm_check_range(fn, "max_len (output length cap)", max_len, 1, LM_MAX_S2S_LEN));
    LM_TRY(check_shape(fn, m, K, Ts, 1));
    size_t n;
    LM_TRY(lm_check_elems(fn, "the beams' attention histories (K, max_len, Ts)", &n, K, max_len, Ts));
    LM_TRY(lm_check_ptr(fn, "out", out));
    LM_TRY(lm_check_ptr(fn, "out_len", out_len));
    LM_TRY(seq2seq_check_sources(m, src, 1, Ts, fn));
    return seq2seq_beam(m, src, Ts, K, max_len, out, out_len, alpha, logprob);
}

lm_status lm_seq2seq_gradient_check(lm_seq2seq *m, const int32_t *src, int N, int Ts, const int32_t *tgt, int Tt,
                                    int samples, double eps, uint32_t seed, double *out) {
    const char *fn = "seq2seq_gradient_check";
    LM_TRY(check_model(fn, m));
    LM_TRY(lm_check_ptr(fn, "out", out));
    LM_TRY(lm_check_range(fn, "samples", samples, 1, LM_MAX_GRAD_SAMPLES));
    LM_TRY(lm_check_positive(fn, "eps", eps));
    lm_s2s_batch b;
    LM_TRY(check_batch(fn, m, src, N, Ts, tgt, Tt, &b));
    return seq2seq_gradient_check(m, &b, samples, eps, seed, out);
}

lm_status lm_seq2seq_set_metadata(lm_seq2seq *m, const char *json) {
    LM_TRY(check_model("seq2seq_set_metadata", m));
    return seq2seq_set_metadata(m, json);
}

lm_status lm_seq2seq_metadata(const lm_seq2seq *m, const char **json) {
    const char *fn = "seq2seq_metadata";
    LM_TRY(check_model(fn, m));
    LM_TRY(lm_check_ptr(fn, "json", json));
    *json = m->metadata_json ? m->metadata_json : "{}";
    return LM_OK;
}

lm_status lm_seq2seq_save(const lm_seq2seq *m, const lm_seq2seq_trainer *trainer, lm_bytes **out) {
    const char *fn = "seq2seq_save";
    LM_TRY(check_model(fn, m));
    LM_TRY(lm_check_ptr(fn, "out", out));
    *out = NULL;
    if (trainer) {
        LM_TRY(check_trainer(fn, trainer));
        if (trainer->model != m) return lm_fail(LM_ERR_ARG, "%s: the trainer trains another model", fn);
    }
    uint8_t *data = NULL;
    size_t len = 0;
    LM_TRY(seq2seq_save(m, trainer, &data, &len));
    return lm_bytes_adopt(fn, data, len, out);
}

lm_status lm_seq2seq_load(const uint8_t *bytes, uint32_t len, lm_seq2seq **out) {
    const char *fn = "seq2seq_load";
    LM_TRY(lm_check_ptr(fn, "out", out));
    *out = NULL;
    if (len > 0) LM_TRY(lm_check_ptr(fn, "bytes", bytes));
    lm_seq2seq *m;
    LM_TRY(seq2seq_load(&m, bytes, len));
    lm_status s = lm_handle_add(m, LM_KIND_SEQ2SEQ);
    if (s) {
        seq2seq_delete(m);
        return s;
    }
    *out = m;
    return LM_OK;
}

/* ---- training ----------------------------------------------------------------------------------- */

lm_status lm_seq2seq_trainer_create(lm_seq2seq *m, const int32_t *src, const int32_t *src_len, const int32_t *tgt,
                                    const int32_t *tgt_len, uint32_t P, int N, int optimizer, double lr,
                                    double momentum, double clip, int clip_mode, uint32_t seed,
                                    lm_seq2seq_trainer **out) {
    const char *fn = "seq2seq_trainer_create";
    LM_TRY(check_model(fn, m));
    LM_TRY(lm_check_ptr(fn, "out", out));
    *out = NULL;
    LM_TRY(lm_check_range(fn, "N (pairs per batch)", N, 1, 65536));
    lm_optim_config c = lm_optim_defaults((lm_opt_kind)optimizer);
    c.lr = lr;
    c.momentum = momentum;
    c.clip = clip;
    c.clip_mode = (lm_clip_mode)clip_mode;
    LM_TRY(lm_optim_validate(&c, fn));
    if (P == 0) return lm_fail(LM_ERR_EMPTY, "%s: there are no training pairs (P = 0)", fn);
    size_t n;
    LM_TRY(lm_check_elems(fn, "the pairs (P,)", &n, P, 1, 1));
    LM_TRY(lm_check_ptr(fn, "src", src));
    LM_TRY(lm_check_ptr(fn, "src_len", src_len));
    LM_TRY(lm_check_ptr(fn, "tgt", tgt));
    LM_TRY(lm_check_ptr(fn, "tgt_len", tgt_len));
    size_t ns = 0, nt = 0; /* the concatenations within the size rule before they are read */
    for (uint32_t p = 0; p < P; p++) {
        if (src_len[p] < 1 || src_len[p] > LM_MAX_S2S_LEN || tgt_len[p] < 2 || tgt_len[p] > LM_MAX_S2S_LEN + 1)
            break; /* seq2seq_check_pairs names it */
        ns += (size_t)src_len[p];
        nt += (size_t)tgt_len[p];
        if (ns > LM_MAX_CALL_ELEMS || nt > LM_MAX_CALL_ELEMS)
            return lm_fail(LM_ERR_ARG, "%s: the pairs hold more than the %zu ids one call accepts", fn,
                           LM_MAX_CALL_ELEMS);
    }
    LM_TRY(seq2seq_check_pairs(m, src, src_len, tgt, tgt_len, P, fn));
    lm_s2s_trainer *t;
    LM_TRY(seq2seq_trainer_new(&t, m, src, src_len, tgt, tgt_len, P, N, &c, seed));
    lm_status s = lm_handle_add(t, LM_KIND_S2S_TRAINER);
    if (s) {
        seq2seq_trainer_delete(t);
        return s;
    }
    *out = t;
    return LM_OK;
}

lm_status lm_seq2seq_trainer_free(lm_seq2seq_trainer *t) {
    LM_TRY(lm_check_handle("seq2seq_trainer_free", "trainer", t, LM_KIND_S2S_TRAINER));
    lm_handle_remove(t);
    seq2seq_trainer_delete(t);
    return LM_OK;
}

lm_status lm_seq2seq_trainer_train(lm_seq2seq_trainer *t, int count, double *stats) {
    const char *fn = "seq2seq_trainer_train";
    LM_TRY(check_trainer(fn, t));
    LM_TRY(lm_check_ptr(fn, "stats", stats));
    LM_TRY(lm_check_range(fn, "count (steps)", count, 1, LM_MAX_TRAIN_STEPS));
    lm_s2s_train_stats st;
    lm_status s = seq2seq_trainer_train(t, count, &st);
    stats[LM_S2S_STATS_STEP] = (double)st.step;
    stats[LM_S2S_STATS_LOSS] = st.loss;
    stats[LM_S2S_STATS_LAST_LOSS] = st.last_loss;
    stats[LM_S2S_STATS_GRAD_NORM] = st.grad_norm;
    stats[LM_S2S_STATS_CLIPPED] = st.clipped;
    stats[LM_S2S_STATS_CLIP_EVENTS] = (double)st.clip_events;
    stats[LM_S2S_STATS_PAIRS] = st.pairs;
    stats[LM_S2S_STATS_TOKENS] = st.tokens;
    stats[LM_S2S_STATS_EPOCH] = (double)st.epoch;
    stats[LM_S2S_STATS_CURSOR] = (double)t->cursor;
    return s;
}

lm_status lm_seq2seq_trainer_set_lr(lm_seq2seq_trainer *t, double lr) {
    const char *fn = "seq2seq_trainer_set_lr";
    LM_TRY(check_trainer(fn, t));
    LM_TRY(lm_check_positive(fn, "lr (learning rate)", lr));
    t->opt.cfg.lr = lr;
    return LM_OK;
}

lm_status lm_seq2seq_trainer_restore(lm_seq2seq_trainer *t, const uint8_t *bytes, uint32_t len) {
    const char *fn = "seq2seq_trainer_restore";
    LM_TRY(check_trainer(fn, t));
    if (len > 0) LM_TRY(lm_check_ptr(fn, "bytes", bytes));
    return seq2seq_trainer_restore(t, bytes, len);
}
