// features.mjs — what this WebAssembly engine can run, decided by validating tiny modules (never by
// the browser's name or version). Only relaxed SIMD matters today: build/lmlab-fma.wasm computes its
// matrix products with f32x4.relaxed_madd (fused multiply-add where the CPU has it), which Chromium
// runs by default and Node 20 only with --experimental-wasm-relaxed-simd.

/** (module (func v128.const 0 v128.const 0 v128.const 0 f32x4.relaxed_madd drop)) */
const RELAXED_MADD_PROBE = (() => {
  const zero = () => [0xfd, 0x0c, ...new Array(16).fill(0)]; // v128.const 0
  const body = [0x00, ...zero(), ...zero(), ...zero(), 0xfd, 0x85, 0x02, 0x1a, 0x0b];
  const code = [0x01, body.length, ...body];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // magic, version 1
    ...[0x01, 0x04, 0x01, 0x60, 0x00, 0x00], // type section: () -> ()
    ...[0x03, 0x02, 0x01, 0x00], // function section: one function of type 0
    ...[0x0a, code.length, ...code], // code section
  ]);
})();

let relaxedSimd = false;

/**
 * Whether this engine validates f32x4.relaxed_madd (WebAssembly relaxed SIMD), so that
 * build/lmlab-fma.wasm can run here. A yes is kept; a no is asked again on the next call, because a
 * Node 20 program may turn the engine's flag on after the first question (the lmlab CLI does:
 * scripts/cli/_relaxed-simd.mjs).
 * @returns {boolean}
 */
export function relaxedSimdSupported() {
  if (!relaxedSimd) {
    try {
      relaxedSimd = typeof WebAssembly === 'object' && WebAssembly.validate(RELAXED_MADD_PROBE);
    } catch {
      relaxedSimd = false;
    }
  }
  return relaxedSimd;
}
