/* vocab.c — building, indexing, copying and freeing vocabularies, and token lookup (see vocab.h).
 * Text -> ids lives in vocab_encode.c. Lookup is an open-addressing hash on the token's UTF-8 bytes
 * (char level: plus a direct table for ASCII), so the per-token path never allocates. */
#include "vocab.h"

#include "lm_check.h"
#include "tokenize.h"

#include <stdlib.h>
#include <string.h>

static const char *const SPECIAL_NAMES[3] = {"<unk>", "<s>", "</s>"};

static uint32_t hash_bytes(const uint8_t *p, size_t n) {
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
    return h ^ (h >> 15);
}

/* Byte equality for short tokens: an inline loop beats a libc call (musl's memcmp in WASM is a
 * byte loop behind a call). */
static inline int same_bytes(const uint8_t *a, const uint8_t *b, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i]) return 0;
    return 1;
}

static uint32_t table_size_for(size_t n) {
    uint32_t size = 16;
    while (size < 2 * n) size *= 2;
    return size;
}

int32_t lm_vocab_lookup(const lm_vocab *v, const uint8_t *token, size_t len) {
    for (uint32_t i = hash_bytes(token, len) & v->mask;; i = (i + 1) & v->mask) {
        int32_t id = v->slots[i];
        if (id < 0) return -1;
        uint32_t a = v->offsets[id], b = v->offsets[id + 1];
        if (b - a == len && same_bytes(v->bytes + a, token, len)) return id;
    }
}

void lm_vocab_destroy(lm_vocab *v) {
    if (!v) return;
    free(v->bytes);
    free(v->offsets);
    free(v->counts);
    free(v->slots);
    free(v);
}

/* Allocate a vocabulary of V tokens with nbytes of token text; arrays uninitialised. */
static lm_status vocab_alloc(lm_vocab **out, int32_t V, size_t nbytes) {
    lm_vocab *v = calloc(1, sizeof *v);
    if (!v) return lm_fail(LM_ERR_NOMEM, "out of memory allocating a vocabulary");
    v->size = V;
    v->unk = v->bos = v->eos = -1;
    v->mask = table_size_for((size_t)V) - 1;
    v->bytes = malloc(nbytes ? nbytes : 1);
    v->offsets = malloc(((size_t)V + 1) * sizeof *v->offsets);
    v->counts = malloc((size_t)V * sizeof *v->counts);
    v->slots = malloc(((size_t)v->mask + 1) * sizeof *v->slots);
    if (!v->bytes || !v->offsets || !v->counts || !v->slots) {
        lm_vocab_destroy(v);
        return lm_fail(LM_ERR_NOMEM, "out of memory allocating a vocabulary of %d tokens", (int)V);
    }
    *out = v;
    return LM_OK;
}

/* Fill the hash and the ASCII table from bytes/offsets; fails on a duplicate token. */
static lm_status vocab_index(lm_vocab *v) {
    memset(v->slots, 0xFF, ((size_t)v->mask + 1) * sizeof *v->slots);
    for (int i = 0; i < 128; i++) v->ascii[i] = -1;
    for (int32_t id = 0; id < v->size; id++) {
        const uint8_t *p = v->bytes + v->offsets[id];
        size_t n = v->offsets[id + 1] - v->offsets[id];
        if (lm_vocab_lookup(v, p, n) >= 0)
            return lm_fail(LM_ERR_FORMAT, "token %d ('%.*s') appears twice in the vocabulary", (int)id, (int)n, p);
        uint32_t i = hash_bytes(p, n) & v->mask;
        while (v->slots[i] >= 0) i = (i + 1) & v->mask;
        v->slots[i] = id;
        if (v->level == LM_LEVEL_CHAR && n == 1 && p[0] < 128) v->ascii[p[0]] = id;
    }
    int32_t *special[3] = {&v->unk, &v->bos, &v->eos};
    for (int s = 0; s < 3; s++) {
        if (v->level == LM_LEVEL_CHAR && s > 0) break; /* char level has at most <unk> */
        *special[s] = lm_vocab_lookup(v, (const uint8_t *)SPECIAL_NAMES[s], strlen(SPECIAL_NAMES[s]));
    }
    return LM_OK;
}

lm_status lm_vocab_clone(lm_vocab **out, const lm_vocab *v) {
    lm_vocab *c;
    lm_status st = vocab_alloc(&c, v->size, v->offsets[v->size]);
    if (st) return st;
    c->level = v->level, c->tokenizer = v->tokenizer, c->lowercase = v->lowercase, c->sentences = v->sentences;
    c->unk = v->unk, c->bos = v->bos, c->eos = v->eos;
    memcpy(c->bytes, v->bytes, v->offsets[v->size]);
    memcpy(c->offsets, v->offsets, ((size_t)v->size + 1) * sizeof *c->offsets);
    memcpy(c->counts, v->counts, (size_t)v->size * sizeof *c->counts);
    memcpy(c->slots, v->slots, ((size_t)v->mask + 1) * sizeof *c->slots);
    memcpy(c->ascii, v->ascii, sizeof c->ascii);
    *out = c;
    return LM_OK;
}

/* ---- building ------------------------------------------------------------------------------- */

typedef struct {          /* one candidate type while building */
    const uint8_t *bytes; /* into the counter's arena or a small buffer */
    uint32_t len;
    uint32_t cp; /* char level: the code point; word level while counting: the hash */
    int64_t count;
} candidate;

typedef struct { /* word-level type counter: growable arena + open-addressing hash */
    uint8_t *bytes;
    size_t nbytes, cap_bytes;
    candidate *types; /* (n,); bytes fields hold arena offsets until the arena stops moving */
    int32_t n, cap;
    int32_t *slots;
    uint32_t mask;
} counter;

static void counter_free(counter *c) {
    free(c->bytes);
    free(c->types);
    free(c->slots);
}

static lm_status counter_add(counter *c, const uint8_t *tok, size_t len) {
    uint32_t hash = hash_bytes(tok, len), i = hash & c->mask;
    for (;; i = (i + 1) & c->mask) {
        int32_t id = c->slots[i];
        if (id < 0) break;
        const candidate *t = &c->types[id];
        if (t->len == len && same_bytes(c->bytes + (size_t)t->bytes, tok, len)) {
            c->types[id].count++;
            return LM_OK;
        }
    }
    if (c->n == c->cap || c->nbytes + len > c->cap_bytes) {
        size_t cap = (size_t)c->cap * 2, cap_bytes = c->cap_bytes * 2 + len;
        candidate *types = realloc(c->types, cap * sizeof *types);
        if (types) c->types = types;
        uint8_t *bytes = realloc(c->bytes, cap_bytes);
        if (bytes) c->bytes = bytes;
        if (!types || !bytes || cap > INT32_MAX) return lm_fail(LM_ERR_NOMEM, "out of memory counting word types");
        c->cap = (int32_t)cap;
        c->cap_bytes = cap_bytes;
    }
    memcpy(c->bytes + c->nbytes, tok, len);
    c->types[c->n] = (candidate){(const uint8_t *)(uintptr_t)c->nbytes, (uint32_t)len, hash, 1};
    c->nbytes += len;
    c->slots[i] = c->n++;
    if ((uint32_t)c->n * 2 > c->mask) { /* keep the load under one half */
        uint32_t mask = c->mask * 2 + 1;
        int32_t *slots = malloc(((size_t)mask + 1) * sizeof *slots);
        if (!slots) return lm_fail(LM_ERR_NOMEM, "out of memory counting word types");
        memset(slots, 0xFF, ((size_t)mask + 1) * sizeof *slots);
        for (int32_t id = 0; id < c->n; id++) {
            uint32_t j = c->types[id].cp & mask; /* the stored hash */
            while (slots[j] >= 0) j = (j + 1) & mask;
            slots[j] = id;
        }
        free(c->slots);
        c->slots = slots;
        c->mask = mask;
    }
    return LM_OK;
}

static int by_count_then_bytes(const void *pa, const void *pb) {
    const candidate *a = pa, *b = pb;
    if (a->count != b->count) return a->count > b->count ? -1 : 1;
    uint32_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->bytes, b->bytes, n);
    if (c) return c;
    return (a->len > b->len) - (a->len < b->len);
}

/* Stable merge sort of a (n,) with scratch tmp (n,): musl's qsort (the WASM libc) is several times
 * slower on the 50k word types of Brown. */
static void merge_sort(candidate *a, candidate *tmp, size_t n, int (*before)(const void *, const void *)) {
    if (n < 2) return;
    size_t half = n / 2;
    merge_sort(a, tmp, half, before);
    merge_sort(a + half, tmp, n - half, before);
    size_t i = 0, j = half, k = 0;
    while (i < half && j < n) tmp[k++] = before(&a[j], &a[i]) < 0 ? a[j++] : a[i++];
    while (i < half) tmp[k++] = a[i++];
    memcpy(a, tmp, k * sizeof *a); /* the rest of the right half is already in place */
}

static int by_code_point(const void *pa, const void *pb) {
    const candidate *a = pa, *b = pb;
    return (a->cp > b->cp) - (a->cp < b->cp);
}

/* Assemble a vocabulary: `nspecial` specials (names (nspecial,) with counts) then `kept` types in order. */
static lm_status assemble(lm_vocab **out, int level, const char *const *names, const int64_t *special_counts,
                          int nspecial, const candidate *kept, int32_t nkept) {
    size_t nbytes = 0;
    for (int s = 0; s < nspecial; s++) nbytes += strlen(names[s]);
    for (int32_t i = 0; i < nkept; i++) nbytes += kept[i].len;
    int64_t V64 = (int64_t)nspecial + nkept;
    if (V64 > LM_MAX_VOCAB)
        return lm_fail(LM_ERR_NOMEM,
                       "the vocabulary would have %lld types (specials included), more than the limit of %d: pass a "
                       "maxSize or a larger minCount",
                       (long long)V64, LM_MAX_VOCAB);
    lm_vocab *v;
    lm_status st = vocab_alloc(&v, (int32_t)V64, nbytes);
    if (st) return st;
    v->level = level;
    size_t pos = 0;
    int32_t id = 0;
    for (int s = 0; s < nspecial; s++, id++) {
        size_t n = strlen(names[s]);
        v->offsets[id] = (uint32_t)pos;
        memcpy(v->bytes + pos, names[s], n);
        pos += n;
        v->counts[id] = (int32_t)special_counts[s];
    }
    for (int32_t i = 0; i < nkept; i++, id++) {
        v->offsets[id] = (uint32_t)pos;
        memcpy(v->bytes + pos, kept[i].bytes, kept[i].len);
        pos += kept[i].len;
        v->counts[id] = (int32_t)kept[i].count;
    }
    v->offsets[id] = (uint32_t)pos;
    if ((st = vocab_index(v))) {
        lm_vocab_destroy(v);
        return st;
    }
    *out = v;
    return LM_OK;
}

static lm_status build_words(lm_vocab **out, const uint8_t *text, size_t len, int tokenizer, int lowercase,
                             int sentences, int32_t min_count, int32_t max_size, lm_unk_rule unk) {
    counter c = {0};
    c.cap = 1024, c.cap_bytes = 8192, c.mask = 2047;
    c.types = malloc((size_t)c.cap * sizeof *c.types);
    c.bytes = malloc(c.cap_bytes);
    c.slots = malloc(((size_t)c.mask + 1) * sizeof *c.slots);
    lm_tokenizer *t = malloc(sizeof *t);
    lm_status st = LM_OK;
    if (!c.types || !c.bytes || !c.slots || !t) st = lm_fail(LM_ERR_NOMEM, "out of memory counting word types");
    int64_t nsent = 0, ntok = 0;
    if (!st) {
        memset(c.slots, 0xFF, ((size_t)c.mask + 1) * sizeof *c.slots);
        lm_tokenizer_init(t, text, len, tokenizer, lowercase, sentences);
        for (lm_token_event ev; !st && (ev = lm_tokenizer_next(t)) != LM_EV_END;) {
            if (ev == LM_EV_TOKEN) {
                st = counter_add(&c, t->token, t->token_len), ntok++;
                /* Without maxSize or minCount every type is kept: fail as soon as they cannot fit. */
                if (!st && !max_size && min_count == 1 && c.n > LM_MAX_VOCAB - 3)
                    st = lm_fail(LM_ERR_NOMEM,
                                 "the text has more than %d distinct words, the vocabulary limit (%d types with <unk>, "
                                 "<s>, </s>): pass a maxSize or a larger minCount",
                                 LM_MAX_VOCAB - 3, LM_MAX_VOCAB);
            } else if (ev == LM_EV_SENTENCE_END) nsent++;
            else st = LM_ERR_ARG; /* message recorded by the tokenizer */
        }
    }
    free(t);
    if (!st && ntok == 0)
        st = lm_fail(LM_ERR_EMPTY, "the training text has no words (it is empty or only white space)");
    if (st) {
        counter_free(&c);
        return st;
    }
    for (int32_t i = 0; i < c.n; i++) c.types[i].bytes = c.bytes + (size_t)c.types[i].bytes; /* arena is final */
    candidate *tmp = malloc(((size_t)c.n + 1) * sizeof *tmp);
    if (!tmp) {
        counter_free(&c);
        return lm_fail(LM_ERR_NOMEM, "out of memory sorting word types");
    }
    merge_sort(c.types, tmp, (size_t)c.n, by_count_then_bytes);
    free(tmp);
    int64_t special[3] = {0, nsent, nsent};
    const int nspecial = unk == LM_UNK_NEVER ? 2 : 3; /* without <unk>: <s> and </s> only */
    int32_t limit = max_size ? max_size - nspecial : INT32_MAX, nkept = 0, dropped = 0;
    for (int32_t i = 0; i < c.n; i++) {
        const candidate *ty = &c.types[i];
        int s = 0;
        while (s < 3 && !(ty->len == strlen(SPECIAL_NAMES[s]) && memcmp(ty->bytes, SPECIAL_NAMES[s], ty->len) == 0))
            s++;
        if (s < 3) special[s] += ty->count; /* a literal <unk> (as in pre-tokenized corpora) is the special */
        else if (ty->count >= min_count && nkept < limit) c.types[nkept++] = *ty;
        else special[0] += ty->count, dropped++;
    }
    if (unk == LM_UNK_NEVER && (dropped || special[0])) {
        st = dropped ? lm_fail(LM_ERR_ARG,
                               "vocab_build: min_count %d and max_size %d would fold %d of the %d word types "
                               "into <unk>, but unk is 'never' (no <unk>): keep every type (min_count 1, "
                               "max_size 0) or allow <unk>",
                               (int)min_count, (int)max_size, (int)dropped, (int)c.n)
                     : lm_fail(LM_ERR_ARG, "vocab_build: the text contains the token <unk>, but unk is 'never' (no "
                                           "<unk>): remove it from the text or allow <unk>");
    } else {
        st = assemble(out, LM_LEVEL_WORD, SPECIAL_NAMES + (3 - nspecial), special + (3 - nspecial), nspecial, c.types,
                      nkept);
    }
    counter_free(&c);
    return st;
}

static lm_status build_chars(lm_vocab **out, const uint8_t *text, size_t len, int32_t min_count, int32_t max_size,
                             lm_unk_rule unk) {
    uint32_t *count = calloc(0x110000, sizeof *count); /* (0x110000,) per code point; 4.4 MB, briefly */
    if (!count) return lm_fail(LM_ERR_NOMEM, "out of memory counting characters");
    int32_t distinct = 0;
    for (size_t pos = 0; pos < len;) {
        uint32_t cp = lm_utf8_next(text, &pos);
        distinct += count[cp]++ == 0;
    }
    candidate *types = malloc(((size_t)distinct + 1) * sizeof *types);
    uint8_t *utf8 = malloc(((size_t)distinct + 1) * 4);
    if (!types || !utf8) {
        free(count), free(types), free(utf8);
        return lm_fail(LM_ERR_NOMEM, "out of memory counting characters");
    }
    int32_t n = 0;
    for (uint32_t cp = 0; cp < 0x110000; cp++) {
        if (!count[cp]) continue;
        uint8_t *b = utf8 + (size_t)n * 4;
        types[n] = (candidate){b, (uint32_t)lm_utf8_put(b, cp), cp, count[cp]};
        n++;
    }
    free(count);
    qsort(types, (size_t)n, sizeof *types, by_count_then_bytes);
    int32_t eligible = 0;
    while (eligible < n && types[eligible].count >= min_count) eligible++;
    int drops = eligible < n || (max_size && eligible > max_size);
    if (unk == LM_UNK_NEVER && drops) {
        int32_t kept = max_size && eligible > max_size ? max_size : eligible;
        free(types);
        free(utf8);
        return lm_fail(LM_ERR_ARG,
                       "vocab_build: min_count %d and max_size %d would fold %d of the %d characters into "
                       "<unk>, but unk is 'never' (no <unk>): keep every character (min_count 1, max_size 0) "
                       "or allow <unk>",
                       (int)min_count, (int)max_size, (int)(n - kept), (int)n);
    }
    int need_unk = unk == LM_UNK_ALWAYS || (unk == LM_UNK_AUTO && drops);
    int32_t limit = max_size ? max_size - need_unk : INT32_MAX;
    int32_t nkept = eligible < limit ? eligible : limit;
    int64_t special[1] = {0};
    for (int32_t i = nkept; i < n; i++) special[0] += types[i].count;
    qsort(types, (size_t)nkept, sizeof *types, by_code_point);
    lm_status st = assemble(out, LM_LEVEL_CHAR, SPECIAL_NAMES, special, need_unk, types, nkept);
    free(types);
    free(utf8);
    return st;
}

LM_API lm_status lm_vocab_build(lm_vocab **out, const uint8_t *text, size_t len, int level, int tokenizer,
                                int lowercase, int sentences, int32_t min_count, int32_t max_size, int unk) {
    const char *fn = "vocab_build";
    LM_TRY(lm_check_ptr(fn, "out", out));
    *out = NULL;
    LM_TRY(lm_check_choice(fn, "level", level, 2, "0 (char) or 1 (word)"));
    LM_TRY(lm_check_choice(fn, "tokenizer", tokenizer, 2, "0 (words) or 1 (whitespace)"));
    LM_TRY(lm_check_choice(fn, "lowercase", lowercase, 2, "0 or 1"));
    LM_TRY(lm_check_choice(fn, "sentences", sentences, 2, "0 (lines) or 1 (punctuation)"));
    if (level == LM_LEVEL_CHAR && (tokenizer || lowercase || sentences))
        return lm_fail(LM_ERR_ARG, "%s: tokenizer, lowercase and sentences apply to word-level vocabularies only", fn);
    LM_TRY(lm_check_min(fn, "min_count", min_count, 1));
    LM_TRY(lm_check_range(fn, "max_size (0 = no limit)", max_size, 0, LM_MAX_VOCAB));
    LM_TRY(lm_check_choice(fn, "unk", unk, 3,
                           "0 (auto: word level always, char level when a character is dropped), "
                           "1 (always) or 2 (never)"));
    int nspecial = level == LM_LEVEL_WORD ? (unk == LM_UNK_NEVER ? 2 : 3) : (unk == LM_UNK_ALWAYS ? 1 : 0);
    if (max_size && max_size < nspecial + 1 + (level == LM_LEVEL_CHAR))
        return lm_fail(LM_ERR_ARG, "%s: max_size %d leaves no room for tokens next to the special tokens", fn,
                       (int)max_size);
    LM_TRY(lm_check_text(fn, text, len, 1));
    lm_status st = lm_utf8_validate(text, len, "the training text");
    if (st) return st;
    lm_vocab *v = NULL;
    st = level == LM_LEVEL_WORD
             ? build_words(&v, text, len, tokenizer, lowercase, sentences, min_count, max_size, (lm_unk_rule)unk)
             : build_chars(&v, text, len, min_count, max_size, (lm_unk_rule)unk);
    if (st) return st;
    v->tokenizer = tokenizer, v->lowercase = lowercase, v->sentences = sentences;
    if ((st = lm_handle_add(v, LM_KIND_VOCAB))) {
        lm_vocab_destroy(v);
        return st;
    }
    *out = v;
    return LM_OK;
}

LM_API lm_status lm_vocab_from_tokens(lm_vocab **out, int level, int tokenizer, int lowercase, int sentences,
                                      const uint8_t *bytes, const int32_t *lengths, const int32_t *counts, int32_t V) {
    const char *fn = "vocab_from_tokens";
    LM_TRY(lm_check_ptr(fn, "out", out));
    *out = NULL;
    /* the settings and tokens come from a model file: out of range, the file is malformed */
    if (level != LM_LEVEL_CHAR && level != LM_LEVEL_WORD)
        return lm_fail(LM_ERR_FORMAT, "%s: level must be 0 (char) or 1 (word), got %d", fn, level);
    if ((tokenizer != 0 && tokenizer != 1) || (sentences != 0 && sentences != 1) || (lowercase != 0 && lowercase != 1))
        return lm_fail(LM_ERR_FORMAT, "%s: tokenizer %d, sentences %d or lowercase %d is not 0 or 1", fn, tokenizer,
                       sentences, lowercase);
    if (V < 1 || V > LM_MAX_VOCAB)
        return lm_fail(LM_ERR_FORMAT, "%s: V (vocabulary size) must be between 1 and %d, got %d", fn, LM_MAX_VOCAB,
                       (int)V);
    LM_TRY(lm_check_ptr(fn, "lengths", lengths));
    LM_TRY(lm_check_ptr(fn, "counts", counts));
    size_t nbytes = 0;
    for (int32_t i = 0; i < V; i++) {
        if (lengths[i] < 1 || lengths[i] > LM_MAX_TOKEN_BYTES)
            return lm_fail(LM_ERR_FORMAT, "%s: token %d is %d bytes long; tokens must be 1 to %d bytes", fn, (int)i,
                           (int)lengths[i], LM_MAX_TOKEN_BYTES);
        if (counts[i] < 0)
            return lm_fail(LM_ERR_FORMAT, "%s: token %d has a negative count %d", fn, (int)i, (int)counts[i]);
        nbytes += (size_t)lengths[i];
    }
    LM_TRY(lm_check_ptr(fn, "bytes", bytes));
    /* each token on its own: "it\xc3" and "\x89t\xc3\xa9" are valid UTF-8 only when concatenated */
    lm_status st = LM_OK;
    for (size_t i = 0, pos = 0; i < (size_t)V && !st; pos += (size_t)lengths[i++]) {
        char what[48];
        lm_snprintf(what, sizeof what, "%s: token %d", fn, (int)i);
        st = lm_utf8_validate(bytes + pos, (size_t)lengths[i], what);
    }
    if (st) return st;
    lm_vocab *v;
    if ((st = vocab_alloc(&v, V, nbytes))) return st;
    v->level = level, v->tokenizer = tokenizer, v->lowercase = lowercase, v->sentences = sentences;
    memcpy(v->bytes, bytes, nbytes);
    size_t pos = 0;
    for (int32_t i = 0; i < V; i++) {
        v->offsets[i] = (uint32_t)pos;
        v->counts[i] = counts[i];
        if (level == LM_LEVEL_CHAR && !(lengths[i] == 5 && memcmp(bytes + pos, "<unk>", 5) == 0)) {
            size_t p = pos;
            lm_utf8_next(bytes, &p);
            if (p - pos != (size_t)lengths[i])
                st = lm_fail(LM_ERR_FORMAT, "char-level token %d is not a single character", (int)i);
        }
        pos += (size_t)lengths[i];
    }
    v->offsets[V] = (uint32_t)pos;
    if (!st) st = vocab_index(v);
    if (!st && level == LM_LEVEL_WORD && (v->bos < 0 || v->eos < 0)) /* <unk> may be absent (LM_UNK_NEVER) */
        st = lm_fail(LM_ERR_FORMAT, "%s: a word-level vocabulary must contain <s> and </s>", fn);
    if (!st) st = lm_handle_add(v, LM_KIND_VOCAB);
    if (st) {
        lm_vocab_destroy(v);
        return st;
    }
    *out = v;
    return LM_OK;
}

LM_API lm_status lm_vocab_free(lm_vocab *v) {
    const char *fn = "vocab_free";
    LM_TRY(lm_check_handle(fn, "vocab", v, LM_KIND_VOCAB));
    if (v->owned)
        return lm_fail(LM_ERR_ARG, "%s: this vocabulary belongs to a bigram model: free the model instead", fn);
    lm_handle_remove(v);
    lm_vocab_destroy(v);
    return LM_OK;
}

LM_API lm_status lm_vocab_info(const lm_vocab *v, int32_t *info) {
    const char *fn = "vocab_info";
    LM_TRY(lm_check_handle(fn, "vocab", v, LM_KIND_VOCAB));
    LM_TRY(lm_check_ptr(fn, "info", info));
    info[LM_VOCAB_INFO_SIZE] = v->size;
    info[LM_VOCAB_INFO_LEVEL] = v->level;
    info[LM_VOCAB_INFO_TOKENIZER] = v->tokenizer;
    info[LM_VOCAB_INFO_LOWERCASE] = v->lowercase;
    info[LM_VOCAB_INFO_SENTENCES] = v->sentences;
    info[LM_VOCAB_INFO_UNK] = v->unk;
    info[LM_VOCAB_INFO_BOS] = v->bos;
    info[LM_VOCAB_INFO_EOS] = v->eos;
    return LM_OK;
}

LM_API lm_status lm_vocab_views(const lm_vocab *v, const uint8_t **bytes, const uint32_t **offsets,
                                const int32_t **counts) {
    const char *fn = "vocab_views";
    LM_TRY(lm_check_handle(fn, "vocab", v, LM_KIND_VOCAB));
    LM_TRY(lm_check_ptr(fn, "bytes", bytes));
    LM_TRY(lm_check_ptr(fn, "offsets", offsets));
    LM_TRY(lm_check_ptr(fn, "counts", counts));
    *bytes = v->bytes, *offsets = v->offsets, *counts = v->counts;
    return LM_OK;
}

LM_API lm_status lm_vocab_id_of(const lm_vocab *v, const uint8_t *token, size_t len, int32_t *id) {
    const char *fn = "vocab_id_of";
    LM_TRY(lm_check_handle(fn, "vocab", v, LM_KIND_VOCAB));
    LM_TRY(lm_check_ptr(fn, "id", id));
    LM_TRY(lm_check_range(fn, "len (token bytes)", len > INT32_MAX ? INT32_MAX : (int)len, 1, LM_MAX_TOKEN_BYTES));
    LM_TRY(lm_check_ptr(fn, "token", token));
    lm_status st;
    if ((st = lm_utf8_validate(token, len, "the token"))) return st;
    int32_t found = lm_vocab_lookup(v, token, len);
    if (found < 0 && v->lowercase) {
        uint8_t lower[LM_MAX_TOKEN_BYTES];
        found = lm_vocab_lookup(v, lower, lm_utf8_lower(lower, token, len));
    }
    *id = found >= 0 ? found : v->unk;
    return LM_OK;
}
