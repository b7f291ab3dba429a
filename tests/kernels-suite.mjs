// kernels-suite.mjs — the tests of the fast matmul kernels of one .wasm build, run by
// tests/kernels.test.mjs (plain SIMD128, build/lmlab-kernels.wasm) and tests/kernels-fma.test.mjs
// (relaxed SIMD, build/lmlab-kernels-fma.wasm): the kernels against a float64 JS reference on odd
// shapes and strided rows, within the forward-error bound of a K-term float32 dot product (a fused
// multiply-add only rounds less); NaN in the padding of A and B must not reach C and the padding of C
// must stay untouched. Also every error message of lm_kernel_matmul (kernels_api.c), through
// core.check. These exports live in build/lmlab-kernels*.wasm: the same objects as build/lmlab.wasm
// plus kernels_api.c (see Makefile).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { KERNEL_OP, loadLmlab, LmlabError } from '../wasm_glue/index.mjs';

/** Does this CPU have fused multiply-add (x86 "fma" flag)? Then V8 fuses f32x4.relaxed_madd. null: cannot tell. */
function cpuHasFma() {
  try {
    return /^flags\s*:.*\bfma\b/m.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Register the kernel tests for one build.
 * @param {{ fma: boolean }} build fma: the relaxed-SIMD build (build/lmlab-kernels-fma.wasm, path
 *   "wasm-relaxed-simd"), else the plain one (build/lmlab-kernels.wasm, "wasm-simd128")
 */
export function kernelSuite({ fma }) {
  const KERNELS_WASM = new URL(
    fma ? '../build/lmlab-kernels-fma.wasm' : '../build/lmlab-kernels.wasm',
    import.meta.url,
  );
  let core;
  before(async () => {
    core = (await loadLmlab({ wasm: KERNELS_WASM })).core;
  });

  const OPS = { nn: KERNEL_OP.NN, tn: KERNEL_OP.TN, nt: KERNEL_OP.NT };
  const EPS = 2 ** -23; // float32 epsilon
  const SENTINEL = -12345.5;
  let seed = 99;
  const rand = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return (seed >>> 8) / 8388608 - 1;
  };

  /** rows × ld float32 values: random in the first cols of a row, `pad` after. */
  function matrix(rows, cols, ld, pad) {
    const m = new Float32Array(rows * ld);
    for (let r = 0; r < rows; r++) for (let c = 0; c < ld; c++) m[r * ld + c] = c < cols ? rand() : pad;
    return m;
  }

  /** Runs op ('nn' | 'tn' | 'nt', or a raw number) on the .wasm (ref = 0: fast kernel); returns the new C. */
  function wasmMatmul(op, ref, C, ldc, A, lda, B, ldb, M, K, N) {
    return core.scoped((s) => {
      const c = s.f32(C);
      core.check(core.exports.lm_kernel_matmul(OPS[op] ?? op, ref, c, ldc, s.f32(A), lda, s.f32(B), ldb, M, K, N));
      return core.readF32(c, C.length);
    });
  }

  /** Checks one product; returns a failure description or ''. */
  function checkProduct(op, M, K, N, pad) {
    const [aRows, aCols] = op === 'tn' ? [K, M] : [M, K];
    const [bRows, bCols] = op === 'nt' ? [N, K] : [K, N];
    const lda = aCols + pad,
      ldb = bCols + 2 * pad,
      ldc = N + 3 * pad;
    const A = matrix(aRows, aCols, lda, pad ? NaN : 0),
      B = matrix(bRows, bCols, ldb, pad ? NaN : 0);
    const C0 = matrix(M, N, ldc, SENTINEL);
    const C = wasmMatmul(op, 0, C0, ldc, A, lda, B, ldb, M, K, N);
    const a = (i, k) => (op === 'tn' ? A[k * lda + i] : A[i * lda + k]);
    const b = (k, j) => (op === 'nt' ? B[j * ldb + k] : B[k * ldb + j]);
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < ldc; j++) {
        const at = i * ldc + j;
        if (j >= N) {
          if (C[at] !== SENTINEL) return `${op} ${M}×${K}×${N} pad ${pad}: wrote C padding at (${i}, ${j})`;
          continue;
        }
        let exact = C0[at],
          mag = Math.abs(C0[at]);
        for (let k = 0; k < K; k++) {
          const p = a(i, k) * b(k, j);
          exact += p;
          mag += Math.abs(p);
        }
        const bound = (K + 2) * EPS * mag;
        if (!(Math.abs(C[at] - exact) <= bound)) {
          return `${op} ${M}×${K}×${N} pad ${pad}: C(${i}, ${j}) = ${C[at]}, expected ${exact} ± ${bound}`;
        }
      }
    }
    return '';
  }

  test(`the .wasm uses the ${fma ? 'relaxed-SIMD' : 'SIMD128'} path`, () => {
    assert.equal(core.readCString(core.exports.lm_kernel_path()), fma ? 'wasm-relaxed-simd' : 'wasm-simd128');
  });

  test(`the products ${fma ? 'fuse multiply and add where the CPU can' : 'round the product before the add'}`, () => {
    // acc = a0·b0 = -(1 + 2^-11) exactly, then acc += a1·b1 with a1·b1 = 1 + 2^-11 + 2^-24: rounded
    // first (mul, add) that is 1 + 2^-11 (a tie, to even) and the sum 0; fused, the sum is 2^-24.
    const a = 1 + 2 ** -12,
      [M, K, N] = [2, 2, 16];
    const A = Float32Array.from({ length: M * K }, (_, i) => (i % K === 0 ? -(1 + 2 ** -11) : a));
    const B = Float32Array.from({ length: K * N }, (_, i) => (i < N ? 1 : a));
    for (const [m, op] of [
      [M, 'nn'], // the register tile
      [1, 'nn'], // the one-row path
    ]) {
      const C = wasmMatmul(op, 0, new Float32Array(m * N), N, A, K, B, N, m, K, N);
      const fused = 2 ** -24;
      for (const c of C) assert.ok(c === 0 || (fma && c === fused), `${op} M = ${m}: ${c}`);
      if (fma && cpuHasFma())
        assert.ok(
          C.every((c) => c === fused),
          `this CPU has FMA, yet ${op} M = ${m} gave ${C[0]}`,
        );
      if (!fma) assert.ok(C.every((c) => c === 0));
    }
  });

  test('fast matmuls match the reference on odd shapes (every tile remainder, K past the 256 packing block), contiguous and strided', () => {
    // M and N hit every tile remainder (2-row tiles; 16 columns in 1..4 vectors); K = 300 spans two
    // 256-row packed panels.
    const ms = [1, 3, 4, 17, 65],
      ks = [1, 17, 129, 300],
      ns = [1, 3, 7, 11, 14, 17, 65];
    const failures = [];
    for (const op of Object.keys(OPS)) {
      for (const [ai, M] of ms.entries())
        for (const [bi, K] of ks.entries())
          for (const [ci, N] of ns.entries()) {
            const f = checkProduct(op, M, K, N, (ai + bi + ci) % 2 ? 5 : 0);
            if (f) failures.push(f);
          }
      for (const [M, K, N, pad] of [
        [129, 65, 3, 5],
        [3, 129, 129, 0],
        [129, 300, 17, 5],
      ]) {
        const f = checkProduct(op, M, K, N, pad);
        if (f) failures.push(f);
      }
    }
    assert.deepEqual(failures, []);
  });

  test("the models' shapes: time slices of (32, 25, 128) and N·T = 800 rows", () => {
    const failures = [
      checkProduct('nn', 32, 128, 128, 3200 - 128),
      checkProduct('tn', 128, 32, 128, 3200 - 128),
      checkProduct('nt', 32, 128, 128, 3200 - 128),
      checkProduct('nn', 800, 65, 128, 0),
      checkProduct('tn', 65, 800, 128, 0),
      checkProduct('nt', 800, 128, 65, 0),
    ].filter(Boolean);
    assert.deepEqual(failures, []);
  });

  test('the check can fail: one term missing from a product is far outside the bound', () => {
    const M = 5,
      K = 300,
      N = 9;
    const A = matrix(M, K, K, 0),
      B = matrix(K, N, N, 0),
      C0 = new Float32Array(M * N);
    const C = wasmMatmul('nn', 0, C0, N, A, K, B, N, M, K, N);
    let exact = 0,
      mag = 0;
    for (let k = 1; k < K; k++) {
      exact += A[k] * B[k * N];
      mag += Math.abs(A[k] * B[k * N]);
    } // k = 0 left out
    assert.ok(Math.abs(C[0] - exact) > (K + 2) * EPS * mag);
  });

  test('lm_kernel_matmul rejects bad arguments with a sentence naming them', () => {
    const A = new Float32Array(6),
      B = new Float32Array(6),
      C = new Float32Array(4);
    const cases = [
      [[3, 0, C, 2, A, 3, B, 2, 2, 3, 2], /op must be 0 \(A·B\), 1 \(Aᵀ·B\) or 2 \(A·Bᵀ\), got 3/],
      [['nn', 2, C, 2, A, 3, B, 2, 2, 3, 2], /ref must be 0 \(fast kernel\) or 1 \(reference\), got 2/],
      [['nn', 0, C, 2, A, 3, B, 2, 0, 3, 2], /^kernel_matmul: M must be at least 1, got 0$/],
      [['nn', 0, C, 2, A, 3, B, 2, 2, -1, 2], /^kernel_matmul: K must be at least 1, got -1$/],
      [['nn', 0, C, 1, A, 3, B, 2, 2, 3, 2], /ldc = 1 is less than the 2 elements of one stored row of C/],
      [['tn', 0, C, 2, A, 1, B, 2, 2, 3, 2], /lda = 1 is less than the 2 elements of one stored row of A/],
      [['nt', 0, C, 2, A, 3, B, 2, 2, 3, 2], /ldb = 2 is less than the 3 elements of one stored row of B/],
    ];
    for (const [[op, ...rest], message] of cases) {
      assert.throws(
        () => wasmMatmul(op, ...rest),
        (e) => e instanceof LmlabError && message.test(e.message),
      );
    }
    assert.throws(
      () => core.check(core.exports.lm_kernel_matmul(0, 0, 0, 2, 8, 3, 8, 2, 2, 3, 2)),
      /kernel_matmul: C is NULL; it is required$/,
    );
    // the one size rule: a matrix's span (rows - 1)·ld + cols within LIMITS.MAX_CALL_ELEMS
    assert.throws(
      () => core.check(core.exports.lm_kernel_matmul(0, 0, 8, 2, 8, 1 << 24, 8, 2, 32, 3, 2)),
      /kernel_matmul: A \(32 rows, lda = 16777216\) spans more than the 268435456 elements one call accepts$/,
    );
  });

  // ---- activations ------------------------------------------------------------------------------------

  /** The error of y against the exact t in units of t's float32 spacing. */
  function ulps(y, t) {
    const at = Math.max(Math.abs(t), 2 ** -126);
    const f = Math.fround(at);
    const spacing = f * 2 ** -23 > 2 ** -149 ? 2 ** (Math.floor(Math.log2(f)) - 23) : 2 ** -149;
    return Math.abs(y - t) / spacing;
  }

  /** Applies lm_kernel_elementwise(fn) to Y (M, N) with rows ld apart; returns the new Y. */
  function wasmElementwise(fn, Y, ld, M, N) {
    return core.scoped((s) => {
      const p = s.f32(Y);
      core.check(core.exports.lm_kernel_elementwise(fn, p, ld, M, N));
      return core.readF32(p, Y.length);
    });
  }

  test('tanh, sigmoid and exp of the .wasm are within 3 float ulps of the exact values, padding untouched', () => {
    const M = 3,
      N = 4001,
      ld = N + 3;
    const cases = [
      [0, -12, 12, Math.tanh],
      [1, -30, 30, (x) => 1 / (1 + Math.exp(-x))],
      [2, -87, 88, Math.exp],
    ];
    for (const [fn, lo, hi, exact] of cases) {
      const X = new Float32Array(M * ld);
      for (let i = 0; i < M; i++)
        for (let j = 0; j < ld; j++) X[i * ld + j] = j < N ? lo + ((hi - lo) * (j * M + i)) / (N * M) : SENTINEL;
      const Y = wasmElementwise(fn, X, ld, M, N);
      let worst = 0;
      for (let i = 0; i < M; i++)
        for (let j = 0; j < ld; j++) {
          if (j >= N) {
            assert.equal(Y[i * ld + j], SENTINEL, 'padding untouched');
            continue;
          }
          worst = Math.max(worst, ulps(Y[i * ld + j], exact(X[i * ld + j])));
        }
      assert.ok(worst <= 3, `fn ${fn}: ${worst} ulps`);
    }
  });

  test('activation vector lanes and scalar row tails give the same bits', () => {
    const n = 1000,
      X = Float32Array.from({ length: n }, () => 12 * rand() * rand());
    for (const fn of [0, 1, 2]) {
      const inRow = wasmElementwise(fn, X, n, 1, n); // one row: SIMD lanes plus a short tail
      const alone = wasmElementwise(fn, X, 1, n, 1); // n rows of one: scalar code only
      assert.deepEqual(inRow, alone, `fn ${fn}`);
    }
  });

  test('activations at special values: ±0, tiny, ±Infinity, NaN', () => {
    const t = wasmElementwise(0, Float32Array.from([0, -0, 1e-30, -3e-8, Infinity, -Infinity, NaN, 100]), 8, 1, 8);
    assert.ok(Object.is(t[0], 0) && Object.is(t[1], -0), 'tanh(±0) = ±0');
    assert.equal(t[2], Math.fround(1e-30));
    assert.equal(t[3], Math.fround(-3e-8));
    assert.deepEqual([t[4], t[5], t[7]], [1, -1, 1]);
    assert.ok(Number.isNaN(t[6]), 'tanh(NaN) is NaN');
    const g = wasmElementwise(1, Float32Array.from([Infinity, -Infinity, NaN, 0]), 4, 1, 4);
    assert.ok(g[0] === 1 && g[1] >= 0 && g[1] < 2e-38 && Number.isNaN(g[2]) && g[3] === 0.5, `sigmoid ${g}`);
  });

  test('lm_kernel_elementwise rejects bad arguments', () => {
    const Y = new Float32Array(6);
    assert.throws(
      () => wasmElementwise(3, Y, 3, 2, 2),
      /kernel_elementwise: fn must be 0 \(tanh\), 1 \(sigmoid\) or 2 \(exp\), got 3/,
    );
    assert.throws(
      () => wasmElementwise(0, Y, 1, 2, 2),
      /kernel_elementwise: ldy = 1 is less than the 2 elements of one stored row of Y/,
    );
    assert.throws(() => wasmElementwise(0, Y, 3, 0, 2), /kernel_elementwise: M must be at least 1, got 0$/);
  });

  // ---- the recurrence on the fast path -------------------------------------------------------------------

  /** Plain float64 RNN over T and its BPTT (h_t = tanh(x_t·Wx + h_{t-1}·Wh + b)), written from the lecture. */
  function rnnReference(x, h0, Wx, Wh, b, dh, N, T, E, H) {
    const h = new Float64Array(N * T * H),
      da = new Float64Array(N * T * H);
    for (let n = 0; n < N; n++)
      for (let t = 0; t < T; t++)
        for (let j = 0; j < H; j++) {
          let a = b[j];
          for (let e = 0; e < E; e++) a += x[(n * T + t) * E + e] * Wx[e * H + j];
          for (let k = 0; k < H; k++) a += (t ? h[(n * T + t - 1) * H + k] : h0[n * H + k]) * Wh[k * H + j];
          h[(n * T + t) * H + j] = Math.tanh(a);
        }
    const dx = new Float64Array(N * T * E),
      dWx = new Float64Array(E * H),
      dWh = new Float64Array(H * H),
      db = new Float64Array(H);
    let carry = new Float64Array(N * H);
    for (let t = T - 1; t >= 0; t--) {
      const next = new Float64Array(N * H);
      for (let n = 0; n < N; n++)
        for (let j = 0; j < H; j++) {
          const i = (n * T + t) * H + j;
          da[i] = (dh[i] + carry[n * H + j]) * (1 - h[i] * h[i]);
        }
      for (let n = 0; n < N; n++)
        for (let j = 0; j < H; j++) {
          const g = da[(n * T + t) * H + j];
          db[j] += g;
          for (let k = 0; k < H; k++) {
            const hp = t ? h[(n * T + t - 1) * H + k] : h0[n * H + k];
            dWh[k * H + j] += hp * g;
            next[n * H + k] += g * Wh[k * H + j];
          }
          for (let e = 0; e < E; e++) {
            dWx[e * H + j] += x[(n * T + t) * E + e] * g;
            dx[(n * T + t) * E + e] += g * Wx[e * H + j];
          }
        }
      carry = next;
    }
    return { h, dx, dh0: carry, dWx, dWh, db };
  }

  test('rnn_forward / rnn_backward of the .wasm (strided time slices, full and edge panels) match a float64 reference', async () => {
    const lm = await loadLmlab({ fma });
    assert.equal(lm.fma, fma);
    const [N, T, E, H] = [5, 4, 7, 37]; // H = 37: two full 16-column panels and an edge; N = 5: a partial row tile
    const r = (n, s) => Float32Array.from({ length: n }, () => s * rand());
    const x = r(N * T * E, 1),
      h0 = r(N * H, 1),
      Wx = r(E * H, 0.4),
      Wh = r(H * H, 0.3),
      b = r(H, 0.2),
      dh = r(N * T * H, 1);
    const want = rnnReference(x, h0, Wx, Wh, b, dh, N, T, E, H);
    const t = (data, shape) => ({ data, shape });
    const h = lm.layers.rnn_forward(t(x, [N, T, E]), t(h0, [N, H]), t(Wx, [E, H]), t(Wh, [H, H]), t(b, [H]));
    const g = lm.layers.rnn_backward(t(dh, [N, T, H]), t(x, [N, T, E]), t(h0, [N, H]), h, t(Wx, [E, H]), t(Wh, [H, H]));
    const worst = (a, w) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - w[i]) / (1 + Math.abs(w[i]))), 0);
    assert.ok(worst(h.data, want.h) < 1e-5, `h off by ${worst(h.data, want.h)}`);
    for (const k of ['dx', 'dh0', 'dWx', 'dWh', 'db']) {
      const e = worst(g[k].data, want[k]);
      assert.ok(e < 1e-4, `${k} off by ${e}`); // float32 sums of up to N·T = 20 terms of size ~1
    }
  });
}
