#!/usr/bin/env node
// build-web.mjs — `node scripts/build-web.mjs [outDir]`: build the static site (default dist/). esbuild
// bundles the page (web/app.mjs) and the training worker (web/worker.mjs, a separate ES module) and
// the stylesheet; it copies index.html (unindented: unindentHtml), lmlab.wasm, lmlab-fma.wasm and the
// built-in corpora (the Brown text comes from scripts/brown-corpus.mjs). It also builds the kit
// (web/kit/index.mjs → kit/lmlab-kit.js, a self-contained ES module with uPlot and d3 inside, and the
// worker, lmlab.wasm and lmlab-fma.wasm beside it) and the
// tutorials (web/tutorials/* → tutorials/, pages that use only the kit). Relative URLs only, so any
// static host and sub-path works. Prints the page weight (the page's own files loaded at start, without
// corpora, kit, tutorials and the chunks loaded on demand; of lmlab.wasm and lmlab-fma.wasm, only the
// larger: a browser loads one) and fails above the 500 KB budget, or when lmlab.wasm or lmlab-fma.wasm
// alone is above 150 KB; prints
// the kit's weight too.
import { build } from 'esbuild';
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const PAGE_BUDGET_BYTES = 500 * 1024;
/** The page's lmlab.wasm alone (build/lmlab-page.wasm; sequence to sequence is in build/lmlab-seq2seq.wasm, loaded when used). */
export const WASM_BUDGET_BYTES = 150 * 1024;

async function exists(path) {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * esbuild plugin: a .css file imported from JavaScript arrives as its text (the kit adds its styles to
 * the page itself); CSS @import rules are left to the CSS loader.
 * @type {import('esbuild').Plugin}
 */
const cssAsText = {
  name: 'css-as-text',
  setup(b) {
    b.onResolve({ filter: /\.css$/ }, async (args) => {
      if (args.kind !== 'import-statement') return undefined;
      const result = await b.resolve(args.path, { kind: 'import-rule', resolveDir: args.resolveDir });
      if (result.errors.length) return { errors: result.errors };
      return { path: result.path, namespace: 'css-text' };
    });
    b.onLoad({ filter: /.*/, namespace: 'css-text' }, async (args) => ({
      contents: await readFile(args.path, 'utf8'),
      loader: 'text',
    }));
  },
};

/**
 * esbuild plugin for the language-model worker: the lmlab.wasm it loads has no sequence to sequence,
 * so the glue's seq2seq parts (about 19 KB minified: Seq2Seq, its vocabularies and pairs, the
 * attention layers) would never run there. wasm_glue/index.mjs installs them only for an instance
 * that has them; here they are replaced by an install() that says so, should one ever have them.
 * The seq2seq mode's own worker is built without this plugin.
 * @type {import('esbuild').Plugin}
 */
const withoutSeq2SeqGlue = {
  name: 'without-seq2seq-glue',
  setup(b) {
    b.onResolve({ filter: /^\.\/(seq2seq|layers-attention)\.mjs$/ }, (args) =>
      args.importer.endsWith(join('wasm_glue', 'index.mjs'))
        ? { path: args.path, namespace: 'absent-glue' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'absent-glue' }, (args) => ({
      contents: `export function install() { throw new Error('this bundle of lmlab leaves out ${args.path.slice(2)}: use the seq2seq worker'); }`,
      loader: 'js',
    }));
  },
};

/** esbuild options every bundle shares. @type {import('esbuild').BuildOptions} */
const COMMON = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022'],
  minify: process.env.LMLAB_WEB_MINIFY !== '0',
  legalComments: 'none',
  // The glue loads node:fs only under Node; in the browser that branch never runs.
  external: ['node:*'],
  logLevel: 'warning',
  plugins: [cssAsText],
};

/**
 * The page's HTML without the indentation of its lines (about 4 KB of the page weight): a line break
 * still separates what it separated, so the layout is unchanged; <pre> and <textarea>, where white
 * space is content, are kept as written.
 * @param {string} html
 */
export function unindentHtml(html) {
  return html
    .split(/(<(pre|textarea)\b[^>]*>[\s\S]*?<\/\2>)/)
    .map((part, i) => (i % 3 === 0 ? part.replace(/\n[ \t]+/g, '\n') : i % 3 === 1 ? part : ''))
    .join('');
}

async function sizeOfTree(dir, skip) {
  let total = 0;
  const files = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (skip(path)) continue;
    if (entry.isDirectory()) {
      const sub = await sizeOfTree(path, skip);
      total += sub.total;
      files.push(...sub.files);
    } else {
      const { size } = await stat(path);
      total += size;
      files.push({ path, size });
    }
  }
  return { total, files };
}

/**
 * Add to `into` the output files loaded at start: the entry points' outputs and, transitively, the
 * chunks they import statically (an import() target is loaded on demand, not at start, though the
 * metafile calls it an entry point too).
 * @param {import('esbuild').Metafile} metafile @param {string[]} entries the build's entry files
 * @param {Set<string>} into absolute paths
 */
function startClosure(metafile, entries, into) {
  const outputs = metafile.outputs;
  const wanted = new Set(entries.map((e) => resolve(e)));
  const queue = Object.keys(outputs).filter((file) => {
    const entry = outputs[file].entryPoint;
    return entry !== undefined && wanted.has(resolve(entry));
  });
  while (queue.length) {
    const file = /** @type {string} */ (queue.pop());
    const path = resolve(file);
    if (into.has(path)) continue;
    into.add(path);
    for (const imported of outputs[file].imports ?? [])
      if (imported.kind === 'import-statement' && !imported.external && outputs[imported.path])
        queue.push(imported.path);
  }
}

/** Write the Brown text to build/corpora/brown.txt (once) with the corpus script, return its path. */
async function brownCorpus() {
  const script = join(ROOT, 'scripts/brown-corpus.mjs');
  const { brownCorpusPath } = await import(pathToFileURL(script).href);
  return brownCorpusPath();
}

/**
 * Build the site into `outDir`. Returns the page weight in bytes and the file list.
 * @param {{ outDir?: string, quiet?: boolean }} [options]
 */
export async function buildWeb({ outDir = join(ROOT, 'dist'), quiet = false } = {}) {
  const log = quiet ? () => {} : (line) => console.log(line);
  // The page's file: build/lmlab.wasm without the layer reference functions (Makefile: lmlab-page.wasm),
  // served as lmlab.wasm.
  const wasm = join(ROOT, 'build/lmlab-page.wasm');
  if (!(await exists(wasm))) throw new Error('build/lmlab-page.wasm is missing: run `make wasm` first');
  const seq2seqWasm = join(ROOT, 'build/lmlab-seq2seq.wasm');
  if (!(await exists(seq2seqWasm))) throw new Error('build/lmlab-seq2seq.wasm is missing: run `make wasm` first');
  // The fused multiply-add builds (relaxed SIMD), which the workers load where the browser has it.
  const fmaWasm = join(ROOT, 'build/lmlab-page-fma.wasm');
  const seq2seqFmaWasm = join(ROOT, 'build/lmlab-seq2seq-fma.wasm');
  for (const file of [fmaWasm, seq2seqFmaWasm])
    if (!(await exists(file))) throw new Error(`${relative(ROOT, file)} is missing: run \`make wasm\` first`);
  // Each .wasm the page may load at start (one of the two) stays within the budget.
  for (const file of [wasm, fmaWasm]) {
    const bytes = (await stat(file)).size;
    if (bytes > WASM_BUDGET_BYTES)
      throw new Error(
        `${relative(ROOT, file)} is ${bytes} bytes, over the ${WASM_BUDGET_BYTES}-byte budget of the page's .wasm (move code the page does not load at start into a module of its own, as build/lmlab-seq2seq.wasm)`,
      );
  }
  await rm(outDir, { recursive: true, force: true });
  await mkdir(join(outDir, 'corpora'), { recursive: true });

  // The page and its worker, each split: what they import() on demand (the word-vectors card, the
  // embedding map's plot, the worker's embedding questions) becomes a chunk of its own in chunks/,
  // loaded when first used. The page weight counts what the page loads at start: each entry and the
  // chunks it imports statically (esbuild's metafile says which).
  const lmWorker = { ...COMMON, plugins: [...(COMMON.plugins ?? []), withoutSeq2SeqGlue] };
  /** @type {Set<string>} output files the page loads when it starts (absolute paths) */
  const atStart = new Set();
  for (const [options, entryPoints] of /** @type {[import('esbuild').BuildOptions, Record<string, string>][]} */ ([
    [COMMON, { app: join(ROOT, 'web/app.mjs'), style: join(ROOT, 'web/style.css') }],
    [lmWorker, { worker: join(ROOT, 'web/worker.mjs') }],
  ])) {
    const { metafile } = await build({
      ...options,
      entryPoints,
      outdir: outDir,
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
      metafile: true,
    });
    startClosure(/** @type {import('esbuild').Metafile} */ (metafile), Object.values(entryPoints), atStart);
  }
  // The seq2seq mode's page code, worker and .wasm, in seq2seq/: the page loads them only when that
  // mode is opened, so they are not counted in the page weight (printed on their own).
  const seq2seqDir = join(outDir, 'seq2seq');
  await build({ ...COMMON, entryPoints: { worker: join(ROOT, 'web/worker/seq2seq-worker.mjs') }, outdir: seq2seqDir });
  // …and the mode's page code with its markup (web/seq2seq/switch.mjs imports it when first opened).
  await build({
    ...COMMON,
    entryPoints: { mode: join(ROOT, 'web/seq2seq/mode.mjs') },
    loader: { '.html': 'text' },
    outdir: seq2seqDir,
  });
  await copyFile(seq2seqWasm, join(seq2seqDir, 'lmlab-seq2seq.wasm'));
  await copyFile(seq2seqFmaWasm, join(seq2seqDir, 'lmlab-seq2seq-fma.wasm'));
  // The kit: one module for authors' pages, the worker and the .wasm beside it (their URLs are
  // relative to the module: import.meta.url).
  const kitDir = join(outDir, 'kit');
  await build({ ...COMMON, entryPoints: { 'lmlab-kit': join(ROOT, 'web/kit/index.mjs') }, outdir: kitDir });
  await build({ ...lmWorker, entryPoints: { worker: join(ROOT, 'web/worker.mjs') }, outdir: kitDir });
  await copyFile(wasm, join(kitDir, 'lmlab.wasm'));
  await copyFile(fmaWasm, join(kitDir, 'lmlab-fma.wasm'));
  // The tutorials: plain pages over the kit (../../kit/lmlab-kit.js).
  const tutorials = join(ROOT, 'web/tutorials');
  await mkdir(join(outDir, 'tutorials'), { recursive: true });
  for (const name of await readdir(tutorials)) {
    await mkdir(join(outDir, 'tutorials', name), { recursive: true });
    for (const file of await readdir(join(tutorials, name)))
      await copyFile(join(tutorials, name, file), join(outDir, 'tutorials', name, file));
  }

  await writeFile(join(outDir, 'index.html'), unindentHtml(await readFile(join(ROOT, 'web/index.html'), 'utf8')));
  await copyFile(wasm, join(outDir, 'lmlab.wasm'));
  await copyFile(fmaWasm, join(outDir, 'lmlab-fma.wasm'));
  for (const name of await readdir(join(ROOT, 'web/corpora'))) {
    if (name.endsWith('.txt')) await copyFile(join(ROOT, 'web/corpora', name), join(outDir, 'corpora', name));
  }
  await copyFile(await brownCorpus(), join(outDir, 'corpora/brown.txt'));

  // Every preset file the page names must be in the site.
  const { PRESETS } = await import(pathToFileURL(join(ROOT, 'web/presets.mjs')).href);
  for (const preset of PRESETS) {
    if (preset.file && !(await exists(join(outDir, preset.file)))) {
      throw new Error(
        `preset '${preset.id}' needs ${preset.file}, which is not in ${relative(ROOT, outDir)}/ (web/corpora/ has no such file)`,
      );
    }
  }
  // Relative URLs only: no root-absolute src/href in any page.
  const pages = [
    join(outDir, 'index.html'),
    ...(await readdir(join(outDir, 'tutorials'))).map((name) => join(outDir, 'tutorials', name, 'index.html')),
  ];
  for (const file of pages) {
    const html = await readFile(file, 'utf8');
    const absolute = /(?:src|href)="\/(?!\/)/.exec(html);
    if (absolute)
      throw new Error(
        `${relative(outDir, file)} uses a root-absolute URL (${absolute[0]}…): the site must work under any sub-path`,
      );
  }

  // A browser loads one of lmlab.wasm and lmlab-fma.wasm: the page weighs the larger of the two. A
  // chunk counts when the page loads it at start (one its entry imports), else apart (on demand).
  const notPage = new Set(['corpora', 'kit', 'tutorials', 'seq2seq', 'lmlab-fma.wasm'].map((d) => join(outDir, d)));
  const chunks = join(outDir, 'chunks');
  const page = await sizeOfTree(
    outDir,
    (path) => notPage.has(path) || (dirname(path) === chunks && !atStart.has(path)),
  );
  const fmaBytes = (await stat(fmaWasm)).size;
  page.total += Math.max(0, fmaBytes - (await stat(wasm)).size);
  page.files.push({ path: join(outDir, 'lmlab-fma.wasm'), size: fmaBytes });
  const lazy = (await exists(chunks)) ? await sizeOfTree(chunks, (path) => atStart.has(path)) : { total: 0, files: [] };
  const kit = await sizeOfTree(kitDir, () => false);
  const seq2seq = await sizeOfTree(seq2seqDir, () => false);
  const corpora = await sizeOfTree(join(outDir, 'corpora'), () => false);
  await writeFile(
    join(outDir, 'build-info.json'),
    JSON.stringify(
      {
        pageBytes: page.total,
        lazyBytes: lazy.total,
        kitBytes: kit.total,
        seq2seqBytes: seq2seq.total,
        corporaBytes: corpora.total,
      },
      null,
      2,
    ),
  );
  log(`web: built ${relative(process.cwd(), outDir) || '.'}/`);
  for (const f of [...page.files, ...lazy.files, ...kit.files, ...seq2seq.files])
    log(`  ${relative(outDir, f.path).padEnd(20)} ${(f.size / 1024).toFixed(1).padStart(7)} KB`);
  log(
    `  page weight ${(page.total / 1024).toFixed(1)} KB (budget ${PAGE_BUDGET_BYTES / 1024} KB); loaded on demand (chunks/) ${(lazy.total / 1024).toFixed(1)} KB; kit ${(kit.total / 1024).toFixed(1)} KB; seq2seq mode ${(seq2seq.total / 1024).toFixed(1)} KB (loaded when opened); corpora ${(corpora.total / 1024 / 1024).toFixed(2)} MB`,
  );
  if (page.total > PAGE_BUDGET_BYTES)
    throw new Error(`page weight ${page.total} bytes is over the ${PAGE_BUDGET_BYTES}-byte budget`);
  return {
    pageBytes: page.total,
    lazyBytes: lazy.total,
    kitBytes: kit.total,
    corporaBytes: corpora.total,
    files: page.files,
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildWeb({ outDir: process.argv[2] ? resolve(process.argv[2]) : undefined }).catch((err) => {
    console.error(`build-web: ${err.message}`);
    process.exit(1);
  });
}
