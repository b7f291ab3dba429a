/* test_vocab.c — the vocabulary natively under sanitizers: tokenizer rules, id order, <unk> folding,
 * encoding, UTF-8 errors with offsets, limits, (de)serialisation and handle checks. */
#include "check.h"
#include "handles.h"
#include "lm_common.h"
#include "lmlab.h"
#include "vocab.h"

#include <stdlib.h>
#include <string.h>

static lm_vocab *build(const char *text, int level, int tokenizer, int lowercase, int sentences, int min_count,
                       int max_size, int unk) {
    lm_vocab *v = NULL;
    lm_status st = lm_vocab_build(&v, (const uint8_t *)text, strlen(text), level, tokenizer, lowercase, sentences,
                                  min_count, max_size, unk);
    CHECK(st == LM_OK, "build '%s': %s", text, lm_error_message());
    return v;
}

static const char *tok(const lm_vocab *v, int32_t id, char *buf) {
    size_t n = v->offsets[id + 1] - v->offsets[id];
    memcpy(buf, v->bytes + v->offsets[id], n);
    buf[n] = 0;
    return buf;
}

/* Encode and compare with the expected ids (and sentence count). */
static void check_encode(const lm_vocab *v, const char *text, int split, const int32_t *want, int32_t nwant,
                         int32_t want_sentences) {
    int32_t *ids = NULL, *starts = NULL, n = 0, ns = 0;
    lm_status st = lm_vocab_encode(v, (const uint8_t *)text, strlen(text), split, &ids, &n, &starts, &ns);
    CHECK(st == LM_OK, "encode '%s': %s", text, lm_error_message());
    int same = n == nwant;
    for (int32_t i = 0; same && i < n; i++) same = ids[i] == want[i];
    CHECK(same, "encode '%s': got %d ids", text, (int)n);
    CHECK(ns == want_sentences, "encode '%s': %d sentences, want %d", text, (int)ns, (int)want_sentences);
    CHECK(st || starts[ns] == n, "the last start is the end");
    lm_free(ids);
    lm_free(starts);
}

static void test_word_vocab(void) {
    char buf[64];
    lm_vocab *v = build("hello world\nhello there\n", LM_LEVEL_WORD, 0, 0, 0, 1, 0, 0);
    CHECK(v->size == 6, "V = 3 specials + 3 words, got %d", (int)v->size);
    CHECK(v->unk == 0 && v->bos == 1 && v->eos == 2, "special ids");
    CHECK(strcmp(tok(v, 3, buf), "hello") == 0 && v->counts[3] == 2, "most frequent first: %s", tok(v, 3, buf));
    CHECK(strcmp(tok(v, 4, buf), "there") == 0 && strcmp(tok(v, 5, buf), "world") == 0, "ties in byte order");
    CHECK(v->counts[1] == 2 && v->counts[2] == 2 && v->counts[0] == 0, "specials count sentences");
    const int32_t want[] = {1, 3, 5, 2, 1, 0, 2};
    check_encode(v, "hello world\n\n  foo  \n", 0, want, 7, 2);
    int32_t id = -5;
    CHECK(lm_vocab_id_of(v, (const uint8_t *)"zebra", 5, &id) == LM_OK && id == 0, "unknown word -> <unk>");
    CHECK(lm_vocab_id_of(v, (const uint8_t *)"Hello", 5, &id) == LM_OK && id == 0, "case-sensitive by default");
    lm_vocab_free(v);

    v = build("Hello HELLO hello ÀB àb", LM_LEVEL_WORD, 0, 1, 0, 1, 0, 0);
    CHECK(v->size == 5, "lower-casing merges types, V = %d", (int)v->size);
    CHECK(lm_vocab_id_of(v, (const uint8_t *)"HeLLo", 5, &id) == LM_OK && id == 3, "queries are lower-cased");
    lm_vocab_free(v);
}

static void test_tokenizers(void) {
    char buf[64];
    lm_vocab *v = build("don't stop-it 3.14 1,000 ... Hi! 'quoted' -x", LM_LEVEL_WORD, 0, 0, 0, 1, 0, 0);
    const char *expect[] = {"don't", "stop-it", "3.14", "1,000", "...", "Hi", "!", "'", "quoted", "-", "x"};
    for (size_t i = 0; i < sizeof expect / sizeof *expect; i++)
        CHECK(lm_vocab_lookup(v, (const uint8_t *)expect[i], strlen(expect[i])) >= 0, "words tokenizer keeps '%s'",
              expect[i]);
    CHECK(v->size == 3 + 11, "exactly those tokens, V = %d", (int)v->size);
    lm_vocab_free(v);

    v = build("a,b c\t<unk> d", LM_LEVEL_WORD, 1, 0, 0, 1, 0, 0);
    CHECK(lm_vocab_lookup(v, (const uint8_t *)"a,b", 3) >= 0 && v->size == 3 + 3, "whitespace tokenizer, V = %d",
          (int)v->size);
    CHECK(v->counts[v->unk] == 1, "a literal <unk> is the special: %s", tok(v, 0, buf));
    lm_vocab_free(v);

    v = build("One two. Three!\nFour? Five\n\nSix", LM_LEVEL_WORD, 0, 0, 1, 1, 0, 0);
    CHECK(v->counts[v->bos] == 5, "punctuation sentences (blank line ends one too): %d", (int)v->counts[v->bos]);
    lm_vocab_free(v);

    v = build("One two. Three!\nFour? Five\n\nSix", LM_LEVEL_WORD, 0, 0, 0, 1, 0, 0);
    CHECK(v->counts[v->bos] == 3, "line sentences skip blank lines: %d", (int)v->counts[v->bos]);
    lm_vocab_free(v);
}

static void test_min_count_max_size(void) {
    lm_vocab *v = build("a a a b b c", LM_LEVEL_WORD, 0, 0, 0, 2, 0, 0);
    CHECK(v->size == 5 && v->counts[v->unk] == 1, "minCount folds c into <unk>");
    lm_vocab_free(v);
    v = build("a a a b b c", LM_LEVEL_WORD, 0, 0, 0, 1, 4, 0);
    CHECK(v->size == 4 && v->counts[v->unk] == 3, "maxSize keeps the most frequent");
    lm_vocab_free(v);
    lm_vocab *bad = NULL;
    CHECK(lm_vocab_build(&bad, (const uint8_t *)"a b", 3, 1, 0, 0, 0, 1, 3, 0) == LM_ERR_ARG && !bad,
          "maxSize 3 is too small");
    CHECK(strstr(lm_error_message(), "max_size 3") != NULL, "%s", lm_error_message());
    CHECK(lm_vocab_build(&bad, (const uint8_t *)"a b", 3, 1, 0, 0, 0, 1, LM_MAX_VOCAB + 1, 0) == LM_ERR_ARG,
          "maxSize above the limit");
    CHECK(lm_vocab_build(&bad, (const uint8_t *)"a b", 3, 1, 0, 0, 0, 0, 0, 0) == LM_ERR_ARG, "minCount 0");
}

static void test_char_vocab(void) {
    lm_vocab *v = build("cab\nbé", LM_LEVEL_CHAR, 0, 0, 0, 1, 0, 0);
    CHECK(v->size == 5 && v->unk < 0 && v->bos < 0 && v->eos < 0, "chars only, V = %d", (int)v->size);
    CHECK(v->offsets[1] - v->offsets[0] == 1 && v->bytes[0] == '\n', "sorted by code point: newline first");
    CHECK(v->offsets[5] - v->offsets[4] == 2, "é is one token of two bytes");
    const int32_t stream[] = {3, 1, 2, 0, 2, 4};
    check_encode(v, "cab\nbé", 0, stream, 6, 1);
    const int32_t lines[] = {3, 1, 2, 2, 4};
    check_encode(v, "cab\nbé\n", 1, lines, 5, 2);
    int32_t *ids, *starts, n, ns;
    CHECK(lm_vocab_encode(v, (const uint8_t *)"abz", 3, 0, &ids, &n, &starts, &ns) == LM_ERR_ARG,
          "unknown char, no <unk>");
    CHECK(strstr(lm_error_message(), "U+007A at byte offset 2") != NULL, "%s", lm_error_message());
    lm_vocab_free(v);
    v = build("aab", LM_LEVEL_CHAR, 0, 0, 0, 2, 0, 0);
    CHECK(v->size == 2 && v->unk == 0 && v->counts[0] == 1, "dropping a char adds <unk>");
    const int32_t with_unk[] = {1, 0, 0};
    check_encode(v, "abz", 0, with_unk, 3, 1);
    lm_vocab_free(v);
    v = build("ab", LM_LEVEL_CHAR, 0, 0, 0, 1, 0, 1);
    CHECK(v->size == 3 && v->unk == 0, "unk on request");
    lm_vocab_free(v);
    lm_vocab *bad = NULL;
    CHECK(lm_vocab_build(&bad, (const uint8_t *)"ab", 2, 0, 0, 1, 0, 1, 0, 0) == LM_ERR_ARG,
          "lowercase is word-level only");
}

static void test_bad_text(void) {
    lm_vocab *v = NULL;
    struct {
        const char *text;
        size_t len;
        const char *needle;
    } cases[] = {
        {"ab\xff"
         "cd",
         5, "byte offset 2"},
        {"a\xc0\x80", 3, "byte offset 1"},
        {"abc\xe2\x82", 5, "byte offset 3"},
        {"\xed\xa0\x80", 3, "surrogate"},
        {"ok \xf4\x90\x80\x80", 7, "above U+10FFFF"},
        {"x\xe2(", 3, "byte offset 2"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        for (int level = 0; level < 2; level++) {
            lm_status st = lm_vocab_build(&v, (const uint8_t *)cases[i].text, cases[i].len, level, 0, 0, 0, 1, 0, 0);
            CHECK(st == LM_ERR_UTF8 && !v, "invalid UTF-8 case %zu rejected", i);
            CHECK(strstr(lm_error_message(), cases[i].needle) != NULL, "case %zu: %s", i, lm_error_message());
        }
    }
    CHECK(lm_vocab_build(&v, (const uint8_t *)"", 0, 1, 0, 0, 0, 1, 0, 0) == LM_ERR_EMPTY, "empty text");
    CHECK(lm_vocab_build(&v, (const uint8_t *)" \n\t ", 4, 1, 0, 0, 0, 1, 0, 0) == LM_ERR_EMPTY, "white space only");
    size_t n = LM_MAX_TOKEN_BYTES + 10;
    char *big = malloc(n);
    memset(big, 'x', n);
    CHECK(lm_vocab_build(&v, (const uint8_t *)big, n, 1, 0, 0, 0, 1, 0, 0) == LM_ERR_ARG, "over-long token");
    CHECK(strstr(lm_error_message(), "byte offset 0") != NULL, "%s", lm_error_message());
    free(big);
    CHECK(lm_vocab_build(&v, (const uint8_t *)"a", 1, 2, 0, 0, 0, 1, 0, 0) == LM_ERR_ARG, "bad level");
    CHECK(lm_vocab_build(NULL, (const uint8_t *)"a", 1, 1, 0, 0, 0, 1, 0, 0) == LM_ERR_ARG, "null out");
}

static void test_from_tokens_and_handles(void) {
    lm_vocab *v = build("the cat the dog\n", LM_LEVEL_WORD, 0, 0, 0, 1, 0, 0);
    lm_vocab *copy = NULL;
    int32_t lengths[16];
    for (int32_t i = 0; i < v->size; i++) lengths[i] = (int32_t)(v->offsets[i + 1] - v->offsets[i]);
    CHECK(lm_vocab_from_tokens(&copy, 1, 0, 0, 0, v->bytes, lengths, v->counts, v->size) == LM_OK, "%s",
          lm_error_message());
    CHECK(copy && copy->size == v->size && copy->bos == 1 &&
              lm_vocab_lookup(copy, (const uint8_t *)"dog", 3) == lm_vocab_lookup(v, (const uint8_t *)"dog", 3),
          "round trip");
    lm_vocab_free(copy);
    lengths[4] = lengths[3]; /* token 4 spelled like token 3 (same length, shifted bytes) */
    int32_t dup_len[2] = {3, 3}, counts[2] = {1, 1};
    CHECK(lm_vocab_from_tokens(&copy, 1, 0, 0, 0, (const uint8_t *)"catcat", dup_len, counts, 2) == LM_ERR_FORMAT,
          "duplicate tokens rejected");
    int32_t len3[3] = {5, 3, 4}, c3[3] = {0, 0, 0};
    CHECK_FAILS(lm_vocab_from_tokens(&copy, 1, 0, 0, 0, (const uint8_t *)"<unk>cat</s>", len3, c3, 3), LM_ERR_FORMAT,
                "vocab_from_tokens: a word-level vocabulary must contain <s> and </s>");
    int32_t len2[2] = {2, 1};
    CHECK(lm_vocab_from_tokens(&copy, 0, 0, 0, 0, (const uint8_t *)"abc", len2, counts, 2) == LM_ERR_FORMAT,
          "char tokens are single characters");
    /* fuzz finding (vocab_json, 2026-12-02; tests/fuzz/regressions/vocab_json/): tokens that are UTF-8 only
     * when concatenated were accepted, and a token was then not UTF-8 on its own */
    int32_t cut[5] = {5, 3, 4, 3, 4}, c5[5] = {0, 1, 1, 1, 1};
    CHECK_FAILS(lm_vocab_from_tokens(&copy, 1, 0, 0, 0, (const uint8_t *)"<unk><s></s>it\xc3\x89t\xc3\xa9", cut, c5, 5),
                LM_ERR_UTF8, "vocab_from_tokens: token 3 is not valid UTF-8");
    int32_t neg[1] = {-1}, one[1] = {1};
    CHECK(lm_vocab_from_tokens(&copy, 0, 0, 0, 0, (const uint8_t *)"a", one, neg, 1) == LM_ERR_FORMAT,
          "negative count");
    CHECK(lm_vocab_free(v) == LM_OK, "free");
    int32_t info[8];
    CHECK(lm_vocab_info(v, info) == LM_ERR_HANDLE, "freed vocabulary rejected");
    CHECK(strstr(lm_error_message(), "not a live vocabulary") != NULL, "%s", lm_error_message());
    CHECK(lm_vocab_free(v) == LM_ERR_HANDLE, "double free rejected");
    int not_a_vocab;
    CHECK(lm_vocab_info((const lm_vocab *)&not_a_vocab, info) == LM_ERR_HANDLE, "foreign pointer rejected");
}

/* LM_UNK_NEVER: no <unk> (graders that need V exactly): V = types + <s> + </s>, an unknown word or
 * character is an error naming it and its byte offset, and nothing may be folded into <unk>. */
static void test_no_unk(void) {
    char buf[64];
    lm_vocab *v = build("hello world\nhello there\n", LM_LEVEL_WORD, 0, 0, 0, 1, 0, LM_UNK_NEVER);
    CHECK(v->size == 5, "V = <s>, </s> + 3 words, got %d", (int)v->size);
    CHECK(v->unk == -1 && v->bos == 0 && v->eos == 1, "no <unk>: <s> is 0, </s> is 1 (got %d %d %d)", (int)v->unk,
          (int)v->bos, (int)v->eos);
    CHECK(strcmp(tok(v, 2, buf), "hello") == 0 && v->counts[0] == 2 && v->counts[1] == 2, "words after the specials");
    const int32_t want[] = {0, 2, 4, 1};
    check_encode(v, "hello world", 0, want, 4, 1);
    int32_t *ids = NULL, *starts = NULL, n = 0, ns = 0;
    const char *text = "hello world\nhello zebra-crossing world";
    CHECK_FAILS(lm_vocab_encode(v, (const uint8_t *)text, strlen(text), 0, &ids, &n, &starts, &ns), LM_ERR_ARG,
                "the text has the word 'zebra-crossing' at byte offset 18, which is not in the vocabulary (and the "
                "vocabulary has no <unk>)");
    CHECK(!ids && !starts && n == 0, "nothing handed back after the error");
    int32_t id = 7;
    CHECK(lm_vocab_id_of(v, (const uint8_t *)"zebra", 5, &id) == LM_OK && id == -1, "id_of an unknown word: -1");
    int32_t info[LM_VOCAB_INFO_COUNT];
    CHECK(lm_vocab_info(v, info) == LM_OK && info[LM_VOCAB_INFO_UNK] == -1 && info[LM_VOCAB_INFO_BOS] == 0, "info");
    /* the model-file form round-trips without <unk> */
    int32_t lengths[8];
    for (int32_t i = 0; i < v->size; i++) lengths[i] = (int32_t)(v->offsets[i + 1] - v->offsets[i]);
    lm_vocab *copy = NULL;
    CHECK(lm_vocab_from_tokens(&copy, 1, 0, 0, 0, v->bytes, lengths, v->counts, v->size) == LM_OK && copy &&
              copy->unk == -1 && copy->bos == 0 && copy->eos == 1,
          "from_tokens keeps a vocabulary without <unk>: %s", lm_error_message());
    lm_vocab_free(copy);
    lm_vocab_free(v);

    /* a long unknown word is shown cut at 64 bytes on a character boundary */
    v = build("a b\n", LM_LEVEL_WORD, 1, 0, 0, 1, 0, LM_UNK_NEVER);
    char longword[200] = "a ";
    for (int i = 0; i < 40; i++) strcat(longword, "é"); /* 80 bytes, 2 per character */
    CHECK_FAILS(lm_vocab_encode(v, (const uint8_t *)longword, strlen(longword), 0, &ids, &n, &starts, &ns), LM_ERR_ARG,
                "the text has the word 'éééééééééééééééééééééééééééééééé…' at byte offset 2");
    lm_vocab_free(v);

    /* nothing may be folded into <unk>: min_count, max_size or a literal <unk> in the text */
    lm_vocab *bad = NULL;
    CHECK_FAILS(lm_vocab_build(&bad, (const uint8_t *)"a a b c\n", 8, 1, 0, 0, 0, 2, 0, LM_UNK_NEVER), LM_ERR_ARG,
                "vocab_build: min_count 2 and max_size 0 would fold 2 of the 3 word types into <unk>, but unk is "
                "'never' (no <unk>): keep every type (min_count 1, max_size 0) or allow <unk>");
    CHECK_FAILS(lm_vocab_build(&bad, (const uint8_t *)"a a b c\n", 8, 1, 0, 0, 0, 1, 4, LM_UNK_NEVER), LM_ERR_ARG,
                "would fold 1 of the 3 word types");
    CHECK_FAILS(lm_vocab_build(&bad, (const uint8_t *)"a <unk> b\n", 10, 1, 1, 0, 0, 1, 0, LM_UNK_NEVER), LM_ERR_ARG,
                "vocab_build: the text contains the token <unk>, but unk is 'never'");
    CHECK_FAILS(lm_vocab_build(&bad, (const uint8_t *)"aab", 3, 0, 0, 0, 0, 2, 0, LM_UNK_NEVER), LM_ERR_ARG,
                "vocab_build: min_count 2 and max_size 0 would fold 1 of the 2 characters into <unk>");
    CHECK_FAILS(lm_vocab_build(&bad, (const uint8_t *)"ab", 2, 0, 0, 0, 0, 1, 0, 3), LM_ERR_ARG,
                "vocab_build: unk must be 0 (auto: word level always, char level when a character is dropped), 1 "
                "(always) or 2 (never), got 3");
    CHECK(!bad, "no vocabulary after a refusal");
    /* char level: no <unk> unless asked; max_size counts the 2 word specials */
    v = build("abcab", LM_LEVEL_CHAR, 0, 0, 0, 1, 0, LM_UNK_NEVER);
    CHECK(v->size == 3 && v->unk == -1, "char level without <unk>: V 3, got %d", (int)v->size);
    CHECK_FAILS(lm_vocab_encode(v, (const uint8_t *)"abz", 3, 0, &ids, &n, &starts, &ns), LM_ERR_ARG,
                "the text has the character U+007A at byte offset 2, which is not in the vocabulary");
    lm_vocab_free(v);
    v = build("a a b c\n", LM_LEVEL_WORD, 0, 0, 0, 1, 5, LM_UNK_NEVER);
    CHECK(v->size == 5, "max_size 5 = <s>, </s> + 3 words keeps every type, V %d", (int)v->size);
    lm_vocab_free(v);
}

int main(void) {
    test_word_vocab();
    test_tokenizers();
    test_min_count_max_size();
    test_char_vocab();
    test_bad_text();
    test_from_tokens_and_handles();
    test_no_unk();
    return check_summary("test_vocab");
}
