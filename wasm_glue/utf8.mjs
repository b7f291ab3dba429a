// utf8.mjs — the one rule for text read from bytes, shared by the CLI (every command), the pairs
// reader and the page's corpus check: strict UTF-8 (what a fatal TextDecoder accepts: no overlong
// forms, no surrogates, nothing above U+10FFFF, no sequence cut off by the end) and no NUL byte (a
// NUL means a binary file, not text). Failures name the byte offset. Pure JS, no WebAssembly.

/** Offset of the first byte that breaks UTF-8 (the same rules as a fatal TextDecoder), or -1. @param {Uint8Array} bytes */
export function firstInvalidUtf8(bytes) {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need;
    let min;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    if (i + need >= n) return i; // a sequence cut off by the end of the file
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/**
 * Why these bytes are not text, as one sentence naming `name` and the byte offset, or null when they are.
 * @param {Uint8Array} bytes @param {string} name
 */
export function textProblem(bytes, name) {
  const nul = bytes.indexOf(0);
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0 && (nul < 0 || bad < nul)) {
    return `${name} is not valid UTF-8: the first bad byte is at offset ${bad} (0x${bytes[bad].toString(16).padStart(2, '0')})`;
  }
  if (nul >= 0) return `${name} contains a NUL byte at offset ${nul}: it looks like a binary file, not text`;
  return null;
}

/**
 * Bytes → string under the one rule; a leading byte-order mark is dropped. Throws a RangeError whose
 * message is textProblem's sentence. @param {Uint8Array} bytes @param {string} [name]
 */
export function decodeStrictUtf8(bytes, name = 'the text') {
  const problem = textProblem(bytes, name);
  if (problem) throw new RangeError(problem);
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}
