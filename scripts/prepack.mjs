#!/usr/bin/env node
// prepack.mjs — run by `npm pack` and `npm publish` before they pack (package.json "prepack"): build
// every file the package points at (`make wasm`; also `make web` when an export points into dist/),
// then check that each target of "exports", "bin" and "types", and each .wasm the glue loads by
// default, exists and is listed in "files" — and that "files" packs nothing under dist/ that no
// export points into. Any failure stops the pack with one sentence and exit status 1: a tarball
// without its .wasm must never be made. It writes to stderr only (`npm pack --json` owns stdout).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Every string target under an "exports" value (conditions nest), without the leading "./". */
function exportTargets(value) {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(exportTargets);
  return [];
}
const plain = (path) => path.replace(/^\.\//, '');

/** The .wasm files the glue loads when the caller names none: `new URL('../build/x.wasm', import.meta.url)`. */
export function defaultWasmFiles(root = ROOT) {
  const names = new Set();
  for (const file of readdirSync(join(root, 'wasm_glue')).filter((f) => f.endsWith('.mjs'))) {
    const source = readFileSync(join(root, 'wasm_glue', file), 'utf8');
    for (const [, name] of source.matchAll(/new URL\(\s*['"]\.\.\/build\/([\w.-]+\.wasm)['"]/g))
      names.add(`build/${name}`);
  }
  return [...names].sort();
}

/**
 * What the package must carry: { targets: [{ path, why }], files: string[] } from package.json.
 * @param {string} [root]
 */
export function packageTargets(root = ROOT) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const targets = [];
  for (const [key, value] of Object.entries(pkg.exports ?? {})) {
    for (const target of exportTargets(value)) targets.push({ path: plain(target), why: `export '${key}'` });
  }
  for (const [name, target] of Object.entries(pkg.bin ?? {}))
    targets.push({ path: plain(target), why: `bin '${name}'` });
  if (pkg.types) targets.push({ path: plain(pkg.types), why: '"types"' });
  for (const path of defaultWasmFiles(root)) targets.push({ path, why: 'the glue’s default .wasm' });
  return { targets, files: (pkg.files ?? []).map(plain) };
}

/** Does a "files" entry (a path, a folder ending in /, or a pattern with * and **) include `path`? */
export function filesEntryIncludes(entry, path) {
  if (!/[*?]/.test(entry)) {
    const folder = entry.replace(/\/$/, '');
    return path === folder || path.startsWith(`${folder}/`);
  }
  const pattern = entry
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*\*\/?/g, '\0')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]')
    .replace(/\0/g, '(?:.*/)?');
  return new RegExp(`^${pattern}(?:/.*)?$`).test(path);
}

/** Files npm packs whatever "files" says: package.json, README, LICENSE/LICENCE at the top. */
const ALWAYS_PACKED = /^(?:package\.json|readme(?:\.[^/]*)?|licen[cs]e(?:\.[^/]*)?)$/i;

/** A reason not to pack, said in one sentence. */
export class PackError extends Error {}

/** The make goals that build what the package points at: always wasm; web when something is in dist/. */
export function buildGoals(root = ROOT) {
  return packageTargets(root).targets.some((t) => t.path.startsWith('dist/')) ? ['wasm', 'web'] : ['wasm'];
}

function runMake(goals) {
  const needed = goals.includes('web') ? 'build/lmlab.wasm and the dist/ files it exports' : 'build/lmlab.wasm';
  process.stderr.write(`prepack: make ${goals.join(' ')}\n`);
  // The build's own output goes to stderr too: `npm pack --json` prints its JSON on stdout.
  const run = spawnSync('make', goals, { cwd: ROOT, stdio: ['ignore', process.stderr, process.stderr] });
  if (run.error) {
    const why =
      run.error.code === 'ENOENT' ? '`make` is not installed' : `\`make\` could not start (${run.error.message})`;
    throw new PackError(
      `${why}, so the ${needed} the package needs cannot be built from this source: ` +
        'install make (Debian: apt-get install make) and pack again',
    );
  }
  if (run.status !== 0) {
    const how = run.signal ? `was stopped by ${run.signal}` : `failed with exit status ${run.status}`;
    throw new PackError(
      `\`make ${goals.join(' ')}\` ${how}, so the package would lack an up-to-date ${needed}: ` +
        'fix the build (the lines above say why) and pack again',
    );
  }
}

/** One built file matching an export pattern such as dist/kit/* (the part before '*' is a folder). */
function patternSample(root, pattern, why) {
  const folder = pattern.slice(0, pattern.indexOf('*'));
  const full = join(root, folder);
  const names =
    existsSync(full) && statSync(full).isDirectory()
      ? readdirSync(full).filter((n) => statSync(join(full, n)).isFile())
      : [];
  if (names.length === 0) throw new PackError(`${why} points at ${pattern}, but the build made no file in ${folder}`);
  return folder + names[0];
}

/**
 * After the build: every target exists and "files" includes it; "files" packs no part of dist/
 * that no export points into. Throws a PackError; returns the targets' paths.
 * @param {string} [root]
 */
export function checkPackage(root = ROOT) {
  const { targets, files } = packageTargets(root);
  for (const target of targets) {
    // A subpath pattern ("./kit/*" → "dist/kit/*") points at its folder's files: check one of them.
    const { why } = target;
    const path = target.path.includes('*') ? patternSample(root, target.path, why) : target.path;
    const full = join(root, path);
    if (!existsSync(full) || statSync(full).size === 0)
      throw new PackError(`${why} points at ${path}, which the build did not make`);
    if (!ALWAYS_PACKED.test(path) && !files.some((entry) => filesEntryIncludes(entry, path))) {
      throw new PackError(`${why} points at ${path}, which package.json "files" does not include`);
    }
  }
  // dist/ is the built site: pack a part of it only when an export points into that part.
  for (const entry of files.filter((f) => f.startsWith('dist/'))) {
    if (!targets.some((t) => filesEntryIncludes(entry, t.path))) {
      throw new PackError(
        `package.json "files" includes ${entry}, but no export points into it: add the export or drop the entry`,
      );
    }
  }
  return [...new Set(targets.map((t) => t.path))];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    runMake(buildGoals());
    const paths = checkPackage();
    process.stderr.write(`prepack: built and checked what the package points at: ${paths.join(', ')}\n`);
  } catch (err) {
    if (!(err instanceof PackError)) throw err;
    process.stderr.write(`prepack: cannot pack lmlab: ${err.message}.\n`);
    process.exitCode = 1;
  }
}
