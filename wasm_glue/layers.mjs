// layers.mjs — the `layers` object of index.d.ts: the lecture's layer functions (src/layers.h) as plain
// functions on tensors, for Node autograders and the page. Arguments are Tensors {data, shape} or
// nested arrays. Here only what C cannot see is checked: JS types (nested arrays, non-integer ids) and
// that the shapes agree with each other and with the data's length, with messages naming the argument
// and the expected vs given shape; the C edge (src/layers_api.c, lmlab.h) then checks sizes, ids and
// finiteness on copies in WASM memory and its sentence is passed through unchanged. Results are new
// Tensors (float32); gradients come back fresh (zero-initialised, so the C `+=` gives the gradient).
import { LmlabError } from './loader.mjs';
import { LOSS_REDUCTION, STATUS } from './constants.mjs';

/** The softmax loss's reductions by name (lmlab.h lm_loss_reduction). */
const REDUCTIONS = Object.freeze({
  'mean-unmasked': LOSS_REDUCTION.MEAN_UNMASKED,
  'sum-over-N': LOSS_REDUCTION.SUM_OVER_N,
});

const fail = (message) => {
  throw new LmlabError(message, STATUS.ARG);
};
const fmtShape = (shape) => (shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`);
const describe = (value) => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value);

/** Shape of a nested array (checked rectangular) and its leaves flattened into `out`. */
function flattenNested(fn, name, value) {
  const shape = [];
  for (let level = value; Array.isArray(level); level = level[0]) {
    shape.push(level.length);
    if (level.length === 0) break;
  }
  const flat = [];
  const walk = (node, depth, path) => {
    if (depth === shape.length) {
      if (Array.isArray(node))
        fail(`${fn}: ${name} is not rectangular: ${name}${path} is nested deeper than ${name}[0…]`);
      if (typeof node !== 'number' && typeof node !== 'boolean')
        fail(`${fn}: ${name}${path} must be a number, got ${describe(node)}`);
      flat.push(Number(node));
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      fail(
        `${fn}: ${name} is not rectangular: ${name}${path} has ${Array.isArray(node) ? `length ${node.length}` : describe(node)}, expected length ${shape[depth]} (shape ${fmtShape(shape)})`,
      );
    }
    node.forEach((child, i) => walk(child, depth + 1, `${path}[${i}]`));
  };
  walk(value, 0, '');
  return { shape, flat };
}

/** A Tensor or nested arrays → { data, shape } with data of type `Type`, length checked. */
function toArray(fn, name, value, Type) {
  if (Array.isArray(value)) {
    const { shape, flat } = flattenNested(fn, name, value);
    return { data: Type.from(flat), shape };
  }
  if (value && typeof value === 'object' && 'data' in value && 'shape' in value) {
    const { data, shape } = value;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      fail(`${fn}: ${name}.shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
    }
    if (!(ArrayBuffer.isView(data) || Array.isArray(data)))
      fail(`${fn}: ${name}.data must be a typed array or an array, got ${describe(data)}`);
    const count = shape.reduce((a, b) => a * b, 1);
    if (data.length !== count)
      fail(`${fn}: ${name} has shape ${fmtShape(shape)} (${count} elements) but its data holds ${data.length}`);
    return { data: data instanceof Type ? data : Type.from(data), shape: shape.slice() };
  }
  return fail(`${fn}: ${name} must be a Tensor {data, shape} or nested arrays of numbers, got ${describe(value)}`);
}

/** Float input, converted to float32 (C refuses NaN and infinities, also those the conversion makes). */
function floats(fn, name, value) {
  return toArray(fn, name, value, Float32Array);
}

/** Integer input (ids, mask): every value must already be an integer (no silent truncation). */
function ints(fn, name, value) {
  const t = toArray(fn, name, value, Float64Array);
  for (let i = 0; i < t.data.length; i++) {
    const v = t.data[i];
    if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647)
      fail(`${fn}: ${name}[${i}] must be an integer, got ${v}`);
  }
  return { data: Int32Array.from(t.data), shape: t.shape };
}

/** A size given as a JS number: a whole number a C int holds (C checks its range). */
function int32(fn, name, value) {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31) {
    fail(`${fn}: ${name} must be a whole number, got ${typeof value === 'number' ? value : describe(value)}`);
  }
  return value;
}

/**
 * Check `tensor` against the letters in `dims` (e.g. ['H', 'H']), binding letters not yet known from
 * this tensor's shape into `sizes` (their ranges are C's to check).
 */
function bind(fn, name, tensor, dims, sizes) {
  const letters = fmtShape(dims);
  if (tensor.shape.length !== dims.length) {
    fail(`${fn}: ${name} must be ${dims.length}-D ${letters}, got shape ${fmtShape(tensor.shape)}`);
  }
  dims.forEach((letter, i) => {
    if (sizes[letter] === undefined) sizes[letter] = tensor.shape[i];
  });
  const want = dims.map((letter) => sizes[letter]);
  if (want.some((v, i) => v !== tensor.shape[i])) {
    fail(`${fn}: ${name} must be ${letters} = ${fmtShape(want)}, got ${fmtShape(tensor.shape)}`);
  }
}

const tensor = (data, shape) => ({ data, shape });

/** @param {any} core the object from loader.mjs */
export function install(core) {
  const ex = core.exports;
  const run = (body) => core.scoped(body);

  const layers = {
    /**
     * Row gather: out[n, t] = W[ids[n, t]].
     * @param {import('./index.d.ts').IdsLike} ids (N, T) @param {import('./index.d.ts').TensorLike} W (V, E)
     * @returns {import('./index.d.ts').Tensor} (N, T, E)
     */
    embedding_forward(ids, W) {
      const fn = 'embedding_forward';
      const s = {};
      const id = ints(fn, 'ids', ids);
      const w = floats(fn, 'W', W);
      bind(fn, 'W', w, ['V', 'E'], s);
      bind(fn, 'ids', id, ['N', 'T'], s);
      const n = s.N * s.T * s.E;
      return run((m) => {
        const out = m.f32(n);
        core.check(ex.lm_layer_embedding_forward(out, m.i32(id.data), m.f32(w.data), s.N, s.T, s.V, s.E));
        return tensor(core.readF32(out, n), [s.N, s.T, s.E]);
      });
    },

    /**
     * Scatter-add of dout into the rows of dW named by ids.
     * @param {import('./index.d.ts').TensorLike} dout (N, T, E) @param {import('./index.d.ts').IdsLike} ids (N, T)
     * @param {number} V vocabulary size @returns {import('./index.d.ts').Tensor} dW (V, E)
     */
    embedding_backward(dout, ids, V) {
      const fn = 'embedding_backward';
      const s = { V: int32(fn, 'V (vocabulary size)', V) };
      const id = ints(fn, 'ids', ids);
      const d = floats(fn, 'dout', dout);
      bind(fn, 'ids', id, ['N', 'T'], s);
      bind(fn, 'dout', d, ['N', 'T', 'E'], s);
      const n = Math.max(V, 0) * s.E;
      return run((m) => {
        const dW = m.f32(n);
        core.check(ex.lm_layer_embedding_backward(dW, m.f32(d.data), m.i32(id.data), s.N, s.T, V, s.E));
        return tensor(core.readF32(dW, n), [V, s.E]);
      });
    },

    /**
     * One RNN step: h = tanh(h_prev·Wh + x·Wx + b).
     * @param {import('./index.d.ts').TensorLike} x (N, E) @param {import('./index.d.ts').TensorLike} h_prev (N, H)
     * @param {import('./index.d.ts').TensorLike} Wx (E, H) @param {import('./index.d.ts').TensorLike} Wh (H, H)
     * @param {import('./index.d.ts').TensorLike} b (H,) @returns {import('./index.d.ts').Tensor} h (N, H)
     */
    rnn_step_forward(x, h_prev, Wx, Wh, b) {
      const fn = 'rnn_step_forward';
      const s = {};
      const a = {
        x: floats(fn, 'x', x),
        h_prev: floats(fn, 'h_prev', h_prev),
        Wx: floats(fn, 'Wx', Wx),
        Wh: floats(fn, 'Wh', Wh),
        b: floats(fn, 'b', b),
      };
      bind(fn, 'x', a.x, ['N', 'E'], s);
      bind(fn, 'h_prev', a.h_prev, ['N', 'H'], s);
      bind(fn, 'Wx', a.Wx, ['E', 'H'], s);
      bind(fn, 'Wh', a.Wh, ['H', 'H'], s);
      bind(fn, 'b', a.b, ['H'], s);
      const n = s.N * s.H;
      return run((m) => {
        const h = m.f32(n);
        core.check(
          ex.lm_layer_rnn_step_forward(
            h,
            m.f32(a.x.data),
            m.f32(a.h_prev.data),
            m.f32(a.Wx.data),
            m.f32(a.Wh.data),
            m.f32(a.b.data),
            s.N,
            s.E,
            s.H,
          ),
        );
        return tensor(core.readF32(h, n), [s.N, s.H]);
      });
    },

    /**
     * Backward of one step from the forward's cached x, h_prev and h (tanh' = 1 - h²).
     * @returns {{dx: import('./index.d.ts').Tensor, dh_prev: import('./index.d.ts').Tensor, dWx: import('./index.d.ts').Tensor, dWh: import('./index.d.ts').Tensor, db: import('./index.d.ts').Tensor}}
     */
    rnn_step_backward(dh, x, h_prev, h, Wx, Wh) {
      const fn = 'rnn_step_backward';
      const s = {};
      const a = {
        dh: floats(fn, 'dh', dh),
        x: floats(fn, 'x', x),
        h_prev: floats(fn, 'h_prev', h_prev),
        h: floats(fn, 'h', h),
        Wx: floats(fn, 'Wx', Wx),
        Wh: floats(fn, 'Wh', Wh),
      };
      bind(fn, 'x', a.x, ['N', 'E'], s);
      bind(fn, 'h_prev', a.h_prev, ['N', 'H'], s);
      bind(fn, 'h', a.h, ['N', 'H'], s);
      bind(fn, 'dh', a.dh, ['N', 'H'], s);
      bind(fn, 'Wx', a.Wx, ['E', 'H'], s);
      bind(fn, 'Wh', a.Wh, ['H', 'H'], s);
      const { N, E, H } = s;
      return run((m) => {
        const dx = m.f32(N * E),
          dhp = m.f32(N * H),
          dWx = m.f32(E * H),
          dWh = m.f32(H * H),
          db = m.f32(H);
        core.check(
          ex.lm_layer_rnn_step_backward(
            dx,
            dhp,
            dWx,
            dWh,
            db,
            m.f32(a.dh.data),
            m.f32(a.x.data),
            m.f32(a.h_prev.data),
            m.f32(a.h.data),
            m.f32(a.Wx.data),
            m.f32(a.Wh.data),
            N,
            E,
            H,
          ),
        );
        return {
          dx: tensor(core.readF32(dx, N * E), [N, E]),
          dh_prev: tensor(core.readF32(dhp, N * H), [N, H]),
          dWx: tensor(core.readF32(dWx, E * H), [E, H]),
          dWh: tensor(core.readF32(dWh, H * H), [H, H]),
          db: tensor(core.readF32(db, H), [H]),
        };
      });
    },

    /**
     * The RNN over T steps from h0.
     * @param {import('./index.d.ts').TensorLike} x (N, T, E) @param {import('./index.d.ts').TensorLike} h0 (N, H)
     * @returns {import('./index.d.ts').Tensor} h (N, T, H)
     */
    rnn_forward(x, h0, Wx, Wh, b) {
      const fn = 'rnn_forward';
      const s = {};
      const a = {
        x: floats(fn, 'x', x),
        h0: floats(fn, 'h0', h0),
        Wx: floats(fn, 'Wx', Wx),
        Wh: floats(fn, 'Wh', Wh),
        b: floats(fn, 'b', b),
      };
      bind(fn, 'x', a.x, ['N', 'T', 'E'], s);
      bind(fn, 'h0', a.h0, ['N', 'H'], s);
      bind(fn, 'Wx', a.Wx, ['E', 'H'], s);
      bind(fn, 'Wh', a.Wh, ['H', 'H'], s);
      bind(fn, 'b', a.b, ['H'], s);
      const n = s.N * s.T * s.H;
      return run((m) => {
        const h = m.f32(n);
        core.check(
          ex.lm_layer_rnn_forward(
            h,
            m.f32(a.x.data),
            m.f32(a.h0.data),
            m.f32(a.Wx.data),
            m.f32(a.Wh.data),
            m.f32(a.b.data),
            s.N,
            s.T,
            s.E,
            s.H,
          ),
        );
        return tensor(core.readF32(h, n), [s.N, s.T, s.H]);
      });
    },

    /**
     * Backpropagation through time (t = T-1 … 0), weight gradients summed over the steps.
     * @param {import('./index.d.ts').TensorLike} dh (N, T, H) upstream gradient of every h_t
     * @returns {{dx: import('./index.d.ts').Tensor, dh0: import('./index.d.ts').Tensor, dWx: import('./index.d.ts').Tensor, dWh: import('./index.d.ts').Tensor, db: import('./index.d.ts').Tensor}}
     */
    rnn_backward(dh, x, h0, h, Wx, Wh) {
      const fn = 'rnn_backward';
      const s = {};
      const a = {
        dh: floats(fn, 'dh', dh),
        x: floats(fn, 'x', x),
        h0: floats(fn, 'h0', h0),
        h: floats(fn, 'h', h),
        Wx: floats(fn, 'Wx', Wx),
        Wh: floats(fn, 'Wh', Wh),
      };
      bind(fn, 'x', a.x, ['N', 'T', 'E'], s);
      bind(fn, 'h0', a.h0, ['N', 'H'], s);
      bind(fn, 'h', a.h, ['N', 'T', 'H'], s);
      bind(fn, 'dh', a.dh, ['N', 'T', 'H'], s);
      bind(fn, 'Wx', a.Wx, ['E', 'H'], s);
      bind(fn, 'Wh', a.Wh, ['H', 'H'], s);
      const { N, T, E, H } = s;
      return run((m) => {
        const dx = m.f32(N * T * E),
          dh0 = m.f32(N * H),
          dWx = m.f32(E * H),
          dWh = m.f32(H * H),
          db = m.f32(H);
        core.check(
          ex.lm_layer_rnn_backward(
            dx,
            dh0,
            dWx,
            dWh,
            db,
            m.f32(a.dh.data),
            m.f32(a.x.data),
            m.f32(a.h0.data),
            m.f32(a.h.data),
            m.f32(a.Wx.data),
            m.f32(a.Wh.data),
            N,
            T,
            E,
            H,
          ),
        );
        return {
          dx: tensor(core.readF32(dx, N * T * E), [N, T, E]),
          dh0: tensor(core.readF32(dh0, N * H), [N, H]),
          dWx: tensor(core.readF32(dWx, E * H), [E, H]),
          dWh: tensor(core.readF32(dWh, H * H), [H, H]),
          db: tensor(core.readF32(db, H), [H]),
        };
      });
    },

    /**
     * Hidden to scores: out = h·W + b at every step.
     * @param {import('./index.d.ts').TensorLike} h (N, T, H) @param {import('./index.d.ts').TensorLike} W (H, V)
     * @param {import('./index.d.ts').TensorLike} b (V,) @returns {import('./index.d.ts').Tensor} (N, T, V)
     */
    temporal_affine_forward(h, W, b) {
      const fn = 'temporal_affine_forward';
      const s = {};
      const a = { h: floats(fn, 'h', h), W: floats(fn, 'W', W), b: floats(fn, 'b', b) };
      bind(fn, 'h', a.h, ['N', 'T', 'H'], s);
      bind(fn, 'W', a.W, ['H', 'V'], s);
      bind(fn, 'b', a.b, ['V'], s);
      const n = s.N * s.T * s.V;
      return run((m) => {
        const out = m.f32(n);
        core.check(
          ex.lm_layer_temporal_affine_forward(
            out,
            m.f32(a.h.data),
            m.f32(a.W.data),
            m.f32(a.b.data),
            s.N,
            s.T,
            s.H,
            s.V,
          ),
        );
        return tensor(core.readF32(out, n), [s.N, s.T, s.V]);
      });
    },

    /**
     * @param {import('./index.d.ts').TensorLike} dout (N, T, V)
     * @returns {{dh: import('./index.d.ts').Tensor, dW: import('./index.d.ts').Tensor, db: import('./index.d.ts').Tensor}}
     */
    temporal_affine_backward(dout, h, W) {
      const fn = 'temporal_affine_backward';
      const s = {};
      const a = { dout: floats(fn, 'dout', dout), h: floats(fn, 'h', h), W: floats(fn, 'W', W) };
      bind(fn, 'h', a.h, ['N', 'T', 'H'], s);
      bind(fn, 'W', a.W, ['H', 'V'], s);
      bind(fn, 'dout', a.dout, ['N', 'T', 'V'], s);
      const { N, T, H, V } = s;
      return run((m) => {
        const dh = m.f32(N * T * H),
          dW = m.f32(H * V),
          db = m.f32(V);
        core.check(
          ex.lm_layer_temporal_affine_backward(
            dh,
            dW,
            db,
            m.f32(a.dout.data),
            m.f32(a.h.data),
            m.f32(a.W.data),
            N,
            T,
            H,
            V,
          ),
        );
        return {
          dh: tensor(core.readF32(dh, N * T * H), [N, T, H]),
          dW: tensor(core.readF32(dW, H * V), [H, V]),
          db: tensor(core.readF32(db, V), [V]),
        };
      });
    },

    /**
     * Softmax cross-entropy summed over the unmasked positions and divided by their count
     * ('mean-unmasked', lmlab's default) or by N ('sum-over-N', cs231n's); dscores = (p - onehot(y)) / that.
     * @param {import('./index.d.ts').TensorLike} scores (N, T, V) @param {import('./index.d.ts').IdsLike} y (N, T)
     * @param {import('./index.d.ts').IdsLike | null} [mask] (N, T) of 0/1; omitted or null: every position counts
     * @param {{ reduction?: import('./index.d.ts').LossReduction }} [options]
     * @returns {{loss: number, dscores: import('./index.d.ts').Tensor}}
     */
    temporal_softmax_loss(scores, y, mask, options = {}) {
      const fn = 'temporal_softmax_loss';
      if (!options || typeof options !== 'object')
        fail(`${fn}: options must be an object like { reduction: 'sum-over-N' }, got ${describe(options)}`);
      const reductionName = options.reduction ?? 'mean-unmasked';
      if (!Object.hasOwn(REDUCTIONS, reductionName)) {
        fail(
          `${fn}: reduction must be 'mean-unmasked' (the mean over the unmasked positions) or 'sum-over-N' (the sum over them divided by N, cs231n's), got ${JSON.stringify(reductionName)}`,
        );
      }
      const s = {};
      const sc = floats(fn, 'scores', scores);
      const ys = ints(fn, 'y', y);
      bind(fn, 'scores', sc, ['N', 'T', 'V'], s);
      bind(fn, 'y', ys, ['N', 'T'], s);
      let mk = null;
      if (mask !== undefined && mask !== null) {
        mk = ints(fn, 'mask', mask);
        bind(fn, 'mask', mk, ['N', 'T'], s);
        // C reads the mask as bytes: a value other than 0 or 1 would wrap in the conversion
        const bad = mk.data.findIndex((v) => v !== 0 && v !== 1);
        if (bad >= 0) fail(`${fn}: mask[${bad}] must be 0 or 1, got ${mk.data[bad]}`);
      }
      const n = s.N * s.T * s.V;
      return run((m) => {
        const loss = m.out(1),
          ds = m.f32(n);
        core.check(
          ex.lm_layer_temporal_softmax_loss(
            loss,
            ds,
            m.f32(sc.data),
            m.i32(ys.data),
            mk ? m.u8(Uint8Array.from(mk.data)) : 0,
            s.N,
            s.T,
            s.V,
            REDUCTIONS[reductionName],
          ),
        );
        return { loss: core.readF64At(loss), dscores: tensor(core.readF32(ds, n), [s.N, s.T, s.V]) };
      });
    },
  };
  return { layers: Object.freeze(layers) };
}

// Tensor helpers shared with the other layer glue (layers-gated.mjs).
export { fail, fmtShape, floats, ints, int32, bind, tensor };
