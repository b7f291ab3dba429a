// docs.test.mjs — the README and docs/ stay true and usable: README.md is a front door (at most 250
// lines) and no page sends the reader outside the repository (../shared); every relative link and
// #anchor resolves; every repository path named in backticks exists; every CLI command and flag shown
// in a code block exists; the README's "Find your way" names where the RNN backward really is;
// docs/architecture.md's file map lists every file of src/, wasm_glue/, web/, scripts/ and tests/;
// and the README's Node quick start runs as written and learns.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PAGES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const read = (rel) => readFileSync(join(ROOT, rel), 'utf8');

/** The page without its fenced code blocks (links inside code are not links). */
const prose = (md) => md.replace(/^```[\s\S]*?^```/gm, '');
/** The fenced code blocks of a page, joined. */
const code = (md) => [...md.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].map((m) => m[1]).join('\n');

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(md) {
  const seen = new Map(),
    out = new Set();
  for (const [, title] of prose(md).matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const base = title
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n ? `${base}-${n}` : base);
  }
  return out;
}

/** Files under a folder, relative to it (no build outputs live there; hidden files and __pycache__ skipped). */
function filesUnder(dir, prefix = '') {
  return readdirSync(join(ROOT, dir, prefix))
    .filter((name) => !name.startsWith('.') && name !== '__pycache__')
    .flatMap((name) => {
      const rel = prefix ? `${prefix}/${name}` : name;
      return statSync(join(ROOT, dir, rel)).isDirectory() ? filesUnder(dir, rel) : [rel];
    });
}

test('README.md is a front door: at most 250 lines', () => {
  const lines = read('README.md').split('\n').length;
  assert.ok(lines <= 250, `README.md has ${lines} lines; move the detail into docs/ (limit 250)`);
});

test('no page needs files outside the repository', () => {
  for (const page of PAGES) {
    const md = read(page);
    for (const bad of ['../shared', '/work/shared']) assert.ok(!md.includes(bad), `${page} mentions ${bad}`);
  }
});

test('every relative link and anchor in README.md and docs/ resolves', () => {
  let checked = 0;
  for (const page of PAGES) {
    for (const [, target] of prose(read(page)).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target)) continue; // http:, https:, mailto:
      const [path, anchor] = target.split('#');
      const file = path ? join(dirname(join(ROOT, page)), path) : join(ROOT, page);
      const where = `${page} → ${target}`;
      assert.ok(existsSync(file), `${where}: no such file`);
      assert.ok(relative(ROOT, file) && !relative(ROOT, file).startsWith('..'), `${where}: outside the repository`);
      if (anchor) {
        assert.ok(file.endsWith('.md'), `${where}: an anchor into a file that is not Markdown`);
        assert.ok(anchors(readFileSync(file, 'utf8')).has(anchor), `${where}: no heading with that anchor`);
      }
      checked++;
    }
  }
  assert.ok(checked > 50, `only ${checked} links found: is the link pattern still right?`);
});

test('the anchor rule matches GitHub on the headings these pages use', () => {
  assert.deepEqual(
    [...anchors('# The web page (`web/`)\n## Size of the .wasm\n## Recurrent cells (rnn, lstm, gru)\n## A\n## A')],
    ['the-web-page-web', 'size-of-the-wasm', 'recurrent-cells-rnn-lstm-gru', 'a', 'a-1'],
  );
});

test('every repository path named in backticks exists', () => {
  for (const page of PAGES) {
    for (const [, span] of read(page).matchAll(/`([^`\n]+)`/g)) {
      for (const [path] of span.matchAll(/(?<![\w./-])(?:src|wasm_glue|web|scripts|tests|docs)\/[\w./-]*/g)) {
        if (/[*<>{}]/.test(span.slice(span.indexOf(path), span.indexOf(path) + path.length + 1))) continue; // a pattern
        const clean = path.replace(/[.,:;]+$/, '');
        assert.ok(existsSync(join(ROOT, clean)), `${page} names ${clean}, which does not exist`);
      }
    }
  }
});

test('every CLI command and flag shown in a code block exists', async () => {
  const commands = readdirSync(join(ROOT, 'scripts/cli'))
    .filter((f) => f.endsWith('.mjs') && !f.startsWith('_'))
    .map((f) => f.slice(0, -4));
  const usage = {};
  for (const name of commands) usage[name] = (await import(`../scripts/cli/${name}.mjs`)).usage;
  let checked = 0;
  for (const page of PAGES) {
    const joined = code(read(page)).replace(/\\\n\s*/g, ' '); // continuation lines
    // In the repository `node scripts/lmlab.mjs`, installed `npx lmlab` (docs/install.md).
    for (const [, name, rest] of joined.matchAll(/(?:node scripts\/lmlab\.mjs|npx lmlab) (\S+)([^\n]*)/g)) {
      if (name.startsWith('<') || name.startsWith('-')) continue; // the synopsis `<command> [flags]`; --help, --version
      assert.ok(commands.includes(name), `${page}: 'lmlab ${name}' is not a command (${commands.join(', ')})`);
      const args = rest.split('#')[0]; // drop shell comments
      for (const [flag] of args.matchAll(/(?<=\s|\[)--[a-z][a-z-]*/g)) {
        if (flag === '--help') continue;
        assert.ok(usage[name].includes(flag), `${page}: 'lmlab ${name}' has no flag ${flag}`);
      }
      checked++;
    }
  }
  assert.ok(checked >= 15, `only ${checked} CLI examples found`);
});

test("the README's 'Find your way' names where an RNN's backward pass and its tests really are", () => {
  const readme = read('README.md');
  const section = readme.slice(readme.indexOf('## Find your way'), readme.indexOf('## Quick start'));
  const lines = section.split('\n');
  // [file, function, whether the README must name them on the same line]
  for (const [file, name, sameLine] of [
    ['src/layers_rnn.c', 'rnn_step_backward', true],
    ['src/layers_rnn.c', 'rnn_backward', true],
    ['src/layers_api.c', 'lm_layer_rnn_backward', true],
    ['wasm_glue/layers.mjs', 'rnn_backward', true],
    ['tests/layers.test.mjs', 'rnn_backward', false],
    ['tests/native/test_layers.c', 'rnn_backward', false],
  ]) {
    const named = sameLine
      ? lines.some((l) => l.includes(`\`${file}`) && new RegExp(`\\b${name}\\b`).test(l))
      : section.includes(`\`${file}`);
    assert.ok(named, `'Find your way' should name ${sameLine ? `${name} in ` : ''}${file}`);
    assert.match(read(file), new RegExp(`\\b${name}\\(`), `${file} has no ${name}(`);
  }
  assert.match(section, /node --test tests\/layers\.test\.mjs/);
  assert.match(section, /make build\/san\/test_layers && build\/san\/test_layers/);
  const make = spawnSync('make', ['-n', 'build/san/test_layers', 'build/dbl/test_layers'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  assert.equal(make.status, 0, `the README's native test commands no longer work: ${make.stderr}`);
});

test('docs/architecture.md lists every file of src/, wasm_glue/, web/, scripts/ and tests/', () => {
  const map = read('docs/architecture.md');
  const missing = [];
  // A data folder (the fuzzers' seed corpus) is listed once, with a trailing slash, for all its files.
  const listedFolder = (rel) =>
    rel
      .split('/')
      .slice(0, -1)
      .some((_, i, parts) => map.includes(`\`${parts.slice(0, i + 1).join('/')}/\``));
  for (const dir of ['src', 'wasm_glue', 'web', 'scripts', 'tests']) {
    for (const rel of filesUnder(dir))
      if (!map.includes(`\`${rel}\``) && !listedFolder(rel)) missing.push(`${dir}/${rel}`);
  }
  assert.deepEqual(missing, [], 'add a line for each to the file map of docs/architecture.md');
});

test("the README's Node quick start runs as written and learns", { timeout: 120000 }, async () => {
  const readme = read('README.md');
  const section = readme.slice(readme.indexOf('## Quick start in Node'));
  const source = section.match(/```js\n([\s\S]*?)```/)[1];
  const { brownCorpusPath } = await import('../scripts/brown-corpus.mjs');
  brownCorpusPath(); // what `make data` makes
  const dir = join(ROOT, 'build', 'docs-test');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'quickstart.mjs'), source); // inside the package, so `import 'lmlab'` resolves to it
  const run = spawnSync(process.execPath, [join(dir, 'quickstart.mjs')], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trim().split('\n');
  const losses = lines.slice(0, 10).map(Number);
  assert.ok(losses.every(Number.isFinite), `expected ten losses, got:\n${run.stdout}`);
  assert.ok(losses[9] < losses[0] - 0.3, `the loss should fall clearly: ${losses.join(', ')}`);
  const sample = lines.slice(10).join('\n');
  assert.ok(
    Array.from(sample).length >= 60,
    `expected an 80-character sample after the losses, got ${JSON.stringify(sample)}`,
  );
});
