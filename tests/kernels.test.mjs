// kernels.test.mjs — the fast kernels of the plain SIMD128 build (build/lmlab-kernels.wasm, the
// fallback where the engine has no relaxed SIMD) against their references: tests/kernels-suite.mjs.
import { kernelSuite } from './kernels-suite.mjs';

kernelSuite({ fma: false });
