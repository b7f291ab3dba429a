/* model_io.c — save/load behind model_io.h. Tensor names follow PyTorch (embedding.weight,
 * rnn.weight_ih_l{k}, rnn.weight_hh_l{k}, rnn.bias_ih_l{k}, rnn.bias_hh_l{k}, decoder.weight,
 * decoder.bias) so torch.nn.Embedding + torch.nn.RNN/LSTM/GRU + torch.nn.Linear load the file directly;
 * the window model's are embedding.weight, hidden.weight, hidden.bias, decoder.*. Optimizer moments are
 * "optim.<name>.m" / "optim.<name>.v" in the same layout as <name>; the carried state "state.h"
 * (L, N, H), "state.c" (L, N, H) for the LSTM, "state.context" (N, W-1) ids for the window model.
 * Shapes: V vocabulary, E embedding, H hidden, L layers, N streams, G gates, W window. */
#include "model_io.h"

#include "json.h"
#include "lm_check.h"
#include "serialize.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FORMAT_TAG "lmlab-1"

/* The largest value a loaded model may compute with before a nonlinearity: every column of a weight
 * matrix, summed in absolute value and times the largest input it can see (|h| <= 1 after tanh and the
 * gates; the largest |embedding| or 1 for one-hot input), plus its bias, stays below this. float32 ends
 * at 3.4e38, so sums of such terms stay finite, and so do the logits, the loss and the first gradients. */
#define REACH_LIMIT 1e30
/* Counters of a checkpoint (step, clips, positions, token counts) are whole numbers a double holds
 * exactly and an int64_t / size_t takes without undefined behaviour. */
#define COUNTER_MAX 9007199254740991.0 /* 2^53 - 1 */

static const char *reserved_keys[] = {"format", "config", "trainer"};

static int is_reserved(const char *key) {
    for (size_t i = 0; i < sizeof reserved_keys / sizeof *reserved_keys; i++)
        if (strcmp(key, reserved_keys[i]) == 0) return 1;
    return 0;
}

lm_status model_set_metadata(lm_model *m, const char *json) {
    if (!json || !*json) {
        free(m->metadata_json);
        m->metadata_json = NULL;
        return LM_OK;
    }
    lm_json v;
    lm_status s = lm_json_parse(&v, json, strlen(json), "the model metadata");
    if (s) return s;
    if (v.type != LM_JSON_OBJECT) s = lm_fail(LM_ERR_ARG, "model metadata must be an object of strings");
    for (size_t i = 0; !s && i < v.length; i++) {
        if (v.items[i].type != LM_JSON_STRING)
            s = lm_fail(LM_ERR_ARG, "model metadata '%s' must be a string", v.keys[i]);
        else if (is_reserved(v.keys[i]))
            s = lm_fail(LM_ERR_ARG, "model metadata key '%s' is reserved for lmlab itself", v.keys[i]);
        else if (strlen(v.items[i].string) != v.items[i].length) /* \u0000: a C string would end there */
            s = lm_fail(LM_ERR_ARG, "model metadata '%s' contains a NUL character (U+0000), which a file cannot keep",
                        v.keys[i]);
    }
    lm_json_free(&v);
    if (s) return s;
    char *copy = malloc(strlen(json) + 1);
    if (!copy) return lm_fail(LM_ERR_NOMEM, "out of memory storing model metadata");
    strcpy(copy, json);
    free(m->metadata_json);
    m->metadata_json = copy;
    return LM_OK;
}

/* ---- saving ------------------------------------------------------------------------------------- */

static void config_json(lm_strbuf *sb, const lm_model_config *c) {
    lm_sb_printf(sb, "{\"cell\":\"%s\",\"vocab_size\":%d,\"embedding\":%d,\"hidden\":%d,\"layers\":%d,",
                 model_cell_name(c->cell), c->V, c->E, c->H, c->L);
    if (c->cell == LM_CELL_WINDOW) lm_sb_printf(sb, "\"window\":%d,", c->W);
    if (c->cell == LM_CELL_GRU)
        lm_sb_printf(sb, "\"gru_variant\":\"%s\",", c->gru_variant == LM_GRU_TORCH ? "torch" : "lecture");
    lm_sb_printf(sb, "\"seed\":%lu,\"init\":\"normal(0,0.01) weights, zero biases%s, normal(0,1) embedding\"}",
                 (unsigned long)c->seed, c->cell == LM_CELL_LSTM ? " but forget gate 1" : "");
}

static const char *opt_name(lm_opt_kind k) {
    return k == LM_OPT_SGD ? "sgd" : k == LM_OPT_ADAGRAD ? "adagrad" : "adam";
}

static void trainer_json(lm_strbuf *sb, const lm_trainer *t) {
    const lm_optim_config *c = &t->opt.cfg;
    lm_sb_printf(sb, "{\"optimizer\":\"%s\",\"lr\":%.17g,\"momentum\":%.17g,", opt_name(c->kind), c->lr, c->momentum);
    lm_sb_printf(sb, "\"beta1\":%.17g,\"beta2\":%.17g,\"eps\":%.17g,", c->beta1, c->beta2, c->eps);
    lm_sb_printf(sb, "\"clip\":%.17g,\"clip_mode\":\"%s\",", c->clip, c->clip_mode == LM_CLIP_NORM ? "norm" : "value");
    lm_sb_printf(sb, "\"batch\":%d,\"seq\":%d,\"step\":%lld,", t->N, t->T, (long long)t->opt.step);
    lm_sb_printf(sb, "\"clip_events\":%lld,\"position\":%llu,", (long long)t->opt.clip_events,
                 (unsigned long long)t->pos);
    lm_sb_printf(sb, "\"tokens\":%llu,\"wraps\":%llu,", (unsigned long long)t->len, (unsigned long long)t->wraps);
    /* sentences: position counts pieces (trainer.h), and nothing is carried */
    if (t->sentences)
        lm_sb_printf(sb, "\"batching\":\"sentences\",\"sentences\":%llu,", (unsigned long long)t->n_pieces);
    lm_sb_printf(sb, "\"frozen\":[");
    for (int k = 0, first = 1; k < t->model->n_tensors; k++) /* tensor names are plain ASCII: no escaping */
        if (t->model->frozen[k]) lm_sb_printf(sb, "%s\"%s\"", first ? "" : ",", t->model->table[k].name), first = 0;
    lm_sb_printf(sb, "]}");
}

/* The frozen tensors of a training state ("frozen": [names], absent in files from before freezing: none)
 * into frozen (n_tensors,). */
static lm_status frozen_of(const lm_json *j, const lm_model *m, unsigned char *frozen) {
    memset(frozen, 0, LM_MODEL_MAX_TENSORS);
    const lm_json *list = lm_json_get(j, "frozen");
    if (!list) return LM_OK;
    if (list->type != LM_JSON_ARRAY)
        return lm_fail(LM_ERR_FORMAT, "model file training state: 'frozen' must be a list of tensor names");
    for (size_t i = 0; i < list->length; i++) {
        const lm_json *name = &list->items[i];
        int k = -1;
        for (int q = 0; name->type == LM_JSON_STRING && q < m->n_tensors; q++)
            if (strcmp(m->table[q].name, name->string) == 0) k = q;
        if (k < 0)
            return lm_fail(LM_ERR_FORMAT, "model file training state: frozen entry %zu is not a tensor of this model",
                           i);
        frozen[k] = 1;
    }
    return LM_OK;
}

/* Tensor entry for a table slice of `base` (params or an optimizer state vector) in the file layout. */
static lm_st_tensor table_tensor(const lm_param_info *p, const char *name, const lm_float *base) {
    lm_st_tensor t;
    memset(&t, 0, sizeof t);
    t.name = name;
    t.ndim = p->ndim;
    t.shape[0] = p->transposed ? p->shape[1] : p->shape[0];
    t.shape[1] = p->transposed ? p->shape[0] : p->shape[1];
    t.source = p->transposed ? LM_ST_TRANSPOSE : LM_ST_COPY;
    t.data = base + p->offset;
    return t;
}

lm_status model_save(const lm_model *m, const lm_trainer *tr, uint8_t **out, size_t *out_len) {
    enum { MAX_OUT = 1 + 3 * LM_MODEL_MAX_TENSORS + LM_MAX_LAYERS + 2 };
    lm_st_tensor tensors[MAX_OUT];
    char names[MAX_OUT][LM_PARAM_NAME_MAX + 16];
    int n = 0;
    const lm_model_config *c = &m->cfg;
    if (c->E == 0) { /* one-hot: the identity makes torch.nn.Embedding reproduce x = onehot(id) */
        memset(&tensors[n], 0, sizeof tensors[n]);
        tensors[n].name = "embedding.weight";
        tensors[n].ndim = 2;
        tensors[n].shape[0] = tensors[n].shape[1] = c->V;
        tensors[n++].source = LM_ST_IDENTITY;
    }
    for (int k = 0; k < m->n_tensors; k++) {
        const lm_param_info *p = &m->table[k];
        tensors[n++] = table_tensor(p, p->name, m->params);
        /* PyTorch has a second bias; ours is folded into b (the torch GRU keeps its own in the table) */
        if (strncmp(p->name, "rnn.bias_ih_l", 13) == 0 && !m->bh[0]) {
            lm_snprintf(names[n], sizeof names[n], "rnn.bias_hh_l%s", p->name + 13);
            memset(&tensors[n], 0, sizeof tensors[n]);
            tensors[n].name = names[n];
            tensors[n].ndim = 1;
            tensors[n].shape[0] = m->G * c->H;
            tensors[n++].source = LM_ST_ZEROS;
        }
    }
    if (tr) {
        const lm_float *states[2] = {tr->opt.m, tr->opt.v};
        const char *suffix[2] = {"m", "v"};
        for (int s = 0; s < lm_optim_state_count(&tr->opt); s++) {
            for (int k = 0; k < m->n_tensors; k++) {
                lm_snprintf(names[n], sizeof names[n], "optim.%s.%s", m->table[k].name, suffix[s]);
                tensors[n] = table_tensor(&m->table[k], names[n], states[s]);
                n++;
            }
        }
        const int carried = m->carry && m->carry_N == tr->N && !tr->sentences;
        if (carried && c->cell != LM_CELL_WINDOW) {
            for (int part = 0; part < (c->cell == LM_CELL_LSTM ? 2 : 1); part++) { /* h, then the LSTM's c */
                memset(&tensors[n], 0, sizeof tensors[n]);
                tensors[n].name = part ? "state.c" : "state.h";
                tensors[n].ndim = 3;
                tensors[n].shape[0] = c->L;
                tensors[n].shape[1] = tr->N;
                tensors[n].shape[2] = c->H;
                tensors[n].source = LM_ST_COPY;
                tensors[n++].data = m->carry + (size_t)part * c->L * tr->N * c->H;
            }
        }
        if (carried && c->cell == LM_CELL_WINDOW && c->W > 1) {
            memset(&tensors[n], 0, sizeof tensors[n]);
            tensors[n].name = "state.context"; /* the previous W-1 ids of every stream, -1 = none */
            tensors[n].ndim = 2;
            tensors[n].shape[0] = tr->N;
            tensors[n].shape[1] = c->W - 1;
            tensors[n].source = LM_ST_COPY;
            tensors[n++].data = m->carry;
        }
    }
    /* metadata: format, config, trainer, then the user's strings */
    lm_strbuf config = {0}, trainer = {0};
    config_json(&config, c);
    if (tr) trainer_json(&trainer, tr);
    lm_json user;
    memset(&user, 0, sizeof user);
    lm_status s = LM_OK;
    if (m->metadata_json) s = lm_json_parse(&user, m->metadata_json, strlen(m->metadata_json), "the model metadata");
    lm_st_meta *meta = NULL;
    int n_meta = 0;
    if (!s && (config.failed || trainer.failed)) s = lm_fail(LM_ERR_NOMEM, "out of memory writing the model config");
    if (!s && !(meta = malloc((3 + user.length) * sizeof *meta))) s = lm_fail(LM_ERR_NOMEM, "out of memory saving");
    if (!s) {
        meta[n_meta++] = (lm_st_meta){"format", FORMAT_TAG};
        meta[n_meta++] = (lm_st_meta){"config", config.data};
        if (tr) meta[n_meta++] = (lm_st_meta){"trainer", trainer.data};
        for (size_t i = 0; i < user.length; i++) meta[n_meta++] = (lm_st_meta){user.keys[i], user.items[i].string};
        s = lm_st_write(out, out_len, tensors, n, meta, n_meta);
    }
    free(meta);
    lm_json_free(&user);
    free(config.data);
    free(trainer.data);
    return s;
}

/* ---- loading ------------------------------------------------------------------------------------ */

static lm_status config_int(const lm_json *cfg, const char *key, int required, int fallback, int *out) {
    const lm_json *v = lm_json_get(cfg, key);
    if (!v) {
        if (required) return lm_fail(LM_ERR_FORMAT, "model file config lacks '%s'", key);
        *out = fallback;
        return LM_OK;
    }
    if (v->type != LM_JSON_NUMBER || v->number != floor(v->number) || v->number < 0 || v->number > 4294967295.0)
        return lm_fail(LM_ERR_FORMAT, "model file config '%s' must be a whole number", key);
    *out = v->number > 2147483647.0 ? -1 : (int)v->number;
    return LM_OK;
}

static lm_status read_config(const lm_st_file *f, lm_model_config *c) {
    const char *text = lm_st_meta_get(f, "config");
    if (!text) return lm_fail(LM_ERR_FORMAT, "model file has no 'config' metadata: it was not written by lmlab");
    lm_json cfg;
    lm_status s = lm_json_parse(&cfg, text, strlen(text), "the model file's config");
    if (s) return s;
    memset(c, 0, sizeof *c);
    const lm_json *cell = lm_json_get(&cfg, "cell");
    int kind = -1;
    if (cfg.type != LM_JSON_OBJECT) s = lm_fail(LM_ERR_FORMAT, "model file config is not a JSON object");
    else if (!cell || cell->type != LM_JSON_STRING) s = lm_fail(LM_ERR_FORMAT, "model file config lacks 'cell'");
    else if ((kind = model_cell_from_name(cell->string)) < 0)
        s = lm_fail(LM_ERR_FORMAT,
                    "model file has cell '%s', which this build does not know (it reads rnn, lstm, gru "
                    "and window)",
                    cell->string);
    if (!s) c->cell = (lm_cell)kind;
    if (!s) s = config_int(&cfg, "vocab_size", 1, 0, &c->V);
    if (!s) s = config_int(&cfg, "embedding", 1, 0, &c->E);
    if (!s) s = config_int(&cfg, "hidden", 1, 0, &c->H);
    if (!s) s = config_int(&cfg, "layers", 0, 1, &c->L);
    if (!s) s = config_int(&cfg, "window", c->cell == LM_CELL_WINDOW, 0, &c->W);
    const lm_json *variant = lm_json_get(&cfg, "gru_variant");
    if (!s && c->cell == LM_CELL_GRU) {
        if (!variant || variant->type != LM_JSON_STRING)
            s = lm_fail(LM_ERR_FORMAT, "model file config of a GRU lacks 'gru_variant' ('torch' or 'lecture')");
        else if (strcmp(variant->string, "torch") == 0) c->gru_variant = LM_GRU_TORCH;
        else if (strcmp(variant->string, "lecture") == 0) c->gru_variant = LM_GRU_LECTURE;
        else
            s = lm_fail(LM_ERR_FORMAT, "model file config has gru_variant '%s'; use 'torch' or 'lecture'",
                        variant->string);
    }
    const lm_json *seed = lm_json_get(&cfg, "seed");
    if (!s && seed && seed->type == LM_JSON_NUMBER && seed->number >= 0 && seed->number <= 4294967295.0)
        c->seed = (uint32_t)seed->number;
    lm_json_free(&cfg);
    return s;
}

static void shape_text(char *buf, size_t size, const int64_t *shape, int ndim) {
    size_t used = (size_t)lm_snprintf(buf, size, "[");
    for (int d = 0; d < ndim && used < size; d++)
        used += (size_t)lm_snprintf(buf + used, size - used, d ? ", %lld" : "%lld", (long long)shape[d]);
    if (used < size) lm_snprintf(buf + used, size - used, "]");
}

/* The entry `name` must exist with exactly `shape` (ndim dims); explains the config otherwise. */
static lm_status expect_tensor(const lm_st_file *f, const lm_model_config *c, const char *name, int ndim,
                               const int64_t *shape, const lm_st_entry **out) {
    const lm_st_entry *e = lm_st_find(f, name);
    char want[64], got[64];
    shape_text(want, sizeof want, shape, ndim);
    if (!e)
        return lm_fail(LM_ERR_FORMAT, "model file lacks tensor '%s' %s required by its config (V %d, E %d, H %d, L %d)",
                       name, want, c->V, c->E, c->H, c->L);
    int same = e->ndim == ndim;
    for (int d = 0; same && d < ndim; d++) same = e->shape[d] == shape[d];
    if (!same) {
        shape_text(got, sizeof got, e->shape, e->ndim);
        return lm_fail(LM_ERR_FORMAT,
                       "model file tensor '%s' has shape %s but its config (V %d, E %d, H %d, L %d) needs %s", name,
                       got, c->V, c->E, c->H, c->L, want);
    }
    *out = e;
    return LM_OK;
}

static void file_shape(const lm_param_info *p, int64_t *shape) {
    shape[0] = p->transposed ? p->shape[1] : p->shape[0];
    shape[1] = p->transposed ? p->shape[0] : p->shape[1];
}

/* Fold a non-identity one-hot embedding Emb (V, V) into Wx (V, H): onehot·Emb·Wx = row of Emb·Wx. */
static lm_status fold_embedding(lm_model *m, const lm_st_file *f, const lm_st_entry *e) {
    const int V = m->cfg.V, H = m->cfg.H;
    lm_float *emb = malloc(lm_size_mul(lm_size_mul((size_t)V, (size_t)V), sizeof(lm_float)));
    lm_float *wx = calloc((size_t)V * H, sizeof(lm_float));
    lm_status s = (emb && wx) ? lm_st_load(f, e, emb, 0) : lm_fail(LM_ERR_NOMEM, "out of memory loading the embedding");
    int identity = 1;
    for (size_t i = 0; !s && identity && i < (size_t)V * V; i++)
        identity = emb[i] == (i / (size_t)V == i % (size_t)V ? 1 : 0);
    if (!s && !identity) {
        for (int v = 0; v < V; v++)
            for (int j = 0; j < V; j++) {
                lm_float a = emb[(size_t)v * V + j];
                if (a == 0) continue;
                for (int k = 0; k < H; k++) wx[(size_t)v * H + k] += a * m->Wx[0][(size_t)j * H + k];
            }
        /* the folded product is what the model computes with: it must be finite and in range too */
        s = lm_check_stored_values("model file: embedding.weight (not the identity) folded into rnn.weight_ih_l0",
                                   "rnn.weight_ih_l0", wx, (size_t)V * H, REACH_LIMIT, 0);
        if (!s) memcpy(m->Wx[0], wx, (size_t)V * H * sizeof(lm_float));
    }
    free(emb);
    free(wx);
    return s;
}

static int known_extra(const char *name) {
    return strncmp(name, "optim.", 6) == 0 || strcmp(name, "state.h") == 0 || strcmp(name, "state.c") == 0 ||
           strcmp(name, "state.context") == 0 || strncmp(name, "rnn.bias_hh_l", 13) == 0 ||
           strcmp(name, "embedding.weight") == 0;
}

static lm_status load_into(lm_model *m, const lm_st_file *f) {
    const lm_model_config *c = &m->cfg;
    lm_status s = LM_OK;
    for (int k = 0; k < m->n_tensors && !s; k++) {
        const lm_param_info *p = &m->table[k];
        int64_t shape[2];
        file_shape(p, shape);
        const lm_st_entry *e;
        s = expect_tensor(f, c, p->name, p->ndim, shape, &e);
        if (!s) s = lm_st_load(f, e, m->params + p->offset, p->transposed);
    }
    for (int l = 0; l < c->L && !s && c->cell != LM_CELL_WINDOW && !m->bh[0];
         l++) { /* PyTorch's second bias adds to ours */
        char name[32];
        lm_snprintf(name, sizeof name, "rnn.bias_hh_l%d", l);
        if (!lm_st_find(f, name)) continue;
        const int GH = m->G * c->H;
        int64_t shape[1] = {GH};
        const lm_st_entry *e;
        lm_float *tmp = malloc((size_t)GH * sizeof(lm_float));
        s = tmp ? expect_tensor(f, c, name, 1, shape, &e) : lm_fail(LM_ERR_NOMEM, "out of memory loading %s", name);
        if (!s) s = lm_st_load(f, e, tmp, 0);
        for (int j = 0; !s && j < GH; j++) tmp[j] += m->b[l][j];
        if (!s)
            s = lm_check_stored_values("model file: rnn.bias_ih + rnn.bias_hh (one bias here)", name, tmp, (size_t)GH,
                                       REACH_LIMIT, 0);
        if (!s) memcpy(m->b[l], tmp, (size_t)GH * sizeof(lm_float));
        free(tmp);
    }
    /* One zero: a folded bias of -0 (from -0 + -0, or a -0 with no bias_hh) would load back as +0 once
     * our save's zero bias_hh is added to it, so save -> load -> save would change the file. */
    for (int l = 0; l < c->L && !s && c->cell != LM_CELL_WINDOW && !m->bh[0]; l++)
        for (int j = 0; j < m->G * c->H; j++)
            if (m->b[l][j] == 0) m->b[l][j] = 0;
    if (!s && c->E == 0) {
        int64_t shape[2] = {c->V, c->V};
        const lm_st_entry *e;
        s = expect_tensor(f, c, "embedding.weight", 2, shape, &e);
        if (!s) s = fold_embedding(m, f, e);
    }
    for (int i = 0; i < f->n_tensors && !s; i++) {
        const char *name = f->tensors[i].name;
        int ours = 0;
        for (int k = 0; k < m->n_tensors && !ours; k++) ours = strcmp(m->table[k].name, name) == 0;
        int layer_ok = 1;
        if (strncmp(name, "rnn.bias_hh_l", 13) == 0) layer_ok = atoi(name + 13) < c->L;
        if (!ours && (!known_extra(name) || !layer_ok))
            s = lm_fail(LM_ERR_FORMAT, "model file has tensor '%s', which a config of %d layer(s) does not use", name,
                        c->L);
    }
    return s;
}

/* The user metadata of a file: every string except the reserved keys, as a JSON object text. */
static lm_status keep_metadata(lm_model *m, const lm_st_file *f) {
    if (!f->meta) return LM_OK;
    lm_strbuf sb = {0};
    lm_sb_append(&sb, "{", 1);
    int first = 1;
    for (size_t i = 0; i < f->meta->length; i++) {
        if (is_reserved(f->meta->keys[i])) continue;
        if (strlen(f->meta->items[i].string) != f->meta->items[i].length) { /* \u0000 would cut it short */
            free(sb.data);
            return lm_fail(LM_ERR_FORMAT, "model file metadata '%s' contains a NUL character (U+0000)",
                           f->meta->keys[i]);
        }
        if (!first) lm_sb_append(&sb, ",", 1);
        first = 0;
        lm_sb_json_string(&sb, f->meta->keys[i]);
        lm_sb_append(&sb, ":", 1);
        lm_sb_json_string(&sb, f->meta->items[i].string);
    }
    lm_sb_append(&sb, "}", 1);
    if (sb.failed) {
        free(sb.data);
        return lm_fail(LM_ERR_NOMEM, "out of memory reading the model metadata");
    }
    m->metadata_json = sb.data;
    return LM_OK;
}

/* After every transform (the one-hot embedding folded, PyTorch's second bias added), the parameters the
 * model computes with must keep a forward pass finite: each weight column's reach (sum of |W| times the
 * largest input) and each bias within REACH_LIMIT. Finite but huge weights (1e38) pass the file's own
 * finiteness check yet make every prediction NaN; this refuses them with the tensor's name. */
static lm_status check_reach(const lm_model *m) {
    double input = 1; /* one-hot input, and |h| <= 1 everywhere after the first layer */
    for (int k = 0; k < m->n_tensors; k++)
        if (strcmp(m->table[k].lecture, "W_embed") == 0)
            for (size_t i = 0; i < m->table[k].count; i++) {
                double a = fabs((double)m->params[m->table[k].offset + i]);
                if (a > input) input = a;
            }
    for (int k = 0; k < m->n_tensors; k++) {
        const lm_param_info *p = &m->table[k];
        const lm_float *w = m->params + p->offset;
        LM_TRY(lm_check_stored_values("model file", p->name, w, p->count, REACH_LIMIT, 0));
        if (p->ndim != 2 || strcmp(p->lecture, "W_embed") == 0) continue; /* a lookup, not a sum */
        const int rows = p->shape[0], cols = p->shape[1];                 /* our layout: (in, out) */
        for (int j = 0; j < cols; j++) {
            double reach = 0;
            for (int i = 0; i < rows; i++) reach += fabs((double)w[(size_t)i * cols + j]);
            if (reach * input > REACH_LIMIT)
                return lm_fail(LM_ERR_FORMAT,
                               "model file: tensor '%s' is out of range: a forward pass can reach %g in its output "
                               "%d (the sum of |weights| times the largest input, %g), beyond the %g a float "
                               "model computes with; the file's parameters are not those of a trained model",
                               p->name, reach * input, j, input, REACH_LIMIT);
        }
    }
    return LM_OK;
}

lm_status model_load(lm_model **out, const uint8_t *bytes, size_t len) {
    *out = NULL;
    lm_st_file f;
    lm_status s = lm_st_read(&f, bytes, len);
    if (s) return s;
    lm_model_config c;
    lm_model *m = NULL;
    s = read_config(&f, &c);
    if (!s && model_check_config(&c, "model file config is invalid")) { /* a bad file, not a bad argument */
        char why[256];
        lm_snprintf(why, sizeof why, "%s", lm_error_message());
        s = lm_fail(LM_ERR_FORMAT, "%s", why);
    }
    if (!s) { /* the config's values must roughly be in the file: bounds the allocation by the file size
               * (small disagreements fall through to the tensor-by-tensor shape check, which names them) */
        double V = c.V, E = c.E, H = c.H, need = (E > 0 ? V * E : 0) + H * V + V;
        double G = c.cell == LM_CELL_LSTM ? 4 : c.cell == LM_CELL_GRU ? 3 : 1;
        if (c.cell == LM_CELL_WINDOW) need += ((double)c.W * E + 1) * H;
        else
            for (int l = 0; l < c.L && l < LM_MAX_LAYERS; l++) need += ((l == 0 ? (E > 0 ? E : V) : H) + H + 1) * G * H;
        double have = 0;
        for (int i = 0; i < f.n_tensors; i++) have += (double)f.tensors[i].count;
        if (need > 2 * have + 4096)
            s = lm_fail(LM_ERR_FORMAT,
                        "model file config (V %d, E %d, H %d, L %d) needs %.0f values but the file "
                        "holds %.0f: truncated, or the config disagrees with the tensors",
                        c.V, c.E, c.H, c.L, need, have);
    }
    if (!s) s = model_new(&m, &c);
    if (!s) s = load_into(m, &f);
    if (!s) s = check_reach(m);
    if (!s) s = keep_metadata(m, &f);
    lm_st_free(&f);
    if (s) {
        model_delete(m);
        return s;
    }
    *out = m;
    return LM_OK;
}

/* ---- resuming ----------------------------------------------------------------------------------- */

static lm_status trainer_number(const lm_json *j, const char *key, double *out) {
    const lm_json *v = lm_json_get(j, key);
    if (!v || v->type != LM_JSON_NUMBER) return lm_fail(LM_ERR_FORMAT, "model file training state lacks '%s'", key);
    *out = v->number;
    return LM_OK;
}

lm_status trainer_restore(lm_trainer *t, const uint8_t *bytes, size_t len) {
    lm_model *m = t->model;
    lm_st_file f;
    lm_status s = lm_st_read(&f, bytes, len);
    if (s) return s;
    const char *text = lm_st_meta_get(&f, "trainer");
    lm_json j;
    memset(&j, 0, sizeof j);
    if (!text) s = lm_fail(LM_ERR_FORMAT, "model file has no training state: it was saved without a trainer");
    if (!s) s = lm_json_parse(&j, text, strlen(text), "the model file's training state");
    const lm_json *kind = lm_json_get(&j, "optimizer");
    double batch = 0, seq = 0, step = 0, clips = 0, position = 0, tokens = 0, wraps = 0;
    if (!s && (!kind || kind->type != LM_JSON_STRING))
        s = lm_fail(LM_ERR_FORMAT, "model file training state lacks 'optimizer'");
    if (!s && strcmp(kind->string, opt_name(t->opt.cfg.kind)) != 0)
        s = lm_fail(LM_ERR_ARG,
                    "the checkpoint was trained with %s but this trainer uses %s: use the same optimizer to resume",
                    kind->string, opt_name(t->opt.cfg.kind));
    if (!s) s = trainer_number(&j, "batch", &batch);
    if (!s) s = trainer_number(&j, "seq", &seq);
    if (!s) s = trainer_number(&j, "step", &step);
    if (!s) s = trainer_number(&j, "clip_events", &clips);
    if (!s) s = trainer_number(&j, "position", &position);
    if (!s) s = trainer_number(&j, "tokens", &tokens);
    if (!s) s = trainer_number(&j, "wraps", &wraps);
    const char *where = "model file training state";
    if (!s) s = lm_check_stored_whole(where, "batch", batch, LM_MAX_CALL_ELEMS);
    if (!s) s = lm_check_stored_whole(where, "seq", seq, LM_MAX_CALL_ELEMS);
    if (!s) s = lm_check_stored_whole(where, "step", step, COUNTER_MAX);
    if (!s) s = lm_check_stored_whole(where, "clip_events", clips, COUNTER_MAX);
    if (!s) s = lm_check_stored_whole(where, "tokens", tokens, COUNTER_MAX);
    if (!s) s = lm_check_stored_whole(where, "position", position, tokens);
    if (!s) s = lm_check_stored_whole(where, "wraps", wraps, COUNTER_MAX);
    /* the batching must match: only sentence trainers write "batching" (files before it: streams) */
    const lm_json *batching = lm_json_get(&j, "batching");
    const int sentences = batching != NULL;
    double pieces = 0;
    if (!s && sentences && (batching->type != LM_JSON_STRING || strcmp(batching->string, "sentences") != 0))
        s = lm_fail(LM_ERR_FORMAT, "model file training state: unknown 'batching'");
    if (!s && sentences != t->sentences)
        s = lm_fail(LM_ERR_ARG, "the checkpoint was trained on %s but this trainer batches %s: use the same batching",
                    sentences ? "sentences" : "streams", t->sentences ? "sentences" : "streams");
    if (!s && sentences) s = trainer_number(&j, "sentences", &pieces);
    if (!s && sentences) s = lm_check_stored_whole(where, "sentences", pieces, COUNTER_MAX);
    unsigned char frozen[LM_MODEL_MAX_TENSORS];
    if (!s) s = frozen_of(&j, m, frozen);
    if (!s && (batch != t->N || seq != t->T))
        s = lm_fail(LM_ERR_ARG,
                    "the checkpoint was trained with batch %.0f and sequence length %.0f, this trainer has %d and %d",
                    batch, seq, t->N, t->T);
    /* Load the moments into temporaries first so that a failure leaves the trainer untouched. */
    int states = lm_optim_state_count(&t->opt);
    lm_float *tmp[2] = {NULL, NULL};
    for (int v = 0; v < states && !s; v++)
        if (!(tmp[v] = malloc(m->n_params * sizeof(lm_float)))) s = lm_fail(LM_ERR_NOMEM, "out of memory resuming");
    for (int v = 0; v < states && !s; v++) {
        for (int k = 0; k < m->n_tensors && !s; k++) {
            const lm_param_info *p = &m->table[k];
            char name[LM_PARAM_NAME_MAX + 16];
            lm_snprintf(name, sizeof name, "optim.%s.%s", p->name, v ? "v" : "m");
            int64_t shape[2];
            file_shape(p, shape);
            const lm_st_entry *e;
            s = expect_tensor(&f, &m->cfg, name, p->ndim, shape, &e);
            if (!s) s = lm_st_load(&f, e, tmp[v] + p->offset, p->transposed);
            /* Adagrad's sums of squares (its one state) and Adam's second moment (v) are never negative:
             * a negative one is a square root of a negative number at the next step */
            int squares = t->opt.cfg.kind == LM_OPT_ADAGRAD || (t->opt.cfg.kind == LM_OPT_ADAM && v == 1);
            if (!s) s = lm_check_stored_values(where, name, tmp[v] + p->offset, p->count, REACH_LIMIT, squares);
        }
    }
    /* the carried state: h (and the LSTM's c) or the window model's previous ids, all or none */
    const int window = m->cfg.cell == LM_CELL_WINDOW, parts = m->cfg.cell == LM_CELL_LSTM ? 2 : 1;
    const char *state_names[2] = {window ? "state.context" : "state.h", "state.c"};
    const lm_st_entry *state[2] = {lm_st_find(&f, state_names[0]), parts == 2 ? lm_st_find(&f, state_names[1]) : NULL};
    int have_state = state[0] != NULL && (parts == 1 || state[1] != NULL);
    int64_t state_shape[3] = {m->cfg.L, t->N, m->cfg.H}, context_shape[2] = {t->N, m->cfg.W - 1};
    for (int p = 0; p < parts && !s && have_state; p++)
        s = window ? expect_tensor(&f, &m->cfg, state_names[p], 2, context_shape, &state[p])
                   : expect_tensor(&f, &m->cfg, state_names[p], 3, state_shape, &state[p]);
    if (!s && !t->sentences) s = model_ensure_carry(m, t->N);
    size_t part_count = window ? (size_t)t->N * (m->cfg.W - 1) : (size_t)m->cfg.L * t->N * m->cfg.H;
    lm_float *carry = NULL;
    if (!s && have_state) {
        carry = malloc((parts * part_count + 1) * sizeof(lm_float));
        if (!carry) s = lm_fail(LM_ERR_NOMEM, "out of memory resuming");
        for (int p = 0; p < parts && !s; p++) s = lm_st_load(&f, state[p], carry + p * part_count, 0);
        /* h is a tanh or a gated mix of tanhs: |h| <= 1; the LSTM's cell c within the reach limit */
        for (int p = 0; p < parts && !s && !window; p++)
            s = lm_check_stored_values(where, state_names[p], carry + p * part_count, part_count, p ? REACH_LIMIT : 1,
                                       0);
    }
    for (size_t i = 0; !s && window && carry && i < part_count; i++) { /* ids become array indices: check them */
        lm_float id = carry[i];
        if (!(id == (lm_float)LM_WINDOW_PAD || (id >= 0 && id < (lm_float)m->cfg.V && id == (lm_float)(int32_t)id)))
            s = lm_fail(LM_ERR_FORMAT,
                        "model file state.context holds %g, which is neither a token id in [0, %d) nor -1", (double)id,
                        m->cfg.V);
    }
    if (!s) { /* commit */
        if (tmp[0]) memcpy(t->opt.m, tmp[0], m->n_params * sizeof(lm_float));
        if (tmp[1]) memcpy(t->opt.v, tmp[1], m->n_params * sizeof(lm_float));
        t->opt.step = (int64_t)step;
        t->opt.clip_events = (int64_t)clips;
        int same_text = tokens == (double)t->len && (t->sentences ? pieces == (double)t->n_pieces && position < pieces
                                                                  : position <= (double)t->stream_len);
        t->pos = same_text ? (size_t)position : 0;
        t->wraps = (uint64_t)wraps;
        t->pending_step = 0;
        memcpy(m->frozen, frozen, sizeof frozen);
        if (carry && same_text && !t->sentences) memcpy(m->carry, carry, parts * part_count * sizeof(lm_float));
        else if (!t->sentences) model_reset_state(m);
    }
    free(carry);
    free(tmp[0]);
    free(tmp[1]);
    lm_json_free(&j);
    lm_st_free(&f);
    return s;
}
