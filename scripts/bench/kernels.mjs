// kernels.mjs — GFLOP/s of the dense kernels at the shapes the models use, in one run: native
// -march=native, native 128-bit (-msse4.2 -mno-avx, the fair peer of WASM SIMD) and the .wasm in
// Node; plus rnn_forward + rnn_backward and an LM training step in ms. Five rounds interleaved shape
// by shape, 3 samples of ~15 ms each per round (CPU time natively; in Node the smaller of CPU and wall
// time, see clock()), pooled into a median and a best. Every
// shape is first checked against the scalar reference, natively (scripts/bench/kernels.c) and in WASM.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { instantiateCore } from '../../wasm_glue/loader.mjs';
import { KERNEL_OP } from '../../wasm_glue/constants.mjs';

export const title = 'Dense kernels: GFLOP/s (median/best of 15 samples), native vs WebAssembly';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const KERNELS_WASM = new URL('../../build/lmlab-kernels.wasm', import.meta.url); // lmlab.wasm plus kernels_api.c
const OPS = { nn: KERNEL_OP.NN, tn: KERNEL_OP.TN, nt: KERNEL_OP.NT };

// [spec, what it is in the models]; spec = op,M,K,N,lda,ldb,ldc (ld 0: contiguous rows).
// A time slice of h (N=32, T=25, H=128) has rows T·H = 3200 apart.
export const SHAPES = [
  ['nn,256,256,256,0,0,0', '256×256×256 square'],
  ['nn,32,128,128,0,0,0', '(32,128)·(128,128) step h·Wh'],
  ['nn,32,128,128,3200,0,3200', 'same on (N,T,H) time slices'],
  ['nn,32,128,65,0,0,0', '(32,128)·(128,65) step scores'],
  ['nn,800,65,128,0,0,0', '(800,65)·(65,128) x·Wx, E=65'],
  ['nn,800,32,128,0,0,0', '(800,32)·(32,128) x·Wx, E=32'],
  ['nn,800,128,65,0,0,0', '(800,128)·(128,65) h·Wy scores'],
  ['tn,65,800,128,0,0,0', 'dWx += xᵀ·da, K=N·T=800'],
  ['tn,128,800,65,0,0,0', 'dWy += hᵀ·dscores, K=800'],
  ['tn,128,32,128,3200,3200,0', 'dWh += h_{t-1}ᵀ·da_t, slices'],
  ['nt,32,128,128,3200,0,0', 'carry da_t·Whᵀ, slices'],
  ['nt,800,65,128,0,0,0', 'dh = dscores·Wyᵀ'],
  ['nt,800,128,65,0,0,0', 'dx = da·Wxᵀ'],
];
export const RNN = 'rnn,32,25,65,128';
// One training step of the lecture's RNN LM without the optimizer (one-hot chars, V = 65, H = 128).
export const LM = 'lm,32,25,65,128';
/** Matmul FLOPs of one LM step: rnn 2NT(VH + HH) forward, 2NT(2HH + VH) backward (no dx), affine
 * 2NT·HV forward and twice that backward. */
export const lmFlops = (N, T, V, H) => 2 * N * T * (5 * V * H + 3 * H * H);

const SAMPLES = 3; // per round, as in kernels.c
const ROUNDS = 5; // interleaved rounds whose samples are pooled
/**
 * Seconds elapsed, as the smaller of process CPU time and wall time: CPU time leaves out the slices the
 * scheduler gives other jobs on this shared machine but counts V8's background threads (compiling,
 * collecting garbage on the other core), wall time the reverse; each overstates only in its own case.
 */
const clock = () => {
  const u = process.cpuUsage();
  return [(u.user + u.system) / 1e6, performance.now() / 1e3];
};
const since = ([c0, w0]) => {
  const [c1, w1] = clock();
  return Math.min(c1 - c0, w1 - w0);
};
/** SAMPLES timings (seconds per call of fn) of ~15 ms each, after calibrating a repeat count. */
function timeCall(fn) {
  // settle for 50 ms first: V8 is still optimising the JS that filled the inputs, on this thread's core
  const start = performance.now();
  do fn();
  while (performance.now() - start < 50);
  let reps = 1;
  for (;;) {
    const t0 = clock();
    for (let r = 0; r < reps; r++) fn();
    const dt = since(t0);
    if (dt > 0.015 || reps > 1 << 24) break;
    reps *= dt < 0.002 ? 8 : 2;
  }
  const samples = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t0 = clock();
    for (let r = 0; r < reps; r++) fn();
    samples.push(since(t0) / reps);
  }
  return { samples };
}

/** Run one native driver; returns { path, bySpec: Map(spec → { spec, samples }) }. */
export function runNative(binary, specs) {
  const out = execFileSync(binary, specs, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  return { path: lines[0].path, bySpec: new Map(lines.slice(1).map((l) => [l.spec, l])) };
}

/** The same measurements on the .wasm (default build/lmlab-kernels.wasm, or an instantiated core), through its exports. */
export async function runWasm(specs, wasm, instantiated) {
  const core = instantiated ?? (await instantiateCore({ wasm: wasm ?? KERNELS_WASM }));
  const ex = core.exports;
  let seed = 12345;
  const fill = (ptr, n) => {
    const f32 = core.memory().f32;
    for (let i = 0; i < n; i++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      f32[(ptr >> 2) + i] = (seed >>> 8) * (2 / 16777216) - 1;
    }
    return ptr;
  };
  const alloc = (n) => {
    const p = ex.malloc(4 * n);
    if (!p) throw new Error('out of WASM memory');
    return p;
  };
  const bySpec = new Map();
  for (const spec of specs) {
    const [op, ...v] = spec.split(',');
    if (op === 'lm') {
      const [N, T, V, H] = v.map(Number),
        NT = N * T;
      const p = {};
      for (const [k, n] of Object.entries({
        x: NT * V,
        h0: N * H,
        Wx: V * H,
        Wh: H * H,
        b: H,
        h: NT * H,
        Wy: H * V,
        by: V,
        s: NT * V,
        ds: NT * V,
        dh: NT * H,
        dh0: N * H,
        dWx: V * H,
        dWh: H * H,
        db: H,
        dWy: H * V,
        dby: V,
        y: NT,
        loss: 2,
      })) {
        p[k] = fill(alloc(n), n);
      }
      const f32 = core.memory().f32,
        i32 = core.memory().i32;
      f32.fill(0, p.x >> 2, (p.x >> 2) + NT * V);
      for (let i = 0; i < NT; i++) {
        f32[(p.x >> 2) + i * V + ((i * 7) % V)] = 1;
        i32[(p.y >> 2) + i] = (i * 7 + 7) % V;
      }
      for (let i = 0; i < H * H; i++) f32[(p.Wh >> 2) + i] *= 0.1;
      const t = timeCall(() => {
        core.check(ex.lm_layer_rnn_forward(p.h, p.x, p.h0, p.Wx, p.Wh, p.b, N, T, V, H));
        core.check(ex.lm_layer_temporal_affine_forward(p.s, p.h, p.Wy, p.by, N, T, H, V));
        core.check(ex.lm_layer_temporal_softmax_loss(p.loss, p.ds, p.s, p.y, 0, N, T, V, 0));
        core.check(ex.lm_layer_temporal_affine_backward(p.dh, p.dWy, p.dby, p.ds, p.h, p.Wy, N, T, H, V));
        core.check(
          ex.lm_layer_rnn_backward(0, p.dh0, p.dWx, p.dWh, p.db, p.dh, p.x, p.h0, p.h, p.Wx, p.Wh, N, T, V, H),
        );
      });
      for (const ptr of Object.values(p)) ex.free(ptr);
      bySpec.set(spec, { spec, ...t });
      continue;
    }
    if (op === 'rnn') {
      const [N, T, E, H] = v.map(Number),
        NT = N * T;
      const p = {};
      for (const [k, n] of Object.entries({
        x: NT * E,
        h0: N * H,
        Wx: E * H,
        Wh: H * H,
        b: H,
        h: NT * H,
        dh: NT * H,
        dx: NT * E,
        dh0: N * H,
        dWx: E * H,
        dWh: H * H,
        db: H,
      }))
        p[k] = fill(alloc(n), n);
      const f32 = core.memory().f32;
      f32.fill(0, p.x >> 2, (p.x >> 2) + NT * E);
      for (let i = 0; i < NT; i++) f32[(p.x >> 2) + i * E + ((i * 7) % E)] = 1; // one-hot rows
      for (let i = 0; i < H * H; i++) f32[(p.Wh >> 2) + i] *= 0.1;
      const t = timeCall(() => {
        core.check(ex.lm_layer_rnn_forward(p.h, p.x, p.h0, p.Wx, p.Wh, p.b, N, T, E, H));
        core.check(
          ex.lm_layer_rnn_backward(p.dx, p.dh0, p.dWx, p.dWh, p.db, p.dh, p.x, p.h0, p.h, p.Wx, p.Wh, N, T, E, H),
        );
      });
      for (const ptr of Object.values(p)) ex.free(ptr);
      bySpec.set(spec, { spec, ...t });
      continue;
    }
    const [M, K, N, lda0, ldb0, ldc0] = v.map(Number);
    const [aRows, aCols] = op === 'tn' ? [K, M] : [M, K];
    const [bRows, bCols] = op === 'nt' ? [N, K] : [K, N];
    const lda = lda0 || aCols,
      ldb = ldb0 || bCols,
      ldc = ldc0 || N;
    const A = fill(alloc(aRows * lda), aRows * lda),
      B = fill(alloc(bRows * ldb), bRows * ldb);
    const C = fill(alloc(M * ldc), M * ldc),
      C2 = alloc(M * ldc);
    core.memory().f32.copyWithin(C2 >> 2, C >> 2, (C >> 2) + M * ldc);
    core.check(ex.lm_kernel_matmul(OPS[op], 0, C, ldc, A, lda, B, ldb, M, K, N));
    core.check(ex.lm_kernel_matmul(OPS[op], 1, C2, ldc, A, lda, B, ldb, M, K, N));
    const f32 = core.memory().f32;
    let worst = 0;
    for (let i = 0; i < M * ldc; i++) {
      const e = Math.abs(f32[(C >> 2) + i] - f32[(C2 >> 2) + i]) / (1 + Math.abs(f32[(C2 >> 2) + i]));
      worst = Math.max(worst, e);
    }
    if (!(worst <= 1e-5 * K)) throw new Error(`wasm ${spec} differs from the reference by ${worst}`);
    const t = timeCall(() => ex.lm_kernel_matmul(OPS[op], 0, C, ldc, A, lda, B, ldb, M, K, N));
    for (const ptr of [A, B, C, C2]) ex.free(ptr);
    bySpec.set(spec, { spec, ...t });
  }
  return { path: core.readCString(ex.lm_kernel_path()), bySpec };
}

const pad = (s, n) => String(s).padEnd(n);
const num = (x, d = 1) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));
/** GFLOP/s of a matmul spec from seconds. */
const gflops = (spec, seconds) => {
  const [, M, K, N] = spec.split(',').map(Number);
  return (2 * M * K * N) / seconds / 1e9;
};

/** @param {{ json: boolean, log: (line: string) => void }} opts */
export async function run({ log }) {
  try {
    execFileSync(
      'make',
      ['-s', '--no-print-directory', 'build/lmlab-kernels.wasm', 'build/bench/kernels', 'build/bench-sse/kernels'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } catch (e) {
    throw new Error(`building the benchmark failed:\n${e.stderr}`);
  }
  const specs = [...SHAPES.map(([s]) => s), RNN, LM];
  // Rounds interleaved shape by shape and build by build, so a burst of load from other jobs hits all
  // three builds alike; each cell pools ROUNDS × SAMPLES samples into a median and a best.
  const core = await instantiateCore({ wasm: KERNELS_WASM });
  // Warm-up pass, discarded: V8 first runs WASM in its baseline compiler and swaps in optimised code
  // from a background thread, which a busy machine can delay by seconds. We measure the steady state.
  await runWasm(specs, undefined, core);
  const native = { bySpec: new Map() },
    sse = { bySpec: new Map() },
    wasm = { bySpec: new Map() };
  for (let round = 0; round < ROUNDS; round++) {
    for (const spec of specs) {
      for (const [into, from] of [
        [native, runNative(`${ROOT}build/bench/kernels`, [spec])],
        [sse, runNative(`${ROOT}build/bench-sse/kernels`, [spec])],
        [wasm, await runWasm([spec], undefined, core)],
      ]) {
        into.path = from.path;
        const cell = into.bySpec.get(spec) ?? { spec, samples: [] };
        cell.samples.push(...from.bySpec.get(spec).samples);
        into.bySpec.set(spec, cell);
      }
    }
  }
  for (const r of [native, sse, wasm]) {
    for (const cell of r.bySpec.values()) {
      const s = [...cell.samples].sort((a, b) => a - b);
      cell.seconds = s[s.length >> 1];
      cell.best_seconds = s[0];
    }
  }
  log(
    `paths: native ${native.path} (-O3 -march=native), native-128 ${sse.path} (-msse4.2 -mno-avx), wasm ${wasm.path}`,
  );
  log(`GFLOP/s as median/best of ${ROUNDS} interleaved rounds × ${SAMPLES} samples; ratios of medians`);
  log(
    `${pad('op  M×K×N (ld a/b/c)', 30)}${pad('use', 32)}${pad('native', 13)}${pad('native-128', 13)}${pad('wasm', 13)}${pad('wasm/128', 9)}wasm/native`,
  );
  const rows = [];
  for (const [spec, use] of SHAPES) {
    const g = (r) => [gflops(spec, r.bySpec.get(spec).seconds), gflops(spec, r.bySpec.get(spec).best_seconds)];
    const [n, nb] = g(native),
      [s, sb] = g(sse),
      [w, wb] = g(wasm);
    const [op, M, K, N, ...ld] = spec.split(',');
    const label = `${op} ${M}×${K}×${N}${ld.some((x) => x !== '0') ? ` (${ld.join('/')})` : ''}`;
    log(
      `${pad(label, 30)}${pad(use, 32)}${pad(`${num(n)}/${num(nb)}`, 13)}${pad(`${num(s)}/${num(sb)}`, 13)}` +
        `${pad(`${num(w)}/${num(wb)}`, 13)}${pad(num(w / s, 2), 9)}${num(w / n, 2)}`,
    );
    rows.push({
      spec,
      use,
      native_gflops: n,
      native_best: nb,
      native128_gflops: s,
      native128_best: sb,
      wasm_gflops: w,
      wasm_best: wb,
    });
  }
  const ms = (r, spec) => [r.bySpec.get(spec).seconds * 1e3, r.bySpec.get(spec).best_seconds * 1e3];
  const [[nm, nmb], [sm, smb], [wm, wmb]] = [ms(native, RNN), ms(sse, RNN), ms(wasm, RNN)];
  log(
    `rnn_forward+rnn_backward N=32 T=25 E=65 (one-hot) H=128, ms median/best: native ${num(nm, 2)}/${num(nmb, 2)}, ` +
      `native-128 ${num(sm, 2)}/${num(smb, 2)}, wasm ${num(wm, 2)}/${num(wmb, 2)} (wasm/native time ${num(wm / nm, 2)})`,
  );
  rows.push({
    spec: RNN,
    native_ms: nm,
    native_best_ms: nmb,
    native128_ms: sm,
    native128_best_ms: smb,
    wasm_ms: wm,
    wasm_best_ms: wmb,
  });
  // The training step's matmul work over its time, against the build's best kernel median (its peak).
  const [, N, T, V, H] = LM.split(',').map(Number),
    flops = lmFlops(N, T, V, H);
  const peak = (key) => Math.max(...rows.filter((r) => r[key] !== undefined).map((r) => r[key]));
  const step = [
    ['native', native, 'native_gflops'],
    ['native-128', sse, 'native128_gflops'],
    ['wasm', wasm, 'wasm_gflops'],
  ].map(([name, r, key]) => {
    const [m] = ms(r, LM),
      g = flops / (m / 1e3) / 1e9,
      p = peak(key);
    return { name, ms: m, gflops: g, peak: p, fraction: g / p };
  });
  log(
    `LM training step (rnn + affine + softmax loss, forward and backward; N=32 T=25 V=65 H=128; ${num(flops / 1e6)} MFLOP ` +
      "of matmuls), median ms → effective GFLOP/s, fraction of the build's best kernel median:",
  );
  log(
    step
      .map(
        (x) =>
          `  ${pad(x.name, 11)} ${num(x.ms, 2)} ms → ${num(x.gflops)} GFLOP/s = ${num(100 * x.fraction, 0)}% of ${num(x.peak)}`,
      )
      .join('\n'),
  );
  rows.push({ spec: LM, mflop: flops / 1e6, step });
  return rows;
}
