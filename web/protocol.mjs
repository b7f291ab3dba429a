// protocol.mjs — the messages between a page and the training worker (worker.mjs), and connect(), the
// page-side caller that pairs each request with its reply. The worker owns the WASM instance; a page
// only sends requests and receives replies, snapshots and faults. One worker serves several trainers:
// every request and every snapshot or fault names its session (a number the client picks; the worker
// opens a session on its first request and `close` frees it). The protocol is self-contained: a
// configure carries only the settings a client cares about (the worker fills in the defaults and
// checks every field: settings.mjs resolveSettings). Every message is typed below, and both sides are
// annotated with these types, so `tsc --checkJs` holds the page and the worker to them. No DOM here
// beyond the Worker it is given. Shapes: T probe length, H hidden, E embedding, P parameter tensors.

/** @typedef {import('./settings.mjs').Settings} Settings */
/** @typedef {import('./settings.mjs').ModelKind} ModelKind */
/** @typedef {Exclude<ModelKind, 'bigram'>} CellKind  a neural model's cell */

// ---- what replies carry -------------------------------------------------------------------------

/** @typedef {{ token: string, p: number }} TokenProb  one entry of a top-k next-token list */
/** @typedef {{ name: string, shape: number[] }} ParamInfo  one parameter tensor of the model */

/**
 * The reply to setCorpus: the corpus as the worker split it, and its bigram baseline.
 * @typedef {object} CorpusInfo
 * @property {number} chars characters trained and validated on
 * @property {'char' | 'word'} level what a token is (settings level, lower, minCount, sentences)
 * @property {number} vocabSize tokens in the vocabulary (word level: <unk> <s> </s> and the words)
 * @property {number} unknownRate the fraction of training tokens that are <unk> (word level; 0 for characters)
 * @property {number} k the bigram's add-k (0: unseen pairs have probability 0; the loss may be infinite)
 * @property {number} trainTokens
 * @property {number} valTokens
 * @property {boolean} heldOut false: too short to hold text out, validation uses the training text
 * @property {{ loss: number, perplexity: number, bitsPerToken: number }} bigram on the validation text
 * @property {TextStats} text the whole text's statistics and the probe excerpt (the page keeps no copy of it)
 */

/**
 * A text's statistics (corpus-check.mjs): code points, UTF-8 bytes, distinct characters, the most
 * frequent ones, every distinct character (most frequent first) and the probe excerpt views start with.
 * @typedef {ReturnType<typeof import('./corpus-check.mjs').checkCorpus>['stats']} TextStats
 */

/**
 * How the training text is cut (worker/streams.mjs): N streams of streamLength tokens; ring: the
 * streams wrap past the text's end so every character is a target; coverage: the fraction of the
 * training text that is a target each epoch; heldOut false: the text is too short to hold text out
 * and validation reads the training text. sentences: with batching 'sentences', the pieces of sentences
 * trained on in turn, N a step (0 for streams).
 * @typedef {{ streams: number, streamLength: number, ring: boolean, coverage: number, sentences: number, heldOut: boolean, trainTokens: number }} StreamInfo
 */

/**
 * The reply to configure and load: the model the worker now holds.
 * @typedef {object} ModelInfo
 * @property {ModelKind} kind
 * @property {{ vocabSize: number, hidden: number, embed: number, layers: number, window: number, gru: 'torch' | 'lecture' }} config
 *   the model's sizes (the formulas' shapes)
 * @property {Settings} settings the complete settings it was built with (defaults filled in)
 * @property {StreamInfo | null} layout null for the bigram
 * @property {number} threads cores its engine trains on (0: nothing to train)
 * @property {string} [threadNote] why one when the settings allowed more (the model is too small to gain, …)
 * @property {number} parameterCount
 * @property {ParamInfo[]} params in the order of Snapshot.paramGrads
 * @property {number} step optimizer steps taken
 * @property {boolean} trainable false for the bigram (counted, not trained)
 * @property {number} bigramLoss the corpus's bigram validation loss
 * @property {CorpusInfo} corpus the corpus as encoded for this model (configure re-encodes it when the
 *   level or a word option changed)
 * @property {string} [note] what loading a file could not restore
 */

/**
 * The reply to predict: what comes after the text, by both models, and its surprisal.
 * @typedef {object} Prediction
 * @property {TokenProb[] | null} neural top 10, or null without a neural model or known characters
 * @property {TokenProb[] | null} bigram top 10 after the last known character
 * @property {string} context the text used (its last 256 characters)
 * @property {string} dropped characters the vocabulary does not know, each once
 * @property {string[]} unknown word level: the words read as <unk> (each once); [] for characters
 * @property {'char' | 'word'} level word level: the tokens are words (joined by spaces when shown)
 * @property {{ chars: string[], bits: Float32Array } | null} surprisal -log2 p per token (bits[0] NaN)
 */

/**
 * The reply to probe: hidden states over a text, in a heatmap's orientation (rows are neurons,
 * columns characters: no transposing). quantities: h, then the LSTM's c, then each gate (LSTM i f g
 * o, GRU r z g) of the last layer, every data (H, T). inputs: x_t of a one-layer model with an
 * embedding, (E, T), else null (one-hot input: the character id is x_t). next: p_t's likeliest
 * characters after each position (position t predicts character t + 1).
 * @typedef {object} Probe
 * @property {string[]} chars the probed characters, (T,)
 * @property {number[]} ids their vocabulary ids, (T,)
 * @property {number} T
 * @property {number} H
 * @property {number} E embedding size (0: one-hot)
 * @property {CellKind} cell
 * @property {{ key: string, data: Float32Array }[]} quantities each (H, T)
 * @property {Float32Array | null} inputs (E, T) or null
 * @property {TokenProb[][]} next (T,) lists of the 5 likeliest next characters
 * @property {string} dropped characters the vocabulary does not know, each once
 * @property {string[]} unknown word level: the words read as <unk> (each once); [] for characters
 * @property {'char' | 'word'} level word level: chars are words, from <s> to </s>
 * @property {number} cut characters left out beyond the longest probe
 */

/**
 * The reply to gradCheck: per parameter tensor, relative errors of the backward pass against centred
 * differences at `runs` random entries.
 * @typedef {object} GradCheck
 * @property {{ name: string, median: number, max: number, touched: number }[]} results median over the
 *   entries the batch touches; touched: how many of the runs touched one
 * @property {number} N batch of the check
 * @property {number} T window of the check
 * @property {number} runs
 * @property {number} ms time taken
 */

/**
 * The reply to score: the chain rule over a sentence. Word level: the tokens are <s> w1 … wn </s> and
 * `first` is <s> (given, not scored); character level: the characters. factors: (n,) one per predicted
 * token, P(token | all before) by the neural model (null without one) and P(token | the one before)
 * by the bigram (add-k with this k; 0 where k = 0 never saw the pair). logProb: the sum of the
 * factors' natural logs (−Infinity when one is 0); perplexity: exp(−logProb / n).
 * @typedef {object} SentenceScore
 * @property {'char' | 'word'} level
 * @property {string} first
 * @property {{ token: string, bigram: number, neural: number | null }[]} factors
 * @property {{ logProb: number, perplexity: number }} bigram
 * @property {{ logProb: number, perplexity: number } | null} neural
 * @property {number} k the bigram's add-k
 * @property {string} dropped characters the vocabulary does not know (skipped)
 * @property {string[]} unknown words read as <unk>
 */

/**
 * The reply to mask: candidates for the [MASK], best first. bigram: P(w | prev)·P(next | w),
 * normalised over every word (the lab's method); neural: the whole sentence's log-likelihood with w
 * in place, normalised over its `candidates` (null without a neural model), `sentenceTokens` ids
 * each, scored in `ms`.
 * @typedef {object} MaskRanking
 * @property {string[]} tokens the sentence as read: <s> … [MASK] … </s>
 * @property {{ token: string, p: number }[]} bigram
 * @property {number} bigramMs
 * @property {{ ranked: { token: string, p: number, logProb: number }[], candidates: number, sentenceTokens: number, ms: number } | null} neural
 * @property {string[]} unknown words read as <unk>
 */

/**
 * The reply to readout: one entry per step t of a text (from a zero state; word level <s> … </s>):
 * input x_t, target y_t (the next token), ŷ_t's likeliest tokens (every token when V ≤ 32), ŷ_t[y_t],
 * its rank among all V, and J_t = −log ŷ_t[y_t]; sum and mean of J_t. source 'bigram': P(· | x_t) of
 * the bigram (no neural model).
 * @typedef {object} Readout
 * @property {{ t: number, input: string, target: string, targetP: number, rank: number, loss: number, top: { token: string, p: number }[] }[]} steps
 * @property {number} V
 * @property {'char' | 'word'} level
 * @property {'model' | 'bigram'} source
 * @property {number} sum Σ_t J_t
 * @property {number} mean the mean J_t (the loss the trainer reports, per token)
 * @property {string} dropped characters skipped
 * @property {string[]} unknown words read as <unk>
 * @property {number} cut tokens left out beyond the longest text written out
 */

/**
 * The reply to freeRunning: the first held-out tokens' targets scored with teacher forcing (the true
 * previous token fed) and free-running (after the prime, the model's own greedy prediction fed);
 * loss in nats per token, accuracy of the greedy choice; the first predicted and true tokens.
 * @typedef {object} FreeRunningResult
 * @property {{ loss: number, accuracy: number }} teacherForced
 * @property {{ loss: number, accuracy: number }} freeRunning
 * @property {number} tokens targets scored
 * @property {string[]} prime
 * @property {string[]} predicted free-running greedy outputs (the first 24)
 * @property {string[]} truth the true tokens at those steps
 * @property {'char' | 'word'} level
 */

/**
 * The reply to load: the new model; its settings are the file's, merged over the current ones.
 * @typedef {ModelInfo} LoadedModel
 */

// ---- requests: each type, its payload and its reply ---------------------------------------------

/**
 * Every request the worker answers, by type: what the page sends with it and what the reply carries.
 * All but init concern the request's session.
 * @typedef {object} Requests
 * @property {{ payload: { testHooks?: boolean }, result: { cells: CellKind[], threads: number, fma: boolean } }} init
 *   load lmlab.wasm (once per worker; lmlab-fma.wasm where the browser has relaxed SIMD: fma) and say
 *   which cells it has; testHooks allows the debug requests (a page opened with ?testhooks=1)
 * @property {{ payload: { name: string, text?: string, bytes?: ArrayBuffer, label?: string }, result: CorpusInfo }} setCorpus
 *   check a text (a string, or a file's UTF-8 bytes: transfer them) by the page's rules (corpus-check.mjs:
 *   empty, over 32 MB, NUL, invalid UTF-8 refused with a sentence naming `label`, default `name`), split
 *   and encode it, count its bigram; drops the model. `name` is what saved model files call it
 * @property {{ payload: { settings: Partial<Record<keyof Settings, number | string>> }, result: ModelInfo }} configure
 *   build the model and its engine (a reset): an open settings object, missing fields get their
 *   defaults, a bad or unknown one is refused with a sentence; posts a first snapshot
 * @property {{ payload: { until?: number, speed?: number }, result: { step: number } }} run train in time
 *   slices until paused, or until the step reaches `until` (0: no limit; the snapshot then says
 *   stopped 'until'), at most `speed` steps per second (0: no limit); while running, updates the limits
 * @property {{ payload: {}, result: { step: number } }} pause stop after the current slice; posts a snapshot
 * @property {{ payload: { count?: number }, result: { step: number } }} step exactly `count` (default 1)
 *   optimizer updates; posts a snapshot
 * @property {{ payload: { lr: number }, result: {} }} setLr change the learning rate live
 * @property {{ payload: { param: string }, result: {} }} watch which parameter snapshots carry (by name)
 * @property {{ payload: { prime: string, temperature: number, seed: number, length: number },
 *   result: { text: string, source: 'bigram' | 'model' } }} sample text after the prime (not included)
 * @property {{ payload: { text: string }, result: Prediction }} predict
 * @property {{ payload: { text: string }, result: Probe }} probe
 * @property {{ payload: { topN: number, kind?: 'probs' | 'counts' }, result: { tokens: string[], values: Float32Array } }} bigramMatrix
 *   P(next | previous) (or the training counts) of the topN most frequent tokens: values (n, n), rows = previous
 * @property {{ payload: { k: number }, result: CorpusInfo }} setAddK count the bigram again with add-k
 *   smoothing k (0 to 100; the model stays)
 * @property {{ payload: { text: string }, result: SentenceScore }} score the chain rule over a sentence
 *   (worker/sentences.mjs): each factor by both models, the log-probability, the perplexity
 * @property {{ payload: { text: string, candidates?: number | 'all', topK?: number }, result: MaskRanking }} mask
 *   rank the words for the one [MASK] of a sentence by the bigram and by the neural model
 * @property {{ payload: { text: string }, result: Readout }} readout each step of a text written out:
 *   x_t, y_t, ŷ_t over the vocabulary, J_t
 * @property {{ payload: {}, result: FreeRunningResult }} freeRunning teacher forcing against free-running
 *   on the first held-out tokens
 * @property {{ payload: {}, result: GradCheck }} gradCheck
 * @property {{ payload: {}, result: { bytes: ArrayBuffer, step: number } }} save the model file
 *   (safetensors, optimizer state included)
 * @property {{ payload: { bytes: ArrayBuffer, name: string }, result: LoadedModel }} load a model file
 *   (transfer the bytes); a bad file is refused and the current model kept
 * @property {{ payload: {}, result: {} }} evaluate validation loss now; posts a snapshot
 * @property {{ payload: {}, result: {} }} debugPoison test hook: one weight becomes NaN
 * @property {{ payload: {}, result: {} }} debugCrash test hook: the worker throws outside any request
 * @property {{ payload: {}, result: {} }} close free the session (its model, corpus and bigram)
 */

/** @typedef {keyof Requests} RequestType */
/**
 * @template {RequestType} K
 * @typedef {Requests[K]['payload']} Payload
 */
/**
 * @template {RequestType} K
 * @typedef {Requests[K]['result']} Result
 */
/**
 * What the page posts: { id, session, type, ...payload }; the worker answers each with one Reply of
 * that id.
 * @typedef {{ [K in RequestType]: { id: number, session: number, type: K } & Payload<K> }[RequestType]} Request
 */

// ---- what the worker posts ----------------------------------------------------------------------

/**
 * The answer to request `id`: its result, or the worker's sentence and the LmlabError code (0: none).
 * @typedef {{ type: 'reply', id: number, ok: true, result: unknown }
 *   | { type: 'reply', id: number, ok: false, error: string, code: number }} Reply
 */

/**
 * Posted for one session at most ten times a second while it trains, and after configure, pause, step,
 * watch and evaluate. stopped 'until': training reached the run's `until` step and stopped. losses: training loss of steps firstStep … firstStep + losses.length - 1; val: validation
 * points since the last snapshot; paramGrads: (P,) gradient norms in ModelInfo.params order (empty for
 * the bigram); gradFlow: (T,) ||dL/dh_t|| of the last training step (all steps' losses), null before
 * the first step; gradLast: (T,) ||∂L_T/∂h_t|| of the last step's loss only, averaged over held-out
 * windows, null when not refreshed in this snapshot (big models refresh it less often) and for the
 * window MLP; watched: the parameter chosen by `watch`, with its gradient.
 * @typedef {object} Snapshot
 * @property {'snapshot'} type
 * @property {number} session
 * @property {number} step
 * @property {boolean} running
 * @property {'until' | ''} stopped
 * @property {number} firstStep
 * @property {Float32Array} losses
 * @property {{ step: number, loss: number }[]} val
 * @property {number} gradNorm the last step's gradient norm before clipping (NaN before any step)
 * @property {number} clipEvents
 * @property {number} msPerStep smoothed
 * @property {number} charsPerSec smoothed
 * @property {Float32Array} paramGrads
 * @property {Float32Array | null} gradFlow
 * @property {Float32Array | null} gradLast
 * @property {{ name: string, shape: number[], data: Float32Array, grad: Float32Array } | null} watched
 */

/**
 * Training of a session stopped on its own. kind 'nonfinite': a step was refused because the loss or a
 * gradient became NaN or infinite (the model is as before that step; the message says what to try);
 * 'error': any other failure of a training step (training is paused); 'fatal': the WebAssembly
 * instance failed while answering a request (a trap or a RangeError), so the page should replace the
 * worker (every session on it).
 * @typedef {{ type: 'fault', session: number, kind: 'nonfinite' | 'error' | 'fatal', message: string }} Fault
 */

/** @typedef {Snapshot | Fault} WorkerEvent  what the worker posts unasked */
/** @typedef {Reply | WorkerEvent} WorkerMessage  everything the worker posts */

// ---- the worker's side --------------------------------------------------------------------------

/**
 * A handler's answer: the result, or the result with buffers to transfer rather than copy.
 * @template T
 * @typedef {T | { result: T, transfer: Transferable[] }} Answer
 */
/**
 * The worker's request handlers: one per request type, taking the session and the payload and
 * answering the result.
 * @typedef {import('./worker/worker-state.mjs').Session} Session
 * @typedef {{ [K in RequestType]: (session: Session, payload: Payload<K>) => Answer<Result<K>> | Promise<Answer<Result<K>>> }} Handlers
 */

// ---- the page's side ----------------------------------------------------------------------------

/** A request that failed in the worker: carries the worker's sentence and its LmlabError code. */
export class WorkerError extends Error {
  /** @param {string} message @param {number} [code] 0 unless the C library gave a status */
  constructor(message, code = 0) {
    super(message);
    this.name = 'WorkerError';
    this.code = code;
  }
}

/**
 * @typedef {object} Connection
 * @property {<K extends RequestType>(session: number, type: K, payload?: Payload<K>, transfer?: Transferable[]) => Promise<Result<K>>} call
 *   send a request about a session; resolves with its result or rejects with a WorkerError
 * @property {(message: string) => void} failAll reject every outstanding request (the worker died)
 */

/**
 * Wrap a Worker: call(session, type, payload, transfer) → a promise of the reply's result; snapshots
 * and faults go to onEvent.
 * @param {Worker} worker
 * @param {(event: WorkerEvent) => void} onEvent
 * @returns {Connection}
 */
export function connect(worker, onEvent) {
  let nextId = 1;
  /** @type {Map<number, { resolve: (result: any) => void, reject: (error: WorkerError) => void }>} */
  const pending = new Map();
  worker.addEventListener('message', (event) => {
    const message = /** @type {WorkerMessage} */ (event.data);
    if (message.type === 'reply') {
      const entry = pending.get(message.id);
      if (!entry) return;
      pending.delete(message.id);
      if ('error' in message) entry.reject(new WorkerError(message.error, message.code));
      else entry.resolve(message.result);
    } else {
      onEvent(message);
    }
  });
  return {
    call(session, type, payload, transfer = []) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ ...payload, id, session, type }, transfer);
      });
    },
    failAll(message) {
      for (const entry of pending.values()) entry.reject(new WorkerError(message));
      pending.clear();
    },
  };
}
