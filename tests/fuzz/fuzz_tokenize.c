/* fuzz_tokenize.c — libFuzzer harness: text through UTF-8 validation, the word tokenizers (pull
 * iterator), lower-casing, and a vocabulary built from it (char and word level, every option), then
 * encoded. Byte 0 of the input picks the options, the rest is the text:
 *   bit 0 level (char, word)   bit 1 tokenizer (words, whitespace)   bit 2 lower-case
 *   bit 3 sentences (lines, punctuation)   bits 4-5 min_count - 1   bit 6 <unk> always   bit 7 max_size 8
 * Invariants: valid text tokenizes into valid UTF-8 tokens inside the limits, every event makes
 * progress, lower-casing keeps the length and validity, a vocabulary built from a text encodes that
 * text to ids in [0, V). Seeds: tests/fuzz/corpus/tokenize/. */
#include <string.h>

#include "fuzz.h"
#include "tokenize.h"

static void tokenize_all(const uint8_t *text, size_t len, int tokenizer, int lowercase, int sentences) {
    lm_tokenizer t;
    lm_tokenizer_init(&t, text, len, tokenizer, lowercase, sentences);
    size_t events = 0, last_end = 0;
    for (;;) {
        lm_token_event ev = lm_tokenizer_next(&t);
        REQUIRE(++events <= 2 * len + 2, "the tokenizer gave %zu events for %zu bytes", events, len);
        if (ev == LM_EV_END || ev == LM_EV_ERROR) break;
        if (ev != LM_EV_TOKEN) continue;
        REQUIRE(t.token_len >= 1 && t.token_len <= LM_MAX_TOKEN_BYTES, "a token of %zu bytes", t.token_len);
        REQUIRE(t.token_offset >= last_end && t.token_offset < len, "token at %zu after %zu", t.token_offset, last_end);
        REQUIRE(lm_utf8_validate(t.token, t.token_len, "token") == LM_OK, "a token is not UTF-8");
        last_end = t.token_offset + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    const uint8_t opt = data[0], *text = data + 1;
    const size_t len = size - 1;
    const int level = opt & 1, tokenizer = (opt >> 1) & 1, lowercase = (opt >> 2) & 1, sentences = (opt >> 3) & 1;
    const int min_count = 1 + ((opt >> 4) & 3), unk = (opt & 64) ? LM_UNK_ALWAYS : LM_UNK_AUTO,
              max_size = (opt & 128) ? 8 : 0;

    lm_status valid = lm_utf8_validate(text, len, "the fuzzed text");
    REQUIRE_SENTENCE(valid);
    if (valid == LM_OK) {
        tokenize_all(text, len, tokenizer, lowercase, sentences);
        uint8_t *lower = malloc(len + 1);
        REQUIRE(lower != NULL, "out of memory");
        REQUIRE(lm_utf8_lower(lower, text, len) == len, "lower-casing changed the length");
        REQUIRE(lm_utf8_validate(lower, len, "lower") == LM_OK, "lower-casing made invalid UTF-8");
        free(lower);
    }

    lm_vocab *v = NULL;
    lm_status s = lm_vocab_build(&v, text, len, level, level ? tokenizer : 0, level ? lowercase : 0,
                                 level ? sentences : 0, min_count, max_size, unk);
    REQUIRE_SENTENCE(s);
    if (s != LM_OK) return 0;
    REQUIRE(valid == LM_OK, "a vocabulary was built from invalid UTF-8");
    int32_t info[LM_VOCAB_INFO_COUNT];
    REQUIRE(lm_vocab_info(v, info) == LM_OK, "no info");
    const int32_t V = info[LM_VOCAB_INFO_SIZE];
    REQUIRE(V >= 1 && (max_size == 0 || V <= max_size), "V %d with max_size %d", V, max_size);
    for (int split = 0; split <= 1; split++) {
        int32_t *ids = NULL, *starts = NULL, n = 0, n_sentences = 0;
        s = lm_vocab_encode(v, text, len, split, &ids, &n, &starts, &n_sentences);
        REQUIRE(s == LM_OK, "the text a vocabulary was built from does not encode (split %d)", split);
        for (int32_t k = 0; k < n; k++) REQUIRE(ids[k] >= 0 && ids[k] < V, "id %d outside [0, %d)", ids[k], V);
        for (int32_t k = 0; k < n_sentences; k++)
            REQUIRE(starts[k] >= 0 && starts[k] <= starts[k + 1] && starts[k + 1] <= n, "bad sentence starts");
        lm_free(ids);
        lm_free(starts);
    }
    lm_vocab_free(v);
    return 0;
}
