/* fuzz_seq2seq_load.c — libFuzzer harness: a seq2seq model file's bytes through lm_seq2seq_load and
 * lm_seq2seq_trainer_restore. A file that loads must then work: decode greedily, save, load again to
 * the same bytes, restore a trainer of the optimizer it names, and train a step (or refuse with a
 * sentence). Seeds: tests/fuzz/corpus/seq2seq_load/ (no attention, dot, additive; one and two layers). */
#include <string.h>

#include "fuzz.h"

enum { P = 4, LEN = 3, BATCH = 2, MAX_LEN = 4 }; /* the seeds were saved by trainers of batch 2 */

/* The k-th id of [0, V) that is none of the reserved ones (V ≥ 4 > the three reserved ids). */
static int32_t pick(uint32_t V, int k, int32_t a, int32_t b, int32_t c) {
    int32_t id = (int32_t)((uint32_t)k % V);
    while (id == a || id == b || id == c) id = (id + 1) % (int32_t)V;
    return id;
}

static lm_bytes *save_or_die(const lm_seq2seq *m, const lm_seq2seq_trainer *t) {
    lm_bytes *b = NULL;
    lm_status s = lm_seq2seq_save(m, t, &b);
    REQUIRE(s == LM_OK, "a loaded seq2seq model does not save (status %d)", (int)s);
    return b;
}

static lm_seq2seq_trainer *restored_trainer(lm_seq2seq *m, const uint8_t *data, size_t size) {
    uint32_t info[LM_S2S_INFO_COUNT];
    REQUIRE(lm_seq2seq_info(m, info) == LM_OK, "no info for a loaded seq2seq model");
    const uint32_t Vs = info[LM_S2S_INFO_VS], Vt = info[LM_S2S_INFO_VT];
    const int32_t spad = (int32_t)info[LM_S2S_INFO_SRC_PAD], pad = (int32_t)info[LM_S2S_INFO_TGT_PAD],
                  bos = (int32_t)info[LM_S2S_INFO_TGT_BOS], eos = (int32_t)info[LM_S2S_INFO_TGT_EOS];
    int32_t src[P * LEN], src_len[P], tgt[P * (LEN + 2)], tgt_len[P]; /* targets <s> y1 y2 y3 </s> */
    for (int p = 0; p < P; p++) {
        src_len[p] = LEN;
        tgt_len[p] = LEN + 2;
        tgt[p * (LEN + 2)] = bos;
        for (int i = 0; i < LEN; i++) {
            src[p * LEN + i] = pick(Vs, 3 * p + i + 1, spad, spad, spad);
            tgt[p * (LEN + 2) + 1 + i] = pick(Vt, 5 * p + i + 1, pad, bos, eos);
        }
        tgt[p * (LEN + 2) + LEN + 1] = eos;
    }
    for (int opt = LM_OPT_SGD; opt <= LM_OPT_ADAM; opt++) {
        lm_seq2seq_trainer *t = NULL;
        lm_status s =
            lm_seq2seq_trainer_create(m, src, src_len, tgt, tgt_len, P, BATCH, opt, 1e-3, 0, 1, LM_CLIP_NORM, 1, &t);
        REQUIRE(s == LM_OK, "no trainer for a loaded seq2seq model (status %d)", (int)s);
        s = lm_seq2seq_trainer_restore(t, data, (uint32_t)size);
        REQUIRE_SENTENCE(s);
        if (s == LM_OK) return t;
        lm_seq2seq_trainer_free(t);
    }
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > UINT32_MAX) return 0;
    lm_seq2seq *m = NULL;
    lm_status s = lm_seq2seq_load(data, (uint32_t)size, &m);
    REQUIRE_SENTENCE(s);
    if (s != LM_OK) {
        REQUIRE(m == NULL, "a refused file left a model behind");
        return 0;
    }
    uint32_t info[LM_S2S_INFO_COUNT];
    REQUIRE(lm_seq2seq_info(m, info) == LM_OK, "no info for a loaded seq2seq model");
    const int32_t spad = (int32_t)info[LM_S2S_INFO_SRC_PAD];
    int32_t src[LEN], out[MAX_LEN], out_len;
    for (int i = 0; i < LEN; i++) src[i] = pick(info[LM_S2S_INFO_VS], i + 1, spad, spad, spad);
    lm_float alpha[MAX_LEN * LEN]; /* (max_len, Ts) */
    double logprob;
    s = lm_seq2seq_greedy(m, src, 1, LEN, MAX_LEN, out, &out_len, alpha, &logprob);
    REQUIRE_SENTENCE(s);

    lm_seq2seq_trainer *t = restored_trainer(m, data, size);
    lm_bytes *first = save_or_die(m, t);
    uint8_t *bytes1;
    uint32_t len1;
    lm_bytes_view(first, &bytes1, &len1);
    lm_seq2seq *m2 = NULL;
    s = lm_seq2seq_load(bytes1, len1, &m2);
    REQUIRE(s == LM_OK, "our own save of a loaded seq2seq model does not load");
    lm_seq2seq_trainer *t2 = t ? restored_trainer(m2, bytes1, len1) : NULL;
    REQUIRE(!t == !t2, "our own save's training state does not restore");
    lm_bytes *second = save_or_die(m2, t2);
    uint8_t *bytes2;
    uint32_t len2;
    lm_bytes_view(second, &bytes2, &len2);
    REQUIRE(len1 == len2 && memcmp(bytes1, bytes2, len1) == 0, "save → load → save changed the file");
    lm_bytes_free(first);
    lm_bytes_free(second);
    if (t2) lm_seq2seq_trainer_free(t2);
    lm_seq2seq_free(m2);

    if (t) {
        double stats[LM_S2S_STATS_COUNT];
        s = lm_seq2seq_trainer_train(t, 1, stats);
        REQUIRE_SENTENCE(s);
        lm_seq2seq_trainer_free(t);
    }
    lm_seq2seq_free(m);
    return 0;
}
