/* seq2seq_io.c — save/load behind seq2seq_io.h. Tensor names are the table's (encoder.embedding.weight,
 * encoder.rnn.weight_ih_l{k}, …, attention.W_q.weight, decoder.out.weight, decoder.out.bias); a PyTorch
 * bias_hh is written as zeros where we keep one bias and folded into bias_ih on loading. The trainer's
 * state: "optim.<name>.m" / "optim.<name>.v" in the tensor's file layout, and its numbers in
 * __metadata__["trainer"]. Shapes: Vs / Vt vocabularies, E embedding, H hidden, L layers, G gates, A attention. */
#include "seq2seq_io.h"

#include "json.h"
#include "lm_check.h"
#include "serialize.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FORMAT_TAG "lmlab-seq2seq-1"

static const char *reserved_keys[] = {"format", "config", "trainer"};

static int is_reserved(const char *key) {
    for (size_t i = 0; i < sizeof reserved_keys / sizeof *reserved_keys; i++)
        if (strcmp(key, reserved_keys[i]) == 0) return 1;
    return 0;
}

lm_status seq2seq_set_metadata(lm_seq2seq *m, const char *json) {
    if (!json || !*json) {
        free(m->metadata_json);
        m->metadata_json = NULL;
        return LM_OK;
    }
    lm_json v;
    LM_TRY(lm_json_parse(&v, json, strlen(json), "the seq2seq metadata"));
    lm_status s =
        v.type == LM_JSON_OBJECT ? LM_OK : lm_fail(LM_ERR_ARG, "seq2seq metadata must be an object of strings");
    for (size_t i = 0; i < v.length && !s; i++) {
        if (v.items[i].type != LM_JSON_STRING)
            s = lm_fail(LM_ERR_ARG, "seq2seq metadata '%s' must be a string", v.keys[i]);
        else if (is_reserved(v.keys[i]))
            s = lm_fail(LM_ERR_ARG, "seq2seq metadata key '%s' is reserved for lmlab itself", v.keys[i]);
        else if (strlen(v.items[i].string) != v.items[i].length) /* \u0000: a C string would end there */
            s = lm_fail(LM_ERR_ARG, "seq2seq metadata '%s' contains a NUL character (U+0000), which a file cannot keep",
                        v.keys[i]);
    }
    lm_json_free(&v);
    if (s) return s;
    char *copy = malloc(strlen(json) + 1);
    if (!copy) return lm_fail(LM_ERR_NOMEM, "out of memory storing seq2seq metadata");
    strcpy(copy, json);
    free(m->metadata_json);
    m->metadata_json = copy;
    return LM_OK;
}

/* ---- saving ------------------------------------------------------------------------------------- */

static const char *cell_name(lm_cell c) { return c == LM_CELL_LSTM ? "lstm" : c == LM_CELL_GRU ? "gru" : "rnn"; }
static const char *opt_name(lm_opt_kind k) {
    return k == LM_OPT_SGD ? "sgd" : k == LM_OPT_ADAGRAD ? "adagrad" : "adam";
}

static void config_json(lm_strbuf *sb, const lm_seq2seq_config *c) {
    lm_sb_printf(sb, "{\"model\":\"seq2seq\",\"cell\":\"%s\",", cell_name(c->cell));
    if (c->cell == LM_CELL_GRU)
        lm_sb_printf(sb, "\"gru_variant\":\"%s\",", c->gru_variant == LM_GRU_TORCH ? "torch" : "lecture");
    lm_sb_printf(sb, "\"src_vocab_size\":%d,\"tgt_vocab_size\":%d,\"embedding\":%d,\"hidden\":%d,\"layers\":%d,", c->Vs,
                 c->Vt, c->E, c->H, c->L);
    lm_sb_printf(sb, "\"attention\":\"%s\",\"attention_size\":%d,\"out_context\":%d,",
                 seq2seq_attention_name(c->attention), c->A, c->out_context);
    lm_sb_printf(sb, "\"src_pad\":%d,\"tgt_pad\":%d,\"tgt_bos\":%d,\"tgt_eos\":%d,\"seed\":%lu}", c->src_pad,
                 c->tgt_pad, c->tgt_bos, c->tgt_eos, (unsigned long)c->seed);
}

static void trainer_json(lm_strbuf *sb, const lm_s2s_trainer *t) {
    const lm_optim_config *c = &t->opt.cfg;
    lm_sb_printf(sb, "{\"optimizer\":\"%s\",\"lr\":%.17g,\"momentum\":%.17g,", opt_name(c->kind), c->lr, c->momentum);
    lm_sb_printf(sb, "\"beta1\":%.17g,\"beta2\":%.17g,\"eps\":%.17g,", c->beta1, c->beta2, c->eps);
    lm_sb_printf(sb, "\"clip\":%.17g,\"clip_mode\":\"%s\",", c->clip, c->clip_mode == LM_CLIP_NORM ? "norm" : "value");
    lm_sb_printf(sb, "\"batch\":%d,\"step\":%lld,\"clip_events\":%lld,", t->N, (long long)t->opt.step,
                 (long long)t->opt.clip_events);
    lm_sb_printf(sb, "\"epoch\":%llu,\"cursor\":%llu,\"pairs\":%llu,\"seed\":%lu}", (unsigned long long)t->epoch,
                 (unsigned long long)t->cursor, (unsigned long long)t->P, (unsigned long)t->seed);
}

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

/* The table keeps a separate bias_hh only for the torch GRU: elsewhere the file gets PyTorch's zeros. */
static int writes_zero_bias_hh(const lm_seq2seq *m) {
    return !(m->cfg.cell == LM_CELL_GRU && m->cfg.gru_variant == LM_GRU_TORCH);
}

lm_status seq2seq_save(const lm_seq2seq *m, const lm_s2s_trainer *tr, uint8_t **out, size_t *out_len) {
    enum { MAX_OUT = 4 * LM_S2S_MAX_TENSORS };
    lm_st_tensor tensors[MAX_OUT];
    char names[MAX_OUT][LM_PARAM_NAME_MAX + 16];
    int n = 0;
    for (int k = 0; k < m->n_tensors; k++) {
        const lm_param_info *p = &m->table[k];
        tensors[n++] = table_tensor(p, p->name, m->params);
        const char *bias = strstr(p->name, ".rnn.bias_ih_l");
        if (bias && writes_zero_bias_hh(m)) {
            lm_snprintf(names[n], sizeof names[n], "%.*s.rnn.bias_hh_l%s", (int)(bias - p->name), p->name, bias + 14);
            memset(&tensors[n], 0, sizeof tensors[n]);
            tensors[n].name = names[n];
            tensors[n].ndim = 1;
            tensors[n].shape[0] = p->shape[0];
            tensors[n++].source = LM_ST_ZEROS;
        }
    }
    if (tr) {
        const lm_float *states[2] = {tr->opt.m, tr->opt.v};
        for (int v = 0; v < lm_optim_state_count(&tr->opt); v++)
            for (int k = 0; k < m->n_tensors; k++) {
                lm_snprintf(names[n], sizeof names[n], "optim.%s.%s", m->table[k].name, v ? "v" : "m");
                tensors[n] = table_tensor(&m->table[k], names[n], states[v]);
                n++;
            }
    }
    lm_strbuf config = {0}, trainer = {0};
    config_json(&config, &m->cfg);
    if (tr) trainer_json(&trainer, tr);
    lm_json user;
    memset(&user, 0, sizeof user);
    lm_status s = LM_OK;
    if (m->metadata_json) s = lm_json_parse(&user, m->metadata_json, strlen(m->metadata_json), "the seq2seq metadata");
    lm_st_meta *meta = NULL;
    int n_meta = 0;
    if (!s && (config.failed || trainer.failed)) s = lm_fail(LM_ERR_NOMEM, "out of memory writing the seq2seq config");
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

static lm_status config_int(const lm_json *cfg, const char *key, int *out) {
    const lm_json *v = lm_json_get(cfg, key);
    if (!v) return lm_fail(LM_ERR_FORMAT, "seq2seq file config lacks '%s'", key);
    if (v->type != LM_JSON_NUMBER || v->number != floor(v->number) || v->number < 0 || v->number > 2147483647.0)
        return lm_fail(LM_ERR_FORMAT, "seq2seq file config '%s' must be a whole number", key);
    *out = (int)v->number;
    return LM_OK;
}

static lm_status config_name(const lm_json *cfg, const char *key, const char **out) {
    const lm_json *v = lm_json_get(cfg, key);
    if (!v || v->type != LM_JSON_STRING) return lm_fail(LM_ERR_FORMAT, "seq2seq file config lacks '%s'", key);
    *out = v->string;
    return LM_OK;
}

static lm_status read_config(const lm_st_file *f, lm_seq2seq_config *c) {
    const char *format = lm_st_meta_get(f, "format"), *text = lm_st_meta_get(f, "config");
    if (!format || strcmp(format, FORMAT_TAG) != 0)
        return lm_fail(LM_ERR_FORMAT, "this is not a seq2seq model file (its format is '%s', not '%s')%s",
                       format ? format : "none", FORMAT_TAG,
                       format && strcmp(format, "lmlab-1") == 0 ? ": it is a language model; load it as one" : "");
    if (!text) return lm_fail(LM_ERR_FORMAT, "seq2seq file has no 'config' metadata");
    lm_json cfg;
    LM_TRY(lm_json_parse(&cfg, text, strlen(text), "the seq2seq file's config"));
    memset(c, 0, sizeof *c);
    const char *cell = NULL, *attention = NULL, *variant = NULL;
    lm_status s =
        cfg.type == LM_JSON_OBJECT ? LM_OK : lm_fail(LM_ERR_FORMAT, "seq2seq file config is not a JSON object");
    if (!s) s = config_name(&cfg, "cell", &cell);
    if (!s) {
        if (strcmp(cell, "rnn") == 0) c->cell = LM_CELL_RNN;
        else if (strcmp(cell, "lstm") == 0) c->cell = LM_CELL_LSTM;
        else if (strcmp(cell, "gru") == 0) c->cell = LM_CELL_GRU;
        else s = lm_fail(LM_ERR_FORMAT, "seq2seq file has cell '%s'; this build reads rnn, lstm and gru", cell);
    }
    if (!s && c->cell == LM_CELL_GRU) {
        s = config_name(&cfg, "gru_variant", &variant);
        if (!s && strcmp(variant, "torch") == 0) c->gru_variant = LM_GRU_TORCH;
        else if (!s && strcmp(variant, "lecture") != 0)
            s = lm_fail(LM_ERR_FORMAT, "seq2seq file has gru_variant '%s'; use 'torch' or 'lecture'", variant);
    }
    if (!s) s = config_name(&cfg, "attention", &attention);
    if (!s) {
        int a = seq2seq_attention_from_name(attention);
        if (a < 0) s = lm_fail(LM_ERR_FORMAT, "seq2seq file has attention '%s'; use none, dot or additive", attention);
        else c->attention = (lm_attn_score)a;
    }
    if (!s) s = config_int(&cfg, "src_vocab_size", &c->Vs);
    if (!s) s = config_int(&cfg, "tgt_vocab_size", &c->Vt);
    if (!s) s = config_int(&cfg, "embedding", &c->E);
    if (!s) s = config_int(&cfg, "hidden", &c->H);
    if (!s) s = config_int(&cfg, "layers", &c->L);
    if (!s) s = config_int(&cfg, "attention_size", &c->A);
    if (!s) s = config_int(&cfg, "out_context", &c->out_context);
    if (!s) s = config_int(&cfg, "src_pad", &c->src_pad);
    if (!s) s = config_int(&cfg, "tgt_pad", &c->tgt_pad);
    if (!s) s = config_int(&cfg, "tgt_bos", &c->tgt_bos);
    if (!s) s = config_int(&cfg, "tgt_eos", &c->tgt_eos);
    const lm_json *seed = lm_json_get(&cfg, "seed");
    if (!s && seed && seed->type == LM_JSON_NUMBER && seed->number >= 0 && seed->number <= 4294967295.0)
        c->seed = (uint32_t)seed->number;
    lm_json_free(&cfg);
    return s;
}

static void file_shape(const lm_param_info *p, int64_t *shape) {
    shape[0] = p->transposed ? p->shape[1] : p->shape[0];
    shape[1] = p->transposed ? p->shape[0] : p->shape[1];
}

static void shape_text(char *buf, size_t size, const int64_t *shape, int ndim) {
    size_t used = (size_t)lm_snprintf(buf, size, "[");
    for (int d = 0; d < ndim && used < size; d++)
        used += (size_t)lm_snprintf(buf + used, size - used, d ? ", %lld" : "%lld", (long long)shape[d]);
    if (used < size) lm_snprintf(buf + used, size - used, "]");
}

static lm_status expect_tensor(const lm_st_file *f, const char *name, int ndim, const int64_t *shape,
                               const lm_st_entry **out) {
    const lm_st_entry *e = lm_st_find(f, name);
    char want[64], got[64];
    shape_text(want, sizeof want, shape, ndim);
    if (!e) return lm_fail(LM_ERR_FORMAT, "seq2seq file lacks tensor '%s' %s required by its config", name, want);
    int same = e->ndim == ndim;
    for (int d = 0; same && d < ndim; d++) same = e->shape[d] == shape[d];
    if (!same) {
        shape_text(got, sizeof got, e->shape, e->ndim);
        return lm_fail(LM_ERR_FORMAT, "seq2seq file tensor '%s' has shape %s but its config needs %s", name, got, want);
    }
    *out = e;
    return LM_OK;
}

static lm_status load_into(lm_seq2seq *m, const lm_st_file *f) {
    lm_status s = LM_OK;
    for (int k = 0; k < m->n_tensors && !s; k++) {
        const lm_param_info *p = &m->table[k];
        int64_t shape[2];
        file_shape(p, shape);
        const lm_st_entry *e;
        s = expect_tensor(f, p->name, p->ndim, shape, &e);
        if (!s) s = lm_st_load(f, e, m->params + p->offset, p->transposed);
    }
    /* PyTorch's second bias adds to ours where we keep one (a file from PyTorch may hold non-zeros) */
    for (int k = 0; k < m->n_tensors && !s && writes_zero_bias_hh(m); k++) {
        const lm_param_info *p = &m->table[k];
        const char *bias = strstr(p->name, ".rnn.bias_ih_l");
        if (!bias) continue;
        char name[LM_PARAM_NAME_MAX + 8];
        lm_snprintf(name, sizeof name, "%.*s.rnn.bias_hh_l%s", (int)(bias - p->name), p->name, bias + 14);
        if (!lm_st_find(f, name)) continue;
        int64_t shape[1] = {p->shape[0]};
        const lm_st_entry *e;
        lm_float *tmp = malloc(p->count * sizeof *tmp);
        s = tmp ? expect_tensor(f, name, 1, shape, &e) : lm_fail(LM_ERR_NOMEM, "out of memory loading %s", name);
        if (!s) s = lm_st_load(f, e, tmp, 0);
        for (size_t j = 0; !s && j < p->count; j++) m->params[p->offset + j] += tmp[j];
        free(tmp);
    }
    /* One zero in a bias that takes bias_hh: -0 would load back as +0 once our save's zero bias_hh is
     * added to it, so save -> load -> save would change the file (model_io.c does the same). */
    for (int k = 0; k < m->n_tensors && !s && writes_zero_bias_hh(m); k++) {
        const lm_param_info *p = &m->table[k];
        if (!strstr(p->name, ".rnn.bias_ih_l")) continue;
        for (size_t j = 0; j < p->count; j++)
            if (m->params[p->offset + j] == 0) m->params[p->offset + j] = 0;
    }
    for (int i = 0; i < f->n_tensors && !s; i++) { /* nothing unknown: a file of another config is refused */
        const char *name = f->tensors[i].name, *bias = strstr(name, ".rnn.bias_hh_l");
        int ours = strncmp(name, "optim.", 6) == 0;
        for (int k = 0; k < m->n_tensors && !ours; k++) ours = strcmp(m->table[k].name, name) == 0;
        if (!ours && bias && writes_zero_bias_hh(m)) ours = atoi(bias + 14) < m->cfg.L;
        if (!ours)
            s = lm_fail(LM_ERR_FORMAT,
                        "seq2seq file has tensor '%s', which its config (%s, %d layer(s), attention %s) "
                        "does not use",
                        name, cell_name(m->cfg.cell), m->cfg.L, seq2seq_attention_name(m->cfg.attention));
    }
    return s;
}

static lm_status keep_metadata(lm_seq2seq *m, const lm_st_file *f) {
    if (!f->meta) return LM_OK;
    lm_strbuf sb = {0};
    lm_sb_append(&sb, "{", 1);
    int first = 1;
    for (size_t i = 0; i < f->meta->length; i++) {
        if (is_reserved(f->meta->keys[i])) continue;
        if (strlen(f->meta->items[i].string) != f->meta->items[i].length) { /* \u0000 would cut it short */
            free(sb.data);
            return lm_fail(LM_ERR_FORMAT, "seq2seq file metadata '%s' contains a NUL character (U+0000)",
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
        return lm_fail(LM_ERR_NOMEM, "out of memory reading the seq2seq metadata");
    }
    m->metadata_json = sb.data;
    return LM_OK;
}

lm_status seq2seq_load(lm_seq2seq **out, const uint8_t *bytes, size_t len) {
    *out = NULL;
    lm_st_file f;
    LM_TRY(lm_st_read(&f, bytes, len));
    lm_seq2seq_config c;
    lm_seq2seq *m = NULL;
    lm_status s = read_config(&f, &c);
    if (!s && seq2seq_check_config(&c, "seq2seq file config is invalid")) { /* a bad file, not a bad argument */
        char why[256];
        lm_snprintf(why, sizeof why, "%s", lm_error_message());
        s = lm_fail(LM_ERR_FORMAT, "%s", why);
    }
    if (!s) { /* the config's sizes must roughly be in the file: bounds the allocation by the file size */
        double have = 0, G = c.cell == LM_CELL_LSTM ? 4 : c.cell == LM_CELL_GRU ? 3 : 1, H = c.H;
        for (int i = 0; i < f.n_tensors; i++) have += (double)f.tensors[i].count;
        double need = ((double)c.Vs + c.Vt) * c.E + 2 * c.L * G * H * H + (double)c.Vt * H;
        if (need > 2 * have + 4096)
            s = lm_fail(LM_ERR_FORMAT,
                        "seq2seq file config needs about %.0f values but the file holds %.0f: truncated, "
                        "or the config disagrees with the tensors",
                        need, have);
    }
    if (!s) s = seq2seq_new(&m, &c);
    if (!s) s = load_into(m, &f);
    if (!s) s = keep_metadata(m, &f);
    lm_st_free(&f);
    if (s) {
        seq2seq_delete(m);
        return s;
    }
    *out = m;
    return LM_OK;
}

/* ---- resuming ----------------------------------------------------------------------------------- */

static lm_status trainer_number(const lm_json *j, const char *key, double *out) {
    const lm_json *v = lm_json_get(j, key);
    if (!v || v->type != LM_JSON_NUMBER || !(v->number >= 0))
        return lm_fail(LM_ERR_FORMAT, "seq2seq file training state lacks '%s'", key);
    *out = v->number;
    return LM_OK;
}

lm_status seq2seq_trainer_restore(lm_s2s_trainer *t, const uint8_t *bytes, size_t len) {
    lm_seq2seq *m = t->model;
    lm_st_file f;
    LM_TRY(lm_st_read(&f, bytes, len));
    const char *text = lm_st_meta_get(&f, "trainer");
    lm_json j;
    memset(&j, 0, sizeof j);
    lm_status s = text ? lm_json_parse(&j, text, strlen(text), "the seq2seq file's training state")
                       : lm_fail(LM_ERR_FORMAT, "seq2seq file has no training state: it was saved without a trainer");
    const lm_json *kind = s ? NULL : lm_json_get(&j, "optimizer");
    double batch = 0, step = 0, clips = 0, epoch = 0, cursor = 0, pairs = 0, seed = 0;
    if (!s && (!kind || kind->type != LM_JSON_STRING))
        s = lm_fail(LM_ERR_FORMAT, "seq2seq file training state lacks 'optimizer'");
    if (!s && strcmp(kind->string, opt_name(t->opt.cfg.kind)) != 0)
        s = lm_fail(LM_ERR_ARG,
                    "the checkpoint was trained with %s but this trainer uses %s: use the same optimizer to "
                    "resume",
                    kind->string, opt_name(t->opt.cfg.kind));
    if (!s) s = trainer_number(&j, "batch", &batch);
    if (!s) s = trainer_number(&j, "step", &step);
    if (!s) s = trainer_number(&j, "clip_events", &clips);
    if (!s) s = trainer_number(&j, "epoch", &epoch);
    if (!s) s = trainer_number(&j, "cursor", &cursor);
    if (!s) s = trainer_number(&j, "pairs", &pairs);
    if (!s) s = trainer_number(&j, "seed", &seed);
    /* range-checked before any cast: 1e30 or -1 in an integer conversion is undefined behaviour */
    const char *where = "seq2seq file training state";
    const double counter_max = 9007199254740991.0; /* 2^53 - 1: exact in a double, fits int64_t and size_t */
    if (!s) s = lm_check_stored_whole(where, "batch", batch, LM_MAX_CALL_ELEMS);
    if (!s) s = lm_check_stored_whole(where, "step", step, counter_max);
    if (!s) s = lm_check_stored_whole(where, "clip_events", clips, counter_max);
    if (!s) s = lm_check_stored_whole(where, "epoch", epoch, counter_max);
    if (!s) s = lm_check_stored_whole(where, "pairs", pairs, counter_max);
    if (!s) s = lm_check_stored_whole(where, "cursor", cursor, pairs);
    if (!s) s = lm_check_stored_whole(where, "seed", seed, 4294967295.0);
    if (!s && batch != t->N)
        s = lm_fail(LM_ERR_ARG,
                    "the checkpoint was trained with batch %.0f, this trainer has %d: use the same batch to "
                    "resume",
                    batch, t->N);
    int states = lm_optim_state_count(&t->opt);
    lm_float *tmp[2] = {NULL, NULL};
    for (int v = 0; v < states && !s; v++)
        if (!(tmp[v] = malloc(m->n_params * sizeof(lm_float)))) s = lm_fail(LM_ERR_NOMEM, "out of memory resuming");
    for (int v = 0; v < states && !s; v++)
        for (int k = 0; k < m->n_tensors && !s; k++) {
            const lm_param_info *p = &m->table[k];
            char name[LM_PARAM_NAME_MAX + 16];
            lm_snprintf(name, sizeof name, "optim.%s.%s", p->name, v ? "v" : "m");
            int64_t shape[2];
            file_shape(p, shape);
            const lm_st_entry *e;
            s = expect_tensor(&f, name, p->ndim, shape, &e);
            if (!s) s = lm_st_load(&f, e, tmp[v] + p->offset, p->transposed);
            /* Adagrad's sums of squares and Adam's v are never negative (a square root comes next) */
            int squares = t->opt.cfg.kind == LM_OPT_ADAGRAD || (t->opt.cfg.kind == LM_OPT_ADAM && v == 1);
            if (!s) s = lm_check_stored_values(where, name, tmp[v] + p->offset, p->count, 1e30, squares);
        }
    if (!s) { /* commit */
        if (tmp[0]) memcpy(t->opt.m, tmp[0], m->n_params * sizeof(lm_float));
        if (tmp[1]) memcpy(t->opt.v, tmp[1], m->n_params * sizeof(lm_float));
        t->opt.step = (int64_t)step;
        t->opt.clip_events = (int64_t)clips;
        if (pairs == (double)t->P) { /* the same data: continue in place */
            t->seed = (uint32_t)seed;
            seq2seq_trainer_seek(t, (uint64_t)epoch, (size_t)cursor);
        }
    }
    free(tmp[0]);
    free(tmp[1]);
    lm_json_free(&j);
    lm_st_free(&f);
    return s;
}
