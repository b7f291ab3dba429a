// bigram.mjs (benchmark) — word-level bigram on the full Brown text: tokenise + count + held-out
// perplexity, native (build/bench/bigram, -O3 -march=native; build/bench-sse/bigram, 128-bit vectors
// only) against WASM (the same C through wasm_glue) in one run. Reports seconds, tokens per second and
// peak memory, and checks that both builds compute the same perplexity. Target: < 1 s in WASM, and
// WASM within 2x of native.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brownCorpusPath } from '../brown-corpus.mjs';
import { splitHeldOut } from '../cli/bigram.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const REPEATS = 3;

export const title = 'Bigram: word level on the Brown text (tokenise + count + held-out perplexity)';

function runNative(binary, path) {
  if (!existsSync(binary)) return null;
  let best = null;
  for (let r = 0; r < REPEATS; r++) {
    const run = spawnSync(binary, [path, '--no-masked'], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`${binary} failed: ${run.stderr}`);
    const result = JSON.parse(run.stdout);
    if (!best || result.seconds.pipeline < best.seconds.pipeline) best = result;
  }
  return best;
}

/** Char-level vocabulary on tinyshakespeare (from ../shared when present, else the Brown text):
 *  build, encode and decode in WASM, best of REPEATS. The neural models encode their data this way. */
function charLevelRow(lm, log) {
  const shakespeare = join(ROOT, '..', 'shared', 'data', 'tinyshakespeare.txt');
  const path = existsSync(shakespeare) ? shakespeare : brownCorpusPath();
  const text = readFileSync(path, 'utf8');
  let best = null;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    const vocab = lm.Vocab.build(text, { level: 'char' });
    const t1 = performance.now();
    const ids = vocab.encode(text);
    const t2 = performance.now();
    const same = vocab.decode(ids) === text;
    const t3 = performance.now();
    vocab.dispose();
    if (!same) throw new Error('char-level decode(encode(text)) differs from the text');
    const ms = { build: t1 - t0, encode: t2 - t1, decode: t3 - t2 };
    if (!best || ms.encode < best.encode) best = ms;
  }
  log(
    `char level, ${path.split('/').pop()} (${text.length} characters), WASM best of ${REPEATS}: build ${best.build.toFixed(1)} ms, encode ${best.encode.toFixed(1)} ms, decode ${best.decode.toFixed(1)} ms`,
  );
  return { build: 'wasm char-level vocab', file: path, characters: text.length, ...best };
}

/** @param {{ log: (line: string) => void }} options */
export async function run({ log }) {
  const path = brownCorpusPath();
  const bytes = readFileSync(path);
  const { train, heldOut } = splitHeldOut(bytes);
  const { loadLmlab } = await import('../../wasm_glue/index.mjs');
  const lm = await loadLmlab();

  let wasm = null;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    const vocab = lm.Vocab.build(train, { level: 'word' });
    const t1 = performance.now();
    const model = lm.Bigram.train(vocab, train);
    const t2 = performance.now();
    const heldEval = model.evaluate(heldOut);
    const t3 = performance.now();
    const seconds = {
      vocab: (t1 - t0) / 1e3,
      count: (t2 - t1) / 1e3,
      heldOut: (t3 - t2) / 1e3,
      pipeline: (t3 - t0) / 1e3,
    };
    const result = { V: vocab.size, trainTokens: model.stats.pairs, heldOut: heldEval, seconds };
    model.dispose();
    vocab.dispose();
    if (!wasm || seconds.pipeline < wasm.seconds.pipeline) wasm = result;
  }
  wasm.linearMemoryMiB = lm.memoryBytes() / 2 ** 20; // WebAssembly memory never shrinks: the high-water mark

  const rows = [];
  const row = (name, r, memory) => {
    const tokens = r.trainTokens + r.heldOut.tokens;
    rows.push({
      build: name,
      seconds: r.seconds.pipeline,
      vocab: r.seconds.vocab,
      count: r.seconds.count,
      heldOut: r.seconds.heldOut,
      tokensPerSecond: tokens / r.seconds.pipeline,
      memory,
      perplexity: r.heldOut.perplexity,
      V: r.V,
    });
  };
  row('wasm (node)', wasm, `${wasm.linearMemoryMiB.toFixed(0)} MiB linear memory`);
  for (const [name, dir] of [
    ['native -march=native', 'bench'],
    ['native sse4.2', 'bench-sse'],
  ]) {
    const native = runNative(join(ROOT, 'build', dir, 'bigram'), path);
    if (native) row(name, native, `${(native.peakRssKiB / 1024).toFixed(0)} MiB peak RSS`);
    else log(`(${name}: build/${dir}/bigram missing; run \`make bench\`)`);
  }

  log(
    `${path}: ${(bytes.length / 1e6).toFixed(2)} MB; train ${wasm.trainTokens} predicted tokens, held out ${wasm.heldOut.tokens}; V = ${wasm.V}; best of ${REPEATS}`,
  );
  log('| build | total s | vocab s | count s | held-out s | tokens/s | memory | held-out perplexity |');
  log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    log(
      `| ${r.build} | ${r.seconds.toFixed(3)} | ${r.vocab.toFixed(3)} | ${r.count.toFixed(3)} | ${r.heldOut.toFixed(3)} | ${(r.tokensPerSecond / 1e6).toFixed(2)} M | ${r.memory} | ${r.perplexity.toFixed(4)} |`,
    );
  }
  const native = rows.find((r) => r.build.startsWith('native -march'));
  if (native) {
    const ratio = rows[0].seconds / native.seconds;
    const agree = Math.abs(rows[0].perplexity - native.perplexity) <= 1e-9 * native.perplexity;
    log(
      `WASM / native time: ${ratio.toFixed(2)}x (target <= 2x); WASM total ${rows[0].seconds.toFixed(3)} s (target < 1 s); perplexity ${agree ? 'identical' : 'DIFFERS'} across builds`,
    );
    if (!agree) throw new Error('native and WASM perplexities differ');
  }
  rows.push(charLevelRow(lm, log));
  return rows;
}
