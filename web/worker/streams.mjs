// streams.mjs — how a training text is laid out for the trainer's N parallel streams, so that every
// character is trained on. The C trainer (src/trainer.c) cuts its ids into N streams of floor(len/N)
// and takes windows of T+1 from each, wrapping when the next window would not fit: on a short text
// the last (len/N − 1) mod T characters of every stream (and len mod N at the end) are never a
// target. Here the streams are read from the text as a ring instead: stream n starts at
// round(n·len/N) and runs k·T + 1 characters, wrapping past the end to the start, with k the fewest
// windows that reach the next stream's start. Every character is then a target at least once per
// epoch, at the price of one seam (the text's last character followed by its first). A text that
// one stream already covers exactly is passed through unchanged. Pure: no WASM, no DOM.
// Shapes: len text, N streams, T window, S = k·T + 1 tokens per stream.

/**
 * @typedef {object} StreamLayout
 * @property {Int32Array} ids (N·S,) what the trainer gets: stream n at n·S
 * @property {number} streams N
 * @property {number} streamLength S: tokens per stream (windows overlap by one token)
 * @property {boolean} ring true: the streams wrap past the text's end (one seam, last → first character)
 * @property {number} coverage the fraction of the text's characters that are a target in an epoch (1 when ring)
 */

/**
 * Characters of `len` that the plain cut (N streams of floor(len/N), windows of T) makes a target
 * in one epoch.
 * @param {number} len @param {number} N @param {number} T
 */
export function plainTargets(len, N, T) {
  const streamLength = Math.floor(len / N);
  if (streamLength < T + 1) return 0;
  return N * Math.floor((streamLength - 1) / T) * T;
}

/**
 * Lay out `ids` for N streams of windows T (see the file comment). Needs at least 2 tokens.
 * @param {Int32Array} ids (len,) @param {number} N @param {number} T
 * @returns {StreamLayout}
 */
export function layoutStreams(ids, N, T) {
  const len = ids.length;
  if (!(Number.isInteger(N) && N >= 1 && Number.isInteger(T) && T >= 1))
    throw new Error(`streams need a batch ≥ 1 and a sequence length ≥ 1, got ${N} and ${T}`);
  if (len < 2) throw new Error(`the training text has ${len} characters; it needs at least 2`);
  // One stream the windows cover exactly (e.g. the lecture's "hello" as one window of four): leave
  // it alone, so no seam is added where none is needed; only its first character, which nothing
  // precedes, is not a target. (With more streams, the ring also makes each stream's first
  // character a target of the stream before.)
  if (N === 1 && (len - 1) % T === 0)
    return { ids, streams: 1, streamLength: len, ring: false, coverage: (len - 1) / len };
  const span = Math.ceil(len / N); // the most characters between two stream starts
  const k = Math.max(1, Math.ceil(span / T)); // windows per stream: k·T targets reach the next start
  const S = k * T + 1;
  const out = new Int32Array(N * S);
  for (let n = 0; n < N; n++) {
    const start = Math.round((n * len) / N);
    for (let j = 0; j < S; j++) out[n * S + j] = ids[(start + j) % len];
  }
  return { ids: out, streams: N, streamLength: S, ring: true, coverage: 1 };
}
