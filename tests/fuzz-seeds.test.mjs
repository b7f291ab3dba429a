// fuzz-seeds.test.mjs — the fuzzers' committed seed corpus (tests/fuzz/corpus/) is what
// tests/fuzz/make-seeds.mjs generates from the current build, byte for byte: a change to a file format
// must come with regenerated seeds (`make fuzz-seeds`), or the fuzzers would start from stale files.
// The harnesses themselves run in `make test-fuzz` (docs/fuzzing.md).
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const COMMITTED = join(ROOT, 'tests', 'fuzz', 'corpus');

/** harness/file → bytes of a corpus folder */
function files(dir) {
  const out = new Map();
  for (const harness of readdirSync(dir))
    for (const name of readdirSync(join(dir, harness)))
      out.set(`${harness}/${name}`, readFileSync(join(dir, harness, name)));
  return out;
}

test('the committed seed corpus equals a fresh generation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lmlab-seeds-'));
  try {
    const run = spawnSync(process.execPath, [join(ROOT, 'tests', 'fuzz', 'make-seeds.mjs'), dir], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const fresh = files(dir),
      committed = files(COMMITTED);
    assert.deepEqual(
      [...committed.keys()].sort(),
      [...fresh.keys()].sort(),
      'run make fuzz-seeds and commit the result',
    );
    for (const [name, bytes] of fresh)
      assert.ok(bytes.equals(committed.get(name)), `tests/fuzz/corpus/${name} is stale: run make fuzz-seeds`);
    // every harness has seeds, and the model harness one file per cell
    for (const harness of ['model_load', 'seq2seq_load', 'safetensors', 'json', 'vocab_json', 'tokenize', 'decimal'])
      assert.ok(
        [...fresh.keys()].some((k) => k.startsWith(`${harness}/`)),
        `no seeds for ${harness}`,
      );
    const models = [...fresh.keys()].filter((k) => k.startsWith('model_load/')).join(' ');
    for (const cell of ['rnn', 'onehot', 'lstm', 'gru-torch', 'gru-lecture', 'window', 'word'])
      assert.match(models, new RegExp(cell), `no ${cell} model file among the seeds`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
