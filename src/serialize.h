/* serialize.h — safetensors read/write: an 8-byte little-endian header length, a JSON header
 * ({"__metadata__": {string: string}, name: {"dtype": "F32", "shape": [...], "data_offsets": [b, e]}}),
 * then raw little-endian float32 data. This file knows nothing about models: model_io.c maps the
 * parameter table onto tensors. The reader never reads past the buffer and names what is wrong. */
#ifndef LM_SERIALIZE_H
#define LM_SERIALIZE_H

#include "json.h"
#include "lm_common.h"

#define LM_ST_MAX_DIMS 4
#define LM_ST_MAX_HEADER ((size_t)100 << 20) /* 100 MB of JSON is far beyond any real model file */

/* Where a tensor's float32 values come from when writing. */
typedef enum {
    LM_ST_COPY = 0,      /* data has the file's layout */
    LM_ST_TRANSPOSE = 1, /* 2-D: data is (shape[1], shape[0]) in memory, written transposed */
    LM_ST_ZEROS = 2,     /* all zeros (PyTorch's bias_hh where we keep one bias) */
    LM_ST_IDENTITY = 3,  /* 2-D square identity (the one-hot embedding) */
} lm_st_source;

typedef struct {
    const char *name;
    int ndim;
    int64_t shape[LM_ST_MAX_DIMS]; /* as written in the file */
    lm_st_source source;
    const lm_float *data; /* COPY/TRANSPOSE only */
} lm_st_tensor;

typedef struct {
    const char *key;
    const char *value;
} lm_st_meta;

/* Serialise into a fresh malloc'ed buffer (*out, *out_len); the caller frees it. */
lm_status lm_st_write(uint8_t **out, size_t *out_len, const lm_st_tensor *tensors, int n_tensors,
                      const lm_st_meta *meta, int n_meta);

typedef struct {
    char *name;
    int ndim;
    int64_t shape[LM_ST_MAX_DIMS];
    size_t count;  /* product of shape */
    size_t offset; /* of the first byte, from the start of the file buffer */
} lm_st_entry;

typedef struct {
    lm_json header;       /* parsed header (owns the strings) */
    const lm_json *meta;  /* header["__metadata__"] or NULL */
    lm_st_entry *tensors; /* (n_tensors,) in header order */
    int n_tensors;
    const uint8_t *bytes; /* the caller's buffer; must outlive this struct */
    size_t len;
} lm_st_file;

/* Parse and validate: header length, JSON, dtypes (F32 only), shapes, offsets inside the data section,
 * no overlaps, no holes. Failure: LM_ERR_FORMAT with a sentence saying what is wrong. */
lm_status lm_st_read(lm_st_file *file, const uint8_t *bytes, size_t len);
void lm_st_free(lm_st_file *file);
const lm_st_entry *lm_st_find(const lm_st_file *file, const char *name);
/* A __metadata__ string, or NULL when absent. */
const char *lm_st_meta_get(const lm_st_file *file, const char *key);
/* Copy a tensor's values into dst (count,), transposing a 2-D tensor when `transpose` is set
 * (dst is then (shape[1], shape[0])). Non-finite values are refused with the tensor's name. */
lm_status lm_st_load(const lm_st_file *file, const lm_st_entry *entry, lm_float *dst, int transpose);

/* A growable byte string for building JSON text (also used for config/metadata strings). */
typedef struct {
    char *data;
    size_t len, cap;
    int failed; /* an allocation failed: the content is incomplete */
} lm_strbuf;
void lm_sb_append(lm_strbuf *sb, const char *text, size_t n);
void lm_sb_printf(lm_strbuf *sb, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Append `text` as a quoted, escaped JSON string. */
void lm_sb_json_string(lm_strbuf *sb, const char *text);

#endif
