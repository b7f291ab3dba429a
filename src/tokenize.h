/* tokenize.h — UTF-8 validation and the two word-level tokenizers, as a pull iterator over a byte
 * span: each call yields the next token (a byte span, lower-cased into a small buffer if asked) or a
 * sentence end. It allocates nothing and never looks tokens up: that is vocab.c's job.
 *
 * Tokenizers (documented in docs/text-models.md):
 *   LM_TOK_WORDS       words, numbers and punctuation as separate tokens (see tokenize.c for the rules)
 *   LM_TOK_WHITESPACE  maximal runs of non-white-space, for corpora that come tokenized
 * Sentences: LM_SENT_LINES (each non-blank line) or LM_SENT_PUNCT (after a token made only of
 * . ! ? characters, and at a blank line). */
#ifndef LM_TOKENIZE_H
#define LM_TOKENIZE_H

#include "lm_common.h"

/* lm_tokenizer_kind (LM_TOK_*) and lm_sentences (LM_SENT_*) are public: lmlab.h. */
/* Check that text[0, len) is UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF). On failure
 * records "<what> is not valid UTF-8 at byte offset N (...)" and returns LM_ERR_UTF8. */
lm_status lm_utf8_validate(const uint8_t *text, size_t len, const char *what);

/* Decode one code point of already-validated UTF-8 at text[*pos], advancing *pos. */
static inline uint32_t lm_utf8_next(const uint8_t *text, size_t *pos) {
    size_t p = *pos;
    uint32_t c = text[p];
    if (c < 0x80) {
        *pos = p + 1;
        return c;
    }
    if (c < 0xE0) {
        *pos = p + 2;
        return ((c & 0x1F) << 6) | (text[p + 1] & 0x3F);
    }
    if (c < 0xF0) {
        *pos = p + 3;
        return ((c & 0x0F) << 12) | ((uint32_t)(text[p + 1] & 0x3F) << 6) | (text[p + 2] & 0x3F);
    }
    *pos = p + 4;
    return ((c & 0x07) << 18) | ((uint32_t)(text[p + 1] & 0x3F) << 12) | ((uint32_t)(text[p + 2] & 0x3F) << 6) |
           (text[p + 3] & 0x3F);
}

/* Lower-case validated UTF-8 in[0, n) into out (same length, see tokenize.c); returns n. */
size_t lm_utf8_lower(uint8_t *out, const uint8_t *in, size_t n);

/* Encode a code point as UTF-8 into out[0..3]; returns the byte count (1 to 4). */
int lm_utf8_put(uint8_t *out, uint32_t cp);

typedef enum { LM_EV_TOKEN = 0, LM_EV_SENTENCE_END = 1, LM_EV_END = 2, LM_EV_ERROR = 3 } lm_token_event;

typedef struct {
    const uint8_t *text; /* (len,) validated UTF-8 */
    size_t len, pos;
    int tokenizer, lowercase, sentences;
    int in_sentence;      /* a token was emitted since the last sentence end */
    int end_after_token;  /* LM_SENT_PUNCT: the token just emitted closes the sentence */
    const uint8_t *token; /* the current token's bytes (into text, or into buf when lower-cased) */
    size_t token_len;
    size_t token_offset; /* byte offset of the token in text, for error messages */
    uint8_t buf[LM_MAX_TOKEN_BYTES + 4];
} lm_tokenizer;

void lm_tokenizer_init(lm_tokenizer *t, const uint8_t *text, size_t len, int tokenizer, int lowercase, int sentences);
/* The next event. LM_EV_ERROR only for a token longer than LM_MAX_TOKEN_BYTES (message recorded). */
lm_token_event lm_tokenizer_next(lm_tokenizer *t);

#endif
