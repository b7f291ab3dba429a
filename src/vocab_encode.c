/* vocab_encode.c — text -> ids with a built vocabulary (see lm_vocab_encode in vocab.h). Word level:
 * every sentence becomes <s> w1 … wn </s>, unknown words <unk> (an error naming the word and its offset
 * when the vocabulary has none, LM_UNK_NEVER). Char level: one id per code point;
 * a character the vocabulary lacks is <unk> when it has one, otherwise an error naming the offset.
 * Output arrays grow by doubling; the per-token work is a hash lookup and a store. */
#include "lm_check.h"
#include "tokenize.h"
#include "vocab.h"

#include <stdlib.h>

typedef struct {
    int32_t *data; /* (cap,) */
    size_t n, cap;
} ibuf;

static int ibuf_grow(ibuf *b) {
    size_t cap = b->cap ? b->cap * 2 : 1024;
    int32_t *data = realloc(b->data, cap * sizeof *data);
    if (!data) return 0;
    b->data = data;
    b->cap = cap;
    return 1;
}

static inline int ibuf_push(ibuf *b, int32_t x) {
    if (b->n == b->cap && !ibuf_grow(b)) return 0;
    b->data[b->n++] = x;
    return 1;
}

/* A word the vocabulary lacks, without <unk>: the error names it as written (at most 64 bytes, cut at a
 * character boundary) and its byte offset. */
static lm_status unknown_word(const lm_tokenizer *t, const char *what) {
    size_t shown = t->token_len < 64 ? t->token_len : 64;
    while (shown < t->token_len && shown > 0 && (t->text[t->token_offset + shown] & 0xC0) == 0x80) shown--;
    return lm_fail(LM_ERR_ARG,
                   "%s has the word '%.*s%s' at byte offset %zu, which is not in the vocabulary (and the "
                   "vocabulary has no <unk>)",
                   what, (int)shown, (const char *)t->text + t->token_offset, shown < t->token_len ? "…" : "",
                   t->token_offset);
}

static lm_status encode_words(const lm_vocab *v, const uint8_t *text, size_t len, ibuf *ids, ibuf *starts,
                              const char *what) {
    lm_tokenizer *t = malloc(sizeof *t);
    if (!t) return lm_fail(LM_ERR_NOMEM, "out of memory encoding text");
    lm_tokenizer_init(t, text, len, v->tokenizer, v->lowercase, v->sentences);
    int ok = 1, in_sentence = 0;
    lm_status st = LM_OK;
    for (lm_token_event ev; ok && (ev = lm_tokenizer_next(t)) != LM_EV_END;) {
        if (ev == LM_EV_TOKEN) {
            if (!in_sentence) {
                ok = ibuf_push(starts, (int32_t)ids->n) && ibuf_push(ids, v->bos);
                in_sentence = 1;
            }
            int32_t id = lm_vocab_lookup(v, t->token, t->token_len);
            if (id < 0 && v->unk < 0) {
                st = unknown_word(t, what);
                break;
            }
            ok = ok && ibuf_push(ids, id >= 0 ? id : v->unk);
        } else if (ev == LM_EV_SENTENCE_END) {
            ok = ibuf_push(ids, v->eos);
            in_sentence = 0;
        } else {
            st = LM_ERR_ARG; /* over-long token; message recorded by the tokenizer */
            break;
        }
    }
    free(t);
    if (!st && !ok) st = lm_fail(LM_ERR_NOMEM, "out of memory encoding text");
    return st;
}

static lm_status encode_chars(const lm_vocab *v, const uint8_t *text, size_t len, int split, ibuf *ids, ibuf *starts,
                              const char *what) {
    ids->cap = len ? len : 1; /* at most one id per byte: allocate once */
    ids->data = malloc(ids->cap * sizeof *ids->data);
    if (!ids->data || !ibuf_push(starts, 0)) return lm_fail(LM_ERR_NOMEM, "out of memory encoding text");
    int32_t *out = ids->data; /* (len,) */
    size_t n = 0;
    for (size_t pos = 0; pos < len;) {
        size_t start = pos;
        uint8_t b = text[pos];
        int32_t id;
        if (b < 0x80) {
            pos++;
            if (b == '\n' && split) {
                ids->n = n;
                if (!ibuf_push(starts, (int32_t)n)) return lm_fail(LM_ERR_NOMEM, "out of memory encoding text");
                continue;
            }
            id = v->ascii[b];
        } else {
            lm_utf8_next(text, &pos);
            id = lm_vocab_lookup(v, text + start, pos - start);
        }
        if (id < 0) {
            if (v->unk < 0) {
                size_t p = start;
                uint32_t cp = lm_utf8_next(text, &p);
                return lm_fail(LM_ERR_ARG,
                               "%s has the character U+%04X at byte offset %zu, which is not in the vocabulary (and "
                               "the vocabulary has no <unk>)",
                               what, (unsigned)cp, start);
            }
            id = v->unk;
        }
        out[n++] = id;
    }
    ids->n = n;
    /* The sentinel: unless the text ended with a newline (whose start marks an empty last line). */
    if (starts->data[starts->n - 1] != (int32_t)n || starts->n == 1) {
        if (!ibuf_push(starts, (int32_t)n)) return lm_fail(LM_ERR_NOMEM, "out of memory encoding text");
    }
    if (n == 0) starts->n = 1; /* no sentences at all */
    return LM_OK;
}

lm_status lm_vocab_encode_text(const lm_vocab *v, const uint8_t *text, size_t len, int split, int32_t **ids_out,
                               size_t *n_out, int32_t **starts_out, size_t *n_sentences, const char *what) {
    *ids_out = NULL, *starts_out = NULL, *n_out = 0, *n_sentences = 0;
    lm_status st = lm_utf8_validate(text, len, what);
    if (st) return st;
    ibuf ids = {0}, starts = {0};
    if (v->level == LM_LEVEL_WORD) {
        st = encode_words(v, text, len, &ids, &starts, what);
        if (!st && !ibuf_push(&starts, (int32_t)ids.n)) st = lm_fail(LM_ERR_NOMEM, "out of memory encoding text");
    } else {
        st = encode_chars(v, text, len, split, &ids, &starts, what);
    }
    if (st) {
        free(ids.data);
        free(starts.data);
        return st;
    }
    if (!ids.data && !ibuf_grow(&ids)) { /* always hand back a valid pointer */
        free(starts.data);
        return lm_fail(LM_ERR_NOMEM, "out of memory encoding text");
    }
    *ids_out = ids.data, *n_out = ids.n;
    *starts_out = starts.data, *n_sentences = starts.n - 1;
    return LM_OK;
}

LM_API lm_status lm_vocab_encode(const lm_vocab *v, const uint8_t *text, size_t len, int split, int32_t **ids,
                                 int32_t *n, int32_t **starts, int32_t *n_sentences) {
    const char *fn = "vocab_encode";
    LM_TRY(lm_check_handle(fn, "vocab", v, LM_KIND_VOCAB));
    LM_TRY(lm_check_ptr(fn, "ids", ids));
    LM_TRY(lm_check_ptr(fn, "n", n));
    LM_TRY(lm_check_ptr(fn, "starts", starts));
    LM_TRY(lm_check_ptr(fn, "n_sentences", n_sentences));
    *ids = NULL, *starts = NULL, *n = 0, *n_sentences = 0;
    LM_TRY(lm_check_text(fn, text, len, 0));
    size_t count, sentences;
    lm_status st = lm_vocab_encode_text(v, text, len, split != 0, ids, &count, starts, &sentences, "the text");
    if (st) return st;
    *n = (int32_t)count, *n_sentences = (int32_t)sentences;
    return LM_OK;
}
