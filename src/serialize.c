/* serialize.c — the safetensors writer and the strict reader behind serialize.h. Floats are written
 * and read byte by byte in little-endian order (no unaligned loads, no host-endianness assumptions);
 * the header is padded with spaces to a multiple of 8 bytes as the format recommends. */
#include "serialize.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- string building ---------------------------------------------------------------------------- */

void lm_sb_append(lm_strbuf *sb, const char *text, size_t n) {
    if (sb->failed) return;
    if (sb->len + n + 1 > sb->cap) {
        size_t cap = sb->cap ? sb->cap : 256;
        while (cap < sb->len + n + 1) {
            if (cap > SIZE_MAX / 2) {
                sb->failed = 1;
                return;
            }
            cap *= 2;
        }
        char *grown = realloc(sb->data, cap);
        if (!grown) {
            sb->failed = 1;
            return;
        }
        sb->data = grown;
        sb->cap = cap;
    }
    memcpy(sb->data + sb->len, text, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

void lm_sb_printf(lm_strbuf *sb, const char *fmt, ...) {
    char tmp[256];
    va_list args;
    va_start(args, fmt);
    int n = lm_vsnprintf(tmp, sizeof tmp, fmt, args);
    va_end(args);
    if (n < 0 || (size_t)n >= sizeof tmp) {
        sb->failed = 1;
        return;
    } /* callers format short numbers only */
    lm_sb_append(sb, tmp, (size_t)n);
}

void lm_sb_json_string(lm_strbuf *sb, const char *text) {
    lm_sb_append(sb, "\"", 1);
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        if (*c == '"') lm_sb_append(sb, "\\\"", 2);
        else if (*c == '\\') lm_sb_append(sb, "\\\\", 2);
        else if (*c == '\n') lm_sb_append(sb, "\\n", 2);
        else if (*c == '\r') lm_sb_append(sb, "\\r", 2);
        else if (*c == '\t') lm_sb_append(sb, "\\t", 2);
        else if (*c < 0x20) lm_sb_printf(sb, "\\u%04x", *c);
        else lm_sb_append(sb, (const char *)c, 1);
    }
    lm_sb_append(sb, "\"", 1);
}

/* ---- writing ------------------------------------------------------------------------------------ */

static size_t tensor_count(const lm_st_tensor *t) {
    size_t count = 1;
    for (int d = 0; d < t->ndim; d++) count = lm_size_mul(count, (size_t)t->shape[d]);
    return count;
}

static void put_f32(uint8_t *dst, lm_float value) {
    float f = (float)value;
    uint32_t u;
    memcpy(&u, &f, 4);
    dst[0] = (uint8_t)u;
    dst[1] = (uint8_t)(u >> 8);
    dst[2] = (uint8_t)(u >> 16);
    dst[3] = (uint8_t)(u >> 24);
}

static lm_float tensor_value(const lm_st_tensor *t, size_t i) {
    switch (t->source) {
    case LM_ST_COPY: return t->data[i];
    case LM_ST_TRANSPOSE: { /* file (R, C) at (r, c) is memory (C, R) at (c, r) */
        size_t R = (size_t)t->shape[0], C = (size_t)t->shape[1];
        size_t r = i / C, c = i % C;
        return t->data[c * R + r];
    }
    case LM_ST_ZEROS: return 0;
    case LM_ST_IDENTITY: return (i / (size_t)t->shape[1]) == (i % (size_t)t->shape[1]) ? 1 : 0;
    }
    return 0;
}

lm_status lm_st_write(uint8_t **out, size_t *out_len, const lm_st_tensor *tensors, int n_tensors,
                      const lm_st_meta *meta, int n_meta) {
    *out = NULL;
    *out_len = 0;
    lm_strbuf sb = {0};
    size_t offset = 0;
    lm_sb_append(&sb, "{", 1);
    if (n_meta > 0) {
        lm_sb_append(&sb, "\"__metadata__\":{", 16);
        for (int i = 0; i < n_meta; i++) {
            if (i) lm_sb_append(&sb, ",", 1);
            lm_sb_json_string(&sb, meta[i].key);
            lm_sb_append(&sb, ":", 1);
            lm_sb_json_string(&sb, meta[i].value);
        }
        lm_sb_append(&sb, "}", 1);
    }
    for (int i = 0; i < n_tensors; i++) {
        const lm_st_tensor *t = &tensors[i];
        size_t count = tensor_count(t), bytes = lm_size_mul(count, 4);
        if (count == 0 || bytes == 0) {
            free(sb.data);
            return lm_fail(LM_ERR_ARG, "tensor %s has an empty or too large shape", t->name);
        }
        if (n_meta > 0 || i > 0) lm_sb_append(&sb, ",", 1);
        lm_sb_json_string(&sb, t->name);
        lm_sb_append(&sb, ":{\"dtype\":\"F32\",\"shape\":[", 25);
        for (int d = 0; d < t->ndim; d++) lm_sb_printf(&sb, d ? ",%lld" : "%lld", (long long)t->shape[d]);
        lm_sb_printf(&sb, "],\"data_offsets\":[%llu,%llu]}", (unsigned long long)offset,
                     (unsigned long long)(offset + bytes));
        offset += bytes;
    }
    lm_sb_append(&sb, "}", 1);
    while (!sb.failed && sb.len % 8 != 0) lm_sb_append(&sb, " ", 1);
    if (sb.failed) {
        free(sb.data);
        return lm_fail(LM_ERR_NOMEM, "out of memory writing the model file header");
    }
    size_t total = 8 + sb.len + offset;
    uint8_t *buf = malloc(total);
    if (!buf) {
        free(sb.data);
        return lm_fail(LM_ERR_NOMEM, "out of memory writing a %zu-byte model file", total);
    }
    uint64_t header_len = sb.len;
    for (int b = 0; b < 8; b++) buf[b] = (uint8_t)(header_len >> (8 * b));
    memcpy(buf + 8, sb.data, sb.len);
    free(sb.data);
    uint8_t *dst = buf + 8 + header_len;
    for (int i = 0; i < n_tensors; i++) {
        size_t count = tensor_count(&tensors[i]);
        for (size_t k = 0; k < count; k++, dst += 4) put_f32(dst, tensor_value(&tensors[i], k));
    }
    *out = buf;
    *out_len = total;
    return LM_OK;
}

/* ---- reading ------------------------------------------------------------------------------------ */

static int compare_offsets(const void *a, const void *b) {
    const lm_st_entry *x = *(const lm_st_entry *const *)a, *y = *(const lm_st_entry *const *)b;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static int is_whole_number(const lm_json *v, double max) {
    return v && v->type == LM_JSON_NUMBER && v->number >= 0 && v->number <= max && v->number == floor(v->number);
}

static lm_status read_entry(lm_st_entry *e, const char *name, const lm_json *spec, size_t data_len) {
    if (spec->type != LM_JSON_OBJECT)
        return lm_fail(LM_ERR_FORMAT, "model file header: tensor '%s' is not an object", name);
    const lm_json *dtype = lm_json_get(spec, "dtype"), *shape = lm_json_get(spec, "shape"),
                  *offsets = lm_json_get(spec, "data_offsets");
    if (!dtype || dtype->type != LM_JSON_STRING || !shape || shape->type != LM_JSON_ARRAY || !offsets ||
        offsets->type != LM_JSON_ARRAY)
        return lm_fail(LM_ERR_FORMAT, "model file header: tensor '%s' needs dtype, shape and data_offsets", name);
    if (strcmp(dtype->string, "F32") != 0)
        return lm_fail(LM_ERR_FORMAT, "model file: tensor '%s' has dtype %s; lmlab reads F32 only", name,
                       dtype->string);
    if (shape->length > LM_ST_MAX_DIMS)
        return lm_fail(LM_ERR_FORMAT, "model file: tensor '%s' has %zu dimensions (at most %d)", name, shape->length,
                       LM_ST_MAX_DIMS);
    e->ndim = (int)shape->length;
    e->count = 1;
    for (int d = 0; d < e->ndim; d++) {
        if (!is_whole_number(&shape->items[d], 2147483647.0))
            return lm_fail(LM_ERR_FORMAT, "model file: tensor '%s' has a shape entry that is not a whole number", name);
        e->shape[d] = (int64_t)shape->items[d].number;
        e->count = e->shape[d] == 0 ? 0 : lm_size_mul(e->count, (size_t)e->shape[d]);
        if (e->shape[d] != 0 && e->count == 0)
            return lm_fail(LM_ERR_FORMAT, "model file: tensor '%s' has an impossibly large shape", name);
    }
    if (offsets->length != 2 || !is_whole_number(&offsets->items[0], 9007199254740992.0) ||
        !is_whole_number(&offsets->items[1], 9007199254740992.0))
        return lm_fail(LM_ERR_FORMAT, "model file: tensor '%s' needs data_offsets [begin, end]", name);
    double begin = offsets->items[0].number, end = offsets->items[1].number;
    if (begin > end || end > (double)data_len)
        return lm_fail(
            LM_ERR_FORMAT,
            "model file is truncated or corrupted: tensor '%s' lies at bytes [%.0f, %.0f) of a %zu-byte data section",
            name, begin, end, data_len);
    if ((size_t)(end - begin) != e->count * 4)
        return lm_fail(LM_ERR_FORMAT, "model file: tensor '%s' has %zu values by its shape but %.0f bytes of data",
                       name, e->count, end - begin);
    e->offset = (size_t)begin;
    return LM_OK;
}

lm_status lm_st_read(lm_st_file *f, const uint8_t *bytes, size_t len) {
    memset(f, 0, sizeof *f);
    if (!bytes || len < 8)
        return lm_fail(LM_ERR_FORMAT, "model file is truncated: %zu bytes, fewer than the 8-byte header length", len);
    uint64_t header_len = 0;
    for (int b = 7; b >= 0; b--) header_len = (header_len << 8) | bytes[b];
    if (header_len < 2 || header_len > LM_ST_MAX_HEADER || header_len > len - 8)
        return lm_fail(LM_ERR_FORMAT,
                       "model file is truncated or not a safetensors file: header length %llu, file size %zu bytes",
                       (unsigned long long)header_len, len);
    lm_status s = lm_json_parse(&f->header, (const char *)bytes + 8, (size_t)header_len, "the model file header");
    if (s) return s;
    if (f->header.type != LM_JSON_OBJECT) {
        lm_st_free(f);
        return lm_fail(LM_ERR_FORMAT, "model file header is not a JSON object");
    }
    f->bytes = bytes;
    f->len = len;
    size_t data_start = 8 + (size_t)header_len, data_len = len - data_start;
    f->tensors = calloc(f->header.length ? f->header.length : 1, sizeof *f->tensors);
    lm_st_entry **order = calloc(f->header.length ? f->header.length : 1, sizeof *order);
    if (!f->tensors || !order) {
        free(order);
        lm_st_free(f);
        return lm_fail(LM_ERR_NOMEM, "out of memory reading the model file header");
    }
    for (size_t i = 0; i < f->header.length; i++) {
        const char *name = f->header.keys[i];
        const lm_json *spec = &f->header.items[i];
        if (strcmp(name, "__metadata__") == 0) {
            if (spec->type != LM_JSON_OBJECT) s = lm_fail(LM_ERR_FORMAT, "model file: __metadata__ is not an object");
            for (size_t k = 0; !s && k < spec->length; k++)
                if (spec->items[k].type != LM_JSON_STRING)
                    s = lm_fail(LM_ERR_FORMAT, "model file: metadata '%s' is not a string", spec->keys[k]);
            f->meta = spec;
            if (s) break;
            continue;
        }
        lm_st_entry *e = &f->tensors[f->n_tensors];
        s = read_entry(e, name, spec, data_len);
        if (s) break;
        e->name = f->header.keys[i]; /* owned by the header */
        e->offset += data_start;
        order[f->n_tensors++] = e;
    }
    if (!s) { /* the tensors must tile the data section exactly: no overlaps, no holes */
        qsort(order, (size_t)f->n_tensors, sizeof *order, compare_offsets);
        size_t expect = data_start;
        for (int i = 0; i < f->n_tensors && !s; i++) {
            if (order[i]->offset != expect)
                s = lm_fail(LM_ERR_FORMAT, "model file is corrupted: tensor '%s' %s the previous tensor's data",
                            order[i]->name, order[i]->offset < expect ? "overlaps" : "leaves a gap after");
            expect = order[i]->offset + order[i]->count * 4;
        }
        if (!s && expect != len)
            s = lm_fail(LM_ERR_FORMAT, "model file has %zu bytes after its last tensor (corrupted or not lmlab's)",
                        len - expect);
    }
    free(order);
    if (s) lm_st_free(f);
    return s;
}

void lm_st_free(lm_st_file *f) {
    free(f->tensors);
    lm_json_free(&f->header);
    memset(f, 0, sizeof *f);
}

const lm_st_entry *lm_st_find(const lm_st_file *f, const char *name) {
    for (int i = 0; i < f->n_tensors; i++)
        if (strcmp(f->tensors[i].name, name) == 0) return &f->tensors[i];
    return NULL;
}

const char *lm_st_meta_get(const lm_st_file *f, const char *key) {
    const lm_json *v = lm_json_get(f->meta, key);
    return v && v->type == LM_JSON_STRING ? v->string : NULL;
}

lm_status lm_st_load(const lm_st_file *f, const lm_st_entry *e, lm_float *dst, int transpose) {
    const uint8_t *src = f->bytes + e->offset;
    size_t R = e->ndim == 2 ? (size_t)e->shape[0] : 1, C = e->ndim == 2 ? (size_t)e->shape[1] : e->count;
    for (size_t i = 0; i < e->count; i++, src += 4) {
        uint32_t u = (uint32_t)src[0] | (uint32_t)src[1] << 8 | (uint32_t)src[2] << 16 | (uint32_t)src[3] << 24;
        float v;
        memcpy(&v, &u, 4);
        if (!isfinite(v))
            return lm_fail(LM_ERR_FORMAT, "model file: tensor '%s' holds a non-finite value at index %zu", e->name, i);
        size_t at = (transpose && e->ndim == 2) ? (i % C) * R + i / C : i;
        dst[at] = v;
    }
    return LM_OK;
}
