// _text.mjs — the one way every CLI command reads text: the file's bytes checked under the one rule of
// wasm_glue/utf8.mjs (strict UTF-8, no NUL byte; a failure names the flag, the path and the byte
// offset), never decoded with replacement characters. bigram keeps the checked bytes; the others a string.
import { readFileSync } from 'node:fs';
import { UsageError } from './_args.mjs';
import { decodeStrictUtf8, textProblem } from '../../wasm_glue/utf8.mjs';

/** The raw bytes of `path`, or a UsageError naming `flag` ("--data") and why the file cannot be read. */
export function readBytes(path, flag) {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (err) {
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a folder' : err.message;
    throw new UsageError(`cannot read ${flag} ${path}: ${why}`);
  }
}

/** The bytes of a text file, checked: strict UTF-8 and no NUL, else a UsageError with the byte offset. */
export function readTextBytes(path, flag) {
  const bytes = readBytes(path, flag);
  const problem = textProblem(bytes, `${flag} ${path}`);
  if (problem) throw new UsageError(problem);
  return bytes;
}

/** The text of a file under the one rule (a leading byte-order mark dropped). */
export function readTextFile(path, flag) {
  return decodeText(readBytes(path, flag), `${flag} ${path}`);
}

/** Bytes already read (stdin, a cache file) → text under the same rule, or a UsageError. */
export function decodeText(bytes, name) {
  try {
    return decodeStrictUtf8(bytes, name);
  } catch (err) {
    throw new UsageError(err.message);
  }
}
