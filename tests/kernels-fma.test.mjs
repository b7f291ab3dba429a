// kernels-fma.test.mjs — the fast kernels of the fused multiply-add build (build/lmlab-kernels-fma.wasm,
// relaxed SIMD) against their references: tests/kernels-suite.mjs. Node 20 runs relaxed SIMD only with
// --experimental-wasm-relaxed-simd, so without it this file runs itself again in a Node that has the
// flag (the suite never silently skips).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { relaxedSimdSupported } from '../wasm_glue/index.mjs';
import { kernelSuite } from './kernels-suite.mjs';

if (relaxedSimdSupported()) {
  kernelSuite({ fma: true });
} else {
  test('the FMA kernels, in a Node with --experimental-wasm-relaxed-simd', () => {
    // a test runner's child reports in its protocol when NODE_TEST_CONTEXT is set: this one reports as a program
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const run = spawnSync(
      process.execPath,
      ['--experimental-wasm-relaxed-simd', '--test', '--test-reporter=spec', fileURLToPath(import.meta.url)],
      { encoding: 'utf8', env },
    );
    assert.equal(run.status, 0, `the relaxed-SIMD run failed:\n${run.stdout}\n${run.stderr}`);
    assert.match(run.stdout, /relaxed-SIMD path/); // the suite ran, not a skip
  });
}
