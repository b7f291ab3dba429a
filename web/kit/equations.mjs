// equations.mjs — the cells' equations as data: one list per cell (RNN, LSTM, the torch and lecture
// GRUs, the window MLP) of `lhs = expression` over named symbols, each symbol knowing what it is,
// its shape, and where its live values are (a probe quantity at character t or t − 1, the input, a
// column block of a parameter, the next-character distribution). The same data is rendered to MathML
// (toMathML, for <lm-equations>) and evaluated (evaluate, in tests/kit.test.mjs, against the C
// probe), so what the page shows is what src/layers_*.c computes. Pure: no DOM, no WASM.
// Shapes: V vocabulary, E input width (embedding, or V for one-hot), H hidden, W window, t position.

/**
 * @typedef {{ op: 'sym', id: string }
 *   | { op: 'add', args: Expr[] }
 *   | { op: 'matmul', a: Expr, b: Expr }
 *   | { op: 'had', a: Expr, b: Expr }
 *   | { op: 'fn', name: 'σ' | 'tanh' | 'softmax', arg: Expr }
 *   | { op: 'oneMinus', arg: Expr }
 *   | { op: 'concat', id: string, W: number }} Expr
 * matmul: a row vector times a matrix (x_t W_x); had: element-wise product; concat: the window's
 * [x_{t−W+1}; …; x_t] (zeros before the text's start).
 */

/**
 * Where a symbol's values are. quantity: a probe quantity ('h', 'c', a gate) at t + dt; input: x_t;
 * param: columns block·H … (block+1)·H − 1 of a parameter (the whole tensor when block is undefined);
 * next: p_t's likeliest characters; none: shown by shape only.
 * @typedef {{ kind: 'quantity', key: string, dt: 0 | -1 } | { kind: 'input' } | { kind: 'param', name: string, block?: number }
 *   | { kind: 'next' } | { kind: 'none' }} Source
 */

/**
 * @typedef {object} SymbolInfo
 * @property {string} base the letter (MathML <mi>)
 * @property {string} [sub] its subscript ('t', 't−1', 'xi', …)
 * @property {string} about what it is, in words
 * @property {(c: CellConfig) => number[]} shape
 * @property {Source} source
 */

/** @typedef {{ cell: 'rnn' | 'lstm' | 'gru' | 'window', gru?: 'torch' | 'lecture', vocabSize: number, embed: number, hidden: number, layers: number, window: number }} CellConfig */

/** @param {string} id @returns {Expr} */
const sym = (id) => ({ op: 'sym', id });
/** @param {...Expr} args @returns {Expr} */
const add = (...args) => ({ op: 'add', args });
/** @param {Expr | string} a @param {Expr | string} b @returns {Expr} */
const matmul = (a, b) => ({
  op: 'matmul',
  a: typeof a === 'string' ? sym(a) : a,
  b: typeof b === 'string' ? sym(b) : b,
});
/** @param {Expr | string} a @param {Expr | string} b @returns {Expr} */
const had = (a, b) => ({ op: 'had', a: typeof a === 'string' ? sym(a) : a, b: typeof b === 'string' ? sym(b) : b });
/** @param {'σ' | 'tanh' | 'softmax'} name @param {Expr} arg @returns {Expr} */
const fn = (name, arg) => ({ op: 'fn', name, arg });

/** The width of the first layer's input: the embedding, or one-hot over the vocabulary. @param {CellConfig} c */
const inputWidth = (c) => (c.layers > 1 ? c.hidden : c.embed > 0 ? c.embed : c.vocabSize);
/** Parameter names of the last layer. @param {CellConfig} c @param {string} kind */
const layerParam = (c, kind) => `rnn.${kind}_l${c.layers - 1}`;

/** The gates of each gated cell, in the packed order of src/layers_gated.h. */
const GATES = { lstm: ['i', 'f', 'g', 'o'], gru: ['r', 'z', 'g'] };
const GATE_ABOUT = {
  i: 'the input gate: how much of the candidate g_t is written into the cell',
  f: 'the forget gate: how much of the old cell state c_{t−1} is kept',
  g: 'the candidate: what could be written (LSTM into c_t, GRU into h_t)',
  o: 'the output gate: how much of tanh(c_t) is read out as h_t',
  r: 'the reset gate: how much of h_{t−1} the candidate g_t sees',
  z: 'the update gate: how much of h_{t−1} is kept (1 − z_t of the candidate g_t is taken)',
};

/**
 * Every symbol that can appear in cell `c`'s equations.
 * @param {CellConfig} c
 * @returns {Record<string, SymbolInfo>}
 */
export function symbolsFor(c) {
  const H = c.hidden;
  const E = inputWidth(c);
  const G = c.cell === 'lstm' ? 4 : c.cell === 'gru' ? 3 : 1;
  /** @type {Record<string, SymbolInfo>} */
  const s = {
    x: {
      base: 'x',
      sub: 't',
      about:
        c.layers > 1
          ? `the input at character t: h_t of layer ${c.layers - 1} (not probed; shape only)`
          : c.embed > 0
            ? 'the input at character t: its row of the embedding table'
            : 'the input at character t: one-hot over the vocabulary (so x_t W_x is row c_t of W_x)',
      shape: () => [E],
      source: c.layers > 1 ? { kind: 'none' } : { kind: 'input' },
    },
    h: {
      base: 'h',
      sub: 't',
      about: 'the hidden state after character t',
      shape: () => [H],
      source: { kind: 'quantity', key: 'h', dt: 0 },
    },
    hprev: {
      base: 'h',
      sub: 't−1',
      about: 'the hidden state before character t (zeros before the first: the probe starts from a zero state)',
      shape: () => [H],
      source: { kind: 'quantity', key: 'h', dt: -1 },
    },
    s: {
      base: 's',
      sub: 't',
      about: 'the scores over the vocabulary after character t (shape only)',
      shape: () => [c.vocabSize],
      source: { kind: 'none' },
    },
    p: {
      base: 'p',
      sub: 't',
      about: 'the distribution of the next character, c_{t+1} (its likeliest characters)',
      shape: () => [c.vocabSize],
      source: { kind: 'next' },
    },
  };
  if (c.cell === 'window') {
    Object.assign(s, {
      W1: {
        base: 'W',
        about: 'hidden.weight: the window layer, one block of E rows per position of the window',
        shape: () => [c.window * c.embed, H],
        source: { kind: 'param', name: 'hidden.weight' },
      },
      b1: {
        base: 'b',
        sub: '1',
        about: 'hidden.bias',
        shape: () => [H],
        source: { kind: 'param', name: 'hidden.bias' },
      },
      Wy: {
        base: 'U',
        about: 'decoder.weight: hidden state → scores',
        shape: () => [H, c.vocabSize],
        source: { kind: 'param', name: 'decoder.weight' },
      },
      by: {
        base: 'b',
        sub: '2',
        about: 'decoder.bias',
        shape: () => [c.vocabSize],
        source: { kind: 'param', name: 'decoder.bias' },
      },
    });
    s.x.about = 'the embedding row of character t (the window concatenates the last W of them)';
    s.x.shape = () => [c.embed];
    s.x.source = { kind: 'none' };
    s.h.about = 'the hidden layer for the window of characters ending at t';
    return s;
  }
  Object.assign(s, {
    Wy: {
      base: 'W',
      sub: 'y',
      about: 'decoder.weight: hidden state → scores',
      shape: () => [H, c.vocabSize],
      source: { kind: 'param', name: 'decoder.weight' },
    },
    by: {
      base: 'b',
      sub: 'y',
      about: 'decoder.bias',
      shape: () => [c.vocabSize],
      source: { kind: 'param', name: 'decoder.bias' },
    },
  });
  if (c.cell === 'rnn') {
    Object.assign(s, {
      Wx: {
        base: 'W',
        sub: 'x',
        about: `${layerParam(c, 'weight_ih')}: input → hidden`,
        shape: () => [E, H],
        source: { kind: 'param', name: layerParam(c, 'weight_ih') },
      },
      Wh: {
        base: 'W',
        sub: 'h',
        about: `${layerParam(c, 'weight_hh')}: hidden → hidden, the recurrence`,
        shape: () => [H, H],
        source: { kind: 'param', name: layerParam(c, 'weight_hh') },
      },
      b: {
        base: 'b',
        about: `${layerParam(c, 'bias_ih')}`,
        shape: () => [H],
        source: { kind: 'param', name: layerParam(c, 'bias_ih') },
      },
    });
    return s;
  }
  const gates = GATES[c.cell];
  gates.forEach((gate, k) => {
    s[gate] = {
      base: gate,
      sub: 't',
      about: GATE_ABOUT[/** @type {keyof typeof GATE_ABOUT} */ (gate)],
      shape: () => [H],
      source: { kind: 'quantity', key: gate, dt: 0 },
    };
    const cols = `columns ${k * H}…${(k + 1) * H - 1}`;
    s[`Wx${gate}`] = {
      base: 'W',
      sub: `x${gate}`,
      about: `${cols} of W_x (${layerParam(c, 'weight_ih')}, (E, ${G}H) packed ${gates.join(' ')})`,
      shape: () => [E, H],
      source: { kind: 'param', name: layerParam(c, 'weight_ih'), block: k },
    };
    s[`Wh${gate}`] = {
      base: 'W',
      sub: `h${gate}`,
      about: `${cols} of W_h (${layerParam(c, 'weight_hh')}, (H, ${G}H))`,
      shape: () => [H, H],
      source: { kind: 'param', name: layerParam(c, 'weight_hh'), block: k },
    };
    s[`b${gate}`] = {
      base: 'b',
      sub: gate,
      about: `entries ${k * H}…${(k + 1) * H - 1} of ${layerParam(c, 'bias_ih')}`,
      shape: () => [H],
      source: { kind: 'param', name: layerParam(c, 'bias_ih'), block: k },
    };
    if (c.cell === 'gru' && c.gru !== 'lecture') {
      s[`bh${gate}`] = {
        base: 'b',
        sub: `h${gate}`,
        about: `entries ${k * H}…${(k + 1) * H - 1} of ${layerParam(c, 'bias_hh')} (torch.nn.GRU's second bias${gate === 'g' ? ', b_hn: inside the reset' : ''})`,
        shape: () => [H],
        source: { kind: 'param', name: layerParam(c, 'bias_hh'), block: k },
      };
    }
  });
  if (c.cell === 'lstm') {
    s.c = {
      base: 'c',
      sub: 't',
      about: "the cell state after character t: the LSTM's memory",
      shape: () => [H],
      source: { kind: 'quantity', key: 'c', dt: 0 },
    };
    s.cprev = {
      base: 'c',
      sub: 't−1',
      about: 'the cell state before character t (zeros before the first)',
      shape: () => [H],
      source: { kind: 'quantity', key: 'c', dt: -1 },
    };
  }
  return s;
}

/** The gate's pre-activation: x_t W_x· + h_{t−1} W_h· + b· (its order follows the C code's sums). @param {string} g */
const affine = (g) => add(matmul('x', `Wx${g}`), matmul('hprev', `Wh${g}`), sym(`b${g}`));

/**
 * The equations of cell `c`'s last layer, in the order they are computed, then the output.
 * @param {CellConfig} c
 * @returns {{ lhs: string, rhs: Expr }[]}
 */
export function equationsFor(c) {
  /** @type {{ lhs: string, rhs: Expr }[]} */
  let lines;
  if (c.cell === 'rnn') {
    lines = [{ lhs: 'h', rhs: fn('tanh', add(matmul('x', 'Wx'), matmul('hprev', 'Wh'), sym('b'))) }];
  } else if (c.cell === 'lstm') {
    lines = [
      { lhs: 'i', rhs: fn('σ', affine('i')) },
      { lhs: 'f', rhs: fn('σ', affine('f')) },
      { lhs: 'g', rhs: fn('tanh', affine('g')) },
      { lhs: 'o', rhs: fn('σ', affine('o')) },
      { lhs: 'c', rhs: add(had('f', 'cprev'), had('i', 'g')) },
      { lhs: 'h', rhs: had('o', fn('tanh', sym('c'))) },
    ];
  } else if (c.cell === 'gru' && c.gru === 'lecture') {
    lines = [
      { lhs: 'r', rhs: fn('σ', affine('r')) },
      { lhs: 'z', rhs: fn('σ', affine('z')) },
      { lhs: 'g', rhs: fn('tanh', add(matmul('x', 'Wxg'), matmul(had('r', 'hprev'), 'Whg'), sym('bg'))) },
      { lhs: 'h', rhs: add(had('z', 'hprev'), had({ op: 'oneMinus', arg: sym('z') }, 'g')) },
    ];
  } else if (c.cell === 'gru') {
    // torch.nn.GRU: both biases in r and z; b_hn inside the reset, which multiplies after the matmul
    const gate = (/** @type {string} */ g) =>
      add(matmul('x', `Wx${g}`), sym(`b${g}`), matmul('hprev', `Wh${g}`), sym(`bh${g}`));
    lines = [
      { lhs: 'r', rhs: fn('σ', gate('r')) },
      { lhs: 'z', rhs: fn('σ', gate('z')) },
      {
        lhs: 'g',
        rhs: fn('tanh', add(matmul('x', 'Wxg'), sym('bg'), had('r', add(matmul('hprev', 'Whg'), sym('bhg'))))),
      },
      { lhs: 'h', rhs: add(had('z', 'hprev'), had({ op: 'oneMinus', arg: sym('z') }, 'g')) },
    ];
  } else {
    lines = [{ lhs: 'h', rhs: fn('tanh', add(matmul({ op: 'concat', id: 'x', W: c.window }, 'W1'), sym('b1'))) }];
  }
  return [...lines, { lhs: 's', rhs: add(matmul('h', 'Wy'), sym('by')) }, { lhs: 'p', rhs: fn('softmax', sym('s')) }];
}

// ---- MathML --------------------------------------------------------------------------------------

/** @param {string} text */
const escape = (text) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The subscript as MathML: letters as <mi>, digits as <mn>, minus signs as <mo>.
 * @param {string} sub
 */
function subscript(sub) {
  const parts = [...sub.matchAll(/([a-z]+)|(\d+)|(−)/g)].map(([, word, num, minus]) =>
    word ? `<mi>${word}</mi>` : num ? `<mn>${num}</mn>` : '<mo>−</mo>',
  );
  return parts.length === 1 ? parts[0] : `<mrow>${parts.join('')}</mrow>`;
}

/**
 * A symbol as focusable MathML: data-symbol names it for the view's hover and focus handlers.
 * @param {string} id @param {SymbolInfo} info
 */
function symbolML(id, info) {
  const attrs = `data-symbol="${escape(id)}" tabindex="0"`;
  const base = `<mi>${escape(info.base)}</mi>`;
  return info.sub ? `<msub ${attrs}>${base}${subscript(info.sub)}</msub>` : `<mrow ${attrs}>${base}</mrow>`;
}

/**
 * An expression as MathML.
 * @param {Expr} e @param {Record<string, SymbolInfo>} symbols
 * @returns {string}
 */
function exprML(e, symbols) {
  switch (e.op) {
    case 'sym':
      return symbolML(e.id, symbols[e.id]);
    case 'add':
      return e.args.map((a) => exprML(a, symbols)).join('<mo>+</mo>');
    case 'matmul':
      return `${wrap(e.a, symbols, ['add', 'had'])}<mo>&#x2062;</mo>${wrap(e.b, symbols, ['add', 'had'])}`;
    case 'had':
      return `${wrap(e.a, symbols, ['add'])}<mo>⊙</mo>${wrap(e.b, symbols, ['add'])}`;
    case 'fn':
      return `<mi>${e.name}</mi><mo>&#x2061;</mo><mrow><mo>(</mo>${exprML(e.arg, symbols)}<mo>)</mo></mrow>`;
    case 'oneMinus':
      return `<mrow><mo>(</mo><mn>1</mn><mo>−</mo>${exprML(e.arg, symbols)}<mo>)</mo></mrow>`;
    case 'concat': {
      const x = symbols[e.id];
      const at = (/** @type {string} */ sub) => `<msub><mi>${escape(x.base)}</mi>${subscript(sub)}</msub>`;
      return `<mrow data-symbol="${escape(e.id)}" tabindex="0"><mo>[</mo>${at(`t−${e.W - 1}`)}<mo>;</mo><mo>…</mo><mo>;</mo>${at('t')}<mo>]</mo></mrow>`;
    }
    default:
      return '';
  }
}

/**
 * Parenthesise an operand whose operation binds less tightly (a sum in a product; an element-wise
 * product inside a matrix product, as the lecture GRU's (r_t ⊙ h_{t−1}) W_hg).
 * @param {Expr} e @param {Record<string, SymbolInfo>} symbols @param {string[]} loose
 */
function wrap(e, symbols, loose) {
  return loose.includes(e.op) ? `<mrow><mo>(</mo>${exprML(e, symbols)}<mo>)</mo></mrow>` : exprML(e, symbols);
}

/**
 * Cell `c`'s equations as MathML <math> blocks (one per line), with every symbol focusable.
 * @param {CellConfig} c
 * @returns {string[]}
 */
export function toMathML(c) {
  const symbols = symbolsFor(c);
  return equationsFor(c).map(
    ({ lhs, rhs }) =>
      `<math display="block"><mrow>${symbolML(lhs, symbols[lhs])}<mo>=</mo>${exprML(rhs, symbols)}</mrow></math>`,
  );
}

// ---- evaluation ----------------------------------------------------------------------------------

/** @typedef {Float64Array | { rows: number, cols: number, data: Float64Array }} Value */

/**
 * Evaluate an expression in float64. env: vectors (Float64Array) and matrices ({ rows, cols, data }
 * row-major); `history` gives the concat node the earlier inputs (x at t − k, or null before the start).
 * @param {Expr} e @param {Record<string, Value>} env @param {(k: number) => Float64Array | null} [history]
 * @returns {Value}
 */
export function evaluate(e, env, history) {
  switch (e.op) {
    case 'sym': {
      const v = env[e.id];
      if (!v) throw new Error(`no value for ${e.id}`);
      return v;
    }
    case 'add': {
      const parts = e.args.map((a) => /** @type {Float64Array} */ (evaluate(a, env, history)));
      const out = new Float64Array(parts[0].length);
      for (const p of parts) for (let i = 0; i < out.length; i++) out[i] += p[i];
      return out;
    }
    case 'matmul': {
      const a = /** @type {Float64Array} */ (evaluate(e.a, env, history));
      const b = /** @type {{ rows: number, cols: number, data: Float64Array }} */ (evaluate(e.b, env, history));
      if (a.length !== b.rows) throw new Error(`a (${a.length},) row vector times a (${b.rows}, ${b.cols}) matrix`);
      const out = new Float64Array(b.cols);
      for (let k = 0; k < b.rows; k++) for (let j = 0; j < b.cols; j++) out[j] += a[k] * b.data[k * b.cols + j];
      return out;
    }
    case 'had': {
      const a = /** @type {Float64Array} */ (evaluate(e.a, env, history));
      const b = /** @type {Float64Array} */ (evaluate(e.b, env, history));
      return a.map((v, i) => v * b[i]);
    }
    case 'fn': {
      const a = /** @type {Float64Array} */ (evaluate(e.arg, env, history));
      if (e.name === 'σ') return a.map((v) => 1 / (1 + Math.exp(-v)));
      if (e.name === 'tanh') return a.map(Math.tanh);
      const max = Math.max(...a);
      const ex = a.map((v) => Math.exp(v - max));
      const sum = ex.reduce((s, v) => s + v, 0);
      return ex.map((v) => v / sum);
    }
    case 'oneMinus':
      return /** @type {Float64Array} */ (evaluate(e.arg, env, history)).map((v) => 1 - v);
    case 'concat': {
      const width = /** @type {Float64Array} */ (env[e.id]).length;
      const out = new Float64Array(e.W * width);
      for (let k = 0; k < e.W; k++) {
        const x = history ? history(e.W - 1 - k) : null; // slot k holds x_{t−W+1+k}
        if (x) out.set(x, k * width);
      }
      return out;
    }
    default:
      throw new Error('unknown expression');
  }
}

/**
 * A symbol's tensor from a model's parameters (our layout, row-major): the whole tensor, or the
 * column block `block` of width H of a packed (rows, G·H) matrix or (G·H,) bias.
 * @param {{ name: string, shape: number[], data: ArrayLike<number> }[]} params
 * @param {{ name: string, block?: number }} source @param {number} H
 * @returns {Value}
 */
export function paramValue(params, { name, block }, H) {
  const p = params.find((q) => q.name === name);
  if (!p) throw new Error(`the model has no ${name}`);
  const data = Float64Array.from(p.data);
  if (p.shape.length === 1) return block === undefined ? data : data.subarray(block * H, (block + 1) * H);
  const [rows, cols] = p.shape;
  if (block === undefined) return { rows, cols, data };
  const out = new Float64Array(rows * H);
  for (let r = 0; r < rows; r++) out.set(data.subarray(r * cols + block * H, r * cols + (block + 1) * H), r * H);
  return { rows, cols: H, data: out };
}
