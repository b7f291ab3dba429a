/* fuzz_vocab_json.c — libFuzzer harness: a vocabulary in its model-file form (Vocab.toJSON():
 * {"level", "tokenizer", "lowercase", "sentences", "tokens", "counts"}) read with the JSON reader and
 * rebuilt with lm_vocab_from_tokens, as Vocab.fromJSON does after its JS-side type checks (mirrored
 * here: strings, whole counts). What is accepted must be a usable vocabulary: every token valid UTF-8
 * on its own, found again by its bytes, and any text encodes to ids in [0, V) or is refused with a
 * sentence. Seeds: tests/fuzz/corpus/vocab_json/ (char and word level, both tokenizers, <unk>). */
#include <string.h>

#include "fuzz.h"
#include "json.h"
#include "tokenize.h"

/* The choice named by a JSON string: index into names, fallback when absent, -1 when unknown. */
static int choice(const lm_json *obj, const char *key, const char *const *names, int n, int fallback) {
    const lm_json *v = lm_json_get(obj, key);
    if (!v) return fallback;
    if (v->type != LM_JSON_STRING) return -1;
    for (int i = 0; i < n; i++)
        if (strcmp(v->string, names[i]) == 0) return i;
    return -1;
}

static void check_vocab(const lm_vocab *v, const uint8_t *text, size_t len) {
    int32_t info[LM_VOCAB_INFO_COUNT];
    REQUIRE(lm_vocab_info(v, info) == LM_OK, "no info for a built vocabulary");
    const int32_t V = info[LM_VOCAB_INFO_SIZE];
    const uint8_t *bytes;
    const uint32_t *offsets;
    const int32_t *counts;
    REQUIRE(lm_vocab_views(v, &bytes, &offsets, &counts) == LM_OK, "no views of a built vocabulary");
    for (int32_t i = 0; i < V; i++) {
        const uint8_t *token = bytes + offsets[i];
        const size_t n = offsets[i + 1] - offsets[i];
        REQUIRE(lm_utf8_validate(token, n, "token") == LM_OK, "token %d is not UTF-8 on its own", (int)i);
        int32_t id = -2;
        REQUIRE(lm_vocab_id_of(v, token, n, &id) == LM_OK, "id_of refused token %d", (int)i);
        if (!info[LM_VOCAB_INFO_LOWERCASE]) REQUIRE(id == i, "token %d is found as id %d", (int)i, (int)id);
    }
    for (int split = 0; split <= 1; split++) {
        int32_t *ids = NULL, *starts = NULL, n = 0, n_sentences = 0;
        lm_status s = lm_vocab_encode(v, text, len, split, &ids, &n, &starts, &n_sentences);
        REQUIRE_SENTENCE(s);
        if (s == LM_OK)
            for (int32_t k = 0; k < n; k++) REQUIRE(ids[k] >= 0 && ids[k] < V, "id %d outside [0, %d)", ids[k], V);
        lm_free(ids);
        lm_free(starts);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    lm_json j;
    if (lm_json_parse(&j, (const char *)data, size, "the vocabulary") != LM_OK) return 0;
    static const char *const levels[] = {"char", "word"}, *const tokenizers[] = {"words", "whitespace"},
                             *const sentence_rules[] = {"lines", "punctuation"};
    const lm_json *tokens = lm_json_get(&j, "tokens"), *counts = lm_json_get(&j, "counts"),
                  *lowercase = lm_json_get(&j, "lowercase");
    const int level = choice(&j, "level", levels, 2, -1), tokenizer = choice(&j, "tokenizer", tokenizers, 2, 0),
              sentences = choice(&j, "sentences", sentence_rules, 2, 0);
    int ok = j.type == LM_JSON_OBJECT && level >= 0 && tokenizer >= 0 && sentences >= 0 && tokens && counts &&
             tokens->type == LM_JSON_ARRAY && counts->type == LM_JSON_ARRAY && tokens->length == counts->length &&
             tokens->length < (1u << 20);
    for (size_t i = 0; ok && i < tokens->length; i++) /* what Vocab.fromJSON checks in JS */
        ok = tokens->items[i].type == LM_JSON_STRING && counts->items[i].type == LM_JSON_NUMBER &&
             counts->items[i].number > -2147483648.0 && counts->items[i].number < 2147483648.0 &&
             counts->items[i].number == (double)(int32_t)counts->items[i].number;
    if (ok) {
        const size_t V = tokens->length;
        size_t nbytes = 0;
        for (size_t i = 0; i < V; i++) nbytes += tokens->items[i].length;
        uint8_t *bytes = malloc(nbytes + 1);
        int32_t *lengths = malloc((V + 1) * sizeof *lengths), *cnt = malloc((V + 1) * sizeof *cnt); /* (V,) */
        REQUIRE(bytes && lengths && cnt, "out of memory");
        size_t at = 0;
        for (size_t i = 0; i < V; i++) {
            memcpy(bytes + at, tokens->items[i].string, tokens->items[i].length);
            at += tokens->items[i].length;
            lengths[i] = tokens->items[i].length > 0x7fffffff ? 0x7fffffff : (int32_t)tokens->items[i].length;
            cnt[i] = (int32_t)counts->items[i].number;
        }
        const int lower = lowercase && lowercase->type == LM_JSON_BOOL && lowercase->number != 0;
        lm_vocab *v = NULL;
        lm_status s = lm_vocab_from_tokens(&v, level, tokenizer, lower, sentences, bytes, lengths, cnt, (int32_t)V);
        REQUIRE_SENTENCE(s);
        if (s == LM_OK) {
            check_vocab(v, data, size);
            lm_vocab_free(v);
        }
        free(bytes);
        free(lengths);
        free(cnt);
    }
    lm_json_free(&j);
    return 0;
}
