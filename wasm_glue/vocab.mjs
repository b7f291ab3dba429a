// vocab.mjs — the Vocab class over src/vocab.c: build from text, (de)serialise for model files,
// encode text to ids (the heavy work happens in C: a 1 MB text is a few milliseconds), decode ids, look
// tokens up. Here only what C cannot see is checked (option names and strings, JS types, options given
// at the wrong level); C checks the values (src/vocab.c) and its sentence is passed through.
import { describe, Handle, LmlabError } from './loader.mjs';
import { LEVEL, SENTENCES, STATUS, TOKENIZER_KIND, UNK_RULE, VOCAB_INFO } from './constants.mjs';

/** JS option strings → the C choices of lmlab.h. */
const LEVELS = { char: LEVEL.CHAR, word: LEVEL.WORD };
const TOKENIZERS = { words: TOKENIZER_KIND.WORDS, whitespace: TOKENIZER_KIND.WHITESPACE };
const SENTENCE_SPLITS = { lines: SENTENCES.LINES, punctuation: SENTENCES.PUNCT };
const BUILD_OPTIONS = new Set(['level', 'tokenizer', 'lowercase', 'sentences', 'minCount', 'maxSize', 'unk']);

const VOCAB_CLASSES = new WeakMap(); // core -> its Vocab class, for bigram.mjs and other modules

/** The Vocab class installed on `core` (install vocab.mjs first). */
export function vocabClassFor(core) {
  const Vocab = VOCAB_CLASSES.get(core);
  if (!Vocab) throw new Error('vocab.mjs must be installed before the modules that use Vocab');
  return Vocab;
}

/** A glue-level argument error (code STATUS.ARG, like C's LM_ERR_ARG). */
export function argError(message) {
  return new LmlabError(message, STATUS.ARG);
}

function pick(table, value, name, fallback) {
  if (value === undefined) return fallback;
  if (!Object.hasOwn(table, value)) {
    throw argError(
      `${name} must be one of ${Object.keys(table)
        .map((k) => `'${k}'`)
        .join(', ')}, got ${describe(value)}`,
    );
  }
  return table[value];
}

/** A whole number a C int32 holds (C checks its range). */
function wholeNumber(value, name, fallback) {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31)
    throw argError(`${name} must be a whole number, got ${value}`);
  return value;
}

/**
 * UTF-8 bytes of a text argument: a Uint8Array as it is (C validates it), a string encoded. A string
 * with a lone surrogate has no UTF-8 form: an error naming its index, not a silent U+FFFD.
 * @param {TextEncoder} encoder @param {string | Uint8Array} text @param {string} what
 */
export function utf8Of(encoder, text, what) {
  if (text instanceof Uint8Array) return text;
  if (typeof text !== 'string')
    throw argError(`${what} must be a string or a Uint8Array, got ${text === null ? 'null' : typeof text}`);
  if (!text.isWellFormed()) {
    throw new LmlabError(
      `${what} has a lone UTF-16 surrogate at index ${text.search(/[\uD800-\uDFFF]/u)}, which is not Unicode text`,
      STATUS.UTF8,
    );
  }
  return encoder.encode(text);
}

/**
 * The C lm_unk_rule of the `unk` option: 'auto' (or false, or absent): word level always has <unk>,
 * char level when minCount or maxSize dropped a character; 'always' (or true); 'never': no <unk>,
 * every type kept, unknown tokens an error when encoding.
 * @param {boolean | 'auto' | 'always' | 'never' | undefined} value
 */
function unkRule(value) {
  if (value === undefined || value === false || value === 'auto') return UNK_RULE.AUTO;
  if (value === true || value === 'always') return UNK_RULE.ALWAYS;
  if (value === 'never') return UNK_RULE.NEVER;
  throw argError(`unk must be 'auto', 'always' or 'never' (or true / false), got ${describe(value)}`);
}

/** @param {ReturnType<typeof import('./loader.mjs').instantiateCore> extends Promise<infer C> ? C : never} core */
export function install(core) {
  const X = core.exports;
  const textBytes = (text, what) => utf8Of(core.encoder, text, what);

  /** Run C's lm_vocab_encode and copy the ids (and sentence starts) out. */
  const encodeRaw = (ptr, text, split) =>
    core.scoped((s) => {
      const bytes = textBytes(text, 'the text');
      const textPtr = s.u8(bytes);
      const out = s.out(4); // ids*, n, starts*, n_sentences (4-byte slots, 8 apart)
      core.check(X.lm_vocab_encode(ptr, textPtr, bytes.length, split, out, out + 8, out + 16, out + 24));
      const idsPtr = core.readI32At(out),
        n = core.readI32At(out + 8);
      const startsPtr = core.readI32At(out + 16),
        sentences = core.readI32At(out + 24);
      const ids = core.readI32(idsPtr, n);
      const starts = core.readI32(startsPtr, sentences + 1);
      X.lm_free(idsPtr);
      X.lm_free(startsPtr);
      return { ids, starts };
    });

  const noFree = () => {};

  class Vocab extends Handle {
    /** @private Use Vocab.build or Vocab.fromJSON. */
    constructor(ptr, owned = true) {
      super('Vocab', ptr, owned ? (p) => core.check(X.lm_vocab_free(p)) : noFree);
      this._owned = owned;
      /** @type {object | null} the model that owns a borrowed vocabulary (kept alive by this reference) */
      this._owner = null;
      this._info = core.scoped((s) => {
        // by VOCAB_INFO
        const out = s.i32(VOCAB_INFO.COUNT);
        core.check(X.lm_vocab_info(ptr, out));
        return core.readI32(out, VOCAB_INFO.COUNT);
      });
      this._tokens = null;
      this._counts = null;
    }

    /**
     * Build from training text. Invalid UTF-8 throws naming the byte offset.
     * @param {string | Uint8Array} text
     * @param {import('./index').VocabOptions} options
     */
    static build(text, options) {
      if (!options || typeof options !== 'object') throw argError("Vocab.build needs options, e.g. { level: 'word' }");
      for (const key of Object.keys(options)) {
        if (!BUILD_OPTIONS.has(key))
          throw argError(`unknown Vocab option '${key}' (known: ${[...BUILD_OPTIONS].join(', ')})`);
      }
      if (options.level === undefined) throw argError("Vocab.build: options.level is required ('char' or 'word')");
      const level = pick(LEVELS, options.level, 'level');
      if (level === LEVEL.CHAR) {
        // C sees only values: an explicit default given at char level is caught here
        for (const key of ['tokenizer', 'sentences', 'lowercase']) {
          if (options[key] !== undefined && options[key] !== false)
            throw argError(`the ${key} option applies to word-level vocabularies only`);
        }
      }
      const tokenizer = pick(TOKENIZERS, options.tokenizer, 'tokenizer', TOKENIZER_KIND.WORDS);
      const sentences = pick(SENTENCE_SPLITS, options.sentences, 'sentences', SENTENCES.LINES);
      if (options.lowercase !== undefined && typeof options.lowercase !== 'boolean')
        throw argError('lowercase must be true or false');
      const unk = unkRule(options.unk);
      const minCount = wholeNumber(options.minCount, 'minCount', 1);
      const maxSize = wholeNumber(options.maxSize, 'maxSize', 0);
      const ptr = core.scoped((s) => {
        const bytes = textBytes(text, 'the training text');
        const out = s.out();
        core.check(
          X.lm_vocab_build(
            out,
            s.u8(bytes),
            bytes.length,
            level,
            tokenizer,
            options.lowercase ? 1 : 0,
            sentences,
            minCount,
            maxSize,
            unk,
          ),
        );
        return core.readI32At(out);
      });
      return new Vocab(ptr);
    }

    /**
     * Rebuild from toJSON() output (as stored in model files).
     * @param {import('./index').VocabJSON} json
     */
    static fromJSON(json) {
      if (typeof json === 'string') {
        try {
          json = JSON.parse(json);
        } catch (e) {
          throw argError(`Vocab.fromJSON needs the JSON of vocab.toJSON(): ${e instanceof Error ? e.message : e}`);
        }
      }
      if (!json || typeof json !== 'object') throw argError('Vocab.fromJSON needs an object from vocab.toJSON()');
      const level = pick(LEVELS, json.level, 'vocabulary level');
      const { tokens, counts } = json;
      if (!Array.isArray(tokens) || !tokens.every((t) => typeof t === 'string' && t.isWellFormed()))
        throw argError('vocabulary tokens must be an array of well-formed strings');
      if (
        !Array.isArray(counts) ||
        counts.length !== tokens.length ||
        !counts.every((c) => Number.isInteger(c) && Math.abs(c) < 2 ** 31)
      ) {
        throw argError('vocabulary counts must be one whole number per token');
      }
      const encoded = tokens.map((t) => core.encoder.encode(t));
      const bytes = new Uint8Array(encoded.reduce((n, b) => n + b.length, 0));
      let at = 0;
      for (const b of encoded) {
        bytes.set(b, at);
        at += b.length;
      }
      const ptr = core.scoped((s) => {
        const out = s.out();
        core.check(
          X.lm_vocab_from_tokens(
            out,
            level,
            pick(TOKENIZERS, json.tokenizer, 'tokenizer', TOKENIZER_KIND.WORDS),
            json.lowercase ? 1 : 0,
            pick(SENTENCE_SPLITS, json.sentences, 'sentences', SENTENCES.LINES),
            s.u8(bytes),
            s.i32(encoded.map((b) => b.length)),
            s.i32(counts),
            tokens.length,
          ),
        );
        return core.readI32At(out);
      });
      return new Vocab(ptr);
    }

    /** @internal a vocabulary owned by a model: dispose() is a no-op, the model frees it (and is kept
     *  alive by this reference while the vocabulary is in use). */
    static _borrow(ptr, owner) {
      const vocab = new Vocab(ptr, false);
      vocab._owner = owner;
      return vocab;
    }
    /** @internal the owner was freed: further use throws. */
    _detach() {
      this._ptr = 0;
    }
    dispose() {
      if (this._owned) super.dispose();
    }

    get size() {
      this.ptr;
      return this._info[VOCAB_INFO.SIZE];
    }
    get level() {
      this.ptr;
      return this._info[VOCAB_INFO.LEVEL] === LEVEL.CHAR ? 'char' : 'word';
    }
    get unk() {
      this.ptr;
      return this._info[VOCAB_INFO.UNK];
    }
    get bos() {
      this.ptr;
      return this._info[VOCAB_INFO.BOS];
    }
    get eos() {
      this.ptr;
      return this._info[VOCAB_INFO.EOS];
    }

    /** Every token as a string, by id (cached: the vocabulary never changes). */
    tokens() {
      if (!this._tokens) {
        const ptr = this.ptr,
          V = this.size;
        this._tokens = core.scoped((s) => {
          const out = s.out(3);
          core.check(X.lm_vocab_views(ptr, out, out + 8, out + 16));
          const bytesPtr = core.readI32At(out),
            offsets = new Uint32Array(core.readI32(core.readI32At(out + 8), V + 1).buffer);
          this._counts = core.readI32(core.readI32At(out + 16), V);
          this._offsets = offsets; // (V+1,) into _arena
          this._arena = core.readBytes(bytesPtr, offsets[V]); // every token's UTF-8 bytes
          const list = new Array(V);
          for (let i = 0; i < V; i++) list[i] = core.decoder.decode(this._arena.subarray(offsets[i], offsets[i + 1]));
          return list;
        });
      }
      return this._tokens;
    }

    /** Training count of each id: (V,) */
    counts() {
      this.tokens();
      return this._counts.slice();
    }

    /** Token stream (see index.d.ts). @param {string | Uint8Array} text */
    encode(text) {
      return encodeRaw(this.ptr, text, 0).ids;
    }

    /** One Int32Array per sentence (word level, padded) or per line (char level). @param {string | Uint8Array} text */
    encodeSentences(text) {
      const { ids, starts } = encodeRaw(this.ptr, text, 1);
      const sentences = [];
      for (let i = 0; i + 1 < starts.length; i++) sentences.push(ids.subarray(starts[i], starts[i + 1]));
      return sentences;
    }

    /** The sentences that batching 'sentences' trains on. Word level: encodeSentences (<s> … </s>, split
     *  by the vocabulary's sentences option). Char level: lines, each from the newline before it (its
     *  start, as <s>) through its own newline (its end, as </s>), so every character but the text's first
     *  is predicted once, newlines included; text without a newline is one sentence.
     *  @param {string | Uint8Array} text */
    trainingSentences(text) {
      if (this.level === 'word') return this.encodeSentences(text);
      const ids = this.encode(text);
      const newline = this.tokens().indexOf('\n');
      const sentences = [];
      let start = 0;
      for (let i = 0; i < ids.length; i++) {
        if (ids[i] !== newline || i === start) continue;
        sentences.push(ids.subarray(start, i + 1));
        start = i;
      }
      if (ids.length - start > 1 || sentences.length === 0) sentences.push(ids.subarray(start));
      return sentences;
    }

    /** Ids to text: char level concatenates; word level joins words with spaces, one sentence per line.
     *  Works on UTF-8 bytes (one TextDecoder call), so a million ids take milliseconds. */
    decode(ids) {
      const V = this.tokens().length,
        arena = this._arena,
        offsets = this._offsets;
      const word = this.level === 'word',
        bos = this.bos,
        eos = this.eos;
      let bytes = 0;
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i];
        if (!Number.isInteger(id) || id < 0 || id >= V)
          throw argError(`id ${describe(id)} at position ${i} is outside the vocabulary [0, ${V})`);
        bytes += offsets[id + 1] - offsets[id] + (word ? 1 : 0); // + a space or newline
      }
      const out = new Uint8Array(bytes);
      let at = 0,
        lineStart = true;
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i];
        if (word) {
          if (id === bos) continue;
          if (id === eos) {
            if (!lineStart) {
              out[at++] = 10;
              lineStart = true;
            }
            continue;
          }
          if (!lineStart) out[at++] = 32;
          lineStart = false;
        }
        const start = offsets[id],
          end = offsets[id + 1];
        if (end - start === 1) out[at++] = arena[start];
        else {
          out.set(arena.subarray(start, end), at);
          at += end - start;
        }
      }
      if (word && at > 0 && out[at - 1] === 10) at--;
      return core.decoder.decode(out.subarray(0, at));
    }

    /** Id of a token; unknown tokens give <unk> (or -1 when the vocabulary has none). @param {string} token */
    idOf(token) {
      if (typeof token !== 'string') throw argError(`a token must be a string, got ${describe(token)}`);
      const ptr = this.ptr;
      return core.scoped((s) => {
        const bytes = textBytes(token, 'the token'),
          out = s.out();
        core.check(X.lm_vocab_id_of(ptr, s.u8(bytes), bytes.length, out));
        return core.readI32At(out);
      });
    }

    /** @param {number} id */
    tokenOf(id) {
      const tokens = this.tokens();
      if (!Number.isInteger(id) || id < 0 || id >= tokens.length)
        throw argError(`id ${describe(id)} is outside the vocabulary [0, ${tokens.length})`);
      return tokens[id];
    }

    /** The model-file form: options, tokens by id and their training counts. */
    toJSON() {
      const json = { level: this.level };
      if (json.level === 'word') {
        json.tokenizer = this._info[VOCAB_INFO.TOKENIZER] === TOKENIZER_KIND.WHITESPACE ? 'whitespace' : 'words';
        json.lowercase = this._info[VOCAB_INFO.LOWERCASE] === 1;
        json.sentences = this._info[VOCAB_INFO.SENTENCES] === SENTENCES.PUNCT ? 'punctuation' : 'lines';
      }
      json.tokens = this.tokens().slice();
      json.counts = Array.from(this._counts);
      return json;
    }
  }

  VOCAB_CLASSES.set(core, Vocab);
  return { Vocab };
}
