// relaxed-fma.test.mjs — scripts/relaxed-fma.mjs (the rewrite of Emscripten 3.1.6's draft f32x4 fma
// opcode into the standard f32x4.relaxed_madd) on hand-made modules: only the opcode of an instruction
// changes, never the same bytes inside an immediate or a data segment; what it cannot decode stops it.
// And the glue's choice of build: feature detection, { fma: true | false }, and their errors, in this
// Node and in one started with --experimental-wasm-relaxed-simd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { patchRelaxedFma } from '../scripts/relaxed-fma.mjs';
import { loadLmlab, relaxedSimdSupported } from '../wasm_glue/index.mjs';

const DRAFT_FMA = [0xfd, 0xaf, 0x01];
const MADD = [0xfd, 0x85, 0x02];
const leb = (n) => {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const section = (id, bytes) => [id, ...leb(bytes.length), ...bytes];

/** A module whose one function computes (v128.const P) · (v128.const P) + (v128.const P) with the
 * instruction `fma` (3 bytes), where P's 16 bytes hold the draft opcode's bytes too, plus an
 * i32.const, a load and a block; and a data segment holding those bytes. */
function module(fma, { extra = [] } = {}) {
  const vconst = [0xfd, 0x0c, ...DRAFT_FMA, ...new Array(13).fill(0)];
  const body = [
    0x00, // no locals
    0x02,
    0x40, // block
    0x41,
    ...leb(0xafaf),
    0x1a, // i32.const, drop
    0x41,
    0x00,
    0x28,
    0x02,
    0x00,
    0x1a, // i32.load align=2 offset=0, drop
    0x0b, // end
    ...vconst,
    ...vconst,
    ...vconst,
    ...fma,
    0x1a, // v128.const ×3, fma, drop
    ...extra,
    0x0b, // end
  ];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [0x01, 0x60, 0x00, 0x00]),
    ...section(3, [0x01, 0x00]),
    ...section(5, [0x01, 0x00, 0x01]), // one memory, 1 page
    ...section(10, [0x01, ...leb(body.length), ...body]),
    ...section(11, [0x01, 0x00, 0x41, 0x00, 0x0b, 0x03, ...DRAFT_FMA]), // data at 0: the pattern
  ]);
}
const count = (bytes, pattern) => {
  let n = 0;
  for (let i = 0; i + pattern.length <= bytes.length; i++) if (pattern.every((b, j) => bytes[i + j] === b)) n++;
  return n;
};

test('only the instruction is rewritten: the same bytes in a v128.const and a data segment stay', () => {
  const draft = module(DRAFT_FMA);
  assert.equal(count(draft, DRAFT_FMA), 5); // 3 constants, the instruction, the data
  const { bytes, patched, functions } = patchRelaxedFma(draft);
  assert.deepEqual([patched, functions], [1, 1]);
  assert.equal(count(bytes, DRAFT_FMA), 4);
  assert.equal(count(bytes, MADD), 1);
  assert.deepEqual(bytes, module(MADD)); // exactly the module written with the standard opcode
  assert.equal(bytes.length, draft.length);
  assert.equal(count(draft, MADD), 0, 'the input is left as it was');
  if (relaxedSimdSupported()) assert.ok(WebAssembly.validate(bytes));
  assert.equal(WebAssembly.validate(draft), false, 'no engine accepts the draft opcode');
});

test('the rewrite fails loudly: no fma, an unknown instruction, a body that overruns, not a module', () => {
  assert.throws(() => patchRelaxedFma(module(MADD)), /no f32x4 fused multiply-add found/);
  assert.throws(
    () => patchRelaxedFma(module(DRAFT_FMA, { extra: [0xfe, 0x00, 0x02, 0x00] })), // an atomic: not decoded
    /relaxed-fma: unknown instruction 0xfe at byte \d+/,
  );
  const short = module(DRAFT_FMA);
  const at = short.indexOf(0x0a, 8 + 6 + 4 + 5) + 3; // the body size byte of the one function
  short[at] -= 2; // the body now ends inside its last v128.const
  assert.throws(() => patchRelaxedFma(short), /relaxed-fma: /);
  assert.throws(() => patchRelaxedFma(new Uint8Array([1, 2, 3])), /not a WebAssembly module/);
});

test('the built *-fma.wasm files hold only standard opcodes and validate where relaxed SIMD runs', () => {
  for (const name of ['lmlab-fma.wasm', 'lmlab-page-fma.wasm', 'lmlab-kernels-fma.wasm', 'lmlab-seq2seq-fma.wasm']) {
    const bytes = readFileSync(new URL(`../build/${name}`, import.meta.url));
    // the rewrite finds nothing left to rewrite…
    assert.throws(() => patchRelaxedFma(bytes), /no f32x4 fused multiply-add found/, name);
    assert.ok(count(bytes, MADD) > 0, `${name} has relaxed_madd`);
    // …and the engine agrees with the feature detection
    assert.equal(WebAssembly.validate(bytes), relaxedSimdSupported(), name);
  }
});

test('loadLmlab chooses by feature detection; fma: true | false forces; bad options are named', async () => {
  const supported = relaxedSimdSupported();
  assert.equal((await loadLmlab()).fma, supported);
  assert.equal((await loadLmlab({ fma: false })).fma, false);
  if (supported) assert.equal((await loadLmlab({ fma: true, seq2seq: true })).fma, true);
  else await assert.rejects(loadLmlab({ fma: true }), /this WebAssembly engine has no relaxed SIMD/);
  await assert.rejects(loadLmlab({ fma: 'yes' }), /fma must be true, false or left out, got "yes"/);
  const wasm = new URL('../build/lmlab.wasm', import.meta.url);
  await assert.rejects(loadLmlab({ fma: false, wasm }), /cannot go with \{ wasm \}$/);
  // named explicitly, the FMA file says what it is where it compiles at all
  const fmaFile = loadLmlab({ wasm: new URL('../build/lmlab-fma.wasm', import.meta.url) });
  if (supported) assert.equal((await fmaFile).fma, true);
  else await assert.rejects(fmaFile, WebAssembly.CompileError);
});

test('with --experimental-wasm-relaxed-simd, Node 20 detects relaxed SIMD and loads the FMA builds', () => {
  const script = `
    import { loadLmlab, relaxedSimdSupported } from ${JSON.stringify(new URL('../wasm_glue/index.mjs', import.meta.url).href)};
    const plain = await loadLmlab({ fma: false }), auto = await loadLmlab(), s2s = await loadLmlab({ seq2seq: true });
    console.log(JSON.stringify([relaxedSimdSupported(), auto.fma, plain.fma, s2s.fma, s2s.seq2seq]));`;
  const run = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    cwd: fileURLToPath(new URL('..', import.meta.url)),
  });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), [true, true, false, true, true]);
});

test("the CLI turns Node 20's relaxed SIMD on for itself (a no of the feature probe is asked again), and trains on the FMA build", () => {
  const root = fileURLToPath(new URL('..', import.meta.url));
  // in a fresh Node: the probe says no (Node 20) or yes (newer); after enableRelaxedSimd it says yes
  const script = `
    import { relaxedSimdSupported } from ${JSON.stringify(new URL('../wasm_glue/features.mjs', import.meta.url).href)};
    import { enableRelaxedSimd } from ${JSON.stringify(new URL('../scripts/cli/_relaxed-simd.mjs', import.meta.url).href)};
    const before = relaxedSimdSupported();
    console.log(JSON.stringify([before, enableRelaxedSimd(), relaxedSimdSupported()]));`;
  const probe = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: root });
  assert.equal(probe.status, 0, probe.stderr);
  const [before, how, after] = JSON.parse(probe.stdout);
  assert.deepEqual([how, after], before ? ['native', true] : ['enabled', true]);
  // `lmlab train` says which kernels it trained on: the fused ones, here where the engine has them
  const dir = mkdtempSync(join(tmpdir(), 'lmlab-fma-cli-'));
  try {
    writeFileSync(join(dir, 'text.txt'), 'the cat sat on the mat.\n'.repeat(200));
    const train = spawnSync(
      process.execPath,
      [
        'scripts/lmlab.mjs',
        'train',
        '--data',
        join(dir, 'text.txt'),
        '--steps',
        '1',
        '--out',
        join(dir, 'm.safetensors'),
      ],
      { encoding: 'utf8', cwd: root },
    );
    assert.equal(train.status, 0, train.stderr);
    assert.match(train.stdout, /^training: .*, fused multiply-add kernels, batch 32 x seq 25$/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
