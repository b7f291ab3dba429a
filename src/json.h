/* json.h — a minimal strict JSON parser for model-file headers and configs (RFC 8259 subset we need:
 * objects, arrays, strings with every escape, numbers, true/false/null). It reads only [text, text+len),
 * never past it, rejects trailing garbage, duplicate keys and nesting deeper than LM_JSON_MAX_DEPTH,
 * and says where the text is malformed. It does not write JSON (see json_out in serialize.c). */
#ifndef LM_JSON_H
#define LM_JSON_H

#include "lm_common.h"

#define LM_JSON_MAX_DEPTH 32

typedef enum { LM_JSON_NULL, LM_JSON_BOOL, LM_JSON_NUMBER, LM_JSON_STRING, LM_JSON_ARRAY, LM_JSON_OBJECT } lm_json_type;

typedef struct lm_json {
    lm_json_type type;
    double number;         /* NUMBER; BOOL: 0 or 1 */
    char *string;          /* STRING: NUL-terminated UTF-8 (may contain \u0000 as a NUL byte; see length) */
    size_t length;         /* STRING: bytes; ARRAY/OBJECT: number of items */
    struct lm_json *items; /* ARRAY/OBJECT: (length,) values */
    char **keys;           /* OBJECT: (length,) NUL-terminated keys, in file order */
} lm_json;

/* Parse text[0..len) into *out (caller frees with lm_json_free). On error returns LM_ERR_FORMAT with
 * "<what> is not valid JSON: <reason> at byte <k>". */
lm_status lm_json_parse(lm_json *out, const char *text, size_t len, const char *what);
void lm_json_free(lm_json *value);
/* The value under `key` of an OBJECT, or NULL. */
const lm_json *lm_json_get(const lm_json *object, const char *key);

#endif
