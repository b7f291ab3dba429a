// constants.mjs — GENERATED from src/lmlab.h by scripts/gen-constants.mjs: do not edit by hand; change the
// header and run `node scripts/gen-constants.mjs` (make does when lmlab.h changes). The C status codes,
// limits, choices and info-array indices for the glue; tests/constants.test.mjs checks this file against
// the header and against the values the .wasm was compiled with (lm_constants).

/** Limits of the C core (lmlab.h: LM_MAX_*). */
export const LIMITS = Object.freeze({ MAX_DIM: 4096, MAX_VOCAB: 2000000, MAX_TOKEN_BYTES: 1024, MAX_CALL_ELEMS: 268435456, MAX_LAYERS: 4, MAX_WINDOW: 64, MAX_TRAIN_STEPS: 1000000, MAX_GRAD_SAMPLES: 100000, MAX_GEN_LENGTH: 100000, MAX_GEN_COUNT: 10000, MAX_TOP_K: 1000, MAX_S2S_LAYERS: 2, MAX_S2S_LEN: 1024, MAX_S2S_BEAM: 64 });
/** LM_WINDOW_PAD of lmlab.h. */
export const WINDOW_PAD = -1;
/** lm_status of lmlab.h. */
export const STATUS = Object.freeze({ OK: 0, ARG: 1, NOMEM: 2, UTF8: 3, HANDLE: 4, FORMAT: 5, NONFINITE: 6, EMPTY: 7 });
/** The C name of each status code. */
export const STATUS_NAMES = Object.freeze({ 0: 'LM_OK', 1: 'LM_ERR_ARG', 2: 'LM_ERR_NOMEM', 3: 'LM_ERR_UTF8', 4: 'LM_ERR_HANDLE', 5: 'LM_ERR_FORMAT', 6: 'LM_ERR_NONFINITE', 7: 'LM_ERR_EMPTY' });
/** lm_cell of lmlab.h. */
export const CELL = Object.freeze({ RNN: 0, LSTM: 1, GRU: 2, WINDOW: 3, COUNT: 4 });
/** lm_gru_variant of lmlab.h. */
export const GRU_VARIANT = Object.freeze({ LECTURE: 0, TORCH: 1 });
/** lm_opt_kind of lmlab.h. */
export const OPT_KIND = Object.freeze({ SGD: 0, ADAGRAD: 1, ADAM: 2 });
/** lm_clip_mode of lmlab.h. */
export const CLIP_MODE = Object.freeze({ VALUE: 0, NORM: 1 });
/** lm_loss_reduction of lmlab.h. */
export const LOSS_REDUCTION = Object.freeze({ MEAN_UNMASKED: 0, SUM_OVER_N: 1 });
/** lm_level of lmlab.h. */
export const LEVEL = Object.freeze({ CHAR: 0, WORD: 1 });
/** lm_tokenizer_kind of lmlab.h. */
export const TOKENIZER_KIND = Object.freeze({ WORDS: 0, WHITESPACE: 1 });
/** lm_sentences of lmlab.h. */
export const SENTENCES = Object.freeze({ LINES: 0, PUNCT: 1 });
/** lm_unk_rule of lmlab.h. */
export const UNK_RULE = Object.freeze({ AUTO: 0, ALWAYS: 1, NEVER: 2 });
/** lm_kernel_op of lmlab.h. */
export const KERNEL_OP = Object.freeze({ NN: 0, TN: 1, NT: 2 });
/** lm_kernel_fn of lmlab.h. */
export const KERNEL_FN = Object.freeze({ TANH: 0, SIGMOID: 1, EXP: 2 });
/** lm_attn_score of lmlab.h. */
export const ATTN_SCORE = Object.freeze({ NONE: 0, DOT: 1, ADDITIVE: 2 });
/** lm_model_info_index of lmlab.h. */
export const MODEL_INFO = Object.freeze({ CELL: 0, V: 1, E: 2, H: 3, L: 4, SEED: 5, TENSORS: 6, PARAMS: 7, W: 8, GRU_VARIANT: 9, COUNT: 10 });
/** lm_tensor_info_index of lmlab.h. */
export const TENSOR_INFO = Object.freeze({ NDIM: 0, ROWS: 1, COLS: 2, OFFSET: 3, ELEMS: 4, TRANSPOSED: 5, FROZEN: 6, COUNT: 7 });
/** lm_model_eval_index of lmlab.h. */
export const MODEL_EVAL = Object.freeze({ NATS: 0, TOKENS: 1, COUNT: 2 });
/** lm_train_stats_index of lmlab.h. */
export const TRAIN_STATS = Object.freeze({ STEP: 0, LOSS: 1, LAST_LOSS: 2, GRAD_NORM: 3, CLIPPED: 4, CLIP_EVENTS: 5, POSITION: 6, WRAPS: 7, COUNT: 8 });
/** lm_trainer_info_index of lmlab.h. */
export const TRAINER_INFO = Object.freeze({ STEP: 0, CLIP_EVENTS: 1, POSITION: 2, WRAPS: 3, SENTENCES: 4, COUNT: 5 });
/** lm_vocab_info_index of lmlab.h. */
export const VOCAB_INFO = Object.freeze({ SIZE: 0, LEVEL: 1, TOKENIZER: 2, LOWERCASE: 3, SENTENCES: 4, UNK: 5, BOS: 6, EOS: 7, COUNT: 8 });
/** lm_bigram_info_index of lmlab.h. */
export const BIGRAM_INFO = Object.freeze({ V: 0, K: 1, SPARSE: 2, NONZERO: 3, PAIRS: 4, COUNT_BYTES: 5, COUNT: 6 });
/** lm_bigram_eval_index of lmlab.h. */
export const BIGRAM_EVAL = Object.freeze({ LOSS: 0, PERPLEXITY: 1, BITS: 2, TOKENS: 3, COUNT: 4 });
/** lm_masked_index of lmlab.h. */
export const MASKED = Object.freeze({ TOP1: 0, TOP5: 1, SENTENCES: 2, COUNT: 3 });
/** lm_seq2seq_info_index of lmlab.h. */
export const SEQ2SEQ_INFO = Object.freeze({ CELL: 0, GRU_VARIANT: 1, VS: 2, VT: 3, E: 4, H: 5, L: 6, ATTENTION: 7, A: 8, OUT_CONTEXT: 9, SRC_PAD: 10, TGT_PAD: 11, TGT_BOS: 12, TGT_EOS: 13, SEED: 14, TENSORS: 15, PARAMS: 16, COUNT: 17 });
/** lm_s2s_train_stats_index of lmlab.h. */
export const S2S_TRAIN_STATS = Object.freeze({ STEP: 0, LOSS: 1, LAST_LOSS: 2, GRAD_NORM: 3, CLIPPED: 4, CLIP_EVENTS: 5, PAIRS: 6, TOKENS: 7, EPOCH: 8, CURSOR: 9, COUNT: 10 });
/** lm_s2s_loss_index of lmlab.h. */
export const S2S_LOSS = Object.freeze({ NATS: 0, TOKENS: 1, COUNT: 2 });
/** Every constant by its C name, in the order lm_constants reports them (the #defines, then each enum). */
export const C_CONSTANTS = Object.freeze([
  ['LM_MAX_DIM', 4096], ['LM_MAX_VOCAB', 2000000], ['LM_MAX_TOKEN_BYTES', 1024], ['LM_MAX_CALL_ELEMS', 268435456],
  ['LM_MAX_LAYERS', 4], ['LM_MAX_WINDOW', 64], ['LM_MAX_TRAIN_STEPS', 1000000], ['LM_MAX_GRAD_SAMPLES', 100000],
  ['LM_MAX_GEN_LENGTH', 100000], ['LM_MAX_GEN_COUNT', 10000], ['LM_MAX_TOP_K', 1000], ['LM_MAX_S2S_LAYERS', 2],
  ['LM_MAX_S2S_LEN', 1024], ['LM_MAX_S2S_BEAM', 64], ['LM_WINDOW_PAD', -1], ['LM_OK', 0],
  ['LM_ERR_ARG', 1], ['LM_ERR_NOMEM', 2], ['LM_ERR_UTF8', 3], ['LM_ERR_HANDLE', 4],
  ['LM_ERR_FORMAT', 5], ['LM_ERR_NONFINITE', 6], ['LM_ERR_EMPTY', 7], ['LM_CELL_RNN', 0],
  ['LM_CELL_LSTM', 1], ['LM_CELL_GRU', 2], ['LM_CELL_WINDOW', 3], ['LM_CELL_COUNT', 4],
  ['LM_GRU_LECTURE', 0], ['LM_GRU_TORCH', 1], ['LM_OPT_SGD', 0], ['LM_OPT_ADAGRAD', 1],
  ['LM_OPT_ADAM', 2], ['LM_CLIP_VALUE', 0], ['LM_CLIP_NORM', 1], ['LM_LOSS_MEAN_UNMASKED', 0],
  ['LM_LOSS_SUM_OVER_N', 1], ['LM_LEVEL_CHAR', 0], ['LM_LEVEL_WORD', 1], ['LM_TOK_WORDS', 0],
  ['LM_TOK_WHITESPACE', 1], ['LM_SENT_LINES', 0], ['LM_SENT_PUNCT', 1], ['LM_UNK_AUTO', 0],
  ['LM_UNK_ALWAYS', 1], ['LM_UNK_NEVER', 2], ['LM_KERNEL_NN', 0], ['LM_KERNEL_TN', 1],
  ['LM_KERNEL_NT', 2], ['LM_KERNEL_TANH', 0], ['LM_KERNEL_SIGMOID', 1], ['LM_KERNEL_EXP', 2],
  ['LM_ATTN_NONE', 0], ['LM_ATTN_DOT', 1], ['LM_ATTN_ADDITIVE', 2], ['LM_MODEL_INFO_CELL', 0],
  ['LM_MODEL_INFO_V', 1], ['LM_MODEL_INFO_E', 2], ['LM_MODEL_INFO_H', 3], ['LM_MODEL_INFO_L', 4],
  ['LM_MODEL_INFO_SEED', 5], ['LM_MODEL_INFO_TENSORS', 6], ['LM_MODEL_INFO_PARAMS', 7], ['LM_MODEL_INFO_W', 8],
  ['LM_MODEL_INFO_GRU_VARIANT', 9], ['LM_MODEL_INFO_COUNT', 10], ['LM_TENSOR_INFO_NDIM', 0], ['LM_TENSOR_INFO_ROWS', 1],
  ['LM_TENSOR_INFO_COLS', 2], ['LM_TENSOR_INFO_OFFSET', 3], ['LM_TENSOR_INFO_ELEMS', 4], ['LM_TENSOR_INFO_TRANSPOSED', 5],
  ['LM_TENSOR_INFO_FROZEN', 6], ['LM_TENSOR_INFO_COUNT', 7], ['LM_MODEL_EVAL_NATS', 0], ['LM_MODEL_EVAL_TOKENS', 1],
  ['LM_MODEL_EVAL_COUNT', 2], ['LM_TRAIN_STATS_STEP', 0], ['LM_TRAIN_STATS_LOSS', 1], ['LM_TRAIN_STATS_LAST_LOSS', 2],
  ['LM_TRAIN_STATS_GRAD_NORM', 3], ['LM_TRAIN_STATS_CLIPPED', 4], ['LM_TRAIN_STATS_CLIP_EVENTS', 5], ['LM_TRAIN_STATS_POSITION', 6],
  ['LM_TRAIN_STATS_WRAPS', 7], ['LM_TRAIN_STATS_COUNT', 8], ['LM_TRAINER_INFO_STEP', 0], ['LM_TRAINER_INFO_CLIP_EVENTS', 1],
  ['LM_TRAINER_INFO_POSITION', 2], ['LM_TRAINER_INFO_WRAPS', 3], ['LM_TRAINER_INFO_SENTENCES', 4], ['LM_TRAINER_INFO_COUNT', 5],
  ['LM_VOCAB_INFO_SIZE', 0], ['LM_VOCAB_INFO_LEVEL', 1], ['LM_VOCAB_INFO_TOKENIZER', 2], ['LM_VOCAB_INFO_LOWERCASE', 3],
  ['LM_VOCAB_INFO_SENTENCES', 4], ['LM_VOCAB_INFO_UNK', 5], ['LM_VOCAB_INFO_BOS', 6], ['LM_VOCAB_INFO_EOS', 7],
  ['LM_VOCAB_INFO_COUNT', 8], ['LM_BIGRAM_INFO_V', 0], ['LM_BIGRAM_INFO_K', 1], ['LM_BIGRAM_INFO_SPARSE', 2],
  ['LM_BIGRAM_INFO_NONZERO', 3], ['LM_BIGRAM_INFO_PAIRS', 4], ['LM_BIGRAM_INFO_COUNT_BYTES', 5], ['LM_BIGRAM_INFO_COUNT', 6],
  ['LM_BIGRAM_EVAL_LOSS', 0], ['LM_BIGRAM_EVAL_PERPLEXITY', 1], ['LM_BIGRAM_EVAL_BITS', 2], ['LM_BIGRAM_EVAL_TOKENS', 3],
  ['LM_BIGRAM_EVAL_COUNT', 4], ['LM_MASKED_TOP1', 0], ['LM_MASKED_TOP5', 1], ['LM_MASKED_SENTENCES', 2],
  ['LM_MASKED_COUNT', 3], ['LM_S2S_INFO_CELL', 0], ['LM_S2S_INFO_GRU_VARIANT', 1], ['LM_S2S_INFO_VS', 2],
  ['LM_S2S_INFO_VT', 3], ['LM_S2S_INFO_E', 4], ['LM_S2S_INFO_H', 5], ['LM_S2S_INFO_L', 6],
  ['LM_S2S_INFO_ATTENTION', 7], ['LM_S2S_INFO_A', 8], ['LM_S2S_INFO_OUT_CONTEXT', 9], ['LM_S2S_INFO_SRC_PAD', 10],
  ['LM_S2S_INFO_TGT_PAD', 11], ['LM_S2S_INFO_TGT_BOS', 12], ['LM_S2S_INFO_TGT_EOS', 13], ['LM_S2S_INFO_SEED', 14],
  ['LM_S2S_INFO_TENSORS', 15], ['LM_S2S_INFO_PARAMS', 16], ['LM_S2S_INFO_COUNT', 17], ['LM_S2S_STATS_STEP', 0],
  ['LM_S2S_STATS_LOSS', 1], ['LM_S2S_STATS_LAST_LOSS', 2], ['LM_S2S_STATS_GRAD_NORM', 3], ['LM_S2S_STATS_CLIPPED', 4],
  ['LM_S2S_STATS_CLIP_EVENTS', 5], ['LM_S2S_STATS_PAIRS', 6], ['LM_S2S_STATS_TOKENS', 7], ['LM_S2S_STATS_EPOCH', 8],
  ['LM_S2S_STATS_CURSOR', 9], ['LM_S2S_STATS_COUNT', 10], ['LM_S2S_LOSS_NATS', 0], ['LM_S2S_LOSS_TOKENS', 1],
  ['LM_S2S_LOSS_COUNT', 2],
]);
