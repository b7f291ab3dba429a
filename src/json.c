/* json.c — recursive-descent JSON parser behind json.h. Every read is bounds-checked against the end
 * pointer; strings are unescaped (including surrogate pairs) into fresh allocations; numbers follow
 * the JSON grammar exactly before decimal.c turns them into the nearest double. */
#include "json.h"

#include "decimal.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *start, *p, *end;
    const char *what;
} parser;

static lm_status fail_at(parser *ps, const char *reason) {
    return lm_fail(LM_ERR_FORMAT, "%s is not valid JSON: %s at byte %ld", ps->what, reason, (long)(ps->p - ps->start));
}

static void skip_space(parser *ps) {
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')) ps->p++;
}

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int read_hex4(parser *ps, unsigned *out) {
    if (ps->end - ps->p < 4) return 0;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hex_value(ps->p[i]);
        if (h < 0) return 0;
        v = v * 16 + (unsigned)h;
    }
    ps->p += 4;
    *out = v;
    return 1;
}

static size_t put_utf8(char *dst, unsigned cp) {
    if (cp < 0x80) {
        dst[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        dst[0] = (char)(0xC0 | (cp >> 6));
        dst[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        dst[0] = (char)(0xE0 | (cp >> 12));
        dst[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        dst[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    dst[0] = (char)(0xF0 | (cp >> 18));
    dst[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    dst[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    dst[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Parses a string starting at the opening quote into a fresh NUL-terminated buffer. The unescaped
 * text is never longer than the escaped text, so one allocation of the raw length suffices. */
static lm_status parse_string(parser *ps, char **out, size_t *out_len) {
    ps->p++; /* opening quote */
    const char *q = ps->p;
    while (q < ps->end && *q != '"') q += (*q == '\\' && q + 1 < ps->end) ? 2 : 1;
    if (q >= ps->end) return fail_at(ps, "unterminated string");
    char *buf = malloc((size_t)(q - ps->p) + 1);
    if (!buf) return lm_fail(LM_ERR_NOMEM, "out of memory reading %s", ps->what);
    size_t n = 0;
    while (ps->p < ps->end && *ps->p != '"') {
        unsigned char c = (unsigned char)*ps->p;
        if (c < 0x20) {
            free(buf);
            return fail_at(ps, "control character inside a string");
        }
        if (c != '\\') {
            buf[n++] = (char)c;
            ps->p++;
            continue;
        }
        ps->p++;
        if (ps->p >= ps->end) {
            free(buf);
            return fail_at(ps, "unterminated escape");
        }
        char e = *ps->p++;
        switch (e) {
        case '"': buf[n++] = '"'; break;
        case '\\': buf[n++] = '\\'; break;
        case '/': buf[n++] = '/'; break;
        case 'b': buf[n++] = '\b'; break;
        case 'f': buf[n++] = '\f'; break;
        case 'n': buf[n++] = '\n'; break;
        case 'r': buf[n++] = '\r'; break;
        case 't': buf[n++] = '\t'; break;
        case 'u': {
            unsigned cp;
            if (!read_hex4(ps, &cp)) {
                free(buf);
                return fail_at(ps, "bad \\u escape");
            }
            if (cp >= 0xD800 && cp < 0xDC00) { /* a high surrogate must be followed by a low one */
                unsigned lo;
                if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u') {
                    free(buf);
                    return fail_at(ps, "lone surrogate");
                }
                ps->p += 2;
                if (!read_hex4(ps, &lo) || lo < 0xDC00 || lo > 0xDFFF) {
                    free(buf);
                    return fail_at(ps, "lone surrogate");
                }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp < 0xE000) {
                free(buf);
                return fail_at(ps, "lone surrogate");
            }
            n += put_utf8(buf + n, cp); /* \uXXXX is 6 bytes, its UTF-8 at most 4: fits */
            break;
        }
        default: free(buf); return fail_at(ps, "unknown escape");
        }
    }
    ps->p++; /* closing quote */
    buf[n] = '\0';
    *out = buf;
    *out_len = n;
    return LM_OK;
}

static lm_status parse_number(parser *ps, double *out) {
    const char *s = ps->p;
    if (s < ps->end && *s == '-') s++;
    if (s >= ps->end) return fail_at(ps, "truncated number");
    if (*s == '0') s++;
    else if (*s >= '1' && *s <= '9')
        while (s < ps->end && *s >= '0' && *s <= '9') s++;
    else return fail_at(ps, "unexpected character");
    if (s < ps->end && *s == '.') {
        s++;
        if (s >= ps->end || *s < '0' || *s > '9') return fail_at(ps, "digit expected after '.'");
        while (s < ps->end && *s >= '0' && *s <= '9') s++;
    }
    if (s < ps->end && (*s == 'e' || *s == 'E')) {
        s++;
        if (s < ps->end && (*s == '+' || *s == '-')) s++;
        if (s >= ps->end || *s < '0' || *s > '9') return fail_at(ps, "digit expected in exponent");
        while (s < ps->end && *s >= '0' && *s <= '9') s++;
    }
    *out = lm_decimal_to_double(ps->p, (size_t)(s - ps->p));
    ps->p = s;
    return LM_OK;
}

static lm_status parse_value(parser *ps, lm_json *out, int depth);

static lm_status parse_container(parser *ps, lm_json *out, int depth, int is_object) {
    if (depth >= LM_JSON_MAX_DEPTH) return fail_at(ps, "nesting too deep");
    char close = is_object ? '}' : ']';
    out->type = is_object ? LM_JSON_OBJECT : LM_JSON_ARRAY;
    ps->p++;
    size_t cap = 0;
    skip_space(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        return LM_OK;
    }
    for (;;) {
        if (out->length == cap) {
            size_t grown = cap ? cap * 2 : 8;
            lm_json *items = realloc(out->items, grown * sizeof *items);
            if (!items) return lm_fail(LM_ERR_NOMEM, "out of memory reading %s", ps->what);
            out->items = items;
            if (is_object) {
                char **keys = realloc(out->keys, grown * sizeof *keys);
                if (!keys) return lm_fail(LM_ERR_NOMEM, "out of memory reading %s", ps->what);
                out->keys = keys;
            }
            cap = grown;
        }
        skip_space(ps);
        if (is_object) {
            if (ps->p >= ps->end || *ps->p != '"') return fail_at(ps, "object key expected");
            char *key;
            size_t key_len;
            lm_status s = parse_string(ps, &key, &key_len);
            if (s) return s;
            for (size_t i = 0; i < out->length; i++) {
                if (strcmp(out->keys[i], key) == 0) {
                    free(key);
                    return fail_at(ps, "duplicate key");
                }
            }
            out->keys[out->length] = key;
            skip_space(ps);
            if (ps->p >= ps->end || *ps->p != ':') {
                free(key);
                return fail_at(ps, "':' expected");
            }
            ps->p++;
        }
        memset(&out->items[out->length], 0, sizeof out->items[0]);
        lm_status s = parse_value(ps, &out->items[out->length], depth + 1);
        out->length++; /* count it even on failure so lm_json_free releases what was parsed */
        if (s) return s;
        skip_space(ps);
        if (ps->p >= ps->end) return fail_at(ps, "unterminated array or object");
        if (*ps->p == ',') {
            ps->p++;
            continue;
        }
        if (*ps->p == close) {
            ps->p++;
            return LM_OK;
        }
        return fail_at(ps, is_object ? "',' or '}' expected" : "',' or ']' expected");
    }
}

static int match_word(parser *ps, const char *word) {
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0) return 0;
    ps->p += n;
    return 1;
}

static lm_status parse_value(parser *ps, lm_json *out, int depth) {
    skip_space(ps);
    if (ps->p >= ps->end) return fail_at(ps, "value expected");
    char c = *ps->p;
    if (c == '{') return parse_container(ps, out, depth, 1);
    if (c == '[') return parse_container(ps, out, depth, 0);
    if (c == '"') {
        out->type = LM_JSON_STRING;
        return parse_string(ps, &out->string, &out->length);
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        out->type = LM_JSON_NUMBER;
        return parse_number(ps, &out->number);
    }
    if (match_word(ps, "true")) {
        out->type = LM_JSON_BOOL;
        out->number = 1;
        return LM_OK;
    }
    if (match_word(ps, "false")) {
        out->type = LM_JSON_BOOL;
        out->number = 0;
        return LM_OK;
    }
    if (match_word(ps, "null")) {
        out->type = LM_JSON_NULL;
        return LM_OK;
    }
    return fail_at(ps, "unexpected character");
}

lm_status lm_json_parse(lm_json *out, const char *text, size_t len, const char *what) {
    memset(out, 0, sizeof *out);
    parser ps = {text, text, text + len, what};
    lm_status s = parse_value(&ps, out, 0);
    if (s == LM_OK) {
        skip_space(&ps);
        if (ps.p != ps.end) s = fail_at(&ps, "trailing characters after the value");
    }
    if (s) lm_json_free(out);
    return s;
}

void lm_json_free(lm_json *value) {
    if (!value) return;
    free(value->string);
    for (size_t i = 0; i < value->length && value->items; i++) lm_json_free(&value->items[i]);
    if (value->keys)
        for (size_t i = 0; i < value->length; i++) free(value->keys[i]);
    free(value->items);
    free(value->keys);
    memset(value, 0, sizeof *value);
}

const lm_json *lm_json_get(const lm_json *object, const char *key) {
    if (!object || object->type != LM_JSON_OBJECT) return NULL;
    for (size_t i = 0; i < object->length; i++)
        if (strcmp(object->keys[i], key) == 0) return &object->items[i];
    return NULL;
}
