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

/* The exported functions (lm_vocab_build, …) and lm_level are in lmlab.h; this header holds the
 * struct and the helpers bigram.c and vocab_encode.c share. */
struct lm_vocab {
    int level, tokenizer, lowercase, sentences;
    int owned;    /* 1 when a bigram model owns this copy: lm_vocab_free refuses it */
    int32_t size; /* V */
    int32_t unk, bos, eos;
    uint8_t *bytes;    /* token bytes, concatenated */
    uint32_t *offsets; /* (V+1,) */
    int32_t *counts;   /* (V,) training counts */
    int32_t *slots;    /* (mask+1,) open-addressing hash: id or -1 */
    uint32_t mask;
    int32_t ascii[128]; /* char level: id of each ASCII code point, or -1 */
};
/* Id of exactly these bytes, -1 when absent (no lower-casing, no <unk>). */
int32_t lm_vocab_lookup(const lm_vocab *v, const uint8_t *token, size_t len);
lm_status lm_vocab_clone(lm_vocab **out, const lm_vocab *v);
void lm_vocab_destroy(lm_vocab *v);
/* lm_vocab_encode without the argument checks (len within LM_MAX_CALL_ELEMS: the edge checks it);
 * `what` names the text in error messages (its UTF-8 is checked here). */
lm_status lm_vocab_encode_text(const lm_vocab *v, const uint8_t *text, size_t len, int split, int32_t **ids, size_t *n,
                               int32_t **starts, size_t *n_sentences, const char *what);

#endif
