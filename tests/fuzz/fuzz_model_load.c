/* fuzz_model_load.c — libFuzzer harness: a model file's bytes (safetensors header, metadata JSON,
 * config, tensors, training state) through lm_model_load and lm_trainer_restore, as the page, the CLI
 * and --resume take them. A file that loads must then work: predict, save, load again to the same
 * bytes, restore a trainer of the optimizer it names, and train a step (which may refuse with
 * LM_ERR_NONFINITE, never crash). Seeds: tests/fuzz/corpus/model_load/ (every cell). */
#include <string.h>

#include "fuzz.h"

enum { N = 2, T = 3, N_IDS = 16 }; /* the seeds were saved by trainers of batch 2, sequence length 3 */

static lm_bytes *save_or_die(const lm_model *m, const lm_trainer *t) {
    lm_bytes *b = NULL;
    lm_status s = lm_model_save(m, t, &b);
    REQUIRE(s == LM_OK, "a loaded model does not save (status %d)", (int)s);
    return b;
}

/* A trainer of m that takes the file's training state, or NULL when none does. */
static lm_trainer *restored_trainer(lm_model *m, const int32_t *ids, const uint8_t *data, size_t size) {
    for (int opt = LM_OPT_SGD; opt <= LM_OPT_ADAM; opt++) {
        lm_trainer *t = NULL;
        lm_status s = lm_trainer_create(m, ids, N_IDS, N, T, opt, 1e-3, 0.5 * (opt == LM_OPT_SGD), 5, LM_CLIP_NORM, &t);
        REQUIRE(s == LM_OK, "no trainer for a loaded model (status %d)", (int)s);
        s = lm_trainer_restore(t, data, (uint32_t)size);
        REQUIRE_SENTENCE(s);
        if (s == LM_OK) return t;
        lm_trainer_free(t);
    }
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > UINT32_MAX) return 0;
    lm_model *m = NULL;
    lm_status s = lm_model_load(data, (uint32_t)size, &m);
    REQUIRE_SENTENCE(s);
    if (s != LM_OK) {
        REQUIRE(m == NULL, "a refused file left a model behind");
        return 0;
    }
    uint32_t info[LM_MODEL_INFO_COUNT];
    REQUIRE(lm_model_info(m, info) == LM_OK, "no info for a loaded model");
    const uint32_t V = info[LM_MODEL_INFO_V];
    int32_t ids[N_IDS];
    for (int i = 0; i < N_IDS; i++) ids[i] = (int32_t)((uint32_t)i * 7u % V);

    lm_float *logprobs = malloc(V * sizeof *logprobs); /* (V,) */
    REQUIRE(logprobs != NULL, "out of memory");
    s = lm_model_next_logprobs(m, ids, 4, logprobs);
    REQUIRE_SENTENCE(s);
    free(logprobs);

    lm_trainer *t = restored_trainer(m, ids, data, size);

    /* save → load → save gives the same bytes (with the restored trainer's state when there is one) */
    lm_bytes *first = save_or_die(m, t);
    uint8_t *bytes1;
    uint32_t len1;
    lm_bytes_view(first, &bytes1, &len1);
    lm_model *m2 = NULL;
    s = lm_model_load(bytes1, len1, &m2);
    REQUIRE(s == LM_OK, "our own save of a loaded model does not load");
    lm_trainer *t2 = t ? restored_trainer(m2, ids, bytes1, len1) : NULL;
    REQUIRE(!t == !t2, "our own save's training state does not restore");
    lm_bytes *second = save_or_die(m2, t2);
    uint8_t *bytes2;
    uint32_t len2;
    lm_bytes_view(second, &bytes2, &len2);
    REQUIRE(len1 == len2 && memcmp(bytes1, bytes2, len1) == 0, "save → load → save changed the file");
    lm_bytes_free(first);
    lm_bytes_free(second);
    if (t2) lm_trainer_free(t2);
    lm_model_free(m2);

    if (t) { /* a step from the restored state: it trains or refuses, and says why */
        double stats[LM_TRAIN_STATS_COUNT];
        s = lm_trainer_train(t, 1, stats);
        REQUIRE_SENTENCE(s);
        lm_trainer_free(t);
    }
    lm_model_free(m);
    return 0;
}
