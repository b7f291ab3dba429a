/* vocab.h — the vocabulary: char level (tokens are Unicode code points) or word level (tokens from
 * tokenize.h, sentences padded <s> … </s>, rare or surplus types folded into <unk>); id <-> token both
 * ways, training counts, text -> ids. It knows nothing about models; V is the vocabulary size.
 *
 * Id order: specials first (word level: 0 <unk>, 1 <s>, 2 </s>; char level: 0 <unk> only when the
 * vocabulary has one), then word types by count descending (ties: byte order), or characters by
 * code point ascending (the char-rnn convention, sorted(set(text))). */
#ifndef LM_VOCAB_H
#define LM_VOCAB_H

#include "lm_common.h"

enum { LM_LEVEL_CHAR = 0, LM_LEVEL_WORD = 1 };

typedef struct lm_vocab lm_vocab;

/* Build from training text (UTF-8). level LM_LEVEL_*; tokenizer/sentences see tokenize.h (word level;
 * must be 0 at char level, as must lowercase); min_count >= 1: rarer types become <unk>; max_size:
 * at most this many types, specials included (0 = no limit); unk: give a char-level vocabulary an
 * <unk> even when nothing was dropped (word level always has one). */
LM_API lm_status lm_vocab_build(lm_vocab **out, const uint8_t *text, size_t len, int level, int tokenizer,
                                int lowercase, int sentences, int32_t min_count, int32_t max_size, int unk);
/* Rebuild from a token list (the model file form): tokens concatenated in bytes, lengths: (V,),
 * counts: (V,). Specials are recognised by their spelling. */
LM_API lm_status lm_vocab_from_tokens(lm_vocab **out, int level, int tokenizer, int lowercase, int sentences,
                                      const uint8_t *bytes, const int32_t *lengths, const int32_t *counts,
                                      int32_t V);
/* Free a vocabulary made by lm_vocab_build/lm_vocab_from_tokens (not one owned by a bigram model). */
LM_API lm_status lm_vocab_free(lm_vocab *v);
/* info: (8,) = size, level, tokenizer, lowercase, sentences, unk, bos, eos (absent specials: -1). */
LM_API lm_status lm_vocab_info(const lm_vocab *v, int32_t *info);
/* Zero-copy views: every token's bytes in one arena, token i = bytes[offsets[i], offsets[i+1]);
 * offsets: (V+1,), counts: (V,). Valid until the vocabulary is freed. */
LM_API lm_status lm_vocab_views(const lm_vocab *v, const uint8_t **bytes, const uint32_t **offsets,
                                const int32_t **counts);
/* Id of one token (lower-cased first when the vocabulary lower-cases); unknown: <unk>, or -1 when
 * the vocabulary has no <unk>. */
LM_API lm_status lm_vocab_id_of(const lm_vocab *v, const uint8_t *token, size_t len, int32_t *id);
/* Text -> ids. Word level: sentences padded <s> w1 … wn </s>. Char level: one id per code point; with
 * split, newlines are dropped and each line is a sentence. *ids: (*n,), *starts: (*n_sentences + 1,)
 * sentence boundaries into *ids. Both are malloc'ed: free with lm_free. */
LM_API lm_status lm_vocab_encode(const lm_vocab *v, const uint8_t *text, size_t len, int split, int32_t **ids,
                                 int32_t *n, int32_t **starts, int32_t *n_sentences);

/* ---- internal (bigram.c) ---- */
struct lm_vocab {
    int level, tokenizer, lowercase, sentences;
    int owned;            /* 1 when a bigram model owns this copy: lm_vocab_free refuses it */
    int32_t size;         /* V */
    int32_t unk, bos, eos;
    uint8_t *bytes;       /* token bytes, concatenated */
    uint32_t *offsets;    /* (V+1,) */
    int32_t *counts;      /* (V,) training counts */
    int32_t *slots;       /* (mask+1,) open-addressing hash: id or -1 */
    uint32_t mask;
    int32_t ascii[128];   /* char level: id of each ASCII code point, or -1 */
};
/* Id of exactly these bytes, -1 when absent (no lower-casing, no <unk>). */
int32_t lm_vocab_lookup(const lm_vocab *v, const uint8_t *token, size_t len);
lm_status lm_vocab_clone(lm_vocab **out, const lm_vocab *v);
void lm_vocab_destroy(lm_vocab *v);
/* lm_vocab_encode without the argument checks; `what` names the text in error messages. */
lm_status lm_vocab_encode_text(const lm_vocab *v, const uint8_t *text, size_t len, int split, int32_t **ids,
                               size_t *n, int32_t **starts, size_t *n_sentences, const char *what);

#endif
