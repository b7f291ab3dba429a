// grader-references.mjs — what lmlab/grader's `check` knows about each Lab 2 layer pair, in cs231n's
// calling convention: the student's function names and argument order, random inputs with the lab's
// shapes, lmlab's reference (lm.layers, float32) for the forward and for the backward from a random
// upstream gradient, and the hints: alternative computations of the usual mistakes (a transposed
// matrix, no tanh derivative, one time step's gradient instead of their sum, another loss reduction,
// an ignored mask) whose match tells the student what to fix. No WebAssembly here: the layer
// functions come in as `L`. Shapes: N batch, T time, D input, H hidden, V vocabulary.
import { transpose } from './grader-tensors.mjs';

/** @typedef {{ data: Float32Array | Float64Array | Int32Array, shape: number[] }} AnyTensor */

/**
 * @typedef {object} Input
 * @property {string} name the argument's name in cs231n's signature
 * @property {'float' | 'ids' | 'mask'} kind ids: token ids in [0, V); mask: booleans for the student
 * @property {number[]} shape
 * @property {number} [scale] floats: N(0, scale²)
 */

/**
 * @typedef {object} Spec
 * @property {string} name
 * @property {string} title one line for the report
 * @property {string[]} functions cs231n's names: [forward, backward], or [the one function]
 * @property {string[]} sizes the size letters it draws
 * @property {(s: Record<string, number>) => Input[]} inputs in the student's argument order
 * @property {{ name: string, shape: (s: Record<string, number>) => number[] }[]} outputs of the forward (or of the single function)
 * @property {(L: any, a: Record<string, any>, options: Record<string, any>) => Record<string, AnyTensor | number>} forward
 * @property {{ upstream: { name: string, shape: (s: Record<string, number>) => number[] }[],
 *   gradients: string[], aliases?: Record<string, string[]>,
 *   reference: (L: any, a: Record<string, any>, out: Record<string, any>, up: Record<string, any>) => Record<string, AnyTensor> }} [backward]
 * @property {(ctx: HintContext) => string[]} [forwardHints]
 * @property {(ctx: HintContext) => string[]} [backwardHints]
 */

/**
 * @typedef {object} HintContext
 * @property {any} L lm.layers
 * @property {Record<string, any>} a the inputs (float32 Tensors, ids and masks as Int32 Tensors)
 * @property {Record<string, any>} out the reference forward's outputs (at the student's own outputs for the backward)
 * @property {Record<string, any>} up the upstream gradients
 * @property {Record<string, number>} s the sizes
 * @property {string[]} failing names of the tensors that failed
 * @property {(name: string, alternative: AnyTensor | number) => boolean} matches the student's `name` equals it
 * @property {Record<string, any>} options the check's options
 */

const zerosLike = (t) => ({ data: new Float32Array(t.data.length), shape: t.shape.slice() });

/** C (M, N) = A (M, K) · B (K, N), float64, for the alternatives lm.layers has no function for. */
function mm(A, B, M, K, N) {
  const C = new Float64Array(M * N);
  for (let i = 0; i < M; i++)
    for (let k = 0; k < K; k++) {
      const a = A[i * K + k];
      for (let j = 0; j < N; j++) C[i * N + j] += a * B[k * N + j];
    }
  return C;
}

/** Step t of a (N, T, X) tensor: (N, X). */
function stepOf(t3, t) {
  const [N, T, X] = t3.shape;
  const out = new Float32Array(N * X);
  for (let n = 0; n < N; n++) out.set(t3.data.subarray((n * T + t) * X, (n * T + t + 1) * X), n * X);
  return { data: out, shape: [N, X] };
}

/** A (N, T, X) tensor with every step but `keep` zeroed. */
function onlyStep(t3, keep) {
  const [N, T, X] = t3.shape;
  const out = new Float32Array(t3.data.length);
  for (let n = 0; n < N; n++) out.set(t3.data.subarray((n * T + keep) * X, (n * T + keep + 1) * X), (n * T + keep) * X);
  return { data: out, shape: t3.shape.slice() };
}

/**
 * BPTT one step at a time with lm.layers.rnn_step_backward: each step's own contribution to dWx, dWh,
 * db (the sum over t is rnn_backward's), and the same walk without carrying dprev_h back (`carry` false).
 */
function rnnSteps(L, a, h, dh, carry = true) {
  const [N, T] = a.x.shape;
  const H = a.Wh.shape[0];
  let dnextCarry = new Float32Array(N * H);
  const steps = new Array(T);
  for (let t = T - 1; t >= 0; t--) {
    const up = stepOf(dh, t);
    if (carry) for (let i = 0; i < up.data.length; i++) up.data[i] += dnextCarry[i];
    const g = L.rnn_step_backward(up, stepOf(a.x, t), t ? stepOf(h, t - 1) : a.h0, stepOf(h, t), a.Wx, a.Wh);
    steps[t] = g;
    dnextCarry = g.dh_prev.data;
  }
  return steps;
}

const sum = (tensors) => {
  const out = new Float64Array(tensors[0].data.length);
  for (const t of tensors) for (let i = 0; i < out.length; i++) out[i] += t.data[i];
  return { data: out, shape: tensors[0].shape.slice() };
};

/** The softmax loss's reductions, as a hint names them. */
const REDUCTIONS = {
  'sum-over-N': "the sum over the unmasked positions divided by N, the batch size (cs231n's temporal_softmax_loss)",
  'mean-unmasked': "the mean over the unmasked positions (lmlab's default)",
};

const TANH_DERIVATIVE =
  "multiply the upstream gradient by tanh's derivative (1 − next_h²) before the matrix products: da = dnext_h ⊙ (1 − next_h²)";
const ROWS_NOT_COLUMNS =
  "with one example per row, a = x·Wx + prev_h·Wh + b (the lecture's W_h·h_{t−1} is written for one column vector; for rows it is prev_h·Wh, not prev_h·Whᵀ)";

/** The references `check` knows, by name. @type {Record<string, Spec>} */
export const REFERENCES = {
  rnn_step: {
    name: 'rnn_step',
    title: 'one RNN step, forward and backward',
    functions: ['rnn_step_forward', 'rnn_step_backward'],
    sizes: ['N', 'D', 'H'],
    inputs: ({ N, D, H }) => [
      { name: 'x', kind: 'float', shape: [N, D] },
      { name: 'prev_h', kind: 'float', shape: [N, H], scale: 0.5 },
      { name: 'Wx', kind: 'float', shape: [D, H], scale: 0.5 },
      { name: 'Wh', kind: 'float', shape: [H, H], scale: 0.5 },
      { name: 'b', kind: 'float', shape: [H], scale: 0.5 },
    ],
    outputs: [{ name: 'next_h', shape: ({ N, H }) => [N, H] }],
    forward: (L, a) => ({ next_h: L.rnn_step_forward(a.x, a.prev_h, a.Wx, a.Wh, a.b) }),
    backward: {
      upstream: [{ name: 'dnext_h', shape: ({ N, H }) => [N, H] }],
      gradients: ['dx', 'dprev_h', 'dWx', 'dWh', 'db'],
      aliases: { dprev_h: ['dh_prev'] },
      reference: (L, a, out, up) => {
        const g = L.rnn_step_backward(up.dnext_h, a.x, a.prev_h, out.next_h, a.Wx, a.Wh);
        return { dx: g.dx, dprev_h: g.dh_prev, dWx: g.dWx, dWh: g.dWh, db: g.db };
      },
    },
    forwardHints({ L, a, s, matches }) {
      const hints = [];
      if (matches('next_h', L.rnn_step_forward(a.x, a.prev_h, a.Wx, transpose(a.Wh), a.b))) {
        hints.push(`next_h equals tanh(x·Wx + prev_h·Whᵀ + b): ${ROWS_NOT_COLUMNS}`);
      }
      const pre = mm(a.x.data, a.Wx.data, s.N, s.D, s.H).map(
        (v, i) => v + mm(a.prev_h.data, a.Wh.data, s.N, s.H, s.H)[i] + a.b.data[i % s.H],
      );
      if (matches('next_h', { data: pre, shape: [s.N, s.H] }))
        hints.push('next_h equals x·Wx + prev_h·Wh + b without the tanh: next_h = tanh(a)');
      if (matches('next_h', L.rnn_step_forward(a.x, a.prev_h, a.Wx, a.Wh, zerosLike(a.b))))
        hints.push('next_h equals the result without the bias: add b');
      return hints;
    },
    backwardHints({ L, a, out, up, failing, matches }) {
      const hints = [];
      const names = ['dx', 'dprev_h', 'dWx', 'dWh', 'db'];
      const noDerivative = L.rnn_step_backward(up.dnext_h, a.x, a.prev_h, zerosLike(out.next_h), a.Wx, a.Wh);
      const alt = {
        dx: noDerivative.dx,
        dprev_h: noDerivative.dh_prev,
        dWx: noDerivative.dWx,
        dWh: noDerivative.dWh,
        db: noDerivative.db,
      };
      const same = failing.filter((n) => names.includes(n) && matches(n, alt[n]));
      if (same.length)
        hints.push(
          `${same.join(', ')} ${same.length > 1 ? 'are' : 'is'} what you get without tanh's derivative: ${TANH_DERIVATIVE}`,
        );
      const atPrev = L.rnn_step_backward(up.dnext_h, a.x, a.prev_h, a.prev_h, a.Wx, a.Wh);
      if (failing.includes('dWx') && matches('dWx', atPrev.dWx))
        hints.push(
          "the gradients use 1 − prev_h²: tanh's derivative at this step is 1 − next_h² (next_h from your cache)",
        );
      return hints;
    },
  },

  rnn: {
    name: 'rnn',
    title: 'the RNN over T steps: forward, and backward through time',
    functions: ['rnn_forward', 'rnn_backward'],
    sizes: ['N', 'T', 'D', 'H'],
    inputs: ({ N, T, D, H }) => [
      { name: 'x', kind: 'float', shape: [N, T, D] },
      { name: 'h0', kind: 'float', shape: [N, H], scale: 0.5 },
      { name: 'Wx', kind: 'float', shape: [D, H], scale: 0.5 },
      { name: 'Wh', kind: 'float', shape: [H, H], scale: 0.5 },
      { name: 'b', kind: 'float', shape: [H], scale: 0.5 },
    ],
    outputs: [{ name: 'h', shape: ({ N, T, H }) => [N, T, H] }],
    forward: (L, a) => ({ h: L.rnn_forward(a.x, a.h0, a.Wx, a.Wh, a.b) }),
    backward: {
      upstream: [{ name: 'dh', shape: ({ N, T, H }) => [N, T, H] }],
      gradients: ['dx', 'dh0', 'dWx', 'dWh', 'db'],
      reference: (L, a, out, up) => {
        const g = L.rnn_backward(up.dh, a.x, a.h0, out.h, a.Wx, a.Wh);
        return { dx: g.dx, dh0: g.dh0, dWx: g.dWx, dWh: g.dWh, db: g.db };
      },
    },
    forwardHints({ L, a, matches }) {
      const hints = [];
      if (matches('h', L.rnn_forward(a.x, a.h0, a.Wx, transpose(a.Wh), a.b)))
        hints.push(`h equals the RNN with prev_h·Whᵀ: ${ROWS_NOT_COLUMNS}`);
      if (matches('h', L.rnn_forward(a.x, zerosLike(a.h0), a.Wx, a.Wh, a.b)))
        hints.push('h equals a start from zeros: the first step must read h0');
      return hints;
    },
    backwardHints({ L, a, out, up, s, failing, matches }) {
      const hints = [];
      const noDerivative = L.rnn_backward(up.dh, a.x, a.h0, zerosLike(out.h), a.Wx, a.Wh);
      const same = failing.filter((n) => ['dx', 'dh0', 'dWx', 'dWh', 'db'].includes(n) && matches(n, noDerivative[n]));
      if (same.length)
        hints.push(
          `${same.join(', ')} ${same.length > 1 ? 'are' : 'is'} what you get without tanh's derivative: ${TANH_DERIVATIVE}`,
        );
      const steps = rnnSteps(L, a, out.h, up.dh);
      for (const t of [0, s.T - 1]) {
        const one = ['dWx', 'dWh', 'db'].filter((n) => failing.includes(n) && matches(n, steps[t][n]));
        if (one.length) {
          const params = one.map((n) => n.slice(1)).join(', ');
          hints.push(
            `${one.join(', ')} ${one.length > 1 ? 'hold' : 'holds'} the gradient of time step ${t} only: ${params} ${one.length > 1 ? 'are' : 'is'} shared by all T steps, so the gradient is the sum over t — add (+=) each step's gradient instead of replacing it`,
          );
        }
      }
      const lastOnly = L.rnn_backward(onlyStep(up.dh, s.T - 1), a.x, a.h0, out.h, a.Wx, a.Wh);
      if (failing.includes('dWx') && matches('dWx', lastOnly.dWx)) {
        hints.push(
          `the gradients use only dh[:, T−1]: at each step the upstream gradient is dh[:, t] plus the gradient carried back from step t+1`,
        );
      }
      const uncarried = rnnSteps(L, a, out.h, up.dh, false);
      if (failing.includes('dWx') && matches('dWx', sum(uncarried.map((g) => g.dWx)))) {
        hints.push(
          "the gradients do not flow back through time: add the dprev_h of step t+1 to dh[:, t] before step t's backward",
        );
      }
      return hints;
    },
  },

  word_embedding: {
    name: 'word_embedding',
    title: 'the word embedding, forward (a row lookup) and backward',
    functions: ['word_embedding_forward', 'word_embedding_backward'],
    sizes: ['N', 'T', 'V', 'D'],
    inputs: ({ N, T, V, D }) => [
      { name: 'x', kind: 'ids', shape: [N, T], V },
      { name: 'W', kind: 'float', shape: [V, D] },
    ],
    outputs: [{ name: 'out', shape: ({ N, T, D }) => [N, T, D] }],
    forward: (L, a) => ({ out: L.embedding_forward(a.x, a.W) }),
    backward: {
      upstream: [{ name: 'dout', shape: ({ N, T, D }) => [N, T, D] }],
      gradients: ['dW'],
      reference: (L, a, out, up) => ({ dW: L.embedding_backward(up.dout, a.x, a.W.shape[0]) }),
    },
    backwardHints({ a, up, s, failing, matches }) {
      if (!failing.includes('dW')) return [];
      const overwritten = new Float64Array(s.V * s.D);
      a.x.data.forEach((id, i) => overwritten.set(up.dout.data.subarray(i * s.D, (i + 1) * s.D), id * s.D));
      return matches('dW', { data: overwritten, shape: [s.V, s.D] })
        ? [
            "dW keeps only the last occurrence of a repeated word: add every position's gradient into its word's row (np.add.at(dW, x, dout)), do not assign",
          ]
        : [];
    },
  },

  temporal_affine: {
    name: 'temporal_affine',
    title: 'hidden states to scores at every step, forward and backward',
    functions: ['temporal_affine_forward', 'temporal_affine_backward'],
    sizes: ['N', 'T', 'H', 'V'],
    inputs: ({ N, T, H, V }) => [
      { name: 'x', kind: 'float', shape: [N, T, H] },
      { name: 'w', kind: 'float', shape: [H, V], scale: 0.5 },
      { name: 'b', kind: 'float', shape: [V], scale: 0.5 },
    ],
    outputs: [{ name: 'out', shape: ({ N, T, V }) => [N, T, V] }],
    forward: (L, a) => ({ out: L.temporal_affine_forward(a.x, a.w, a.b) }),
    backward: {
      upstream: [{ name: 'dout', shape: ({ N, T, V }) => [N, T, V] }],
      gradients: ['dx', 'dw', 'db'],
      aliases: { dx: ['dh'], dw: ['dW'] },
      reference: (L, a, out, up) => {
        const g = L.temporal_affine_backward(up.dout, a.x, a.w);
        return { dx: g.dh, dw: g.dW, db: g.db };
      },
    },
  },

  temporal_softmax_loss: {
    name: 'temporal_softmax_loss',
    title: 'the softmax loss over (N, T) with a mask, and its gradient',
    functions: ['temporal_softmax_loss'],
    sizes: ['N', 'T', 'V'],
    inputs: ({ N, T, V }) => [
      { name: 'x', kind: 'float', shape: [N, T, V], scale: 1.5 },
      { name: 'y', kind: 'ids', shape: [N, T], V },
      { name: 'mask', kind: 'mask', shape: [N, T] },
    ],
    outputs: [
      { name: 'loss', shape: () => [] },
      { name: 'dx', shape: ({ N, T, V }) => [N, T, V] },
    ],
    forward: (L, a, options) => {
      const r = L.temporal_softmax_loss(a.x, a.y, a.mask, { reduction: options.reduction });
      return { loss: r.loss, dx: r.dscores };
    },
    forwardHints({ L, a, s, failing, matches, options }) {
      const hints = [];
      const other = options.reduction === 'sum-over-N' ? 'mean-unmasked' : 'sum-over-N';
      const alt = L.temporal_softmax_loss(a.x, a.y, a.mask, { reduction: other });
      if (matches('loss', alt.loss) || matches('dx', alt.dscores)) {
        hints.push(
          `your loss is ${REDUCTIONS[other]}, but this grader expects ${REDUCTIONS[options.reduction]}; divide dx by the same number. (Graders: if your course means the other one, pass { reduction: '${other}' } to check.)`,
        );
      }
      const sumOverN = L.temporal_softmax_loss(a.x, a.y, a.mask, { reduction: 'sum-over-N' });
      if (
        options.reduction === 'sum-over-N' &&
        (matches('loss', sumOverN.loss / s.T) ||
          matches('dx', { data: sumOverN.dscores.data.map((v) => v / s.T), shape: sumOverN.dscores.shape }))
      ) {
        hints.push(
          'your loss divides the sum by N·T (every position, masked or not): divide the sum over the unmasked positions by N only',
        );
      }
      const unmasked = L.temporal_softmax_loss(a.x, a.y, null, { reduction: options.reduction });
      if (failing.length && (matches('loss', unmasked.loss) || matches('dx', unmasked.dscores))) {
        hints.push(
          'the mask is ignored: positions where mask is 0 (padding) must add nothing to the loss, and their dx must be 0',
        );
      }
      return hints;
    },
  },
};

/** cs231n's forward names, each checked alone. */
export const FORWARD_ONLY = Object.fromEntries(
  Object.values(REFERENCES)
    .filter((r) => r.backward)
    .map((r) => [r.functions[0], r.name]),
);
/** cs231n's backward names: they need their forward's cache. */
export const BACKWARD_NAMES = Object.fromEntries(
  Object.values(REFERENCES)
    .filter((r) => r.backward)
    .map((r) => [r.functions[1], r.name]),
);
