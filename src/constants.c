/* constants.c — lm_constants (lmlab.h): the values this build was compiled with of every constant of
 * lmlab.h, in the header's order (its #defines, then each enum), so tests/constants.test.mjs can check
 * that wasm_glue/constants.mjs (generated from the header) and the .wasm agree. Add a constant here
 * when you add one to lmlab.h: the test names the first entry that differs. */
#include "lm_check.h"

static const int32_t values[] = {
    /* limits */
    LM_MAX_DIM,
    LM_MAX_VOCAB,
    LM_MAX_TOKEN_BYTES,
    (int32_t)LM_MAX_CALL_ELEMS,
    LM_MAX_LAYERS,
    LM_MAX_WINDOW,
    LM_MAX_TRAIN_STEPS,
    LM_MAX_GRAD_SAMPLES,
    LM_MAX_GEN_LENGTH,
    LM_MAX_GEN_COUNT,
    LM_MAX_TOP_K,
    LM_MAX_S2S_LAYERS,
    LM_MAX_S2S_LEN,
    LM_MAX_S2S_BEAM,
    LM_WINDOW_PAD,
    /* lm_status */
    LM_OK,
    LM_ERR_ARG,
    LM_ERR_NOMEM,
    LM_ERR_UTF8,
    LM_ERR_HANDLE,
    LM_ERR_FORMAT,
    LM_ERR_NONFINITE,
    LM_ERR_EMPTY,
    /* lm_cell */
    LM_CELL_RNN,
    LM_CELL_LSTM,
    LM_CELL_GRU,
    LM_CELL_WINDOW,
    LM_CELL_COUNT,
    /* lm_gru_variant */
    LM_GRU_LECTURE,
    LM_GRU_TORCH,
    /* lm_opt_kind */
    LM_OPT_SGD,
    LM_OPT_ADAGRAD,
    LM_OPT_ADAM,
    /* lm_clip_mode */
    LM_CLIP_VALUE,
    LM_CLIP_NORM,
    /* lm_loss_reduction */
    LM_LOSS_MEAN_UNMASKED,
    LM_LOSS_SUM_OVER_N,
    /* lm_level */
    LM_LEVEL_CHAR,
    LM_LEVEL_WORD,
    /* lm_tokenizer_kind */
    LM_TOK_WORDS,
    LM_TOK_WHITESPACE,
    /* lm_sentences */
    LM_SENT_LINES,
    LM_SENT_PUNCT,
    /* lm_unk_rule */
    LM_UNK_AUTO,
    LM_UNK_ALWAYS,
    LM_UNK_NEVER,
    /* lm_kernel_op */
    LM_KERNEL_NN,
    LM_KERNEL_TN,
    LM_KERNEL_NT,
    /* lm_kernel_fn */
    LM_KERNEL_TANH,
    LM_KERNEL_SIGMOID,
    LM_KERNEL_EXP,
    /* lm_attn_score */
    LM_ATTN_NONE,
    LM_ATTN_DOT,
    LM_ATTN_ADDITIVE,
    /* lm_model_info_index */
    LM_MODEL_INFO_CELL,
    LM_MODEL_INFO_V,
    LM_MODEL_INFO_E,
    LM_MODEL_INFO_H,
    LM_MODEL_INFO_L,
    LM_MODEL_INFO_SEED,
    LM_MODEL_INFO_TENSORS,
    LM_MODEL_INFO_PARAMS,
    LM_MODEL_INFO_W,
    LM_MODEL_INFO_GRU_VARIANT,
    LM_MODEL_INFO_COUNT,
    /* lm_tensor_info_index */
    LM_TENSOR_INFO_NDIM,
    LM_TENSOR_INFO_ROWS,
    LM_TENSOR_INFO_COLS,
    LM_TENSOR_INFO_OFFSET,
    LM_TENSOR_INFO_ELEMS,
    LM_TENSOR_INFO_TRANSPOSED,
    LM_TENSOR_INFO_FROZEN,
    LM_TENSOR_INFO_COUNT,
    /* lm_model_eval_index */
    LM_MODEL_EVAL_NATS,
    LM_MODEL_EVAL_TOKENS,
    LM_MODEL_EVAL_COUNT,
    /* lm_train_stats_index */
    LM_TRAIN_STATS_STEP,
    LM_TRAIN_STATS_LOSS,
    LM_TRAIN_STATS_LAST_LOSS,
    LM_TRAIN_STATS_GRAD_NORM,
    LM_TRAIN_STATS_CLIPPED,
    LM_TRAIN_STATS_CLIP_EVENTS,
    LM_TRAIN_STATS_POSITION,
    LM_TRAIN_STATS_WRAPS,
    LM_TRAIN_STATS_COUNT,
    /* lm_trainer_info_index */
    LM_TRAINER_INFO_STEP,
    LM_TRAINER_INFO_CLIP_EVENTS,
    LM_TRAINER_INFO_POSITION,
    LM_TRAINER_INFO_WRAPS,
    LM_TRAINER_INFO_SENTENCES,
    LM_TRAINER_INFO_COUNT,
    /* lm_vocab_info_index */
    LM_VOCAB_INFO_SIZE,
    LM_VOCAB_INFO_LEVEL,
    LM_VOCAB_INFO_TOKENIZER,
    LM_VOCAB_INFO_LOWERCASE,
    LM_VOCAB_INFO_SENTENCES,
    LM_VOCAB_INFO_UNK,
    LM_VOCAB_INFO_BOS,
    LM_VOCAB_INFO_EOS,
    LM_VOCAB_INFO_COUNT,
    /* lm_bigram_info_index */
    LM_BIGRAM_INFO_V,
    LM_BIGRAM_INFO_K,
    LM_BIGRAM_INFO_SPARSE,
    LM_BIGRAM_INFO_NONZERO,
    LM_BIGRAM_INFO_PAIRS,
    LM_BIGRAM_INFO_COUNT_BYTES,
    LM_BIGRAM_INFO_COUNT,
    /* lm_bigram_eval_index */
    LM_BIGRAM_EVAL_LOSS,
    LM_BIGRAM_EVAL_PERPLEXITY,
    LM_BIGRAM_EVAL_BITS,
    LM_BIGRAM_EVAL_TOKENS,
    LM_BIGRAM_EVAL_COUNT,
    /* lm_masked_index */
    LM_MASKED_TOP1,
    LM_MASKED_TOP5,
    LM_MASKED_SENTENCES,
    LM_MASKED_COUNT,
    /* lm_seq2seq_info_index */
    LM_S2S_INFO_CELL,
    LM_S2S_INFO_GRU_VARIANT,
    LM_S2S_INFO_VS,
    LM_S2S_INFO_VT,
    LM_S2S_INFO_E,
    LM_S2S_INFO_H,
    LM_S2S_INFO_L,
    LM_S2S_INFO_ATTENTION,
    LM_S2S_INFO_A,
    LM_S2S_INFO_OUT_CONTEXT,
    LM_S2S_INFO_SRC_PAD,
    LM_S2S_INFO_TGT_PAD,
    LM_S2S_INFO_TGT_BOS,
    LM_S2S_INFO_TGT_EOS,
    LM_S2S_INFO_SEED,
    LM_S2S_INFO_TENSORS,
    LM_S2S_INFO_PARAMS,
    LM_S2S_INFO_COUNT,
    /* lm_s2s_train_stats_index */
    LM_S2S_STATS_STEP,
    LM_S2S_STATS_LOSS,
    LM_S2S_STATS_LAST_LOSS,
    LM_S2S_STATS_GRAD_NORM,
    LM_S2S_STATS_CLIPPED,
    LM_S2S_STATS_CLIP_EVENTS,
    LM_S2S_STATS_PAIRS,
    LM_S2S_STATS_TOKENS,
    LM_S2S_STATS_EPOCH,
    LM_S2S_STATS_CURSOR,
    LM_S2S_STATS_COUNT,
    /* lm_s2s_loss_index */
    LM_S2S_LOSS_NATS,
    LM_S2S_LOSS_TOKENS,
    LM_S2S_LOSS_COUNT,
};

lm_status lm_constants(int32_t *out, int capacity, int *count) {
    const char *fn = "constants";
    const int n = (int)(sizeof values / sizeof values[0]);
    LM_TRY(lm_check_ptr(fn, "count", count));
    LM_TRY(lm_check_min(fn, "capacity", capacity, 0));
    if (capacity > 0) LM_TRY(lm_check_ptr(fn, "values", out));
    for (int k = 0; k < n && k < capacity; k++) out[k] = values[k];
    *count = n;
    return LM_OK;
}
