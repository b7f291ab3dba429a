// _relaxed-simd.mjs — fused multiply-add for the CLI on Node 20. WebAssembly relaxed SIMD
// (f32x4.relaxed_madd, which build/lmlab-fma.wasm uses) is on by default from Node 22 and in Chromium,
// but Node 20 runs it only behind V8's --experimental-wasm-relaxed-simd, and there the plain SIMD128
// build trains the LSTM H 256 about a fifth slower (docs/benchmarks.md, "Fused multiply-add in Node").
// The CLI and the benchmarks turn that flag on for their own process, before any WebAssembly is
// compiled; V8's flags are per process, so the ParallelTrainer's worker threads get it too. The glue
// (wasm_glue/) never changes the flags of a program that imports it.
import { setFlagsFromString } from 'node:v8';
import { relaxedSimdSupported } from '../../wasm_glue/features.mjs';

const FLAG = '--experimental-wasm-relaxed-simd';

/**
 * Make relaxed SIMD available to this process if the engine has it behind a flag.
 * @returns {'native' | 'enabled' | 'unavailable'} on by default, turned on here, or not in this engine
 */
export function enableRelaxedSimd() {
  if (relaxedSimdSupported()) return 'native';
  setFlagsFromString(FLAG); // an engine without the flag ignores it (and the probe below still says no)
  return relaxedSimdSupported() ? 'enabled' : 'unavailable';
}
