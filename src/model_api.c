/* model_api.c — the exported edge (lmlab.h) of the neural model, trainer, sampler and model files for
 * wasm_glue/model.mjs: every handle is checked against the registry, every size, id and option with
 * lm_check.h's sentences (once: model.c, trainer.c and probe.c trust what arrives from here), then the
 * call goes to model.c / trainer.c / sample.c / probe.c / model_io.c. Results come back through
 * out-pointers; doubles through 8-byte slots.
 * Shapes: N streams, T window, V vocabulary, E embedding (0 = one-hot), H hidden, L layers, W window. */
#include "bytes.h"
#include "lm_check.h"
#include "model.h"
#include "model_io.h"
#include "probe.h"
#include "rng.h"
#include "sample.h"
#include "trainer.h"

#include <stdlib.h>
#include <string.h>

static lm_status check_model(const char *fn, const lm_model *m) {
    return lm_check_handle(fn, "model", m, LM_KIND_MODEL);
}

static lm_status check_trainer(const char *fn, const lm_trainer *t) {
    LM_TRY(lm_check_handle(fn, "trainer", t, LM_KIND_TRAINER));
    return lm_check_handle(fn, "the trainer's model (dispose the trainer before its model)", t->model, LM_KIND_MODEL);
}

/* N ≥ 1, T ≥ 1 and the model's per-position arrays over (N, T) within the one size rule. */
static lm_status check_window(const char *fn, const lm_model *m, int N, int T) {
    LM_TRY(lm_check_min(fn, "N (batch)", N, 1));
    LM_TRY(lm_check_min(fn, "T (time steps)", T, 1));
    /* the widest per-position array: scores V, an LSTM cache row 6H, the window model's W·E inputs */
    int widest = m->cfg.V > 6 * m->cfg.H ? m->cfg.V : 6 * m->cfg.H;
    if (m->cfg.E > widest) widest = m->cfg.E;
    if (m->cfg.W * m->cfg.E > widest) widest = m->cfg.W * m->cfg.E;
    size_t n;
    return lm_check_elems(fn, "the scores and caches (N, T, widest row)", &n, N, T, widest);
}

/* ids (N, T+1) of windows with their next tokens: present and in [0, V). */
static lm_status check_windows(const char *fn, const lm_model *m, const int32_t *ids, int N, int T) {
    LM_TRY(lm_check_ptr(fn, "ids", ids));
    return lm_check_ids(fn, "ids", ids, (size_t)N * (T + 1), T + 1, m->cfg.V, NULL, 0);
}

/* ---- model -------------------------------------------------------------------------------------- */

lm_status lm_model_create(int cell, int V, int E, int H, int L, int W, int gru_variant, uint32_t seed, lm_model **out) {
    const char *fn = "model_create";
    LM_TRY(lm_check_ptr(fn, "out", out));
    *out = NULL;
    lm_model_config c = {(lm_cell)cell, V, E, H, L, seed, W, gru_variant};
    LM_TRY(model_check_config(&c, fn));
    lm_model *m;
    LM_TRY(model_new(&m, &c));
    lm_status s = lm_handle_add(m, LM_KIND_MODEL);
    if (s) {
        model_delete(m);
        return s;
    }
    *out = m;
    return LM_OK;
}

lm_status lm_model_free(lm_model *m) {
    LM_TRY(check_model("model_free", m));
    lm_handle_remove(m);
    model_delete(m);
    return LM_OK;
}

lm_status lm_model_info(const lm_model *m, uint32_t *info) {
    const char *fn = "model_info";
    LM_TRY(check_model(fn, m));
    LM_TRY(lm_check_ptr(fn, "info", info));
    info[LM_MODEL_INFO_CELL] = (uint32_t)m->cfg.cell;
    info[LM_MODEL_INFO_V] = (uint32_t)m->cfg.V;
    info[LM_MODEL_INFO_E] = (uint32_t)m->cfg.E;
    info[LM_MODEL_INFO_H] = (uint32_t)m->cfg.H;
    info[LM_MODEL_INFO_L] = (uint32_t)m->cfg.L;
    info[LM_MODEL_INFO_SEED] = m->cfg.seed;
    info[LM_MODEL_INFO_TENSORS] = (uint32_t)m->n_tensors;
    info[LM_MODEL_INFO_PARAMS] = (uint32_t)m->n_params;
    info[LM_MODEL_INFO_W] = (uint32_t)m->cfg.W;
    info[LM_MODEL_INFO_GRU_VARIANT] = (uint32_t)m->cfg.gru_variant;
    return LM_OK;
}

lm_status lm_model_buffers(const lm_model *m, lm_float **params, lm_float **grads) {
    const char *fn = "model_buffers";
    LM_TRY(check_model(fn, m));
    LM_TRY(lm_check_ptr(fn, "params", params));
    LM_TRY(lm_check_ptr(fn, "grads", grads));
    *params = m->params;
    *grads = m->grads;
    return LM_OK;
}

lm_status lm_model_tensor(const lm_model *m, int k, uint32_t *info, const char **name, const char **lecture) {
    const char *fn = "model_tensor";
    LM_TRY(check_model(fn, m));
    LM_TRY(lm_check_range(fn, "k (tensor index)", k, 0, m->n_tensors - 1));
    LM_TRY(lm_check_ptr(fn, "info", info));
    const lm_param_info *t = &m->table[k];
    info[LM_TENSOR_INFO_NDIM] = (uint32_t)t->ndim;
    info[LM_TENSOR_INFO_ROWS] = (uint32_t)t->shape[0];
    info[LM_TENSOR_INFO_COLS] = (uint32_t)t->shape[1];
    info[LM_TENSOR_INFO_OFFSET] = (uint32_t)t->offset;
    info[LM_TENSOR_INFO_ELEMS] = (uint32_t)t->count;
    info[LM_TENSOR_INFO_TRANSPOSED] = (uint32_t)t->transposed;
    info[LM_TENSOR_INFO_FROZEN] = m->frozen[k];
    if (name) *name = t->name;
    if (lecture) *lecture = t->lecture;
    return LM_OK;
}

lm_status lm_model_set_frozen(lm_model *m, int k, int frozen) {
    const char *fn = "model_set_frozen";
    LM_TRY(check_model(fn, m));
    LM_TRY(lm_check_range(fn, "k (tensor index)", k, 0, m->n_tensors - 1));
    LM_TRY(lm_check_range(fn, "frozen (0 or 1)", frozen, 0, 1));
    m->frozen[k] = (unsigned char)frozen;
    return LM_OK;
}

lm_status lm_model_loss_and_grads(lm_model *m, const int32_t *ids, int N, int T, double *loss) {
    const char *fn = "model_loss_and_grads";
    LM_TRY(check_model(fn, m));
    LM_TRY(check_window(fn, m, N, T));
    LM_TRY(lm_check_ptr(fn, "loss", loss));
    LM_TRY(check_windows(fn, m, ids, N, T));
    return model_loss_and_grads(m, ids, N, T, loss);
}

lm_status lm_model_loss_and_grads_masked(lm_model *m, const int32_t *ids, const uint8_t *mask, int N, int T,
                                         double *loss) {
    const char *fn = "model_loss_and_grads_masked";
    LM_TRY(check_model(fn, m));
    LM_TRY(check_window(fn, m, N, T));
    LM_TRY(lm_check_ptr(fn, "loss", loss));
    LM_TRY(lm_check_ptr(fn, "mask", mask));
    LM_TRY(check_windows(fn, m, ids, N, T)); /* padding too: it still passes through the cells */
    return model_loss_and_grads_masked(m, ids, mask, N, T, loss);
}

lm_status lm_model_reset_state(lm_model *m) {
    LM_TRY(check_model("model_reset_state", m));
    model_reset_state(m);
    return LM_OK;
}

lm_status lm_model_next_logprobs(lm_model *m, const int32_t *ids, int n, lm_float *out) {
    const char *fn = "model_next_logprobs";
    LM_TRY(check_model(fn, m));
    LM_TRY(lm_check_ptr(fn, "out", out));
    LM_TRY(lm_check_min(fn, "n (context length)", n, 0));
    if (n > 0) {
        LM_TRY(check_window(fn, m, 1, n));
        LM_TRY(lm_check_ptr(fn, "ids", ids));
        LM_TRY(lm_check_ids(fn, "ids", ids, (size_t)n, 0, m->cfg.V, NULL, 0));
    }
    return model_next_logprobs(m, ids, n, out);
}

lm_status lm_model_logits(lm_model *m, const int32_t *ids, int N, int T, lm_float *out) {
    const char *fn = "model_logits";
    LM_TRY(check_model(fn, m));
    LM_TRY(check_window(fn, m, N, T));
    LM_TRY(lm_check_ptr(fn, "ids", ids));
    LM_TRY(lm_check_ptr(fn, "out", out));
    LM_TRY(lm_check_ids(fn, "ids", ids, (size_t)N * T, T, m->cfg.V, NULL, 0));
    return model_logits(m, ids, N, T, out);
}

/* The checks of the calls over one sequence ids (n,) from a zero state. */
static lm_status check_sequence(const char *fn, const lm_model *m, const int32_t *ids, int n) {
    LM_TRY(check_model(fn, m));
    LM_TRY(lm_check_min(fn, "n (ids)", n, 1));
    LM_TRY(check_window(fn, m, 1, n));
    LM_TRY(lm_check_ptr(fn, "ids", ids));
    return lm_check_ids(fn, "ids", ids, (size_t)n, 0, m->cfg.V, NULL, 0);
}

lm_status lm_model_hidden_states(lm_model *m, const int32_t *ids, int n, lm_float *out) {
    const char *fn = "model_hidden_states";
    LM_TRY(check_sequence(fn, m, ids, n));
    LM_TRY(lm_check_ptr(fn, "out", out));
    return model_hidden_states(m, ids, n, out);
}

lm_status lm_model_probe(lm_model *m, const int32_t *ids, int n, lm_float *h, lm_float *c, lm_float *gates) {
    const char *fn = "model_probe";
    LM_TRY(check_sequence(fn, m, ids, n));
    LM_TRY(lm_check_ptr(fn, "h", h));
    if (c && m->cfg.cell != LM_CELL_LSTM)
        return lm_fail(LM_ERR_ARG, "%s: c must be NULL: only the LSTM has a cell state to probe", fn);
    if (gates && m->cfg.cell != LM_CELL_LSTM && m->cfg.cell != LM_CELL_GRU)
        return lm_fail(LM_ERR_ARG, "%s: gates must be NULL: the %s model has no gates to probe", fn,
                       model_cell_name(m->cfg.cell));
    return model_probe(m, ids, n, h, c, gates);
}

lm_status lm_model_sequence_logprobs(lm_model *m, const int32_t *ids, int N, int T, double *out) {
    const char *fn = "model_sequence_logprobs";
    LM_TRY(check_model(fn, m));
    LM_TRY(check_window(fn, m, N, T));
    LM_TRY(lm_check_ptr(fn, "out", out));
    LM_TRY(check_windows(fn, m, ids, N, T));
    return model_sequence_logprobs(m, ids, N, T, out);
}

lm_status lm_model_grad_flow_last(lm_model *m, const int32_t *ids, int N, int T, lm_float *out, double *loss) {
    const char *fn = "model_grad_flow_last";
    LM_TRY(check_model(fn, m));
    if (m->cfg.cell == LM_CELL_WINDOW)
        return lm_fail(LM_ERR_ARG,
                       "%s: the window model has no recurrent hidden state, so no gradient flows back through time: "
                       "the last-step gradient probe needs an rnn, lstm or gru model",
                       fn);
    LM_TRY(check_window(fn, m, N, T));
    LM_TRY(lm_check_ptr(fn, "out", out));
    LM_TRY(check_windows(fn, m, ids, N, T));
    return model_grad_flow_last(m, ids, N, T, out, loss);
}

lm_status lm_model_grad_flow(const lm_model *m, lm_float **flow, int *T) {
    const char *fn = "model_grad_flow";
    LM_TRY(check_model(fn, m));
    LM_TRY(lm_check_ptr(fn, "flow", flow));
    LM_TRY(lm_check_ptr(fn, "T", T));
    *flow = m->flow;
    *T = m->last_T;
    return LM_OK;
}

lm_status lm_model_generate(lm_model *m, const int32_t *prime, int n_prime, int length, double temperature, int top_k,
                            uint32_t seed, int stop_id, int32_t *out, int *n_out) {
    const char *fn = "model_generate";
    size_t n;
    LM_TRY(check_model(fn, m));
    LM_TRY(lm_check_ptr(fn, "out", out));
    LM_TRY(lm_check_ptr(fn, "n_out", n_out));
    LM_TRY(lm_check_min(fn, "n_prime (prime length)", n_prime, 0));
    LM_TRY(lm_check_min(fn, "length", length, 1));
    LM_TRY(lm_check_elems(fn, "out (length,)", &n, length, 1, 1));
    LM_TRY(lm_check_nonneg(fn, "temperature (0 = greedy)", temperature));
    LM_TRY(lm_check_min(fn, "top_k (0 = every token)", top_k, 0));
    LM_TRY(lm_check_range(fn, "stop_id (-1 = none)", stop_id, -1, m->cfg.V - 1));
    if (n_prime > 0) {
        LM_TRY(lm_check_ptr(fn, "prime", prime));
        LM_TRY(lm_check_ids(fn, "prime", prime, (size_t)n_prime, 0, m->cfg.V, NULL, 0));
    }
    return model_generate(m, prime, n_prime, length, temperature, top_k, seed, stop_id, out, n_out);
}

lm_status lm_model_gradient_check(lm_model *m, const int32_t *ids, const uint8_t *mask, int N, int T, int samples,
                                  double eps, uint32_t seed, double *out) {
    const char *fn = "model_gradient_check";
    LM_TRY(check_model(fn, m));
    LM_TRY(check_window(fn, m, N, T));
    LM_TRY(lm_check_ptr(fn, "out", out));
    LM_TRY(check_windows(fn, m, ids, N, T));
    LM_TRY(lm_check_range(fn, "samples", samples, 1, LM_MAX_GRAD_SAMPLES));
    LM_TRY(lm_check_positive(fn, "eps (finite-difference step)", eps));
    return mask ? model_gradient_check_masked(m, ids, mask, N, T, samples, eps, seed, out)
                : model_gradient_check(m, ids, N, T, samples, eps, seed, out);
}

lm_status lm_model_evaluate(lm_model *m, const int32_t *ids, uint32_t len, int N, int T, double *out) {
    const char *fn = "model_evaluate";
    LM_TRY(check_model(fn, m));
    LM_TRY(check_window(fn, m, N, T));
    LM_TRY(lm_check_ptr(fn, "out", out));
    if (len > 0) {
        LM_TRY(lm_check_ptr(fn, "ids", ids));
        LM_TRY(lm_check_ids(fn, "ids", ids, len, 0, m->cfg.V, NULL, 0));
    }
    return model_evaluate(m, ids, len, N, T, &out[LM_MODEL_EVAL_NATS], &out[LM_MODEL_EVAL_TOKENS]);
}

lm_status lm_model_set_metadata(lm_model *m, const char *json) {
    LM_TRY(check_model("model_set_metadata", m));
    return model_set_metadata(m, json);
}

lm_status lm_model_metadata(const lm_model *m, const char **json) {
    const char *fn = "model_metadata";
    LM_TRY(check_model(fn, m));
    LM_TRY(lm_check_ptr(fn, "json", json));
    *json = m->metadata_json ? m->metadata_json : "{}";
    return LM_OK;
}

/* ---- model files -------------------------------------------------------------------------------- */

lm_status lm_model_save(const lm_model *m, const lm_trainer *trainer, lm_bytes **out) {
    const char *fn = "model_save";
    LM_TRY(check_model(fn, m));
    LM_TRY(lm_check_ptr(fn, "out", out));
    *out = NULL;
    if (trainer) {
        LM_TRY(check_trainer(fn, trainer));
        if (trainer->model != m) return lm_fail(LM_ERR_ARG, "%s: the trainer trains another model", fn);
    }
    uint8_t *data = NULL;
    size_t len = 0;
    LM_TRY(model_save(m, trainer, &data, &len));
    return lm_bytes_adopt(fn, data, len, out);
}

lm_status lm_model_load(const uint8_t *bytes, uint32_t len, lm_model **out) {
    const char *fn = "model_load";
    LM_TRY(lm_check_ptr(fn, "out", out));
    *out = NULL;
    if (len > 0) LM_TRY(lm_check_ptr(fn, "bytes", bytes));
    lm_model *m;
    LM_TRY(model_load(&m, bytes, len));
    lm_status s = lm_handle_add(m, LM_KIND_MODEL);
    if (s) {
        model_delete(m);
        return s;
    }
    *out = m;
    return LM_OK;
}

/* ---- trainer ------------------------------------------------------------------------------------ */

/* starts (S+1,): 0 = starts[0] ≤ starts[1] ≤ … ≤ starts[S] = len, named at the first break. */
static lm_status check_starts(const char *fn, const int32_t *starts, int S, uint32_t len) {
    LM_TRY(lm_check_min(fn, "S (sentences)", S, 1));
    LM_TRY(lm_check_ptr(fn, "starts", starts));
    for (int i = 0; i <= S; i++) {
        int32_t lo = i ? starts[i - 1] : 0, v = starts[i];
        if (v < lo || (uint32_t)v > len || (i == 0 && v != 0) || (i == S && (uint32_t)v != len))
            return lm_fail(LM_ERR_ARG,
                           "%s: sentence offsets must rise from 0 to the token count %u, but starts[%d] = %d", fn,
                           (unsigned)len, i, (int)v);
    }
    return LM_OK;
}

/* Both trainers: streams, or with `sentences` sentences split by starts (S+1,); every rule checked here. */
static lm_status create_trainer(const char *fn, lm_model *m, const int32_t *ids, uint32_t len, int sentences,
                                const int32_t *starts, int S, int N, int T, int optimizer, double lr, double momentum,
                                double clip, int clip_mode, lm_trainer **out) {
    LM_TRY(check_model(fn, m));
    LM_TRY(lm_check_ptr(fn, "out", out));
    *out = NULL;
    LM_TRY(check_window(fn, m, N, T));
    lm_optim_config c = lm_optim_defaults((lm_opt_kind)optimizer);
    c.lr = lr;
    c.momentum = momentum;
    c.clip = clip;
    c.clip_mode = (lm_clip_mode)clip_mode;
    LM_TRY(lm_optim_validate(&c, fn));
    if (len > 0) {
        LM_TRY(lm_check_ptr(fn, "ids", ids));
        LM_TRY(lm_check_ids(fn, "ids", ids, len, 0, m->cfg.V, NULL, 0));
    }
    if (sentences) LM_TRY(check_starts(fn, starts, S, len));
    lm_trainer *t;
    LM_TRY(sentences ? trainer_new_sentences(&t, m, ids, len, starts, (size_t)S, N, T, &c)
                     : trainer_new(&t, m, ids, len, N, T, &c));
    lm_status s = lm_handle_add(t, LM_KIND_TRAINER);
    if (s) {
        trainer_delete(t);
        return s;
    }
    *out = t;
    return LM_OK;
}

lm_status lm_trainer_create(lm_model *m, const int32_t *ids, uint32_t len, int N, int T, int optimizer, double lr,
                            double momentum, double clip, int clip_mode, lm_trainer **out) {
    return create_trainer("trainer_create", m, ids, len, 0, NULL, 0, N, T, optimizer, lr, momentum, clip, clip_mode,
                          out);
}

lm_status lm_trainer_create_sentences(lm_model *m, const int32_t *ids, uint32_t len, const int32_t *starts, int S,
                                      int N, int T, int optimizer, double lr, double momentum, double clip,
                                      int clip_mode, lm_trainer **out) {
    return create_trainer("trainer_create_sentences", m, ids, len, 1, starts, S, N, T, optimizer, lr, momentum, clip,
                          clip_mode, out);
}

lm_status lm_trainer_free(lm_trainer *t) {
    LM_TRY(lm_check_handle("trainer_free", "trainer", t, LM_KIND_TRAINER));
    lm_handle_remove(t);
    trainer_delete(t);
    return LM_OK;
}

lm_status lm_trainer_train(lm_trainer *t, int count, double *stats) {
    const char *fn = "trainer_train";
    LM_TRY(check_trainer(fn, t));
    LM_TRY(lm_check_ptr(fn, "stats", stats));
    LM_TRY(lm_check_range(fn, "count (steps)", count, 1, LM_MAX_TRAIN_STEPS));
    lm_train_stats st;
    lm_status s = trainer_train(t, count, &st);
    stats[LM_TRAIN_STATS_STEP] = (double)st.step;
    stats[LM_TRAIN_STATS_LOSS] = st.loss;
    stats[LM_TRAIN_STATS_LAST_LOSS] = st.last_loss;
    stats[LM_TRAIN_STATS_GRAD_NORM] = st.grad_norm;
    stats[LM_TRAIN_STATS_CLIPPED] = st.clipped;
    stats[LM_TRAIN_STATS_CLIP_EVENTS] = (double)st.clip_events;
    stats[LM_TRAIN_STATS_POSITION] = (double)t->pos;
    stats[LM_TRAIN_STATS_WRAPS] = (double)t->wraps;
    return s;
}

lm_status lm_trainer_set_lr(lm_trainer *t, double lr) {
    const char *fn = "trainer_set_lr";
    LM_TRY(check_trainer(fn, t));
    LM_TRY(lm_check_positive(fn, "lr (learning rate)", lr));
    t->opt.cfg.lr = lr;
    return LM_OK;
}

lm_status lm_trainer_set_state_resets(lm_trainer *t, double p) {
    const char *fn = "trainer_set_state_resets";
    LM_TRY(check_trainer(fn, t));
    LM_TRY(lm_check_fraction(fn, "p (the chance a stream starts a window from the zero state)", p));
    if (t->sentences && p > 0)
        return lm_fail(LM_ERR_ARG,
                       "%s: this trainer takes batches of sentences, which start from the zero state already", fn);
    return trainer_set_state_resets(t, p);
}

lm_status lm_trainer_restore(lm_trainer *t, const uint8_t *bytes, uint32_t len) {
    const char *fn = "trainer_restore";
    LM_TRY(check_trainer(fn, t));
    if (len > 0) LM_TRY(lm_check_ptr(fn, "bytes", bytes));
    return trainer_restore(t, bytes, len);
}

lm_status lm_trainer_info(const lm_trainer *t, double *info) {
    const char *fn = "trainer_info";
    LM_TRY(check_trainer(fn, t));
    LM_TRY(lm_check_ptr(fn, "info", info));
    info[LM_TRAINER_INFO_STEP] = (double)t->opt.step;
    info[LM_TRAINER_INFO_CLIP_EVENTS] = (double)t->opt.clip_events;
    info[LM_TRAINER_INFO_POSITION] = (double)t->pos;
    info[LM_TRAINER_INFO_WRAPS] = (double)t->wraps;
    info[LM_TRAINER_INFO_SENTENCES] = (double)t->n_pieces;
    return LM_OK;
}

/* ---- masked-word positions ---------------------------------------------------------------------- */

/* The masking of the bigram's masked-accuracy (bigram_apps.c), reproduced so both models are scored
 * on the same positions: one PCG32 stream seeded by seed; for each sentence (lengths (n,)) with real
 * tokens [first, end) — word level skips <s> and </s> (skip_ends 1) — one draw picks the position
 * (offset inside the sentence) into positions (n,); -1 for a sentence with no real token (no draw). */
lm_status lm_mask_positions(uint32_t seed, const int32_t *lengths, int n, int skip_ends, int32_t *positions) {
    const char *fn = "mask_positions";
    LM_TRY(lm_check_min(fn, "n (sentences)", n, 0));
    if (n > 0) {
        LM_TRY(lm_check_ptr(fn, "lengths", lengths));
        LM_TRY(lm_check_ptr(fn, "positions", positions));
    }
    for (int s = 0; s < n; s++) {
        if (lengths[s] >= 0) continue;
        char what[32];
        lm_snprintf(what, sizeof what, "lengths[%d]", s);
        return lm_check_min(fn, what, lengths[s], 0);
    }
    lm_rng rng;
    lm_rng_seed(&rng, seed);
    for (int s = 0; s < n; s++) {
        int32_t first = skip_ends ? 1 : 0, end = lengths[s] - (skip_ends ? 1 : 0);
        positions[s] = end > first ? first + (int32_t)lm_rng_below(&rng, (uint32_t)(end - first)) : -1;
    }
    return LM_OK;
}
