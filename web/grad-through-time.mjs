// grad-through-time.mjs — the vanishing-gradient probe: how much the LAST step's loss L_T still
// depends on each earlier hidden state, ||∂L_T/∂h_t||, for a one-layer tanh RNN. The trainer's own
// gradient-flow numbers sum every step's loss (each h_t also gets its own step's gradient), which
// hides the decay; this follows one loss back through the recurrence only. Pure math on arrays the
// model hands out (hidden states, Wh, Wy, softmax); no WASM, no DOM. Shapes as in the lecture.

/**
 * @param {Float32Array} h  (T, H) hidden states h_0 … h_{T-1} of the window (from a zero state)
 * @param {Float32Array} Wh (H, H) recurrent weights: h_t = tanh(x_t·Wx + h_{t-1}·Wh + b)
 * @param {Float32Array} Wy (H, V) decoder weights: scores_t = h_t·Wy + by
 * @param {Float32Array} probs (V,) softmax of the scores at the last step
 * @param {number} target id the last step should have predicted
 * @param {number} T @param {number} H @param {number} V
 * @returns {Float32Array} (T,) ||∂L_T/∂h_t|| for t = 0 … T-1 (the last entry is the decoder's own)
 */
export function lastLossGradients(h, Wh, Wy, probs, target, T, H, V) {
  const norms = new Float32Array(T);
  // dL_T/dh_{T-1} = (p - onehot(y)) · Wyᵀ
  let dh = new Float64Array(H);
  for (let i = 0; i < H; i++) {
    let sum = 0;
    for (let v = 0; v < V; v++) sum += Wy[i * V + v] * (probs[v] - (v === target ? 1 : 0));
    dh[i] = sum;
  }
  for (let t = T - 1; t >= 0; t--) {
    let sq = 0;
    for (let i = 0; i < H; i++) sq += dh[i] * dh[i];
    norms[t] = Math.sqrt(sq);
    if (t === 0) break;
    // Through h_t = tanh(a_t): da = dh ⊙ (1 - h_t²); then dh_{t-1} = da · Whᵀ.
    const da = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      const ht = h[t * H + j];
      da[j] = dh[j] * (1 - ht * ht);
    }
    const prev = new Float64Array(H);
    for (let i = 0; i < H; i++) {
      let sum = 0;
      for (let j = 0; j < H; j++) sum += Wh[i * H + j] * da[j];
      prev[i] = sum;
    }
    dh = prev;
  }
  return norms;
}

/** Softmax of one row of scores, stable (max subtracted). @param {ArrayLike<number>} scores */
export function softmax(scores) {
  let max = -Infinity;
  for (let i = 0; i < scores.length; i++) if (scores[i] > max) max = scores[i];
  const out = new Float64Array(scores.length);
  let sum = 0;
  for (let i = 0; i < scores.length; i++) {
    out[i] = Math.exp(scores[i] - max);
    sum += out[i];
  }
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}
