// index.d.ts — the lmlab JavaScript API (Node and browser alike). Keep in step with the .mjs files.
//
//   import { loadLmlab } from 'lmlab';
//   const lm = await loadLmlab();
//   const vocab = lm.Vocab.build(text, { level: 'word' });
//   const bigram = lm.Bigram.train(vocab, text, { k: 1 });
//   bigram.evaluate(heldOut).perplexity;
//
// Every failing call throws an LmlabError whose message is the C core's sentence
// (lm_error_message(), starting with the C function's name, e.g. "model_create: H (hidden size) must
// be between 1 and 4096, got 0") and whose `code` is the C status (STATUS). The glue itself refuses only
// what C cannot see (JS types, option strings, array lengths against shapes). Objects that own C memory
// have dispose(); using one after dispose() throws.

export declare class LmlabError extends Error {
  /** The C status, a value of STATUS (ARG, NOMEM, UTF8, HANDLE, FORMAT, NONFINITE, EMPTY); 0 (STATUS.OK)
   *  for a failure outside C (reading or fetching the .wasm). */
  code: number;
  constructor(message: string, code: number);
}

// ---------------------------------------------------------------------------------------------
// C constants (wasm_glue/constants.mjs, generated from src/lmlab.h; tests/constants.test.mjs checks
// this block's names against it). Each info-array index object ends with COUNT, the array length.

/** lm_status: every LmlabError's code. */
export declare const STATUS: Readonly<{
  OK: number;
  ARG: number;
  NOMEM: number;
  UTF8: number;
  HANDLE: number;
  FORMAT: number;
  NONFINITE: number;
  EMPTY: number;
}>;
/** The C name of each status code, e.g. STATUS_NAMES[6] === 'LM_ERR_NONFINITE'. */
export declare const STATUS_NAMES: Readonly<Record<number, string>>;
/** The C core's limits (lmlab.h LM_MAX_*). */
export declare const LIMITS: Readonly<{
  MAX_DIM: number;
  MAX_VOCAB: number;
  MAX_TOKEN_BYTES: number;
  MAX_CALL_ELEMS: number;
  MAX_LAYERS: number;
  MAX_WINDOW: number;
  MAX_TRAIN_STEPS: number;
  MAX_GRAD_SAMPLES: number;
  MAX_GEN_LENGTH: number;
  MAX_GEN_COUNT: number;
  MAX_TOP_K: number;
  MAX_S2S_LAYERS: number;
  MAX_S2S_LEN: number;
  MAX_S2S_BEAM: number;
}>;
/** The window model's "no token" id (-1). */
export declare const WINDOW_PAD: number;
export declare const CELL: Readonly<{ RNN: number; LSTM: number; GRU: number; WINDOW: number; COUNT: number }>;
export declare const GRU_VARIANT: Readonly<{ LECTURE: number; TORCH: number }>;
export declare const OPT_KIND: Readonly<{ SGD: number; ADAGRAD: number; ADAM: number }>;
export declare const CLIP_MODE: Readonly<{ VALUE: number; NORM: number }>;
export declare const LOSS_REDUCTION: Readonly<{ MEAN_UNMASKED: number; SUM_OVER_N: number }>;
export declare const LEVEL: Readonly<{ CHAR: number; WORD: number }>;
export declare const TOKENIZER_KIND: Readonly<{ WORDS: number; WHITESPACE: number }>;
export declare const SENTENCES: Readonly<{ LINES: number; PUNCT: number }>;
export declare const UNK_RULE: Readonly<{ AUTO: number; ALWAYS: number; NEVER: number }>;
export declare const KERNEL_OP: Readonly<{ NN: number; TN: number; NT: number }>;
export declare const KERNEL_FN: Readonly<{ TANH: number; SIGMOID: number; EXP: number }>;
/** Attention scores: none (a seq2seq model without attention), dot, additive. */
export declare const ATTN_SCORE: Readonly<{ NONE: number; DOT: number; ADDITIVE: number }>;
/** Indices of lm_model_info's array. */
export declare const MODEL_INFO: Readonly<{
  CELL: number;
  V: number;
  E: number;
  H: number;
  L: number;
  SEED: number;
  TENSORS: number;
  PARAMS: number;
  W: number;
  GRU_VARIANT: number;
  COUNT: number;
}>;
/** Indices of lm_model_tensor's array. */
export declare const TENSOR_INFO: Readonly<{
  NDIM: number;
  ROWS: number;
  COLS: number;
  OFFSET: number;
  ELEMS: number;
  TRANSPOSED: number;
  FROZEN: number;
  COUNT: number;
}>;
/** Indices of lm_model_evaluate's array. */
export declare const MODEL_EVAL: Readonly<{ NATS: number; TOKENS: number; COUNT: number }>;
/** Indices of lm_trainer_train's stats. */
export declare const TRAIN_STATS: Readonly<{
  STEP: number;
  LOSS: number;
  LAST_LOSS: number;
  GRAD_NORM: number;
  CLIPPED: number;
  CLIP_EVENTS: number;
  POSITION: number;
  WRAPS: number;
  COUNT: number;
}>;
/** Indices of lm_trainer_info's array. */
export declare const TRAINER_INFO: Readonly<{
  STEP: number;
  CLIP_EVENTS: number;
  POSITION: number;
  WRAPS: number;
  SENTENCES: number;
  COUNT: number;
}>;
/** Indices of lm_vocab_info's array. */
export declare const VOCAB_INFO: Readonly<{
  SIZE: number;
  LEVEL: number;
  TOKENIZER: number;
  LOWERCASE: number;
  SENTENCES: number;
  UNK: number;
  BOS: number;
  EOS: number;
  COUNT: number;
}>;
/** Indices of lm_bigram_info's array. */
export declare const BIGRAM_INFO: Readonly<{
  V: number;
  K: number;
  SPARSE: number;
  NONZERO: number;
  PAIRS: number;
  COUNT_BYTES: number;
  COUNT: number;
}>;
/** Indices of lm_bigram_evaluate's array. */
export declare const BIGRAM_EVAL: Readonly<{
  LOSS: number;
  PERPLEXITY: number;
  BITS: number;
  TOKENS: number;
  COUNT: number;
}>;
/** Indices of lm_bigram_masked_accuracy's array. */
export declare const MASKED: Readonly<{ TOP1: number; TOP5: number; SENTENCES: number; COUNT: number }>;
/** Indices of lm_seq2seq_info's array. */
export declare const SEQ2SEQ_INFO: Readonly<{
  CELL: number;
  GRU_VARIANT: number;
  VS: number;
  VT: number;
  E: number;
  H: number;
  L: number;
  ATTENTION: number;
  A: number;
  OUT_CONTEXT: number;
  SRC_PAD: number;
  TGT_PAD: number;
  TGT_BOS: number;
  TGT_EOS: number;
  SEED: number;
  TENSORS: number;
  PARAMS: number;
  COUNT: number;
}>;
/** Indices of lm_seq2seq_trainer_train's stats. */
export declare const S2S_TRAIN_STATS: Readonly<{
  STEP: number;
  LOSS: number;
  LAST_LOSS: number;
  GRAD_NORM: number;
  CLIPPED: number;
  CLIP_EVENTS: number;
  PAIRS: number;
  TOKENS: number;
  EPOCH: number;
  CURSOR: number;
  COUNT: number;
}>;
/** Indices of lm_seq2seq_loss's array. */
export declare const S2S_LOSS: Readonly<{ NATS: number; TOKENS: number; COUNT: number }>;
/** Every constant by its C name, in the order lm_constants reports them. */
export declare const C_CONSTANTS: ReadonlyArray<readonly [string, number]>;

export interface LoadOptions {
  /** Where the .wasm is: URL, file path (Node), bytes, or a compiled module. Default: ../build/lmlab.wasm next to the glue;
   * in a bundle made by a bundler that does not copy it (esbuild), lmlab.wasm beside the bundle (wasm_glue/wasm-url.mjs). */
  wasm?: string | URL | ArrayBuffer | ArrayBufferView | WebAssembly.Module;
  /** Load build/lmlab-seq2seq.wasm (lmlab-seq2seq.wasm beside a bundle) by default: the same core plus
   * Seq2Seq, Seq2SeqTrainer and layers.attention_*. Without it those throw a sentence saying to pass this. */
  seq2seq?: boolean;
  /** The fused multiply-add build (build/lmlab-fma.wasm or build/lmlab-seq2seq-fma.wasm: relaxed SIMD)
   * or the plain SIMD128 one. Left out: the FMA build where relaxedSimdSupported(), falling back to the
   * plain file if the FMA file cannot be read. true: the FMA build, an error where the engine lacks relaxed
   * SIMD (Node 20 needs --experimental-wasm-relaxed-simd). false: the plain build. Not with `wasm`. */
  fma?: boolean;
}

export declare function loadLmlab(options?: LoadOptions): Promise<Lmlab>;
/** Whether this WebAssembly engine validates f32x4.relaxed_madd (relaxed SIMD), so the FMA build can run. */
export declare function relaxedSimdSupported(): boolean;

/** A dense float32 array with a shape, row-major, batch-first: h is (N, T, H). */
export interface Tensor {
  data: Float32Array;
  shape: number[];
}
/** Anything a layer function accepts: a Tensor, or nested plain arrays (shape inferred). */
export type TensorLike = Tensor | number[] | number[][] | number[][][];
/** Integer ids, e.g. (N, T): an Int32Array with a shape, or nested arrays. */
export interface IdTensor {
  data: Int32Array;
  shape: number[];
}
export type IdsLike = IdTensor | number[] | number[][];
/** The softmax loss's reduction: 'mean-unmasked' (lmlab's) or 'sum-over-N' (cs231n's). */
export type LossReduction = 'mean-unmasked' | 'sum-over-N';

// ---------------------------------------------------------------------------------------------
// Vocabulary (src/vocab.c)

export interface VocabOptions {
  /** 'char': tokens are Unicode code points. 'word': tokens from the tokenizer below. */
  level: 'char' | 'word';
  /** word level only. 'words' (default): words, numbers and punctuation as separate tokens;
   *  'whitespace': split on white space only. */
  tokenizer?: 'words' | 'whitespace';
  /** word level only; default false. */
  lowercase?: boolean;
  /** word level only. 'lines' (default): one sentence per line; 'punctuation': split after . ! ? */
  sentences?: 'lines' | 'punctuation';
  /** Types seen fewer times become <unk> (word level; default 1). */
  minCount?: number;
  /** Keep at most this many types, most frequent first (specials included; default 0 = unlimited). */
  maxSize?: number;
  /** Whether the vocabulary has <unk>. 'auto' (default; also false): word level always, char level
   *  when minCount or maxSize dropped a character. 'always' (also true): char level too, so unseen
   *  characters in later text map to it (id 0) instead of throwing. 'never': no <unk> — word level is
   *  <s> (id 0), </s> (id 1) and the words, so V is exactly the types plus 2 (for graders); every type
   *  must be kept (minCount 1, no maxSize cut) and an unknown token throws, naming it and its offset. */
  unk?: boolean | 'auto' | 'always' | 'never';
}

export declare class Vocab {
  /** Build from training text (string or UTF-8 bytes). Invalid UTF-8 throws naming the byte offset. */
  static build(text: string | Uint8Array, options: VocabOptions): Vocab;
  /** Rebuild from toJSON() output (as stored in model files). */
  static fromJSON(json: VocabJSON): Vocab;
  readonly size: number;
  readonly level: 'char' | 'word';
  /** Ids of <s>, </s>, <unk> (word level; -1 where absent). */
  readonly bos: number;
  readonly eos: number;
  readonly unk: number;
  /** Token stream. Char level: one id per code point (unknown characters → <unk> if present, else throw).
   *  Word level: sentences padded as <s> w1 … wn </s>, unknown words → <unk>. */
  encode(text: string | Uint8Array): Int32Array;
  /** Word level: one Int32Array per sentence, each padded with <s> … </s>. Char level: one per line. */
  encodeSentences(text: string | Uint8Array): Int32Array[];
  /** The sentences batching 'sentences' trains on. Word level: encodeSentences. Char level: lines, each
   *  from the newline before it through its own newline (the newlines play <s> and </s>). */
  trainingSentences(text: string | Uint8Array): Int32Array[];
  /** Char level: the characters concatenated. Word level: words joined by spaces, <s> dropped,
   *  </s> ends a line (no trailing newline). */
  decode(ids: ArrayLike<number>): string;
  /** Id of a token (lower-cased first if the vocabulary lower-cases); unknown: <unk>, or -1 if there is none. */
  idOf(token: string): number;
  tokenOf(id: number): string;
  /** Every token by id (cached; do not modify). */
  tokens(): string[];
  /** Training count of each id: (V,) */
  counts(): Int32Array;
  toJSON(): VocabJSON;
  /** Frees the vocabulary; a no-op on bigram.vocab, which its model owns and frees. */
  dispose(): void;
}
export interface VocabJSON {
  level: 'char' | 'word';
  tokenizer?: string;
  lowercase?: boolean;
  sentences?: string;
  tokens: string[];
  counts: number[];
}

// ---------------------------------------------------------------------------------------------
// Bigram model (src/bigram.c)

export interface EvalResult {
  /** Mean cross-entropy in nats per predicted token. */
  loss: number;
  perplexity: number;
  bitsPerToken: number;
  tokens: number;
}

export interface MaskedPrediction {
  token: string;
  id: number;
  /** normalised over all candidates */
  prob: number;
}

export declare class Bigram {
  /** Count bigrams of `text` (sentences per the vocabulary's options). k: add-k smoothing (default 1). */
  static train(vocab: Vocab, text: string | Uint8Array, options?: { k?: number; denseLimitBytes?: number }): Bigram;
  readonly vocab: Vocab;
  readonly k: number;
  /** true when counts are held sparse (V*V*4 bytes above denseLimitBytes, default 64 MiB). */
  readonly sparse: boolean;
  /** distinct pairs stored, training pairs counted, bytes of count storage */
  readonly stats: { nonzero: number; pairs: number; countBytes: number };
  /** P(next | prev); tokens as strings or ids; unknown words map to <unk>. */
  prob(prev: string | number, next: string | number): number;
  count(prev: string | number, next: string | number): number;
  /** The full next-token distribution P(· | prev) over all V ids (<s> included, so it sums to 1): (V,) */
  distribution(prev: string | number): Float32Array;
  /** Sum of natural-log probabilities of the sentence's predicted tokens (-Infinity with k = 0 and an unseen pair). */
  logProb(sentence: string): number;
  evaluate(text: string | Uint8Array): EvalResult;
  /** Word level: from <s> until </s>; char level: from a newline until a newline; at most maxLength
   *  tokens (default 50 words / 200 characters). Defaults: seed 1, temperature 1, count 1.
   *  temperature 0 or greedy: argmax (lowest id on ties). */
  generate(options?: {
    seed?: number;
    temperature?: number;
    greedy?: boolean;
    maxLength?: number;
    count?: number;
  }): string[];
  /** Rank every candidate w for the single [MASK] (or ___) by P(w | prev)·P(next | w) (word level:
   *  <s> and </s> are not candidates); topK default 5, at most 1000. */
  predictMasked(sentence: string, options?: { topK?: number }): MaskedPrediction[];
  /** Mask one random word in each sentence of `text`; top-1 and top-5 accuracy. */
  maskedAccuracy(
    text: string | Uint8Array,
    options?: { seed?: number },
  ): { top1: number; top5: number; sentences: number };
  /** The topN most frequent tokens' rows × columns: counts or smoothed probabilities, (topN, topN). */
  matrix(options?: { topN?: number; kind?: 'counts' | 'probs' }): {
    tokens: string[];
    ids: Int32Array;
    values: Float32Array;
  };
  dispose(): void;
}

// ---------------------------------------------------------------------------------------------
// Layer functions (src/layers.c) for autograders: plain functions on tensors, shapes validated.

export interface Layers {
  embedding_forward(ids: IdsLike, W: TensorLike): Tensor; // (N,T),(V,E) → (N,T,E)
  embedding_backward(dout: TensorLike, ids: IdsLike, V: number): Tensor; // → dW (V,E)
  rnn_step_forward(x: TensorLike, h_prev: TensorLike, Wx: TensorLike, Wh: TensorLike, b: TensorLike): Tensor; // (N,H)
  rnn_step_backward(
    dh: TensorLike,
    x: TensorLike,
    h_prev: TensorLike,
    h: TensorLike,
    Wx: TensorLike,
    Wh: TensorLike,
  ): { dx: Tensor; dh_prev: Tensor; dWx: Tensor; dWh: Tensor; db: Tensor };
  rnn_forward(x: TensorLike, h0: TensorLike, Wx: TensorLike, Wh: TensorLike, b: TensorLike): Tensor; // (N,T,H)
  rnn_backward(
    dh: TensorLike,
    x: TensorLike,
    h0: TensorLike,
    h: TensorLike,
    Wx: TensorLike,
    Wh: TensorLike,
  ): { dx: Tensor; dh0: Tensor; dWx: Tensor; dWh: Tensor; db: Tensor };
  temporal_affine_forward(h: TensorLike, W: TensorLike, b: TensorLike): Tensor; // (N,T,V)
  temporal_affine_backward(dout: TensorLike, h: TensorLike, W: TensorLike): { dh: Tensor; dW: Tensor; db: Tensor };
  /** Softmax cross-entropy over the unmasked positions (mask omitted or null: all), reduced by
   *  options.reduction: 'mean-unmasked' (default) divides the sum by the count of unmasked positions;
   *  'sum-over-N' divides it by N (cs231n's temporal_softmax_loss). dscores = (p - onehot(y)) / that divisor. */
  temporal_softmax_loss(
    scores: TensorLike,
    y: IdsLike,
    mask?: IdsLike | null,
    options?: { reduction?: LossReduction },
  ): { loss: number; dscores: Tensor };

  // Gated cells and the fixed-window LM (src/layers_gated.h, wasm_glue/layers-gated.mjs).
  // LSTM gates packed (.., 4H) as i, f, g, o; GRU gates (.., 3H) as r, z, g (PyTorch's orders).
  // cache rows: LSTM [i f g o c tanh(c)] (6H), GRU [r z g s] (4H); `gates` is the cache's first 4H / 3H.
  lstm_step_forward(
    x: TensorLike,
    h_prev: TensorLike,
    c_prev: TensorLike,
    Wx: TensorLike,
    Wh: TensorLike,
    b: TensorLike,
  ): { h: Tensor; c: Tensor; cache: Tensor }; // (N,E),(N,H),(N,H),(E,4H),(H,4H),(4H,) → (N,H),(N,H),(N,6H)
  lstm_step_backward(
    dh: TensorLike,
    dc: TensorLike | null,
    x: TensorLike,
    h_prev: TensorLike,
    c_prev: TensorLike,
    cache: TensorLike,
    Wx: TensorLike,
    Wh: TensorLike,
  ): { dx: Tensor; dh_prev: Tensor; dc_prev: Tensor; dWx: Tensor; dWh: Tensor; db: Tensor };
  lstm_forward(
    x: TensorLike,
    h0: TensorLike,
    c0: TensorLike,
    Wx: TensorLike,
    Wh: TensorLike,
    b: TensorLike,
  ): { h: Tensor; c: Tensor; cache: Tensor; gates: Tensor }; // h (N,T,H), final c (N,H), cache (N,T,6H), gates (N,T,4H)
  lstm_backward(
    dh: TensorLike,
    dc: TensorLike | null,
    x: TensorLike,
    h0: TensorLike,
    c0: TensorLike,
    h: TensorLike,
    cache: TensorLike,
    Wx: TensorLike,
    Wh: TensorLike,
  ): { dx: Tensor; dh0: Tensor; dc0: Tensor; dWx: Tensor; dWh: Tensor; db: Tensor; dh_norms: Tensor };
  gru_step_forward(
    x: TensorLike,
    h_prev: TensorLike,
    Wx: TensorLike,
    Wh: TensorLike,
    b: TensorLike,
    options?: GruOptions,
  ): { h: Tensor; cache: Tensor }; // (N,E),(N,H),(E,3H),(H,3H),(3H,) → (N,H),(N,4H)
  gru_step_backward(
    dh: TensorLike,
    x: TensorLike,
    h_prev: TensorLike,
    cache: TensorLike,
    Wx: TensorLike,
    Wh: TensorLike,
    options?: GruOptions,
  ): { dx: Tensor; dh_prev: Tensor; dWx: Tensor; dWh: Tensor; db: Tensor; dbhn?: Tensor };
  gru_forward(
    x: TensorLike,
    h0: TensorLike,
    Wx: TensorLike,
    Wh: TensorLike,
    b: TensorLike,
    options?: GruOptions,
  ): { h: Tensor; cache: Tensor; gates: Tensor }; // h (N,T,H), cache (N,T,4H), gates (N,T,3H)
  gru_backward(
    dh: TensorLike,
    x: TensorLike,
    h0: TensorLike,
    h: TensorLike,
    cache: TensorLike,
    Wx: TensorLike,
    Wh: TensorLike,
    options?: GruOptions,
  ): { dx: Tensor; dh0: Tensor; dWx: Tensor; dWh: Tensor; db: Tensor; dbhn?: Tensor; dh_norms: Tensor };
  /** Contexts of a fixed-window LM over a stream (M,): (M, W), -1 (pad, a zero embedding) before the start. */
  window_context(stream: IdsLike, W: number): IdTensor;
  window_forward(
    ids: IdsLike,
    emb: TensorLike,
    Wh: TensorLike,
    b1: TensorLike,
    U: TensorLike,
    b2: TensorLike,
  ): { scores: Tensor; e: Tensor; h: Tensor }; // (N,W),(V,E),(W·E,H),(H,),(H,V),(V,) → (N,V),(N,W·E),(N,H)
  window_backward(
    dscores: TensorLike,
    ids: IdsLike,
    e: TensorLike,
    h: TensorLike,
    Wh: TensorLike,
    U: TensorLike,
  ): { demb: Tensor; dWh: Tensor; db1: Tensor; dU: Tensor; db2: Tensor };

  // Attention (src/layers_attention.h, wasm_glue/layers-attention.mjs; docs/seq2seq.md). Queries q are
  // (N, H) for one decoder step or (N, Tq, H); keys = values k (N, Tk, H), the encoder states. The results
  // drop the Tq axis when q does. e_ij = q_i·k_j ('dot') or vᵀ tanh(q_i·Wq + k_j·Wk) ('additive');
  // α_i = softmax over the real keys (options.mask: 1 real, 0 padding → exactly 0); c_i = Σ_j α_ij k_j.
  // In build/lmlab-seq2seq.wasm only: load with loadLmlab({ seq2seq: true }), else they throw saying so.
  attention_forward(
    q: TensorLike,
    k: TensorLike,
    options?: AttentionOptions,
  ): { c: Tensor; alpha: Tensor; cache: Tensor | null }; // c like q, alpha (N,[Tq,]Tk), cache (N,[Tq,]Tk,A) (additive)
  /** The backward with the forward's options; dq like q, dk (N,Tk,H); dWq, dWk (H,A), dv (A,) for 'additive'. */
  attention_backward(
    dc: TensorLike,
    q: TensorLike,
    k: TensorLike,
    alpha: TensorLike,
    cache: TensorLike | null,
    options?: AttentionOptions,
  ): { dq: Tensor; dk: Tensor; dWq?: Tensor; dWk?: Tensor; dv?: Tensor };
}

/** Attention's score and parameters: 'dot' (default; no parameters) or 'additive' with Wq, Wk (H, A) and v (A,). */
export interface AttentionOptions {
  score?: 'dot' | 'additive';
  /** (N, Tk) of 0/1: 1 = a real token, 0 = padding (zero weight). Every row needs a 1. Default: all real. */
  mask?: IdsLike;
  Wq?: TensorLike;
  Wk?: TensorLike;
  v?: TensorLike;
}

/** GRU variant: 'lecture' (default; reset before the matmul) or 'torch' (torch.nn.GRU exactly; the forwards need
 *  bhn (H,), bias_hh's last H entries; the backwards ignore bhn, so one options object serves both). */
export interface GruOptions {
  variant?: 'lecture' | 'torch';
  bhn?: TensorLike;
}

// ---------------------------------------------------------------------------------------------
// Neural models (src/model.c, src/optim.c, src/serialize.c, src/sample.c, src/probe.c)

export interface ModelConfig {
  cell: 'rnn' | 'lstm' | 'gru' | 'window';
  vocabSize: number;
  /** Embedding size; 0 = one-hot input (a row gather of Wx). The window model needs ≥ 1. */
  embedding: number;
  hidden: number;
  /** Stacked recurrent layers (default 1; 1–4). The window model has exactly 1. */
  layers?: number;
  /** Fixed-window model: number of previous tokens W (1–64); 0 / absent for recurrent cells. */
  window?: number;
  /** GRU only: 'torch' (default; torch.nn.GRU exactly, files export to it) or 'lecture' (reset before the matmul). */
  gruVariant?: 'torch' | 'lecture';
  seed: number;
  /** Teaching knob: multiply every initial weight matrix but the embedding by this (> 0; default 1: N(0, 0.01²)). In metadata.init. */
  initScale?: number;
  /** Teaching knob, recurrent cells: initial Wh ~ N(0, g²/H), spectral radius about g; g > 1 lets gradients grow back
   *  through time (exploding; clipping is the cure), g < 1 vanish. In metadata.init. */
  recurrentGain?: number;
  /** LSTM only: the forget gate's initial bias in every layer (finite; default 1, C's start). The CLI's LSTM
   *  recipe starts it at 0 (docs/benchmarks.md, "Defaults"). In metadata.init. */
  forgetBias?: number;
}

/** Model.stepReadout: one step t written out. */
export interface StepReadout {
  t: number;
  input: number;
  target: number;
  /** ŷ_t = softmax(scores_t) over the vocabulary: (V,) */
  probs: Float64Array;
  /** J_t = −log ŷ_t[target] */
  loss: number;
}
/** Model.freeRunning: the same targets scored with teacher forcing and free-running. */
export interface FreeRunning {
  /** every step given the true previous token */
  teacherForced: { loss: number; accuracy: number };
  /** after the prime, every step given the model's own greedy prediction of the step before */
  freeRunning: { loss: number; accuracy: number };
  /** the free-running greedy outputs at the scored steps */
  predicted: Int32Array;
  /** scored targets: ids[prime … T] */
  tokens: number;
}

/** Model.probe(): the last layer over a probe sequence from a zero state. */
export interface Probe {
  /** hidden states (T, H) (the window model: its tanh layer per position) */
  h: Tensor;
  /** LSTM only: cell state c_t (T, H) */
  c?: Tensor;
  /** LSTM and GRU: gate activations (T, G·H) after their nonlinearity, packed in gateNames' order */
  gates?: Tensor;
  /** LSTM ['i','f','g','o'], GRU ['r','z','g'], [] otherwise */
  gateNames: string[];
}

export interface TrainOptions {
  /** N parallel streams, or N sentences a step (batching 'sentences') */
  batch: number;
  /** T, the truncated-BPTT window; with batching 'sentences' the most time steps of one piece: a longer
   *  sentence is cut into pieces of seq+1 tokens sharing one token (the state restarts at each) */
  seq: number;
  /** 'streams' (default): N contiguous streams of one token stream, windows of seq, the hidden state carried
   *  across windows (teacher forcing throughout). 'sentences': the ids are an array of sentences
   *  (vocab.trainingSentences(text)); each step takes the next N in order, each from the empty state, padded
   *  to the batch's longest with the padding masked (no loss, no gradient; the loss is the mean per real
   *  token; the gradients are of each sentence's summed loss averaged over N). docs/training.md says when
   *  each is right. */
  batching?: 'streams' | 'sentences';
  optimizer: 'sgd' | 'adagrad' | 'adam';
  lr: number;
  momentum?: number;
  /** element-wise clip to [-clip, clip] ('value') or global norm ('norm'); 0 = off */
  clip?: number;
  clipMode?: 'value' | 'norm';
  /** streams only: the chance, each window, that a stream starts from the zero state instead of its carried
   *  one (0, the default, = never; below 1). Decided by a hash of (steps taken, stream), so every thread count
   *  and a resumed run decide alike. Guards against the one-stream latch (docs/training.md, "State resets"). */
  stateResets?: number;
  /** not used by the stateful trainer: windows are taken in stream order, and the model's seed fixes initialisation */
  seed?: number;
}

export interface StepStats {
  step: number;
  /** mean training loss (nats per token) over the steps of this train() call */
  loss: number;
  /** loss of the last step of the call */
  lastLoss: number;
  /** offset of the next window inside every stream (batching 'sentences': index of the next sentence piece) */
  position: number;
  /** times the streams wrapped to their starts (the state resets then) */
  epochs: number;
  /** gradient global norm before clipping */
  gradNorm: number;
  clipped: boolean;
  /** total clip events since creation */
  clipEvents: number;
}

export interface ParameterView {
  /** PyTorch-style name used in the model file, e.g. 'rnn.weight_hh_l0' */
  name: string;
  /** the lecture's name, e.g. 'Wh' */
  lecture: string;
  /** our layout's shape, e.g. Wh (H, H) */
  shape: number[];
  /** zero-copy view into WASM memory, made when read (so fresh after memory growth); reading it after the
   *  model's dispose() throws (LM_ERR_HANDLE) instead of giving a view of memory the next model may use.
   *  A Float32Array kept from an earlier read is not revoked: keep the ParameterView, read .data again. */
  readonly data: Float32Array;
  /** the gradient, the same way */
  readonly grad: Float32Array;
  /** Model only: a Trainer leaves it bit-identical (Model.setFrozen) */
  frozen?: boolean;
}

/** parseEmbeddingText: word vectors of the word2vec/GloVe text format. */
export interface EmbeddingVectors {
  words: string[];
  /** (count, dim) row-major */
  vectors: Float32Array;
  dim: number;
  count: number;
  /** the file began with a word2vec "count dim" line */
  header: boolean;
  /** repeated words (the first vector kept) */
  duplicates: number;
}
/** Model.setEmbedding's report. */
export interface EmbeddingReport {
  /** tokens of the vocabulary that got a vector (lowercased included) */
  found: number;
  /** of them, found only through their lower-case form */
  lowercased: number;
  /** tokens without a vector: left as initialised */
  missing: number;
  /** up to 10 of them */
  missingExamples: string[];
  dim: number;
}
/** One neighbour: a token id and its cosine similarity. */
export interface Neighbor {
  id: number;
  cosine: number;
}
/** Parse `token x1 … xD` lines (spaces or tabs; optional word2vec header "count D"; <U+0020> for white-space tokens).
 *  A malformed or non-finite number, a line of another length, a header that disagrees: an LmlabError naming the line. */
export declare function parseEmbeddingText(text: string): EmbeddingVectors;
/** The text format with a "count dim" header; 9 significant digits, so float32 round-trips exactly. */
export declare function formatEmbeddingText(words: string[], vectors: Float32Array, dim: number): string;

export declare class Model {
  static create(config: ModelConfig): Model;
  /** Parse a safetensors model file; throws a clear LmlabError on any malformed input. */
  static load(bytes: Uint8Array): Model;
  readonly config: Readonly<ModelConfig>;
  readonly parameterCount: number;
  /** string metadata stored with the model (vocabulary JSON, training options, …) */
  metadata: Record<string, string>;
  parameters(): ParameterView[];
  /** Forward + backward on ids (N, T+1): inputs [:, :T], targets [:, 1:] — teacher forcing: every step is given the
   *  true previous token, not the model's own prediction (see freeRunning). Carries the hidden state.
   *  Returns the mean cross-entropy per token; the gradients are of min-char-rnn's objective, the loss
   *  summed over the window and averaged over the N streams (T times the returned mean).
   *  options.mask (N, T): 1 where the target ids[n, t+1] is real, 0 at padding — the rows are padded sentences,
   *  each from the empty state (the carried state untouched); the loss is the mean per real token, the
   *  gradients are of each row's sum over its real tokens averaged over N; padding changes neither. */
  lossAndGrads(ids: Int32Array, N: number, T: number, options?: { mask?: ArrayLike<number | boolean> }): number;
  /** Forget the carried hidden state (the next window starts from zeros). */
  resetState(): void;
  /** Scores for the next token after `context` ids, from a zero state: (V,) log-probabilities. */
  nextLogProbs(context: ArrayLike<number>): Float32Array;
  /** Scores before the softmax for ids (N, T) from a zero state: (N, T, V). */
  logits(ids: Int32Array, N: number, T: number): Tensor;
  /** Summed log-probability of ids[n, 1:] given the tokens before, per row of ids (N, T+1), from a zero state: (N,). */
  sequenceLogProbs(ids: Int32Array, N: number, T: number): Float64Array;
  /** Held-out loss: ids read as `batch` streams (default 1: one stream from a zero state, every token after the first predicted), windows of `seq` (default 100). */
  evaluate(ids: Int32Array, options?: { batch?: number; seq?: number }): EvalResult;
  /** Held-out sentences (e.g. vocab.trainingSentences(text)), each from the empty state, as batching 'sentences'
   *  trains: every token after a sentence's first predicted; one-token sentences skipped. */
  evaluateSentences(sentences: ArrayLike<number>[]): EvalResult;
  /** One masked token between `left` and `right` ids: the `candidates` (default 50) likeliest next tokens after `left`, re-ranked by the whole sentence's log-likelihood; prob normalised over the candidates. */
  predictMasked(
    left: ArrayLike<number>,
    right: ArrayLike<number>,
    options?: { candidates?: number; topK?: number; exclude?: number[] },
  ): { id: number; logProb: number; prob: number }[];
  /** Mask one token per sentence (same positions as Bigram.maskedAccuracy for the same seed; wordLevel (default true) skips <s> and </s>); top-1/top-5 accuracy. */
  maskedAccuracy(
    sentences: Int32Array[],
    options?: { seed?: number; candidates?: number; wordLevel?: boolean; exclude?: number[] },
  ): { top1: number; top5: number; sentences: number };
  /** Sample `length` ids after `prime` ids (seeded; temperature 0 = greedy; topK 0 = all). */
  sample(
    prime: ArrayLike<number>,
    options: { length: number; temperature?: number; topK?: number; seed?: number; stopId?: number },
  ): Int32Array;
  /** Hidden states over a probe sequence from a zero state: (T, H) of the last layer. */
  hiddenStates(ids: ArrayLike<number>): Tensor;
  /** Last layer's h (T, H), LSTM c (T, H), gates (T, G·H) over a probe sequence from a zero state. */
  probe(ids: ArrayLike<number>): Probe;
  /** Per-step ||dL/dh_t|| of the last lossAndGrads: (T,) (the window model: each position's own loss only) */
  gradFlow(): Float32Array;
  /** Last-step gradient-flow probe (recurrent cells; the window model throws): ids (N, T+1) from a zero state,
   *  L_T = the last position's cross-entropy (mean over the N streams); norms (T,) = ||∂L_T/∂h_t|| of the last
   *  layer, t = 0 … T-1. Leaves the gradients, the carried state and gradFlow() unchanged. */
  gradFlowLastStep(ids: Int32Array, N: number, T: number): { norms: Float32Array; loss: number };
  /** Numerical gradient check on a small batch (options.mask as in lossAndGrads): max relative error per parameter tensor. */
  gradientCheck(
    ids: Int32Array,
    N: number,
    T: number,
    options?: { samples?: number; eps?: number; seed?: number; mask?: ArrayLike<number | boolean> },
  ): { name: string; relError: number }[];
  /** safetensors bytes: parameters (PyTorch names/layout), config, metadata, and the trainer's state if given. */
  save(trainer?: Trainer | ParallelTrainer): Uint8Array;
  /** One step written out over ids (T+1,) from a zero state (teacher forcing): per t the input, the target, ŷ_t (V,)
   *  and J_t = −log ŷ_t[target] — the "hello" figure of the min-char-rnn notes. */
  stepReadout(ids: ArrayLike<number>): StepReadout[];
  /** Teacher-forced against free-running evaluation of ids (T+1,): free-running feeds the first `prime` (default 1)
   *  true ids, then the model's own greedy predictions; both scored on the targets ids[prime … T]. */
  freeRunning(ids: ArrayLike<number>, options?: { prime?: number }): FreeRunning;
  /** Freeze (true, default) or fine-tune (false) a tensor by PyTorch or lecture name: a Trainer leaves a frozen one
   *  bit-identical (its gradient zeroed before the norm and clipping). Saved in the training state of save(trainer). */
  setFrozen(name: string, frozen?: boolean): void;
  /** PyTorch names of the frozen tensors. */
  frozen(): string[];
  /** A copy of the token vectors (V, D): embedding.weight (V, E), or for one-hot input layer 0's Wx rows (V, G·H). */
  embeddingMatrix(): Tensor & { tensor: string };
  /** Set embedding.weight from parsed vectors (needs { vocab }; a token takes its word's vector, else its lower-case
   *  form's; the others keep their initialisation) or from a Tensor (V, E). freeze (default false) is applied with
   *  setFrozen. Checked before anything is written: a bad input leaves the model untouched. */
  setEmbedding(vectors: EmbeddingVectors | Tensor, options?: { vocab?: Vocab; freeze?: boolean }): EmbeddingReport;
  /** embeddingMatrix() in the text format, one line per token of `vocab`. */
  exportEmbeddingText(vocab: Vocab): string;
  /** The topK (default 10) tokens nearest to token `id` by cosine similarity of their vectors, itself excluded. */
  neighbors(id: number, options?: { topK?: number }): Neighbor[];
  /** The analogy a − b + c (king − man + woman ≈ queen): nearest tokens by cosine, a, b, c excluded. */
  analogy(a: number, b: number, c: number, options?: { topK?: number }): Neighbor[];
  dispose(): void;
}

export declare class Trainer {
  /** Train `model` on token stream `ids` with N streams of windows T. */
  /** ids: the token stream, or with batching 'sentences' an array of sentences. */
  constructor(model: Model, ids: Int32Array | ArrayLike<number>[], options: TrainOptions);
  readonly model: Model;
  /** the options in force (defaults filled in) */
  readonly options: Readonly<Required<Omit<TrainOptions, 'seed'>>>;
  readonly step: number;
  setLearningRate(lr: number): void;
  /** Run `count` (1 … LIMITS.MAX_TRAIN_STEPS) optimizer steps; refuses (throws STATUS.NONFINITE, parameters untouched) on a non-finite loss or gradient. */
  train(count: number): StepStats;
  /** Loss over held-out ids read as N streams (default: the trainer's batch and seq) with the state carried across windows (batch 1: one stream, every token after the first predicted). */
  evaluate(ids: Int32Array, options?: { batch?: number; seq?: number }): EvalResult;
  /** A sentence trainer (batching 'sentences') given an array of sentences: model.evaluateSentences(sentences). */
  evaluate(sentences: ArrayLike<number>[]): EvalResult;
  /** Restore optimizer state and step from a model file made by model.save(trainer) (the same batching). */
  restore(bytes: Uint8Array): void;
  /** Batching 'sentences': the pieces cycled through (sentences of two or more tokens, long ones cut); 0 for streams. */
  readonly sentences: number;
  dispose(): void;
}

export interface ParallelTrainOptions extends TrainOptions {
  /** threads to train on, this one included (default: the cores the machine or browser reports); at most `shards` are used */
  threads?: number;
  /** the fixed split of the N streams (1 … batch) that decides the arithmetic (default: defaultShards(P, N, T));
   *  any thread count gives bit-identical results for the same shards */
  shards?: number;
  /** the workers' script (default wasm_glue/parallel-worker.mjs beside the glue): any worker script that calls
   *  serveReplica() of parallel-replica.mjs, e.g. a bundled page's own training worker */
  workerUrl?: string | URL;
}

/** Data-parallel training on Node worker_threads or Web Workers (docs/training.md, "Every core"): each
 *  worker owns a replica of the model and some shards of the N streams; the shards' gradients are summed in
 *  shard order and every replica applies the sum. Change the model only through the trainer while it lives
 *  (freezing excepted). Batch 1 has one shard: it stays on one thread. */
export declare class ParallelTrainer {
  /** Starts the workers and resolves once each has its replica. */
  static create(model: Model, ids: Int32Array, options: ParallelTrainOptions): Promise<ParallelTrainer>;
  readonly model: Model;
  readonly options: Readonly<Required<Omit<TrainOptions, 'seed'>>>;
  readonly step: number;
  /** threads in use (this one included) */
  readonly threads: number;
  readonly shards: number;
  readonly disposed: boolean;
  /** where this thread's time went (ms summed over steps): its own shards, waiting for the workers, the serial rest
   *  (summing the gradients, the messages, the update) — the scaling benchmark's sync cost */
  readonly timings: { steps: number; ownMs: number; waitMs: number; serialMs: number };
  setLearningRate(lr: number): void;
  /** As Trainer.train, over every thread; a failed worker rejects with an LmlabError. One call at a time. */
  train(count?: number): Promise<StepStats>;
  evaluate(ids: Int32Array, options?: { batch?: number; seq?: number }): EvalResult;
  /** Restore from model.save(trainer) bytes (of a Trainer or a ParallelTrainer with the same batch), everywhere. */
  restore(bytes: Uint8Array): Promise<void>;
  /** Stops the workers (pending calls reject) and frees this trainer (not the model). */
  dispose(): void;
}

// ---------------------------------------------------------------------------------------------
// Sequence to sequence (src/seq2seq.h; docs/seq2seq.md): data and vocabularies in plain JS, the model
// and its trainer over the C core.

/** A (source, target) text pair. */
export interface Pair {
  source: string;
  target: string;
}
/** The built-in tasks: reverse a string, sort its letters, rewrite a date as ISO 8601. */
export declare const TASKS: Readonly<
  Record<
    'reverse' | 'sort' | 'dates',
    { description: string; lengths: readonly [number, number] | null; alphabet: string | null }
  >
>;
/** `count` pairs of a task from `seed`; lengths: source lengths [min, max] (reverse, sort). */
export declare function generatePairs(
  task: 'reverse' | 'sort' | 'dates',
  options: { count: number; seed?: number; lengths?: [number, number] },
): Pair[];
/** A train/test split whose test sources never occur in training; the test lengths may differ (e.g. be longer). */
export declare function taskSplit(
  task: 'reverse' | 'sort' | 'dates',
  options?: {
    seed?: number;
    train?: number;
    test?: number;
    trainLengths?: [number, number];
    testLengths?: [number, number];
  },
): { train: Pair[]; test: Pair[] };
/** Code points (char) or whitespace-separated words (word). */
export declare function tokenize(text: string, level: 'char' | 'word'): string[];
export declare function detokenize(tokens: string[], level: 'char' | 'word'): string;
/** A pairs file's text (source<TAB>target per line): the pairs, and every bad line with its number and reason. */
export declare function parsePairs(
  text: string,
  options?: { level?: 'char' | 'word'; maxTokens?: number },
): { pairs: (Pair & { line: number })[]; bad: { line: number; reason: string }[]; blank: number; lines: number };
/** One sentence on what parsePairs set aside ('' when nothing). */
export declare function describeSkipped(
  parsed: { bad: { line: number; reason: string }[]; blank: number },
  show?: number,
): string;
/** UTF-8 bytes → text, or a RangeError naming the offset of the first bad byte. */
export declare function decodeUtf8(bytes: Uint8Array, name?: string): string;

/** A side's vocabulary: <pad> 0, <s> 1, </s> 2, <unk> 3, then tokens by count. */
export declare class PairVocab {
  constructor(tokens: string[]);
  static build(sequences: Iterable<string[]>, options?: { maxSize?: number }): PairVocab;
  static fromJSON(json: { tokens: string[] }): PairVocab;
  readonly tokens: readonly string[];
  readonly size: number;
  id(token: string): number;
  encode(tokens: string[]): number[];
  /** Tokens up to the first </s>, without <pad> and <s>. */
  decode(ids: ArrayLike<number>): string[];
  toJSON(): { tokens: string[] };
}
/** The vocabularies of pairs at a level: one per side, or one shared by both. */
export declare function buildVocabularies(
  pairs: Pair[],
  options: { level: 'char' | 'word'; shared?: boolean; maxSize?: number },
): { src: PairVocab; tgt: PairVocab };

export interface Seq2SeqConfig {
  srcVocab: PairVocab;
  /** the same object as srcVocab for a shared vocabulary */
  tgtVocab: PairVocab;
  level?: 'char' | 'word';
  /** the cell of both sides (default 'lstm') */
  cell?: 'rnn' | 'lstm' | 'gru';
  gruVariant?: 'torch' | 'lecture';
  /** 'none' (the bottleneck: the decoder sees the source only through its start state), 'dot' (default), 'additive' */
  attention?: 'none' | 'dot' | 'additive';
  /** additive only: A (default: hidden) */
  attentionSize?: number;
  /** attention only: the output layer reads [h^D_i; c_i] (default true) or h^D_i */
  outContext?: boolean;
  embedding?: number;
  hidden?: number;
  /** 1 or 2 on each side */
  layers?: number;
  seed?: number;
}

/** A padded batch as the C core takes it: src (N, Ts), tgt (N, Tt+1) = <s> … </s> then <pad>. */
export interface Seq2SeqBatch {
  src: Int32Array;
  tgt: Int32Array;
  N: number;
  Ts: number;
  Tt: number;
  /** tokens that became <unk> */
  unknown?: number;
}

/** One decoded output. */
export interface Translation {
  output: string;
  tokens: string[];
  /** the output ids, </s> included when produced */
  ids: Int32Array;
  /** true when decoding produced </s> (false: stopped at maxLength) */
  ended: boolean;
  /** Σ log p of the output's tokens */
  logProb: number;
  /** the source's tokens with </s>: alpha's columns */
  sourceTokens: string[];
  /** source tokens not in the vocabulary (read as <unk>) */
  unknown: number;
  /** (output steps, source tokens): the attention weights α of every step (zeros without attention) */
  alpha: Tensor;
}

/** Seq2Seq.accuracy(): a decoded output counts when it ended with </s> and equals the target. */
export interface Seq2SeqAccuracy {
  exactMatch: number;
  exact: number;
  pairs: number;
  /** by source length in tokens (</s> not counted), shortest first */
  byLength: { length: number; pairs: number; exact: number; accuracy: number }[];
  /** every decoded output, in the pairs' order */
  outputs: Translation[];
}

export declare class Seq2Seq {
  static create(config: Seq2SeqConfig): Seq2Seq;
  /** A model from a file saved by save(); throws on a malformed or foreign file. */
  static load(bytes: Uint8Array): Seq2Seq;
  readonly config: Readonly<{
    cell: string;
    gruVariant?: string;
    attention: string;
    embedding: number;
    hidden: number;
    layers: number;
    attentionSize: number;
    outContext: boolean;
    seed: number;
    level: 'char' | 'word';
    shared: boolean;
  }>;
  readonly level: 'char' | 'word';
  readonly srcVocab: PairVocab;
  readonly tgtVocab: PairVocab;
  readonly parameterCount: number;
  /** the caller's string metadata, saved with the model */
  metadata: Record<string, string>;
  /** Names (PyTorch's: encoder.rnn.weight_ih_l0, attention.W_q.weight, decoder.out.weight, …), shapes, zero-copy views. */
  parameters(): ParameterView[];
  encodeSource(text: string): { ids: Int32Array; tokens: string[]; unknown: number };
  batch(pairs: Pair[]): Seq2SeqBatch;
  /** Teacher-forced forward and backward: the mean loss per real target token; gradients of that mean. */
  lossAndGrads(data: Pair[] | Seq2SeqBatch): number;
  /** Σ log p(target | source) per pair. */
  sequenceLogProbs(data: Pair[] | Seq2SeqBatch): Float64Array;
  /** Held-out loss per target token (</s> included). */
  evaluate(pairs: Pair[], options?: { batch?: number }): { loss: number; perplexity: number; tokens: number };
  /** Greedy (beam 1, default) or beam-search decoding, stopping at </s> or maxLength (default 2·source + 10). */
  translate(source: string, options?: { beam?: number; maxLength?: number }): Translation;
  translateMany(sources: string[], options?: { beam?: number; maxLength?: number; batch?: number }): Translation[];
  /** Exact-match accuracy of decoding (greedy, or beam) against the targets, overall and by source length in tokens. */
  accuracy(pairs: Pair[], options?: { beam?: number; maxLength?: number; batch?: number }): Seq2SeqAccuracy;
  /** Numerical gradient check: the largest relative error per tensor. */
  gradientCheck(
    data: Pair[] | Seq2SeqBatch,
    options?: { samples?: number; eps?: number; seed?: number },
  ): { name: string; relError: number }[];
  /** safetensors bytes: parameters, config, vocabularies, metadata, and the trainer's state if given. */
  save(trainer?: Seq2SeqTrainer): Uint8Array;
  dispose(): void;
}

export interface Seq2SeqTrainOptions {
  /** pairs per step (default 32) */
  batch?: number;
  /** default 'adam' */
  optimizer?: 'sgd' | 'adagrad' | 'adam';
  /** default 0.003 (adam), 0.1 otherwise */
  lr?: number;
  momentum?: number;
  /** default 1 */
  clip?: number;
  /** default 'norm' */
  clipMode?: 'value' | 'norm';
  /** orders the pairs (a new order each epoch); default 1 */
  seed?: number;
}

export interface Seq2SeqStepStats {
  step: number;
  /** mean training loss (nats per target token) over the steps of this call */
  loss: number;
  lastLoss: number;
  gradNorm: number;
  clipped: boolean;
  clipEvents: number;
  /** pairs and target tokens trained on in this call */
  pairs: number;
  tokens: number;
  /** completed passes over the pairs */
  epoch: number;
}

export declare class Seq2SeqTrainer {
  /** Teacher forcing on text pairs with the model's vocabularies. */
  constructor(model: Seq2Seq, pairs: Pair[], options?: Seq2SeqTrainOptions);
  readonly model: Seq2Seq;
  readonly pairs: number;
  /** tokens of the training pairs outside the model's vocabularies (trained on as <unk>) */
  readonly unknownTokens: number;
  readonly options: Readonly<Required<Seq2SeqTrainOptions>>;
  readonly step: number;
  setLearningRate(lr: number): void;
  /** count (1 … LIMITS.MAX_TRAIN_STEPS) steps. */
  train(count?: number): Seq2SeqStepStats;
  /** Optimizer state, step and data position from model.save(trainer) bytes. */
  restore(bytes: Uint8Array): void;
  dispose(): void;
}

// ---------------------------------------------------------------------------------------------
// Lab 2's single questions, asked alike of a Bigram and a neural Model (wasm_glue/sentence-queries.mjs).
// A Bigram carries its vocabulary; a Model needs { vocab } (Vocab.fromJSON(JSON.parse(model.metadata.vocab))).

export interface QueryOptions {
  /** the Model's vocabulary (ignored for a Bigram) */
  vocab?: Vocab;
}
export interface TokenProb {
  token: string;
  id: number;
  prob: number;
  logProb: number;
}
/** predictNext: the context's tokens (word level: <s> first, no </s>) and the likeliest next tokens (never <s>). */
export interface NextTokens {
  context: string[];
  candidates: TokenProb[];
}
/** scoreSentence: the chain rule. Every token after the first is predicted (word level: w1 … wn and </s>). */
export interface SentenceScore {
  /** every token, word level <s> w1 … wn </s> */
  tokens: string[];
  /** one factor P(token | tokens before) per predicted token; `given` is the token before it */
  steps: (TokenProb & { given: string })[];
  /** Σ log factors (natural log); -Infinity when a factor is 0 (a bigram with k = 0 and an unseen pair) */
  logProb: number;
  /** exp(−logProb / predicted); Infinity when a factor is 0 */
  perplexity: number;
  predicted: number;
  /** tokens read as <unk> */
  unknown: number;
}
/** rankMasked: best first; prob normalised over the candidate set, so the two models compare. */
export interface MaskedRanking {
  candidates: TokenProb[];
  /** how the model ranked, in words */
  method: string;
  /** candidates considered: bigram V − 2 (every word but <s> </s>); neural `candidates` or V − 2 for 'all' */
  candidateSet: number;
  /** tokens left of the mask (word level from <s>) and right of it (to </s>) */
  left: string[];
  right: string[];
}
/** The likeliest next tokens: the bigram's P(· | last token), the model's P(· | whole context) from a zero state (topK default 10). */
export declare function predictNext(
  model: Bigram | Model,
  context: string,
  options?: QueryOptions & { topK?: number },
): NextTokens;
/** Each factor P(w_t | w_<t) of a sentence (the bigram: P(w_t | w_t−1)), log P and perplexity. The model's factors are teacher-forced: it is given the true previous tokens. */
export declare function scoreSentence(model: Bigram | Model, sentence: string, options?: QueryOptions): SentenceScore;
/** Candidates for the one [MASK] (or ___). Bigram: every word but <s> </s> by P(w | prev)·P(next | w) (the lab's method).
 *  Model: log P(whole sentence with w in place) over the `candidates` (default 50) likeliest next words after the left
 *  context, or 'all' (every word but <s> </s>; one forward pass of the sentence per word). Errors name a missing or
 *  repeated mask and a sentence of unknown words. topK default 10. */
export declare function rankMasked(
  model: Bigram | Model,
  sentence: string,
  options?: QueryOptions & { candidates?: number | 'all'; topK?: number },
): MaskedRanking;

export interface Lmlab {
  Vocab: typeof Vocab;
  Bigram: typeof Bigram;
  Model: typeof Model;
  Trainer: typeof Trainer;
  ParallelTrainer: typeof ParallelTrainer;
  /** Sequence to sequence (loadLmlab({ seq2seq: true })); without it Seq2Seq and Seq2SeqTrainer throw. */
  Seq2Seq: typeof Seq2Seq;
  Seq2SeqTrainer: typeof Seq2SeqTrainer;
  /** True when this instance has sequence to sequence and the attention pair (loaded with { seq2seq: true }). */
  seq2seq: boolean;
  /** True when this instance is a fused multiply-add build (its kernels use f32x4.relaxed_madd). */
  fma: boolean;
  layers: Layers;
  predictNext: typeof predictNext;
  scoreSentence: typeof scoreSentence;
  rankMasked: typeof rankMasked;
  parseEmbeddingText: typeof parseEmbeddingText;
  formatEmbeddingText: typeof formatEmbeddingText;
  LmlabError: typeof LmlabError;
  STATUS: typeof STATUS;
  STATUS_NAMES: typeof STATUS_NAMES;
  LIMITS: typeof LIMITS;
  /** The message of the last failing C call ('' if none). */
  lastErrorMessage(): string;
  /** Bytes of WebAssembly linear memory reserved now. */
  memoryBytes(): number;
}
