/* tokenize.c — UTF-8 validation and the word-level tokenizers (see tokenize.h). Character classes are
 * a small documented approximation of Unicode, not the full tables: ASCII letters, digits and '_'
 * and every non-ASCII code point outside the punctuation/symbol blocks listed in is_punct_wide() are
 * word characters. The rules of the `words` tokenizer:
 *   - a word is a run of word characters; an apostrophe (' or U+2019) or a hyphen between two word
 *     characters joins ("don't", "well-known"); a '.', ',' or ':' between two digits joins ("3.14",
 *     "1,000", "10:30");
 *   - every other non-space character is punctuation; a run of the same one is one token ("...").
 * Lower-casing (optional) maps A-Z, Latin-1 À-Þ, Greek Α-Ω and Cyrillic Ѐ-Я: same UTF-8 length. */
#include "tokenize.h"

#include <string.h>

lm_status lm_utf8_validate(const uint8_t *text, size_t len, const char *what) {
    size_t i = 0;
    while (i < len) {
        /* ASCII fast path, 8 bytes at a time (memcpy: no unaligned reads). */
        while (i + 8 <= len) {
            uint64_t chunk;
            memcpy(&chunk, text + i, 8);
            if (chunk & 0x8080808080808080ULL) break;
            i += 8;
        }
        if (i >= len) break;
        uint8_t c = text[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        uint32_t cp, min;
        if (c >= 0xC2 && c <= 0xDF) need = 1, cp = c & 0x1F, min = 0x80;
        else if (c >= 0xE0 && c <= 0xEF) need = 2, cp = c & 0x0F, min = 0x800;
        else if (c >= 0xF0 && c <= 0xF4) need = 3, cp = c & 0x07, min = 0x10000;
        else
            return lm_fail(LM_ERR_UTF8,
                           "%s is not valid UTF-8 at byte offset %zu (byte 0x%02X cannot start a character)", what, i,
                           c);
        for (size_t k = 1; k <= need; k++) {
            if (i + k >= len)
                return lm_fail(LM_ERR_UTF8,
                               "%s is not valid UTF-8 at byte offset %zu (the text ends inside a character)", what, i);
            uint8_t b = text[i + k];
            if ((b & 0xC0) != 0x80)
                return lm_fail(
                    LM_ERR_UTF8,
                    "%s is not valid UTF-8 at byte offset %zu (byte 0x%02X where a continuation byte was expected)",
                    what, i + k, b);
            cp = (cp << 6) | (b & 0x3F);
        }
        if (cp < min)
            return lm_fail(LM_ERR_UTF8, "%s is not valid UTF-8 at byte offset %zu (overlong encoding)", what, i);
        if (cp >= 0xD800 && cp <= 0xDFFF)
            return lm_fail(LM_ERR_UTF8, "%s is not valid UTF-8 at byte offset %zu (encoded surrogate U+%04X)", what, i,
                           (unsigned)cp);
        if (cp > 0x10FFFF)
            return lm_fail(LM_ERR_UTF8, "%s is not valid UTF-8 at byte offset %zu (code point above U+10FFFF)", what,
                           i);
        i += need + 1;
    }
    return LM_OK;
}

int lm_utf8_put(uint8_t *out, uint32_t cp) {
    if (cp < 0x80) {
        out[0] = (uint8_t)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (uint8_t)(0xC0 | (cp >> 6));
        out[1] = (uint8_t)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (uint8_t)(0xE0 | (cp >> 12));
        out[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (uint8_t)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (uint8_t)(0xF0 | (cp >> 18));
    out[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (uint8_t)(0x80 | (cp & 0x3F));
    return 4;
}

static inline int is_space(uint32_t cp) {
    if (cp < 0x80) return cp == ' ' || (cp >= 0x09 && cp <= 0x0D);
    return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

/* Non-ASCII punctuation and symbols (each is its own token, like ASCII punctuation). */
static int is_punct_wide(uint32_t cp) {
    if (cp >= 0x80 && cp <= 0xBF) /* C1 controls, Latin-1 punctuation and symbols, minus letters/numbers */
        return !(cp == 0xAA || cp == 0xB2 || cp == 0xB3 || cp == 0xB5 || cp == 0xB9 || cp == 0xBA || cp >= 0xBC);
    return cp == 0xD7 || cp == 0xF7 || (cp >= 0x2010 && cp <= 0x205E) || (cp >= 0x20A0 && cp <= 0x20CF) ||
           (cp >= 0x2190 && cp <= 0x23FF) || (cp >= 0x2500 && cp <= 0x27BF) || (cp >= 0x3000 && cp <= 0x303F) ||
           (cp >= 0xFF01 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) || (cp >= 0xFF3B && cp <= 0xFF40) ||
           (cp >= 0xFF5B && cp <= 0xFF65) || (cp >= 0x1F000 && cp <= 0x1FAFF);
}

static inline int is_ascii_word(uint32_t cp) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == '_';
}

static inline int is_word(uint32_t cp) {
    if (cp < 0x80) return is_ascii_word(cp);
    return !is_space(cp) && !is_punct_wide(cp);
}

static inline int is_digit(uint32_t cp) { return cp >= '0' && cp <= '9'; }

static uint32_t to_lower(uint32_t cp) {
    if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 32;
    if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) return cp + 32;
    if (cp >= 0x410 && cp <= 0x42F) return cp + 32;
    if (cp >= 0x400 && cp <= 0x40F) return cp + 80;
    return cp;
}

size_t lm_utf8_lower(uint8_t *out, const uint8_t *in, size_t n) {
    size_t i = 0, o = 0;
    while (i < n) o += (size_t)lm_utf8_put(out + o, to_lower(lm_utf8_next(in, &i)));
    return o;
}

void lm_tokenizer_init(lm_tokenizer *t, const uint8_t *text, size_t len, int tokenizer, int lowercase, int sentences) {
    memset(t, 0, sizeof *t - sizeof t->buf);
    t->text = text;
    t->len = len;
    t->tokenizer = tokenizer;
    t->lowercase = lowercase;
    t->sentences = sentences;
}

/* Peek the code point at pos (0 at the end). */
static inline uint32_t peek(const lm_tokenizer *t, size_t pos, size_t *after) {
    if (pos >= t->len) {
        *after = pos;
        return 0;
    }
    *after = pos;
    return lm_utf8_next(t->text, after);
}

static size_t scan_word(const lm_tokenizer *t, size_t pos) {
    uint32_t prev = 0;
    for (;;) {
        /* ASCII fast path: most words are plain letters */
        while (pos < t->len && t->text[pos] < 0x80 && is_ascii_word(t->text[pos])) prev = t->text[pos++];
        size_t after;
        uint32_t cp = peek(t, pos, &after);
        if (after == pos) return pos;
        if (is_word(cp)) {
            prev = cp;
            pos = after;
            continue;
        }
        size_t after2;
        uint32_t next = peek(t, after, &after2);
        int joins = 0;
        if ((cp == '\'' || cp == 0x2019 || cp == '-') && after2 != after && is_word(next)) joins = 1;
        if ((cp == '.' || cp == ',' || cp == ':') && is_digit(prev) && is_digit(next)) joins = 1;
        if (!joins) return pos;
        pos = after;
    }
}

lm_token_event lm_tokenizer_next(lm_tokenizer *t) {
    if (t->end_after_token) {
        t->end_after_token = 0;
        t->in_sentence = 0;
        return LM_EV_SENTENCE_END;
    }
    int newlines = 0;
    uint32_t cp = 0;
    size_t after = t->pos;
    while (t->pos < t->len) {
        uint8_t b = t->text[t->pos];
        if (b < 0x80) { /* ASCII fast path */
            cp = b;
            after = t->pos + 1;
        } else {
            after = t->pos;
            cp = lm_utf8_next(t->text, &after);
        }
        if (cp == '\n') {
            t->pos = after;
            if (t->sentences == LM_SENT_LINES || ++newlines >= 2) {
                if (t->in_sentence) {
                    t->in_sentence = 0;
                    return LM_EV_SENTENCE_END;
                }
            }
            continue;
        }
        if (!is_space(cp)) break;
        t->pos = after;
    }
    if (t->pos >= t->len) {
        if (t->in_sentence) {
            t->in_sentence = 0;
            return LM_EV_SENTENCE_END;
        }
        return LM_EV_END;
    }
    size_t start = t->pos, end;
    if (t->tokenizer == LM_TOK_WHITESPACE) {
        end = after;
        for (;;) {
            size_t a2;
            uint32_t c2 = peek(t, end, &a2);
            if (a2 == end || is_space(c2)) break;
            end = a2;
        }
    } else if (is_word(cp)) {
        end = scan_word(t, start);
    } else { /* a run of one punctuation character */
        end = after;
        for (;;) {
            size_t a2;
            uint32_t c2 = peek(t, end, &a2);
            if (a2 == end || c2 != cp) break;
            end = a2;
        }
    }
    size_t n = end - start;
    if (n > LM_MAX_TOKEN_BYTES) {
        lm_fail(LM_ERR_ARG, "the token at byte offset %zu is %zu bytes long, more than the limit of %d bytes", start, n,
                LM_MAX_TOKEN_BYTES);
        return LM_EV_ERROR;
    }
    t->pos = end;
    t->token_offset = start;
    t->token_len = n;
    if (t->lowercase) {
        t->token = t->buf;
        t->token_len = lm_utf8_lower(t->buf, t->text + start, n);
    } else {
        t->token = t->text + start;
    }
    t->in_sentence = 1;
    if (t->sentences == LM_SENT_PUNCT) {
        int closes = 1;
        for (size_t i = 0; i < n; i++) {
            uint8_t c = t->text[start + i];
            if (c != '.' && c != '!' && c != '?') closes = 0;
        }
        t->end_after_token = closes;
    }
    return LM_EV_TOKEN;
}
