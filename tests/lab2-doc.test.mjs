// lab2-doc.test.mjs — docs/lab2.md's commands run as written: every line of its ```sh blocks, in
// order, from the repository's folder (build/lab2/ emptied first). A line that ends in
// `# fails: TEXT` must exit non-zero with one `lmlab: …` sentence containing TEXT and no stack trace;
// every other line must exit 0, and each command's output must show what the page says it shows.
// Only `make test` runs it (it trains a few small models: about a minute).
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const page = readFileSync(join(ROOT, 'docs/lab2.md'), 'utf8');

/** The lines of every ```sh block (indented ones inside list items too), comments and blanks dropped. */
const lines = [...page.matchAll(/^( *)```sh\n([\s\S]*?)^\1```/gm)]
  .flatMap((m) => m[2].split('\n'))
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

/** What each command's output must show (the page's claims about it). */
const SHOWS = {
  bigram: /vocabulary: \d+ word types[\s\S]*held-out perplexity/,
  score: /log P\(sentence\) = -?[\d.]+ nats over \d+ predicted tokens {3}perplexity/,
  mask: /ranked by (bigram|neural)[\s\S]* 1\. \S+ +P = /,
  predict: / 1\. \S+ +P = /,
  train: /saved build\/lab2\/\S+ at step \d+: train loss/,
  eval: /perplexity[\s\S]*masked word: top-1/,
  sample: /\S/,
  embeddings: /wrote build\/lab2\/garden\.vec: \d+ tokens x 32 numbers/,
  neighbors: /nearest to cat \(cosine\)|≈/,
};

test('docs/lab2.md has its commands', () => {
  const commands = lines.filter((l) => l.startsWith('node scripts/lmlab.mjs'));
  assert.ok(commands.length >= 20, `only ${commands.length} lmlab commands found`);
  for (const name of Object.keys(SHOWS))
    assert.ok(
      commands.some((c) => c.startsWith(`node scripts/lmlab.mjs ${name} `)),
      `docs/lab2.md shows no '${name}'`,
    );
});

test('every command of docs/lab2.md runs as written', { timeout: 600000 }, () => {
  rmSync(join(ROOT, 'build/lab2'), { recursive: true, force: true });
  for (const line of lines) {
    const fails = line.match(/ # fails: (.+)$/);
    const run = spawnSync('bash', ['-c', line], { cwd: ROOT, encoding: 'utf8' });
    const where = `docs/lab2.md: ${line}\n${run.stdout}\n${run.stderr}`;
    if (fails) {
      assert.notEqual(run.status, 0, `should fail: ${where}`);
      assert.match(run.stderr, /^lmlab: /m, where);
      assert.ok(run.stderr.includes(fails[1]), `the sentence should say '${fails[1]}': ${where}`);
      assert.doesNotMatch(run.stderr, /\n\s+at /, `a stack trace: ${where}`);
      continue;
    }
    assert.equal(run.status, 0, where);
    const command = line.match(/^node scripts\/lmlab\.mjs (\S+)/)?.[1];
    if (command && !line.includes('--quiet')) assert.match(run.stdout, SHOWS[command], where);
  }
  // the refused trainings wrote nothing
  assert.ok(!existsSync(join(ROOT, 'build/lab2/bad.safetensors')), 'a refused train wrote its --out');
});
