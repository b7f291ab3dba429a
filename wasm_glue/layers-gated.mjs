// layers-gated.mjs — the gated cells (LSTM, GRU in the lecture's and torch.nn.GRU's variants) and the
// fixed-window neural LM, added to the same `layers` object as layers.mjs: plain functions on Tensors
// {data, shape} or nested arrays. As in layers.mjs, only what C cannot see is checked here (JS types,
// shapes against each other and the data); the C edge (src/layers_gated_api.c) checks sizes, ids and
// finiteness on copies in WASM memory and its sentence is passed through. Results are new float32
// Tensors; gradients start from zeros, so the C `+=` gives the gradient. Letters: N T E H V W.
import { bind, fail, floats, fmtShape, int32, ints, tensor } from './layers.mjs';
import { GRU_VARIANT } from './constants.mjs';

const GRU_VARIANTS = { lecture: GRU_VARIANT.LECTURE, torch: GRU_VARIANT.TORCH };

/** A packed-gate parameter: (rows, G·H) when `rows` names a letter, (G·H,) otherwise. */
function packed(fn, name, t, rows, G, s) {
  const want = rows ? [s[rows], G * s.H] : [G * s.H];
  const letters = rows ? `(${rows}, ${G}H)` : `(${G}H,)`;
  if (t.shape.length !== want.length || want.some((v, i) => v !== t.shape[i])) {
    fail(`${fn}: ${name} must be ${letters} = ${fmtShape(want)}, got ${fmtShape(t.shape)}`);
  }
}

/**
 * GRU options → { variant: 0 | 1, bhn: checked Tensor or null }. The forward (`forward` true) needs
 * options.bhn for 'torch' and refuses it for 'lecture'; the backwards ignore bhn, so the forward's
 * options object can be passed to them unchanged.
 */
function gruOptions(fn, options, s, forward) {
  if (options !== undefined && (options === null || typeof options !== 'object'))
    fail(`${fn}: options must be an object, got ${options}`);
  const name = options?.variant ?? 'lecture';
  if (!Object.hasOwn(GRU_VARIANTS, name))
    fail(`${fn}: options.variant must be 'lecture' or 'torch', got ${JSON.stringify(name)}`);
  const variant = GRU_VARIANTS[name];
  if (!forward) return { variant, bhn: null };
  if (variant === GRU_VARIANT.LECTURE) {
    if (options?.bhn !== undefined)
      fail(
        `${fn}: options.bhn is only used by the 'torch' variant (the lecture's GRU has no bias inside the reset gate)`,
      );
    return { variant, bhn: null };
  }
  if (options?.bhn === undefined)
    fail(
      `${fn}: the 'torch' variant needs options.bhn (H,), the bias inside the reset gate (bias_hh's last H entries)`,
    );
  const bhn = floats(fn, 'options.bhn', options.bhn);
  bind(fn, 'options.bhn', bhn, ['H'], s);
  return { variant, bhn };
}

/** Rows (N·T) of width `from` → the first `width` values of each row: the gates out of a cache. */
function leadingColumns(data, rows, from, width) {
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) out.set(data.subarray(r * from, r * from + width), r * width);
  return out;
}

/** @param {any} core the object from loader.mjs */
export function install(core) {
  const ex = core.exports;
  const run = (body) => core.scoped(body);
  const read = (m, ptr, shape) =>
    tensor(
      core.readF32(
        ptr,
        shape.reduce((a, b) => a * b, 1),
      ),
      shape,
    );

  /* ---- LSTM --------------------------------------------------------------------------------- */
  function lstmForward(fn, a, s) {
    const { N, T, E, H } = s;
    return run((m) => {
      const h = m.f32(N * T * H),
        c = m.f32(N * H),
        cache = m.f32(N * T * 6 * H);
      core.check(
        ex.lm_layer_lstm_forward(
          h,
          c,
          cache,
          m.f32(a.x.data),
          m.f32(a.h0.data),
          m.f32(a.c0.data),
          m.f32(a.Wx.data),
          m.f32(a.Wh.data),
          m.f32(a.b.data),
          N,
          T,
          E,
          H,
        ),
      );
      return { h: core.readF32(h, N * T * H), c: core.readF32(c, N * H), cache: core.readF32(cache, N * T * 6 * H) };
    });
  }
  function lstmBackward(fn, a, s) {
    const { N, T, E, H } = s;
    return run((m) => {
      const dx = m.f32(N * T * E),
        dh0 = m.f32(N * H),
        dc0 = m.f32(N * H),
        norms = m.f32(T);
      const dWx = m.f32(E * 4 * H),
        dWh = m.f32(H * 4 * H),
        db = m.f32(4 * H);
      core.check(
        ex.lm_layer_lstm_backward(
          dx,
          dh0,
          dc0,
          dWx,
          dWh,
          db,
          norms,
          m.f32(a.dh.data),
          a.dc ? m.f32(a.dc.data) : 0,
          m.f32(a.x.data),
          m.f32(a.h0.data),
          m.f32(a.c0.data),
          m.f32(a.h.data),
          m.f32(a.cache.data),
          m.f32(a.Wx.data),
          m.f32(a.Wh.data),
          N,
          T,
          E,
          H,
        ),
      );
      return {
        dx: core.readF32(dx, N * T * E),
        dh0: core.readF32(dh0, N * H),
        dc0: core.readF32(dc0, N * H),
        dWx: read(m, dWx, [E, 4 * H]),
        dWh: read(m, dWh, [H, 4 * H]),
        db: read(m, db, [4 * H]),
        dh_norms: read(m, norms, [T]),
      };
    });
  }
  const lstmParams = (fn, a, s) => {
    packed(fn, 'Wx', a.Wx, 'E', 4, s);
    packed(fn, 'Wh', a.Wh, 'H', 4, s);
    if (a.b) packed(fn, 'b', a.b, null, 4, s);
  };

  /* ---- GRU ---------------------------------------------------------------------------------- */
  function gruForward(fn, a, s, g) {
    const { N, T, E, H } = s;
    return run((m) => {
      const h = m.f32(N * T * H),
        cache = m.f32(N * T * 4 * H);
      core.check(
        ex.lm_layer_gru_forward(
          h,
          cache,
          m.f32(a.x.data),
          m.f32(a.h0.data),
          m.f32(a.Wx.data),
          m.f32(a.Wh.data),
          m.f32(a.b.data),
          g.bhn ? m.f32(g.bhn.data) : 0,
          N,
          T,
          E,
          H,
          g.variant,
        ),
      );
      return { h: core.readF32(h, N * T * H), cache: core.readF32(cache, N * T * 4 * H) };
    });
  }
  function gruBackward(fn, a, s, g) {
    const { N, T, E, H } = s;
    return run((m) => {
      const dx = m.f32(N * T * E),
        dh0 = m.f32(N * H),
        norms = m.f32(T),
        dbhn = m.f32(H);
      const dWx = m.f32(E * 3 * H),
        dWh = m.f32(H * 3 * H),
        db = m.f32(3 * H);
      core.check(
        ex.lm_layer_gru_backward(
          dx,
          dh0,
          dWx,
          dWh,
          db,
          dbhn,
          norms,
          m.f32(a.dh.data),
          m.f32(a.x.data),
          m.f32(a.h0.data),
          m.f32(a.h.data),
          m.f32(a.cache.data),
          m.f32(a.Wx.data),
          m.f32(a.Wh.data),
          N,
          T,
          E,
          H,
          g.variant,
        ),
      );
      const out = {
        dx: core.readF32(dx, N * T * E),
        dh0: core.readF32(dh0, N * H),
        dWx: read(m, dWx, [E, 3 * H]),
        dWh: read(m, dWh, [H, 3 * H]),
        db: read(m, db, [3 * H]),
        dh_norms: read(m, norms, [T]),
      };
      if (g.variant === GRU_VARIANT.TORCH) out.dbhn = read(m, dbhn, [H]);
      return out;
    });
  }
  const gruParams = (fn, a, s) => {
    packed(fn, 'Wx', a.Wx, 'E', 3, s);
    packed(fn, 'Wh', a.Wh, 'H', 3, s);
    if (a.b) packed(fn, 'b', a.b, null, 3, s);
  };
  /** A cache argument: (N, T, width) for a sequence, (N, width) for a step. */
  const checkCache = (fn, cache, s, width, step) => {
    const want = step ? [s.N, width] : [s.N, s.T, width];
    if (cache.shape.length !== want.length || want.some((v, i) => v !== cache.shape[i])) {
      fail(`${fn}: cache must be the forward's cache of shape ${fmtShape(want)}, got ${fmtShape(cache.shape)}`);
    }
  };

  const layers = {
    /**
     * One LSTM step, gates i, f, g, o packed in PyTorch's order: a = x·Wx + h_prev·Wh + b,
     * c = f⊙c_prev + i⊙g, h = o⊙tanh(c).
     * @param {import('./index.d.ts').TensorLike} x (N, E) @param {import('./index.d.ts').TensorLike} h_prev (N, H)
     * @param {import('./index.d.ts').TensorLike} c_prev (N, H) @param {import('./index.d.ts').TensorLike} Wx (E, 4H)
     * @param {import('./index.d.ts').TensorLike} Wh (H, 4H) @param {import('./index.d.ts').TensorLike} b (4H,)
     * @returns {{h: import('./index.d.ts').Tensor, c: import('./index.d.ts').Tensor, cache: import('./index.d.ts').Tensor}} h, c (N, H); cache (N, 6H) = [i f g o c tanh(c)]
     */
    lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b) {
      const fn = 'lstm_step_forward';
      const s = { T: 1 };
      const a = {
        x: floats(fn, 'x', x),
        h0: floats(fn, 'h_prev', h_prev),
        c0: floats(fn, 'c_prev', c_prev),
        Wx: floats(fn, 'Wx', Wx),
        Wh: floats(fn, 'Wh', Wh),
        b: floats(fn, 'b', b),
      };
      bind(fn, 'x', a.x, ['N', 'E'], s);
      bind(fn, 'h_prev', a.h0, ['N', 'H'], s);
      bind(fn, 'c_prev', a.c0, ['N', 'H'], s);
      lstmParams(fn, a, s);
      const r = lstmForward(fn, a, s);
      return { h: tensor(r.h, [s.N, s.H]), c: tensor(r.c, [s.N, s.H]), cache: tensor(r.cache, [s.N, 6 * s.H]) };
    },

    /**
     * Backward of one LSTM step.
     * @param {import('./index.d.ts').TensorLike} dh (N, H) @param {import('./index.d.ts').TensorLike | null} dc (N, H) or null (zero)
     * @param {import('./index.d.ts').TensorLike} cache (N, 6H) from lstm_step_forward
     * @returns {{dx, dh_prev, dc_prev, dWx, dWh, db}} Tensors (N, E), (N, H), (N, H), (E, 4H), (H, 4H), (4H,)
     */
    lstm_step_backward(dh, dc, x, h_prev, c_prev, cache, Wx, Wh) {
      const fn = 'lstm_step_backward';
      const s = { T: 1 };
      const a = {
        dh: floats(fn, 'dh', dh),
        dc: dc == null ? null : floats(fn, 'dc', dc),
        x: floats(fn, 'x', x),
        h0: floats(fn, 'h_prev', h_prev),
        c0: floats(fn, 'c_prev', c_prev),
        cache: floats(fn, 'cache', cache),
        Wx: floats(fn, 'Wx', Wx),
        Wh: floats(fn, 'Wh', Wh),
      };
      bind(fn, 'x', a.x, ['N', 'E'], s);
      bind(fn, 'h_prev', a.h0, ['N', 'H'], s);
      bind(fn, 'c_prev', a.c0, ['N', 'H'], s);
      bind(fn, 'dh', a.dh, ['N', 'H'], s);
      if (a.dc) bind(fn, 'dc', a.dc, ['N', 'H'], s);
      lstmParams(fn, a, s);
      checkCache(fn, a.cache, s, 6 * s.H, true);
      a.h = a.h0; // at T = 1 the C code reads only h0 as the previous state
      const r = lstmBackward(fn, a, s);
      const { N, E, H } = s;
      return {
        dx: tensor(r.dx, [N, E]),
        dh_prev: tensor(r.dh0, [N, H]),
        dc_prev: tensor(r.dc0, [N, H]),
        dWx: r.dWx,
        dWh: r.dWh,
        db: r.db,
      };
    },

    /**
     * The LSTM over T steps from (h0, c0). x is the layer input (N, T, E): embeddings, or the h of the layer below.
     * @returns {{h, c, cache, gates}} h (N, T, H); c (N, H) the final cell state (carry it like h);
     *   cache (N, T, 6H) = [i f g o c tanh(c)] per step; gates (N, T, 4H) = i, f, g, o after their nonlinearities
     */
    lstm_forward(x, h0, c0, Wx, Wh, b) {
      const fn = 'lstm_forward';
      const s = {};
      const a = {
        x: floats(fn, 'x', x),
        h0: floats(fn, 'h0', h0),
        c0: floats(fn, 'c0', c0),
        Wx: floats(fn, 'Wx', Wx),
        Wh: floats(fn, 'Wh', Wh),
        b: floats(fn, 'b', b),
      };
      bind(fn, 'x', a.x, ['N', 'T', 'E'], s);
      bind(fn, 'h0', a.h0, ['N', 'H'], s);
      bind(fn, 'c0', a.c0, ['N', 'H'], s);
      lstmParams(fn, a, s);
      const r = lstmForward(fn, a, s);
      const { N, T, H } = s;
      return {
        h: tensor(r.h, [N, T, H]),
        c: tensor(r.c, [N, H]),
        cache: tensor(r.cache, [N, T, 6 * H]),
        gates: tensor(leadingColumns(r.cache, N * T, 6 * H, 4 * H), [N, T, 4 * H]),
      };
    },

    /**
     * Backpropagation through time of the LSTM. dc: upstream gradient of the final c, or null (zero).
     * @returns {{dx, dh0, dc0, dWx, dWh, db, dh_norms}} dh_norms (T,) = ||dL/dh_t|| (upstream plus carried)
     */
    lstm_backward(dh, dc, x, h0, c0, h, cache, Wx, Wh) {
      const fn = 'lstm_backward';
      const s = {};
      const a = {
        dh: floats(fn, 'dh', dh),
        dc: dc == null ? null : floats(fn, 'dc', dc),
        x: floats(fn, 'x', x),
        h0: floats(fn, 'h0', h0),
        c0: floats(fn, 'c0', c0),
        h: floats(fn, 'h', h),
        cache: floats(fn, 'cache', cache),
        Wx: floats(fn, 'Wx', Wx),
        Wh: floats(fn, 'Wh', Wh),
      };
      bind(fn, 'x', a.x, ['N', 'T', 'E'], s);
      bind(fn, 'h0', a.h0, ['N', 'H'], s);
      bind(fn, 'c0', a.c0, ['N', 'H'], s);
      bind(fn, 'h', a.h, ['N', 'T', 'H'], s);
      bind(fn, 'dh', a.dh, ['N', 'T', 'H'], s);
      if (a.dc) bind(fn, 'dc', a.dc, ['N', 'H'], s);
      lstmParams(fn, a, s);
      checkCache(fn, a.cache, s, 6 * s.H, false);
      const r = lstmBackward(fn, a, s);
      const { N, T, E, H } = s;
      return {
        dx: tensor(r.dx, [N, T, E]),
        dh0: tensor(r.dh0, [N, H]),
        dc0: tensor(r.dc0, [N, H]),
        dWx: r.dWx,
        dWh: r.dWh,
        db: r.db,
        dh_norms: r.dh_norms,
      };
    },

    /**
     * One GRU step, gates r, z, g packed in PyTorch's order. options.variant: 'lecture' (default;
     * g = tanh(x·Wxg + (r⊙h)·Whg + bg)) or 'torch' (torch.nn.GRU: g = tanh(x·Wxg + bg + r⊙(h·Whg + bhn)),
     * needs options.bhn (H,)). Both: h' = z⊙h + (1 − z)⊙g.
     * @returns {{h: import('./index.d.ts').Tensor, cache: import('./index.d.ts').Tensor}} h (N, H); cache (N, 4H) = [r z g s]
     */
    gru_step_forward(x, h_prev, Wx, Wh, b, options) {
      const fn = 'gru_step_forward';
      const s = { T: 1 };
      const a = {
        x: floats(fn, 'x', x),
        h0: floats(fn, 'h_prev', h_prev),
        Wx: floats(fn, 'Wx', Wx),
        Wh: floats(fn, 'Wh', Wh),
        b: floats(fn, 'b', b),
      };
      bind(fn, 'x', a.x, ['N', 'E'], s);
      bind(fn, 'h_prev', a.h0, ['N', 'H'], s);
      gruParams(fn, a, s);
      const g = gruOptions(fn, options, s, true);
      const r = gruForward(fn, a, s, g);
      return { h: tensor(r.h, [s.N, s.H]), cache: tensor(r.cache, [s.N, 4 * s.H]) };
    },

    /**
     * Backward of one GRU step (same options as the forward; dbhn only for 'torch').
     * @returns {{dx, dh_prev, dWx, dWh, db, dbhn?}}
     */
    gru_step_backward(dh, x, h_prev, cache, Wx, Wh, options) {
      const fn = 'gru_step_backward';
      const s = { T: 1 };
      const a = {
        dh: floats(fn, 'dh', dh),
        x: floats(fn, 'x', x),
        h0: floats(fn, 'h_prev', h_prev),
        cache: floats(fn, 'cache', cache),
        Wx: floats(fn, 'Wx', Wx),
        Wh: floats(fn, 'Wh', Wh),
      };
      bind(fn, 'x', a.x, ['N', 'E'], s);
      bind(fn, 'h_prev', a.h0, ['N', 'H'], s);
      bind(fn, 'dh', a.dh, ['N', 'H'], s);
      gruParams(fn, a, s);
      checkCache(fn, a.cache, s, 4 * s.H, true);
      const g = gruOptions(fn, options, s, false);
      a.h = a.h0;
      const r = gruBackward(fn, a, s, g);
      const out = {
        dx: tensor(r.dx, [s.N, s.E]),
        dh_prev: tensor(r.dh0, [s.N, s.H]),
        dWx: r.dWx,
        dWh: r.dWh,
        db: r.db,
      };
      if (r.dbhn) out.dbhn = r.dbhn;
      return out;
    },

    /**
     * The GRU over T steps from h0; x (N, T, E) is the layer input.
     * @returns {{h, cache, gates}} h (N, T, H); cache (N, T, 4H) = [r z g s] per step;
     *   gates (N, T, 3H) = r, z, g after their nonlinearities
     */
    gru_forward(x, h0, Wx, Wh, b, options) {
      const fn = 'gru_forward';
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
      gruParams(fn, a, s);
      const g = gruOptions(fn, options, s, true);
      const r = gruForward(fn, a, s, g);
      const { N, T, H } = s;
      return {
        h: tensor(r.h, [N, T, H]),
        cache: tensor(r.cache, [N, T, 4 * H]),
        gates: tensor(leadingColumns(r.cache, N * T, 4 * H, 3 * H), [N, T, 3 * H]),
      };
    },

    /**
     * Backpropagation through time of the GRU (same options as the forward).
     * @returns {{dx, dh0, dWx, dWh, db, dbhn?, dh_norms}}
     */
    gru_backward(dh, x, h0, h, cache, Wx, Wh, options) {
      const fn = 'gru_backward';
      const s = {};
      const a = {
        dh: floats(fn, 'dh', dh),
        x: floats(fn, 'x', x),
        h0: floats(fn, 'h0', h0),
        h: floats(fn, 'h', h),
        cache: floats(fn, 'cache', cache),
        Wx: floats(fn, 'Wx', Wx),
        Wh: floats(fn, 'Wh', Wh),
      };
      bind(fn, 'x', a.x, ['N', 'T', 'E'], s);
      bind(fn, 'h0', a.h0, ['N', 'H'], s);
      bind(fn, 'h', a.h, ['N', 'T', 'H'], s);
      bind(fn, 'dh', a.dh, ['N', 'T', 'H'], s);
      gruParams(fn, a, s);
      checkCache(fn, a.cache, s, 4 * s.H, false);
      const g = gruOptions(fn, options, s, false);
      const r = gruBackward(fn, a, s, g);
      const { N, T, E, H } = s;
      const out = {
        dx: tensor(r.dx, [N, T, E]),
        dh0: tensor(r.dh0, [N, H]),
        dWx: r.dWx,
        dWh: r.dWh,
        db: r.db,
        dh_norms: r.dh_norms,
      };
      if (r.dbhn) out.dbhn = r.dbhn;
      return out;
    },

    /**
     * The contexts of a fixed-window LM over a token stream: row t holds the W ids before position t,
     * -1 (the pad id: a zero embedding) before the start of the stream.
     * @param {import('./index.d.ts').IdsLike} stream (M,) @param {number} W window width
     * @returns {import('./index.d.ts').IdTensor} (M, W)
     */
    window_context(stream, W) {
      const fn = 'window_context';
      int32(fn, 'W (window width)', W);
      const ids = ints(fn, 'stream', stream);
      if (ids.shape.length !== 1)
        fail(`${fn}: stream must be a 1-D array of ids (M,), got shape ${fmtShape(ids.shape)}`);
      const M = ids.shape[0];
      return run((m) => {
        const ctx = m.i32(M * Math.max(W, 0));
        core.check(ex.lm_layer_window_context(ctx, m.i32(ids.data), 0, M, W));
        return { data: core.readI32(ctx, M * W), shape: [M, W] };
      });
    },

    /**
     * The fixed-window neural LM (Bengio 2003): e = [emb[x_1]; …; emb[x_W]] (N, W·E),
     * h = tanh(e·Wh + b1) (N, H), scores = h·U + b2 (N, V). ids -1 is the pad (zero embedding).
     * @param {import('./index.d.ts').IdsLike} ids (N, W) @param {import('./index.d.ts').TensorLike} emb (V, E)
     * @param {import('./index.d.ts').TensorLike} Wh (W·E, H) @param {import('./index.d.ts').TensorLike} b1 (H,)
     * @param {import('./index.d.ts').TensorLike} U (H, V) @param {import('./index.d.ts').TensorLike} b2 (V,)
     * @returns {{scores, e, h}} (N, V), (N, W·E), (N, H); e and h are the backward's cache
     */
    window_forward(ids, emb, Wh, b1, U, b2) {
      const fn = 'window_forward';
      const s = {};
      const id = ints(fn, 'ids', ids);
      const a = {
        emb: floats(fn, 'emb', emb),
        Wh: floats(fn, 'Wh', Wh),
        b1: floats(fn, 'b1', b1),
        U: floats(fn, 'U', U),
        b2: floats(fn, 'b2', b2),
      };
      bind(fn, 'ids', id, ['N', 'W'], s);
      bind(fn, 'emb', a.emb, ['V', 'E'], s);
      windowParams(fn, a, s);
      const { N, W, V, E, H } = s;
      return run((m) => {
        const sc = m.f32(N * V),
          e = m.f32(N * W * E),
          h = m.f32(N * H);
        core.check(
          ex.lm_layer_window_forward(
            sc,
            e,
            h,
            m.i32(id.data),
            m.f32(a.emb.data),
            m.f32(a.Wh.data),
            m.f32(a.b1.data),
            m.f32(a.U.data),
            m.f32(a.b2.data),
            N,
            W,
            V,
            E,
            H,
          ),
        );
        return { scores: read(m, sc, [N, V]), e: read(m, e, [N, W * E]), h: read(m, h, [N, H]) };
      });
    },

    /**
     * Backward of window_forward from dscores (N, V); V and E are read from U (H, V) and Wh (W·E, H).
     * @returns {{demb, dWh, db1, dU, db2}} (V, E), (W·E, H), (H,), (H, V), (V,)
     */
    window_backward(dscores, ids, e, h, Wh, U) {
      const fn = 'window_backward';
      const s = {};
      const id = ints(fn, 'ids', ids);
      const a = {
        dscores: floats(fn, 'dscores', dscores),
        e: floats(fn, 'e', e),
        h: floats(fn, 'h', h),
        Wh: floats(fn, 'Wh', Wh),
        U: floats(fn, 'U', U),
      };
      bind(fn, 'ids', id, ['N', 'W'], s);
      bind(fn, 'h', a.h, ['N', 'H'], s);
      bind(fn, 'U', a.U, ['H', 'V'], s);
      bind(fn, 'dscores', a.dscores, ['N', 'V'], s);
      if (a.Wh.shape.length !== 2 || a.Wh.shape[0] % s.W !== 0 || a.Wh.shape[0] === 0) {
        fail(`${fn}: Wh must be (W·E, H) with W = ${s.W}, got ${fmtShape(a.Wh.shape)}`);
      }
      s.E = a.Wh.shape[0] / s.W;
      windowParams(fn, a, s);
      if (a.e.shape.length !== 2 || a.e.shape[0] !== s.N || a.e.shape[1] !== s.W * s.E) {
        fail(`${fn}: e must be (N, W·E) = (${s.N}, ${s.W * s.E}), got ${fmtShape(a.e.shape)}`);
      }
      const { N, W, V, E, H } = s;
      return run((m) => {
        const demb = m.f32(V * E),
          dWh = m.f32(W * E * H),
          db1 = m.f32(H),
          dU = m.f32(H * V),
          db2 = m.f32(V);
        core.check(
          ex.lm_layer_window_backward(
            demb,
            dWh,
            db1,
            dU,
            db2,
            m.f32(a.dscores.data),
            m.i32(id.data),
            m.f32(a.e.data),
            m.f32(a.h.data),
            m.f32(a.Wh.data),
            m.f32(a.U.data),
            N,
            W,
            V,
            E,
            H,
          ),
        );
        return {
          demb: read(m, demb, [V, E]),
          dWh: read(m, dWh, [W * E, H]),
          db1: read(m, db1, [H]),
          dU: read(m, dU, [H, V]),
          db2: read(m, db2, [V]),
        };
      });
    },
  };

  /** Wh (W·E, H), b1 (H,), U (H, V), b2 (V,) against the letters bound so far (W and E known). */
  function windowParams(fn, a, s) {
    const [rows, H] = a.Wh.shape;
    if (a.Wh.shape.length !== 2 || rows !== s.W * s.E || (s.H !== undefined && H !== s.H)) {
      fail(`${fn}: Wh must be (W·E, H) = (${s.W * s.E}, ${s.H ?? 'H'}), got ${fmtShape(a.Wh.shape)}`);
    }
    if (s.H === undefined) s.H = H;
    if (a.b1) bind(fn, 'b1', a.b1, ['H'], s);
    bind(fn, 'U', a.U, ['H', 'V'], s);
    if (a.b2) bind(fn, 'b2', a.b2, ['V'], s);
  }

  return { layers: Object.freeze(layers) };
}
