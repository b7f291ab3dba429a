// kernels-browser.test.mjs — both kernel builds in headless Chromium (which runs relaxed SIMD by
// default): the glue's feature detection picks build/lmlab-fma.wasm there, and the fast products of
// build/lmlab-kernels-fma.wasm and build/lmlab-kernels.wasm, and the scalar reference kernels of each
// (ref = 1), match float64 sums within the forward-error bound of float32 dot products, the FMA build
// fusing where the CPU has FMA. The glue is served unbundled from the repository.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openBrowser } from './browser/harness.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
let browser, page;
/** @type {string[]} URLs the page failed to get (the browser's own favicon.ico aside) */
const failed = [];

before(async () => {
  browser = await openBrowser(ROOT);
  // any page of the origin: the test imports the glue into it
  page = await browser.newPage('package.json', undefined, (p) =>
    p.on('response', (r) => r.status() >= 400 && !r.url().endsWith('/favicon.ico') && failed.push(r.url())),
  );
});
after(async () => {
  await browser?.close();
});

/** In the page: load `file`, run every op on odd shapes with the fast kernel and the reference; return
 * the kernel path, the worst error in units of the bound, and the fused-or-not probe's result. */
async function runKernels(file) {
  const { loadLmlab } = await import('/wasm_glue/index.mjs');
  const { core } = await loadLmlab({ wasm: `/build/${file}` });
  let seed = 7;
  const rand = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return (seed >>> 8) / 8388608 - 1;
  };
  const matmul = (op, ref, C, A, B, lda, ldb, M, K, N) =>
    core.scoped((s) => {
      const c = s.f32(C);
      core.check(core.exports.lm_kernel_matmul(op, ref, c, N, s.f32(A), lda, s.f32(B), ldb, M, K, N));
      return core.readF32(c, C.length);
    });
  let worst = 0;
  for (const op of [0, 1, 2])
    for (const [M, K, N] of [
      [1, 300, 65],
      [3, 17, 7],
      [32, 128, 128],
      [65, 129, 17],
      [800, 65, 16],
    ]) {
      const [aRows, aCols] = op === 1 ? [K, M] : [M, K];
      const [bRows, bCols] = op === 2 ? [N, K] : [K, N];
      const A = Float32Array.from({ length: aRows * aCols }, rand);
      const B = Float32Array.from({ length: bRows * bCols }, rand);
      const C0 = Float32Array.from({ length: M * N }, rand);
      const fast = matmul(op, 0, C0, A, B, aCols, bCols, M, K, N);
      const slow = matmul(op, 1, C0, A, B, aCols, bCols, M, K, N); // the scalar reference of the same .wasm
      const a = (i, k) => (op === 1 ? A[k * aCols + i] : A[i * aCols + k]);
      const b = (k, j) => (op === 2 ? B[j * bCols + k] : B[k * bCols + j]);
      for (let i = 0; i < M; i++)
        for (let j = 0; j < N; j++) {
          let exact = C0[i * N + j],
            mag = Math.abs(exact);
          for (let k = 0; k < K; k++) {
            exact += a(i, k) * b(k, j);
            mag += Math.abs(a(i, k) * b(k, j));
          }
          const bound = (K + 2) * 2 ** -23 * mag;
          worst = Math.max(worst, Math.abs(fast[i * N + j] - exact) / bound, Math.abs(slow[i * N + j] - exact) / bound);
        }
    }
  // -(1 + 2^-11) + (1 + 2^-12)²: 0 when the product is rounded first, 2^-24 fused
  const h = 1 + 2 ** -12;
  const probe = matmul(
    0,
    0,
    new Float32Array(32),
    [-(1 + 2 ** -11), h, -(1 + 2 ** -11), h],
    [...new Array(16).fill(1), ...new Array(16).fill(h)],
    2,
    16,
    2,
    2,
    16,
  );
  return { path: core.readCString(core.exports.lm_kernel_path()), worst, probe: [...new Set(probe)] };
}

test('Chromium detects relaxed SIMD and loadLmlab() loads the FMA build; { fma: false } the plain one', async () => {
  const got = await page.evaluate(async () => {
    const { loadLmlab, relaxedSimdSupported } = await import('/wasm_glue/index.mjs');
    return [relaxedSimdSupported(), (await loadLmlab()).fma, (await loadLmlab({ fma: false })).fma];
  });
  assert.deepEqual(got, [true, true, false]);
});

test('both kernel builds match the float64 reference in Chromium; the FMA build fuses where the CPU can', async () => {
  const cpuFma = /^flags\s*:.*\bfma\b/m.test(readFileSync('/proc/cpuinfo', 'utf8'));
  for (const [file, path, fused] of [
    ['lmlab-kernels.wasm', 'wasm-simd128', false],
    ['lmlab-kernels-fma.wasm', 'wasm-relaxed-simd', cpuFma],
  ]) {
    const r = await page.evaluate(runKernels, file);
    assert.equal(r.path, path);
    assert.ok(r.worst <= 1, `${file}: error ${r.worst} × the bound`);
    assert.deepEqual(r.probe, [fused ? 2 ** -24 : 0], file);
  }
  assert.deepEqual(failed, []);
  assert.deepEqual(
    page.errors.filter((e) => !/Failed to load resource: .* 404/.test(e)),
    [],
  );
});
