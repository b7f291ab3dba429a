/* model_api.c — the exported (LM_API) edge of the neural model, trainer, sampler and model files for
 * wasm_glue/model.mjs: every handle is checked against the registry, every size, id and option is
 * validated with a sentence naming it, then the call goes to model.c / trainer.c / sample.c /
 * model_io.c. Results come back through out-pointers; doubles through 8-byte slots.
 * Shapes: N streams, T window, V vocabulary, E embedding (0 = one-hot), H hidden, L layers, W window. */
#include "model_api.h"
#include "handles.h"
#include "rng.h"
#include "model.h"
#include "model_io.h"
#include "probe.h"
#include "sample.h"
#include "trainer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static lm_status need_model(const lm_model *m) { return lm_handle_check(m, LM_KIND_MODEL, "model"); }

static lm_status need_trainer(const lm_trainer *t) {
    LM_TRY(lm_handle_check(t, LM_KIND_OPTIMIZER, "trainer"));
    return lm_handle_check(t->model, LM_KIND_MODEL, "the trainer's model (dispose the trainer before its model)");
}

static lm_status need_ptr(const void *p, const char *what) {
    return p ? LM_OK : lm_fail(LM_ERR_ARG, "%s is NULL; it is required", what);
}

/* N ≥ 1, T ≥ 1 and the caches of (N, T) within LM_MAX_CALL_ELEMS elements per array. */
static lm_status need_window(const lm_model *m, int N, int T) {
    if (N < 1) return lm_fail(LM_ERR_ARG, "batch N must be at least 1, got %d", N);
    if (T < 1) return lm_fail(LM_ERR_ARG, "sequence length T must be at least 1, got %d", T);
    /* the widest per-position array: scores V, an LSTM cache row 6H, the window model's W·E inputs */
    int widest = m->cfg.V > 6 * m->cfg.H ? m->cfg.V : 6 * m->cfg.H;
    if (m->cfg.E > widest) widest = m->cfg.E;
    if (m->cfg.W * m->cfg.E > widest) widest = m->cfg.W * m->cfg.E;
    size_t elems = lm_size_mul(lm_size_mul((size_t)N, (size_t)T), (size_t)widest);
    if (elems == 0 || elems > LM_MAX_CALL_ELEMS)
        return lm_fail(LM_ERR_ARG, "batch %d x length %d x width %d is more than the %zu values one call handles", N, T,
                       widest, LM_MAX_CALL_ELEMS);
    return LM_OK;
}

/* ---- model -------------------------------------------------------------------------------------- */

/* cell: 0 rnn, 1 lstm, 2 gru, 3 window; W: the window model's context (0 for recurrent cells);
 * gru_variant: 0 lecture, 1 torch (GRU only, 0 or 1 otherwise). */
LM_API int lm_model_create(int cell, int V, int E, int H, int L, int W, int gru_variant, uint32_t seed, lm_model **out) {
    LM_TRY(need_ptr(out, "out"));
    *out = NULL;
    lm_model_config c = {(lm_cell)cell, V, E, H, L, seed, W, gru_variant};
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

LM_API int lm_model_free(lm_model *m) {
    LM_TRY(need_model(m));
    lm_handle_remove(m);
    model_delete(m);
    return LM_OK;
}

/* info (10,): cell, V, E, H, L, seed, n_tensors, n_params, W, gru_variant */
LM_API int lm_model_info(const lm_model *m, uint32_t *info) {
    LM_TRY(need_model(m));
    LM_TRY(need_ptr(info, "info"));
    uint32_t v[10] = {(uint32_t)m->cfg.cell, (uint32_t)m->cfg.V, (uint32_t)m->cfg.E, (uint32_t)m->cfg.H,
                      (uint32_t)m->cfg.L, m->cfg.seed, (uint32_t)m->n_tensors, (uint32_t)m->n_params,
                      (uint32_t)m->cfg.W, (uint32_t)m->cfg.gru_variant};
    memcpy(info, v, sizeof v);
    return LM_OK;
}

LM_API int lm_model_buffers(const lm_model *m, lm_float **params, lm_float **grads) {
    LM_TRY(need_model(m));
    LM_TRY(need_ptr(params, "params"));
    LM_TRY(need_ptr(grads, "grads"));
    *params = m->params;
    *grads = m->grads;
    return LM_OK;
}

/* info (6,): ndim, shape0, shape1, offset, count, transposed; names point into the model. */
LM_API int lm_model_tensor(const lm_model *m, int k, uint32_t *info, const char **name, const char **lecture) {
    LM_TRY(need_model(m));
    if (k < 0 || k >= m->n_tensors)
        return lm_fail(LM_ERR_ARG, "tensor index %d is outside [0, %d)", k, m->n_tensors);
    LM_TRY(need_ptr(info, "info"));
    const lm_param_info *t = &m->table[k];
    uint32_t v[6] = {(uint32_t)t->ndim, (uint32_t)t->shape[0], (uint32_t)t->shape[1], (uint32_t)t->offset,
                     (uint32_t)t->count, (uint32_t)t->transposed};
    memcpy(info, v, sizeof v);
    if (name) *name = t->name;
    if (lecture) *lecture = t->lecture;
    return LM_OK;
}

LM_API int lm_model_loss_and_grads(lm_model *m, const int32_t *ids, int N, int T, double *loss) {
    LM_TRY(need_model(m));
    LM_TRY(need_window(m, N, T));
    LM_TRY(need_ptr(ids, "ids"));
    LM_TRY(need_ptr(loss, "loss"));
    LM_TRY(model_check_ids(m, ids, (size_t)N * (T + 1)));
    return model_loss_and_grads(m, ids, N, T, loss);
}

LM_API int lm_model_reset_state(lm_model *m) {
    LM_TRY(need_model(m));
    model_reset_state(m);
    return LM_OK;
}

/* ids (n,), n ≥ 0; out (V,) log-probabilities */
LM_API int lm_model_next_logprobs(lm_model *m, const int32_t *ids, int n, lm_float *out) {
    LM_TRY(need_model(m));
    LM_TRY(need_ptr(out, "out"));
    if (n < 0) return lm_fail(LM_ERR_ARG, "context length must be 0 or more, got %d", n);
    if (n > 0) {
        LM_TRY(need_window(m, 1, n));
        LM_TRY(need_ptr(ids, "ids"));
        LM_TRY(model_check_ids(m, ids, (size_t)n));
    }
    return model_next_logprobs(m, ids, n, out);
}

/* ids (N, T) → logits (N, T, V) from a zero state */
LM_API int lm_model_logits(lm_model *m, const int32_t *ids, int N, int T, lm_float *out) {
    LM_TRY(need_model(m));
    LM_TRY(need_window(m, N, T));
    LM_TRY(need_ptr(ids, "ids"));
    LM_TRY(need_ptr(out, "out"));
    LM_TRY(model_check_ids(m, ids, (size_t)N * T));
    return model_logits(m, ids, N, T, out);
}

/* ids (n,) → out (n, H) top-layer hidden states from a zero state */
LM_API int lm_model_hidden_states(lm_model *m, const int32_t *ids, int n, lm_float *out) {
    LM_TRY(need_model(m));
    LM_TRY(need_window(m, 1, n));
    LM_TRY(need_ptr(ids, "ids"));
    LM_TRY(need_ptr(out, "out"));
    LM_TRY(model_check_ids(m, ids, (size_t)n));
    return model_hidden_states(m, ids, n, out);
}

/* ids (n,) → the last layer's h (n, H), the LSTM's c (n, H) or NULL, gates (n, G·H) or NULL */
LM_API int lm_model_probe(lm_model *m, const int32_t *ids, int n, lm_float *h, lm_float *c, lm_float *gates) {
    LM_TRY(need_model(m));
    LM_TRY(need_window(m, 1, n));
    LM_TRY(need_ptr(ids, "ids"));
    LM_TRY(need_ptr(h, "h"));
    LM_TRY(model_check_ids(m, ids, (size_t)n));
    return model_probe(m, ids, n, h, c, gates);
}

/* ids (N, T+1) → out (N,) summed log-probabilities of ids[:, 1:] from a zero state */
LM_API int lm_model_sequence_logprobs(lm_model *m, const int32_t *ids, int N, int T, double *out) {
    LM_TRY(need_model(m));
    LM_TRY(need_window(m, N, T));
    LM_TRY(need_ptr(ids, "ids"));
    LM_TRY(need_ptr(out, "out"));
    LM_TRY(model_check_ids(m, ids, (size_t)N * (T + 1)));
    return model_sequence_logprobs(m, ids, N, T, out);
}

/* ids (N, T+1) → out (T,) ||∂L_T/∂h_t|| of the last layer for the last position's loss alone (probe.h);
 * loss (or NULL) receives L_T. Leaves the gradients and the carried state as they were. */
LM_API int lm_model_grad_flow_last(lm_model *m, const int32_t *ids, int N, int T, lm_float *out, double *loss) {
    LM_TRY(need_model(m));
    LM_TRY(need_window(m, N, T));
    LM_TRY(need_ptr(ids, "ids"));
    LM_TRY(need_ptr(out, "out"));
    LM_TRY(model_check_ids(m, ids, (size_t)N * (T + 1)));
    return model_grad_flow_last(m, ids, N, T, out, loss);
}

/* *flow points at (T,) ||dL/dh_t|| of the last loss_and_grads; *T = 0 before any. */
LM_API int lm_model_grad_flow(const lm_model *m, lm_float **flow, int *T) {
    LM_TRY(need_model(m));
    LM_TRY(need_ptr(flow, "flow"));
    LM_TRY(need_ptr(T, "T"));
    *flow = m->flow;
    *T = m->last_T;
    return LM_OK;
}

LM_API int lm_model_generate(lm_model *m, const int32_t *prime, int n_prime, int length, double temperature, int top_k,
                           uint32_t seed, int stop_id, int32_t *out, int *n_out) {
    LM_TRY(need_model(m));
    LM_TRY(need_ptr(out, "out"));
    LM_TRY(need_ptr(n_out, "n_out"));
    if (n_prime < 0) return lm_fail(LM_ERR_ARG, "prime length must be 0 or more, got %d", n_prime);
    if (length < 1 || (size_t)length > LM_MAX_CALL_ELEMS) return lm_fail(LM_ERR_ARG, "length must be at least 1, got %d", length);
    if (!(temperature >= 0) || !isfinite(temperature))
        return lm_fail(LM_ERR_ARG, "temperature must be 0 (greedy) or a positive number, got %g", temperature);
    if (top_k < 0) return lm_fail(LM_ERR_ARG, "top-k must be 0 (all tokens) or positive, got %d", top_k);
    if (stop_id < -1 || stop_id >= m->cfg.V)
        return lm_fail(LM_ERR_ARG, "stop id %d is not -1 (none) or a token id in [0, %d)", stop_id, m->cfg.V);
    if (n_prime > 0) {
        LM_TRY(need_ptr(prime, "prime"));
        LM_TRY(model_check_ids(m, prime, (size_t)n_prime));
    }
    return model_generate(m, prime, n_prime, length, temperature, top_k, seed, stop_id, out, n_out);
}

/* out (n_tensors,) largest relative error per tensor */
LM_API int lm_model_gradient_check(lm_model *m, const int32_t *ids, int N, int T, int samples, double eps, uint32_t seed,
                                 double *out) {
    LM_TRY(need_model(m));
    LM_TRY(need_window(m, N, T));
    LM_TRY(need_ptr(ids, "ids"));
    LM_TRY(need_ptr(out, "out"));
    LM_TRY(model_check_ids(m, ids, (size_t)N * (T + 1)));
    return model_gradient_check(m, ids, N, T, samples, eps, seed, out);
}

/* ids (len,) as B streams, windows T; out (2,): summed nats, predicted tokens */
LM_API int lm_model_evaluate(lm_model *m, const int32_t *ids, uint32_t len, int B, int T, double *out) {
    LM_TRY(need_model(m));
    LM_TRY(need_window(m, B, T));
    LM_TRY(need_ptr(out, "out"));
    if (len > 0) LM_TRY(need_ptr(ids, "ids"));
    LM_TRY(model_check_ids(m, ids, len));
    return model_evaluate(m, ids, len, B, T, &out[0], &out[1]);
}

LM_API int lm_model_set_metadata(lm_model *m, const char *json) {
    LM_TRY(need_model(m));
    return model_set_metadata(m, json);
}

LM_API int lm_model_metadata(const lm_model *m, const char **json) {
    LM_TRY(need_model(m));
    LM_TRY(need_ptr(json, "json"));
    *json = m->metadata_json ? m->metadata_json : "{}";
    return LM_OK;
}

/* ---- model files -------------------------------------------------------------------------------- */

/* trainer may be NULL; *out is a byte buffer to read with lm_bytes_view and free with lm_bytes_free. */
LM_API int lm_model_save(const lm_model *m, const lm_trainer *trainer, lm_bytes **out) {
    LM_TRY(need_model(m));
    LM_TRY(need_ptr(out, "out"));
    *out = NULL;
    if (trainer) {
        LM_TRY(need_trainer(trainer));
        if (trainer->model != m) return lm_fail(LM_ERR_ARG, "the trainer given to save() trains another model");
    }
    lm_bytes *b = calloc(1, sizeof *b);
    if (!b) return lm_fail(LM_ERR_NOMEM, "out of memory saving the model");
    lm_status s = model_save(m, trainer, &b->data, &b->len);
    if (!s) s = lm_handle_add(b, LM_KIND_BYTES);
    if (s) {
        free(b->data);
        free(b);
        return s;
    }
    *out = b;
    return LM_OK;
}

LM_API int lm_bytes_view(const lm_bytes *b, uint8_t **data, uint32_t *len) {
    LM_TRY(lm_handle_check(b, LM_KIND_BYTES, "byte buffer"));
    LM_TRY(need_ptr(data, "data"));
    LM_TRY(need_ptr(len, "len"));
    *data = b->data;
    *len = (uint32_t)b->len;
    return LM_OK;
}

LM_API int lm_bytes_free(lm_bytes *b) {
    LM_TRY(lm_handle_check(b, LM_KIND_BYTES, "byte buffer"));
    lm_handle_remove(b);
    free(b->data);
    free(b);
    return LM_OK;
}

LM_API int lm_model_load(const uint8_t *bytes, uint32_t len, lm_model **out) {
    LM_TRY(need_ptr(out, "out"));
    *out = NULL;
    if (len > 0) LM_TRY(need_ptr(bytes, "bytes"));
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

/* optimizer: 0 sgd, 1 adagrad, 2 adam; clip_mode: 0 value, 1 norm; clip 0 = off */
LM_API int lm_trainer_create(lm_model *m, const int32_t *ids, uint32_t len, int N, int T, int optimizer, double lr,
                                 double momentum, double clip, int clip_mode, lm_trainer **out) {
    LM_TRY(need_model(m));
    LM_TRY(need_ptr(out, "out"));
    *out = NULL;
    LM_TRY(need_window(m, N, T));
    if (len > 0) LM_TRY(need_ptr(ids, "ids"));
    lm_optim_config c = lm_optim_defaults((lm_opt_kind)optimizer);
    c.kind = (lm_opt_kind)optimizer;
    c.lr = lr;
    c.momentum = momentum;
    c.clip = clip;
    c.clip_mode = (lm_clip_mode)clip_mode;
    LM_TRY(lm_optim_validate(&c));
    lm_trainer *t;
    LM_TRY(trainer_new(&t, m, ids, len, N, T, &c));
    lm_status s = lm_handle_add(t, LM_KIND_OPTIMIZER);
    if (s) {
        trainer_delete(t);
        return s;
    }
    *out = t;
    return LM_OK;
}

LM_API int lm_trainer_free(lm_trainer *t) {
    LM_TRY(lm_handle_check(t, LM_KIND_OPTIMIZER, "trainer"));
    lm_handle_remove(t);
    trainer_delete(t);
    return LM_OK;
}

/* stats (8,): step, mean loss, last loss, grad norm, clipped, clip events, position, wraps */
LM_API int lm_trainer_train(lm_trainer *t, int count, double *stats) {
    LM_TRY(need_trainer(t));
    LM_TRY(need_ptr(stats, "stats"));
    if (count < 1 || count > 1000000) return lm_fail(LM_ERR_ARG, "step count must be between 1 and 1000000, got %d", count);
    lm_train_stats st;
    lm_status s = trainer_train(t, count, &st);
    double v[8] = {(double)st.step, st.loss, st.last_loss, st.grad_norm, st.clipped, (double)st.clip_events,
                   (double)t->pos, (double)t->wraps};
    memcpy(stats, v, sizeof v);
    return s;
}

LM_API int lm_trainer_set_lr(lm_trainer *t, double lr) {
    LM_TRY(need_trainer(t));
    if (!(lr > 0) || !isfinite(lr)) return lm_fail(LM_ERR_ARG, "learning rate must be a positive finite number, got %g", lr);
    t->opt.cfg.lr = lr;
    return LM_OK;
}

LM_API int lm_trainer_restore(lm_trainer *t, const uint8_t *bytes, uint32_t len) {
    LM_TRY(need_trainer(t));
    if (len > 0) LM_TRY(need_ptr(bytes, "bytes"));
    return trainer_restore(t, bytes, len);
}

/* ---- masked-word positions ---------------------------------------------------------------------- */

/* The masking of the bigram's masked-accuracy (bigram_apps.c), reproduced so both models are scored
 * on the same positions: one PCG32 stream seeded by seed; for each sentence (lengths (n,)) with real
 * tokens [first, end) — word level skips <s> and </s> (skip_ends 1) — one draw picks the position
 * (offset inside the sentence) into positions (n,); -1 for a sentence with no real token (no draw). */
LM_API int lm_mask_positions(uint32_t seed, const int32_t *lengths, int n, int skip_ends, int32_t *positions) {
    if (n < 0) return lm_fail(LM_ERR_ARG, "sentence count must be 0 or more, got %d", n);
    if (n > 0) {
        LM_TRY(need_ptr(lengths, "lengths"));
        LM_TRY(need_ptr(positions, "positions"));
    }
    lm_rng rng;
    lm_rng_seed(&rng, seed);
    for (int s = 0; s < n; s++) {
        if (lengths[s] < 0) return lm_fail(LM_ERR_ARG, "sentence %d has a negative length %d", s, (int)lengths[s]);
        int32_t first = skip_ends ? 1 : 0, end = lengths[s] - (skip_ends ? 1 : 0);
        positions[s] = end > first ? first + (int32_t)lm_rng_below(&rng, (uint32_t)(end - first)) : -1;
    }
    return LM_OK;
}

/* info (4,): step, clip events, stream position, wraps */
LM_API int lm_trainer_info(const lm_trainer *t, double *info) {
    LM_TRY(need_trainer(t));
    LM_TRY(need_ptr(info, "info"));
    double v[4] = {(double)t->opt.step, (double)t->opt.clip_events, (double)t->pos, (double)t->wraps};
    memcpy(info, v, sizeof v);
    return LM_OK;
}
