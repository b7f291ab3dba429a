// core-api.mjs — the small API of the shared plumbing: the last error, and memory use.
/** @param {ReturnType<typeof import('./loader.mjs').instantiateCore> extends Promise<infer C> ? C : never} core */
export function install(core) {
  return {
    /** The message of the last failing C call ('' if none). */
    lastErrorMessage: () => core.errorMessage(),
    /** Bytes of WebAssembly linear memory currently reserved (grows, never shrinks). */
    memoryBytes: () => core.memory().buffer.byteLength,
  };
}
