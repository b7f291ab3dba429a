/* fuzz_json.c — libFuzzer harness: the strict JSON reader (src/json.c) that reads every model-file
 * header, config, metadata and training state. Whatever it accepts is a well-formed tree: strings are
 * NUL-terminated at their length, every object key can be looked up, numbers are not NaN; and the same
 * text as a model's metadata (lm_model_set_metadata) is taken or refused with a sentence.
 * Seeds: tests/fuzz/corpus/json/ (every seed model file's header, escapes, numbers, nesting). */
#include <math.h>
#include <string.h>

#include "fuzz.h"
#include "json.h"

static lm_model *model; /* one small model for the metadata calls, made once */

static void walk(const lm_json *v, int depth) {
    REQUIRE(depth <= LM_JSON_MAX_DEPTH + 1, "nesting %d passed the limit", depth);
    switch (v->type) {
    case LM_JSON_NUMBER: REQUIRE(!isnan(v->number), "a number parsed to NaN"); break;
    case LM_JSON_STRING:
        REQUIRE(v->string != NULL && v->string[v->length] == '\0', "a string is not NUL-terminated at its length");
        break;
    case LM_JSON_OBJECT:
        for (size_t i = 0; i < v->length; i++) {
            REQUIRE(v->keys[i] != NULL, "a key is missing");
            REQUIRE(lm_json_get(v, v->keys[i]) != NULL, "key '%s' is not found", v->keys[i]);
        }
        /* fall through: the values */
    case LM_JSON_ARRAY:
        for (size_t i = 0; i < v->length; i++) walk(&v->items[i], depth + 1);
        break;
    default: break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    lm_json v;
    lm_status s = lm_json_parse(&v, (const char *)data, size, "the fuzzed text");
    REQUIRE_SENTENCE(s);
    if (s == LM_OK) {
        walk(&v, 0);
        lm_json_free(&v);
    }
    if (!model) REQUIRE(lm_model_create(LM_CELL_RNN, 3, 2, 2, 1, 0, 0, 1, &model) == LM_OK, "no model");
    char *text = malloc(size + 1); /* the metadata call takes a NUL-terminated string */
    REQUIRE(text != NULL, "out of memory");
    memcpy(text, data, size);
    text[size] = '\0';
    REQUIRE_SENTENCE(lm_model_set_metadata(model, text));
    free(text);
    const char *back = NULL;
    REQUIRE(lm_model_metadata(model, &back) == LM_OK && back != NULL, "no metadata to read back");
    return 0;
}
