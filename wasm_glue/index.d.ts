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
}

// ---------------------------------------------------------------------------------------------
// C constants (wasm_glue/constants.mjs, generated from src/lmlab.h; tests/constants.test.mjs checks
// this block's names against it). Each info-array index object ends with COUNT, the array length.

/** lm_status: every LmlabError's code. */
export declare const STATUS: Readonly<{ OK: number; ARG: number; NOMEM: number; UTF8: number; HANDLE: number; FORMAT: number; NONFINITE: number; EMPTY: number }>;
/** The C name of each status code, e.g. STATUS_NAMES[6] === 'LM_ERR_NONFINITE'. */
export declare const STATUS_NAMES: Readonly<Record<number, string>>;
/** The C core's limits (lmlab.h LM_MAX_*). */
export declare const LIMITS: Readonly<{ MAX_DIM: number; MAX_VOCAB: number; MAX_TOKEN_BYTES: number; MAX_CALL_ELEMS: number; MAX_LAYERS: number; MAX_WINDOW: number; MAX_TRAIN_STEPS: number; MAX_GRAD_SAMPLES: number; MAX_GEN_LENGTH: number; MAX_GEN_COUNT: number; MAX_TOP_K: number }>;
/** The window model's "no token" id (-1). */
export declare const WINDOW_PAD: number;
export declare const CELL: Readonly<{ RNN: number; LSTM: number; GRU: number; WINDOW: number; COUNT: number }>;
export declare const GRU_VARIANT: Readonly<{ LECTURE: number; TORCH: number }>;
export declare const OPT_KIND: Readonly<{ SGD: number; ADAGRAD: number; ADAM: number }>;
export declare const CLIP_MODE: Readonly<{ VALUE: number; NORM: number }>;
export declare const LEVEL: Readonly<{ CHAR: number; WORD: number }>;
export declare const TOKENIZER_KIND: Readonly<{ WORDS: number; WHITESPACE: number }>;
export declare const SENTENCES: Readonly<{ LINES: number; PUNCT: number }>;
export declare const KERNEL_OP: Readonly<{ NN: number; TN: number; NT: number }>;
export declare const KERNEL_FN: Readonly<{ TANH: number; SIGMOID: number; EXP: number }>;
/** Indices of lm_model_info's array. */
export declare const MODEL_INFO: Readonly<{ CELL: number; V: number; E: number; H: number; L: number; SEED: number; TENSORS: number; PARAMS: number; W: number; GRU_VARIANT: number; COUNT: number }>;
/** Indices of lm_model_tensor's array. */
export declare const TENSOR_INFO: Readonly<{ NDIM: number; ROWS: number; COLS: number; OFFSET: number; ELEMS: number; TRANSPOSED: number; COUNT: number }>;
/** Indices of lm_model_evaluate's array. */
export declare const MODEL_EVAL: Readonly<{ NATS: number; TOKENS: number; COUNT: number }>;
/** Indices of lm_trainer_train's stats. */
export declare const TRAIN_STATS: Readonly<{ STEP: number; LOSS: number; LAST_LOSS: number; GRAD_NORM: number; CLIPPED: number; CLIP_EVENTS: number; POSITION: number; WRAPS: number; COUNT: number }>;
/** Indices of lm_trainer_info's array. */
export declare const TRAINER_INFO: Readonly<{ STEP: number; CLIP_EVENTS: number; POSITION: number; WRAPS: number; COUNT: number }>;
/** Indices of lm_vocab_info's array. */
export declare const VOCAB_INFO: Readonly<{ SIZE: number; LEVEL: number; TOKENIZER: number; LOWERCASE: number; SENTENCES: number; UNK: number; BOS: number; EOS: number; COUNT: number }>;
/** Indices of lm_bigram_info's array. */
export declare const BIGRAM_INFO: Readonly<{ V: number; K: number; SPARSE: number; NONZERO: number; PAIRS: number; COUNT_BYTES: number; COUNT: number }>;
/** Indices of lm_bigram_evaluate's array. */
export declare const BIGRAM_EVAL: Readonly<{ LOSS: number; PERPLEXITY: number; BITS: number; TOKENS: number; COUNT: number }>;
/** Indices of lm_bigram_masked_accuracy's array. */
export declare const MASKED: Readonly<{ TOP1: number; TOP5: number; SENTENCES: number; COUNT: number }>;
/** Every constant by its C name, in the order lm_constants reports them. */
export declare const C_CONSTANTS: ReadonlyArray<readonly [string, number]>;

export interface LoadOptions {
  /** Where the .wasm is: URL, file path (Node), bytes, or a compiled module. Default: ../build/lmlab.wasm next to the glue. */
  wasm?: string | URL | ArrayBuffer | ArrayBufferView | WebAssembly.Module;
}

export declare function loadLmlab(options?: LoadOptions): Promise<Lmlab>;

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
  /** char level only: give the vocabulary an <unk> (id 0) even when no character was dropped, so
   *  unseen characters in later text map to it instead of throwing (default false). */
  unk?: boolean;
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
  generate(options?: { seed?: number; temperature?: number; greedy?: boolean; maxLength?: number; count?: number }): string[];
  /** Rank every candidate w for the single [MASK] (or ___) by P(w | prev)·P(next | w) (word level:
   *  <s> and </s> are not candidates); topK default 5, at most 1000. */
  predictMasked(sentence: string, options?: { topK?: number }): MaskedPrediction[];
  /** Mask one random word in each sentence of `text`; top-1 and top-5 accuracy. */
  maskedAccuracy(text: string | Uint8Array, options?: { seed?: number }): { top1: number; top5: number; sentences: number };
  /** The topN most frequent tokens' rows × columns: counts or smoothed probabilities, (topN, topN). */
  matrix(options?: { topN?: number; kind?: 'counts' | 'probs' }): { tokens: string[]; ids: Int32Array; values: Float32Array };
  dispose(): void;
}

// ---------------------------------------------------------------------------------------------
// Layer functions (src/layers.c) for autograders: plain functions on tensors, shapes validated.

export interface Layers {
  embedding_forward(ids: IdsLike, W: TensorLike): Tensor;                         // (N,T),(V,E) → (N,T,E)
  embedding_backward(dout: TensorLike, ids: IdsLike, V: number): Tensor;           // → dW (V,E)
  rnn_step_forward(x: TensorLike, h_prev: TensorLike, Wx: TensorLike, Wh: TensorLike, b: TensorLike): Tensor; // (N,H)
  rnn_step_backward(dh: TensorLike, x: TensorLike, h_prev: TensorLike, h: TensorLike, Wx: TensorLike, Wh: TensorLike):
    { dx: Tensor; dh_prev: Tensor; dWx: Tensor; dWh: Tensor; db: Tensor };
  rnn_forward(x: TensorLike, h0: TensorLike, Wx: TensorLike, Wh: TensorLike, b: TensorLike): Tensor; // (N,T,H)
  rnn_backward(dh: TensorLike, x: TensorLike, h0: TensorLike, h: TensorLike, Wx: TensorLike, Wh: TensorLike):
    { dx: Tensor; dh0: Tensor; dWx: Tensor; dWh: Tensor; db: Tensor };
  temporal_affine_forward(h: TensorLike, W: TensorLike, b: TensorLike): Tensor;  // (N,T,V)
  temporal_affine_backward(dout: TensorLike, h: TensorLike, W: TensorLike): { dh: Tensor; dW: Tensor; db: Tensor };
  temporal_softmax_loss(scores: TensorLike, y: IdsLike, mask?: IdsLike): { loss: number; dscores: Tensor };

  // Gated cells and the fixed-window LM (src/layers_gated.h, wasm_glue/layers-gated.mjs).
  // LSTM gates packed (.., 4H) as i, f, g, o; GRU gates (.., 3H) as r, z, g (PyTorch's orders).
  // cache rows: LSTM [i f g o c tanh(c)] (6H), GRU [r z g s] (4H); `gates` is the cache's first 4H / 3H.
  lstm_step_forward(x: TensorLike, h_prev: TensorLike, c_prev: TensorLike, Wx: TensorLike, Wh: TensorLike, b: TensorLike):
    { h: Tensor; c: Tensor; cache: Tensor };                                        // (N,E),(N,H),(N,H),(E,4H),(H,4H),(4H,) → (N,H),(N,H),(N,6H)
  lstm_step_backward(dh: TensorLike, dc: TensorLike | null, x: TensorLike, h_prev: TensorLike, c_prev: TensorLike, cache: TensorLike,
    Wx: TensorLike, Wh: TensorLike): { dx: Tensor; dh_prev: Tensor; dc_prev: Tensor; dWx: Tensor; dWh: Tensor; db: Tensor };
  lstm_forward(x: TensorLike, h0: TensorLike, c0: TensorLike, Wx: TensorLike, Wh: TensorLike, b: TensorLike):
    { h: Tensor; c: Tensor; cache: Tensor; gates: Tensor };                         // h (N,T,H), final c (N,H), cache (N,T,6H), gates (N,T,4H)
  lstm_backward(dh: TensorLike, dc: TensorLike | null, x: TensorLike, h0: TensorLike, c0: TensorLike, h: TensorLike, cache: TensorLike,
    Wx: TensorLike, Wh: TensorLike): { dx: Tensor; dh0: Tensor; dc0: Tensor; dWx: Tensor; dWh: Tensor; db: Tensor; dh_norms: Tensor };
  gru_step_forward(x: TensorLike, h_prev: TensorLike, Wx: TensorLike, Wh: TensorLike, b: TensorLike, options?: GruOptions):
    { h: Tensor; cache: Tensor };                                                   // (N,E),(N,H),(E,3H),(H,3H),(3H,) → (N,H),(N,4H)
  gru_step_backward(dh: TensorLike, x: TensorLike, h_prev: TensorLike, cache: TensorLike, Wx: TensorLike, Wh: TensorLike,
    options?: GruOptions): { dx: Tensor; dh_prev: Tensor; dWx: Tensor; dWh: Tensor; db: Tensor; dbhn?: Tensor };
  gru_forward(x: TensorLike, h0: TensorLike, Wx: TensorLike, Wh: TensorLike, b: TensorLike, options?: GruOptions):
    { h: Tensor; cache: Tensor; gates: Tensor };                                    // h (N,T,H), cache (N,T,4H), gates (N,T,3H)
  gru_backward(dh: TensorLike, x: TensorLike, h0: TensorLike, h: TensorLike, cache: TensorLike, Wx: TensorLike, Wh: TensorLike,
    options?: GruOptions): { dx: Tensor; dh0: Tensor; dWx: Tensor; dWh: Tensor; db: Tensor; dbhn?: Tensor; dh_norms: Tensor };
  /** Contexts of a fixed-window LM over a stream (M,): (M, W), -1 (pad, a zero embedding) before the start. */
  window_context(stream: IdsLike, W: number): IdTensor;
  window_forward(ids: IdsLike, emb: TensorLike, Wh: TensorLike, b1: TensorLike, U: TensorLike, b2: TensorLike):
    { scores: Tensor; e: Tensor; h: Tensor };                                       // (N,W),(V,E),(W·E,H),(H,),(H,V),(V,) → (N,V),(N,W·E),(N,H)
  window_backward(dscores: TensorLike, ids: IdsLike, e: TensorLike, h: TensorLike, Wh: TensorLike, U: TensorLike):
    { demb: Tensor; dWh: Tensor; db1: Tensor; dU: Tensor; db2: Tensor };
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
  /** N parallel streams */
  batch: number;
  /** T, the truncated-BPTT window */
  seq: number;
  optimizer: 'sgd' | 'adagrad' | 'adam';
  lr: number;
  momentum?: number;
  /** element-wise clip to [-clip, clip] ('value') or global norm ('norm'); 0 = off */
  clip?: number;
  clipMode?: 'value' | 'norm';
  /** not used by the stateful trainer: windows are taken in stream order, and the model's seed fixes initialisation */
  seed?: number;
}

export interface StepStats {
  step: number;
  /** mean training loss (nats per token) over the steps of this train() call */
  loss: number;
  /** loss of the last step of the call */
  lastLoss: number;
  /** offset of the next window inside every stream */
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
  /** zero-copy view into WASM memory; refetch after any call that may grow memory */
  data: Float32Array;
  grad: Float32Array;
}

export declare class Model {
  static create(config: ModelConfig): Model;
  /** Parse a safetensors model file; throws a clear LmlabError on any malformed input. */
  static load(bytes: Uint8Array): Model;
  readonly config: Readonly<ModelConfig>;
  readonly parameterCount: number;
  /** string metadata stored with the model (vocabulary JSON, training options, …) */
  metadata: Record<string, string>;
  parameters(): ParameterView[];
  /** Forward + backward on ids (N, T+1): inputs [:, :T], targets [:, 1:]. Carries the hidden state.
   *  Returns the mean cross-entropy per token; the gradients are of min-char-rnn's objective, the loss
   *  summed over the window and averaged over the N streams (T times the returned mean). */
  lossAndGrads(ids: Int32Array, N: number, T: number): number;
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
  /** One masked token between `left` and `right` ids: the `candidates` (default 50) likeliest next tokens after `left`, re-ranked by the whole sentence's log-likelihood; prob normalised over the candidates. */
  predictMasked(left: ArrayLike<number>, right: ArrayLike<number>, options?: { candidates?: number; topK?: number; exclude?: number[] }): { id: number; logProb: number; prob: number }[];
  /** Mask one token per sentence (same positions as Bigram.maskedAccuracy for the same seed; wordLevel (default true) skips <s> and </s>); top-1/top-5 accuracy. */
  maskedAccuracy(sentences: Int32Array[], options?: { seed?: number; candidates?: number; wordLevel?: boolean; exclude?: number[] }): { top1: number; top5: number; sentences: number };
  /** Sample `length` ids after `prime` ids (seeded; temperature 0 = greedy; topK 0 = all). */
  sample(prime: ArrayLike<number>, options: { length: number; temperature?: number; topK?: number; seed?: number; stopId?: number }): Int32Array;
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
  /** Numerical gradient check on a small batch: max relative error per parameter tensor. */
  gradientCheck(ids: Int32Array, N: number, T: number, options?: { samples?: number; eps?: number }): { name: string; relError: number }[];
  /** safetensors bytes: parameters (PyTorch names/layout), config, metadata, and the trainer's state if given. */
  save(trainer?: Trainer): Uint8Array;
  dispose(): void;
}

export declare class Trainer {
  /** Train `model` on token stream `ids` with N streams of windows T. */
  constructor(model: Model, ids: Int32Array, options: TrainOptions);
  readonly model: Model;
  /** the options in force (defaults filled in) */
  readonly options: Readonly<Required<Omit<TrainOptions, 'seed'>>>;
  readonly step: number;
  setLearningRate(lr: number): void;
  /** Run `count` (1 … LIMITS.MAX_TRAIN_STEPS) optimizer steps; refuses (throws STATUS.NONFINITE, parameters untouched) on a non-finite loss or gradient. */
  train(count: number): StepStats;
  /** Loss over held-out ids read as N streams (default: the trainer's batch and seq) with the state carried across windows (batch 1: one stream, every token after the first predicted). */
  evaluate(ids: Int32Array, options?: { batch?: number; seq?: number }): EvalResult;
  /** Restore optimizer state and step from a model file made by model.save(trainer). */
  restore(bytes: Uint8Array): void;
  dispose(): void;
}

export interface Lmlab {
  Vocab: typeof Vocab;
  Bigram: typeof Bigram;
  Model: typeof Model;
  Trainer: typeof Trainer;
  layers: Layers;
  LmlabError: typeof LmlabError;
  STATUS: typeof STATUS;
  STATUS_NAMES: typeof STATUS_NAMES;
  LIMITS: typeof LIMITS;
  /** The message of the last failing C call ('' if none). */
  lastErrorMessage(): string;
  /** Bytes of WebAssembly linear memory reserved now. */
  memoryBytes(): number;
}
