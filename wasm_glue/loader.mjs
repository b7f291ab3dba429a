// loader.mjs — instantiate lmlab.wasm in Node, a browser page or a Web Worker, and give the other
// glue modules one small `core` object: the raw exports, fresh memory views, scoped copies of typed
// arrays in and out, C status codes turned into thrown errors, and a base class for C handles.
// It knows nothing about models or pages.
import { STATUS } from './constants.mjs';
import { defaultWasmUrl } from './wasm-url.mjs';
import { relaxedSimdSupported } from './features.mjs';

/** The code of a failure outside C (reading or fetching the .wasm): 0, which no failing C call returns. */
const GLUE_FAILURE = STATUS.OK;

const IS_NODE = typeof process !== 'undefined' && !!process.versions?.node && !('window' in globalThis);

/** Any value as a short phrase for an error message; never throws (a Symbol or a BigInt in a template
 * literal would: `${Symbol()}` is a TypeError). */
export function describe(value) {
  switch (typeof value) {
    case 'number':
      return String(value);
    case 'bigint':
      return `${value}n (a BigInt)`;
    case 'symbol':
      return `${value.toString()} (a Symbol)`;
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    case 'undefined':
      return 'undefined';
    case 'function':
      return 'a function';
    default:
      return value === null
        ? 'null'
        : Array.isArray(value)
          ? 'an array'
          : typeof value === 'boolean'
            ? String(value)
            : 'an object';
  }
}

/** Error thrown for every failing C call; `code` is the C status (STATUS of constants.mjs, lm_status of lmlab.h). */
export class LmlabError extends Error {
  /** @param {string} message @param {number} code */
  constructor(message, code) {
    super(message);
    this.name = 'LmlabError';
    this.code = code;
  }
}

async function readWasmBytes(source, fileName) {
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return source;
  if (IS_NODE) {
    // getBuiltinModule, not import('node:…'): a bundler targeting browsers sees no node: import to resolve.
    const { readFile } = process.getBuiltinModule('node:fs/promises');
    const { fileURLToPath } = process.getBuiltinModule('node:url');
    const path = source instanceof URL || String(source).startsWith('file:') ? fileURLToPath(source) : String(source);
    try {
      return await readFile(path);
    } catch (err) {
      throw new LmlabError(
        `cannot read the WebAssembly module at ${path}: ${err.message} (in a clone of the repository, run \`make wasm\` first)`,
        GLUE_FAILURE,
      );
    }
  }
  const response = await fetch(source);
  if (!response.ok) {
    throw new LmlabError(
      `cannot fetch the WebAssembly module at ${source}: HTTP ${response.status} (put ${fileName} there, it is build/${fileName} in the lmlab package, or pass loadLmlab({ wasm: url }))`,
      GLUE_FAILURE,
    );
  }
  return response;
}

/** { instance, module }: the compiled module is kept so parallel trainers (parallel.mjs) can hand the
 * very same one to their workers. */
async function instantiateModule(source, imports, fileName) {
  const loaded = await readWasmBytes(source, fileName);
  if (typeof Response !== 'undefined' && loaded instanceof Response) {
    if (WebAssembly.instantiateStreaming) {
      try {
        return await WebAssembly.instantiateStreaming(loaded.clone(), imports);
      } catch {
        // Wrong MIME type from a static host: fall back to compiling the bytes ourselves.
      }
    }
    return WebAssembly.instantiate(await loaded.arrayBuffer(), imports);
  }
  if (loaded instanceof WebAssembly.Module)
    return { instance: await WebAssembly.instantiate(loaded, imports), module: loaded };
  return WebAssembly.instantiate(loaded, imports);
}

/**
 * Which file to load: `{ wasm }` as given; else the default file, its fused multiply-add build where
 * the engine has relaxed SIMD (or `fma: true` demands it), the plain SIMD128 build otherwise. Returns
 * the sources to try in order: an automatic choice of the FMA file falls back to the plain one if the
 * FMA file cannot be read (a copy of the package or site that carries only lmlab.wasm).
 * @param {{ wasm?: unknown, seq2seq?: boolean, fma?: boolean }} options
 * @returns {{ source: any, fileName: string }[]}
 */
function wasmSources(options) {
  const { fma } = options;
  if (fma !== undefined && typeof fma !== 'boolean')
    throw new LmlabError(`loadLmlab: fma must be true, false or left out, got ${describe(fma)}`, GLUE_FAILURE);
  if (options.wasm !== undefined) {
    if (fma !== undefined)
      throw new LmlabError('loadLmlab: fma chooses a default .wasm, so it cannot go with { wasm }', GLUE_FAILURE);
    return [{ source: options.wasm, fileName: 'lmlab.wasm' }];
  }
  const seq2seq = options.seq2seq === true;
  const supported = relaxedSimdSupported();
  if (fma === true && !supported)
    throw new LmlabError(
      'loadLmlab({ fma: true }): this WebAssembly engine has no relaxed SIMD (Node 20 needs --experimental-wasm-relaxed-simd)',
      GLUE_FAILURE,
    );
  const plain = { source: defaultWasmUrl(seq2seq, false), fileName: seq2seq ? 'lmlab-seq2seq.wasm' : 'lmlab.wasm' };
  if (!(fma ?? supported)) return [plain];
  const fused = {
    source: defaultWasmUrl(seq2seq, true),
    fileName: seq2seq ? 'lmlab-seq2seq-fma.wasm' : 'lmlab-fma.wasm',
  };
  return fma === true ? [fused] : [fused, plain];
}

/**
 * Instantiate the module and build the `core` used by the API modules.
 * @param {{ wasm?: string | URL | ArrayBuffer | ArrayBufferView | WebAssembly.Module, seq2seq?: boolean, fma?: boolean }} [options]
 */
export async function instantiateCore(options = {}) {
  const sources = wasmSources(options);
  for (const { source } of sources) if (source instanceof Error) throw new LmlabError(source.message, GLUE_FAILURE);
  let views = null;
  const refreshViews = () => {
    views = null;
  };
  const trap = (name) => () => {
    throw new LmlabError(`lmlab.wasm called ${name}, which the core never should`, GLUE_FAILURE);
  };
  const imports = {
    env: { emscripten_notify_memory_growth: refreshViews },
    wasi_snapshot_preview1: new Proxy({}, { get: (_, name) => trap(String(name)) }),
  };
  let instance, module;
  for (const [i, { source, fileName }] of sources.entries()) {
    try {
      ({ instance, module } = await instantiateModule(source, imports, fileName));
      break;
    } catch (err) {
      if (i === sources.length - 1) throw err; // the last choice: its own error
    }
  }
  const exports = /** @type {any} */ (instance.exports); // the C exports: functions and memory
  exports._initialize?.();
  return makeCore(exports, module, () => {
    const buffer = exports.memory.buffer;
    if (!views || views.buffer !== buffer) {
      views = {
        buffer,
        u8: new Uint8Array(buffer),
        i32: new Int32Array(buffer),
        u32: new Uint32Array(buffer),
        f32: new Float32Array(buffer),
        f64: new Float64Array(buffer),
      };
    }
    return views;
  });
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

function makeCore(exports, module, memory) {
  const errorMessage = () => {
    const ptr = exports.lm_error_message();
    const u8 = memory().u8;
    let end = ptr;
    while (u8[end] !== 0) end++;
    return decoder.decode(u8.subarray(ptr, end));
  };

  /** Throw an LmlabError carrying lm_error_message() when `status` is not LM_OK. */
  const check = (status) => {
    if (status !== STATUS.OK) throw new LmlabError(errorMessage() || `lmlab call failed with status ${status}`, status);
    return status;
  };

  /** Read a NUL-terminated UTF-8 string from linear memory. */
  const readCString = (ptr) => {
    if (!ptr) return '';
    const u8 = memory().u8;
    let end = ptr;
    while (u8[end] !== 0) end++;
    return decoder.decode(u8.subarray(ptr, end));
  };

  /**
   * Run `body(scope)` with temporary allocations that are all freed afterwards, even on throw.
   * scope.f32(arrayOrLength) / scope.i32(...) / scope.u8(...) copy in (or zero-fill) and return a
   * pointer; scope.str(text) copies a NUL-terminated UTF-8 string; scope.out(n) gives a pointer to
   * an int32 slot (for C out-parameters); scope.read*(ptr, n) copy results out.
   */
  const scoped = (body) => {
    const pointers = [];
    const alloc = (bytes) => {
      const ptr = exports.malloc(Math.max(bytes, 8));
      if (!ptr) throw new LmlabError(`out of WebAssembly memory allocating ${bytes} bytes`, STATUS.NOMEM);
      pointers.push(ptr);
      return ptr;
    };
    const copyIn = (Type, key) => (source) => {
      const length = typeof source === 'number' ? source : source.length;
      // Int32Array.set wraps what does not fit (2^32 + 3 → 3, 1.5 → 1): every value that reaches a C int
      // array is a whole number in range, whatever the caller's array type (the callers name their
      // argument first; this is the net under all of them)
      if (Type === Int32Array && typeof source !== 'number' && !(source instanceof Int32Array))
        for (let i = 0; i < length; i++) {
          const v = source[i];
          if (typeof v !== 'number' || !Number.isInteger(v) || v < -2147483648 || v > 2147483647)
            throw new LmlabError(
              `an id or size at index ${i} is ${describe(v)}, not a whole number from -2147483648 to 2147483647`,
              STATUS.ARG,
            );
        }
      const ptr = alloc(length * Type.BYTES_PER_ELEMENT);
      const view = memory()[key];
      const start = ptr / Type.BYTES_PER_ELEMENT;
      if (typeof source === 'number') view.fill(0, start, start + length);
      else view.set(source, start);
      return ptr;
    };
    const scope = {
      alloc,
      f32: copyIn(Float32Array, 'f32'),
      i32: copyIn(Int32Array, 'i32'),
      u8: copyIn(Uint8Array, 'u8'),
      str(text) {
        const bytes = typeof text === 'string' ? encoder.encode(text) : text;
        const ptr = alloc(bytes.length + 1);
        const u8 = memory().u8;
        u8.set(bytes, ptr);
        u8[ptr + bytes.length] = 0;
        return ptr;
      },
      out(count = 1) {
        const ptr = alloc(8 * count);
        memory().u8.fill(0, ptr, ptr + 8 * count);
        return ptr;
      },
    };
    try {
      return body(scope);
    } finally {
      for (const ptr of pointers) exports.free(ptr);
    }
  };

  return {
    exports,
    module, // the compiled WebAssembly.Module (parallel.mjs's workers instantiate the same one)
    memory,
    check,
    errorMessage,
    readCString,
    scoped,
    encoder,
    decoder,
    readF32: (ptr, n) => memory().f32.slice(ptr >> 2, (ptr >> 2) + n),
    readI32: (ptr, n) => memory().i32.slice(ptr >> 2, (ptr >> 2) + n),
    readU32: (ptr) => memory().u32[ptr >> 2],
    readI32At: (ptr) => memory().i32[ptr >> 2],
    readF64At: (ptr) => memory().f64[ptr >> 3],
    readBytes: (ptr, n) => memory().u8.slice(ptr, ptr + n),
  };
}

const finalizer =
  typeof FinalizationRegistry !== 'undefined' ? new FinalizationRegistry(({ free, ptr }) => free(ptr)) : null;

/**
 * Base class for JS objects that own a C object. `dispose()` frees it; using it afterwards throws a
 * clear error. A FinalizationRegistry frees forgotten objects as a safety net (call dispose anyway:
 * garbage collection of WASM-side memory is not prompt).
 */
export class Handle {
  /** @param {string} kind @param {number} ptr @param {(ptr:number)=>void} free */
  constructor(kind, ptr, free) {
    this._kind = kind;
    this._ptr = ptr;
    this._free = free;
    finalizer?.register(this, { free, ptr }, this);
  }
  /** The C pointer; throws if the object was disposed. */
  get ptr() {
    if (!this._ptr) throw new LmlabError(`this ${this._kind} was disposed and cannot be used again`, STATUS.HANDLE);
    return this._ptr;
  }
  get disposed() {
    return this._ptr === 0;
  }
  dispose() {
    if (!this._ptr) return;
    finalizer?.unregister(this);
    this._free(this._ptr);
    this._ptr = 0;
  }
}
