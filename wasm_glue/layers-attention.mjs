// layers-attention.mjs — the attention layer pair (src/layers_attention.h, the BPTT notes' seq2seq
// chapter) added to the `layers` object: attention_forward / attention_backward on Tensors {data, shape}
// or nested arrays. Queries are (N, Tq, H), or (N, H) for one decoder step (then the results drop the Tq
// axis too); keys = values are (N, Tk, H); options.mask (N, Tk) marks real tokens with 1 and padding with
// 0. Only what C cannot see is checked here (JS types, shapes against each other, option strings); the
// C edge (src/layers_attention_api.c) checks sizes, the mask and finiteness and its sentence is passed
// through. Gradients start from zeros, so the C `+=` gives the gradient. Letters: N Tq Tk H A.
import { bind, fail, floats, fmtShape, ints, tensor } from './layers.mjs';
import { ATTN_SCORE } from './constants.mjs';

const SCORES = { dot: ATTN_SCORE.DOT, additive: ATTN_SCORE.ADDITIVE };

/**
 * options → { score, A, Wq, Wk, v, mask } checked against the sizes s (N, Tk, H known).
 * The additive score needs Wq, Wk (H, A) and v (A,); the dot product takes none of them.
 */
function attentionOptions(fn, options, s) {
  if (options === null || typeof options !== 'object')
    fail(`${fn}: options must be an object { score, mask?, Wq?, Wk?, v? }, got ${options}`);
  const name = options.score ?? 'dot';
  if (!Object.hasOwn(SCORES, name))
    fail(`${fn}: options.score must be 'dot' or 'additive', got ${JSON.stringify(name)}`);
  const out = { score: SCORES[name], A: 0, Wq: null, Wk: null, v: null, mask: null };
  const params = ['Wq', 'Wk', 'v'];
  if (name === 'dot') {
    const extra = params.find((p) => options[p] !== undefined);
    if (extra) fail(`${fn}: options.${extra} belongs to the additive score; the dot product q·k has no parameters`);
  } else {
    for (const p of params) if (options[p] === undefined) fail(`${fn}: the additive score needs options.${p}`);
    out.Wq = floats(fn, 'options.Wq', options.Wq);
    out.Wk = floats(fn, 'options.Wk', options.Wk);
    out.v = floats(fn, 'options.v', options.v);
    bind(fn, 'options.Wq', out.Wq, ['H', 'A'], s);
    bind(fn, 'options.Wk', out.Wk, ['H', 'A'], s);
    bind(fn, 'options.v', out.v, ['A'], s);
    out.A = s.A;
  }
  if (options.mask !== undefined && options.mask !== null) {
    const mask = ints(fn, 'options.mask', options.mask);
    bind(fn, 'options.mask', mask, ['N', 'Tk'], s);
    // C reads the mask as bytes: a value other than 0 or 1 would wrap in the conversion
    const bad = mask.data.findIndex((v) => v !== 0 && v !== 1);
    if (bad >= 0) fail(`${fn}: options.mask[${bad}] must be 0 (padding) or 1 (a real token), got ${mask.data[bad]}`);
    out.mask = Uint8Array.from(mask.data);
  }
  return out;
}

/** q (N, H) or (N, Tq, H) → sizes; `step` is true for the single-step form. */
function bindQueries(fn, name, q, s) {
  if (q.shape.length === 2) {
    bind(fn, name, q, ['N', 'H'], s);
    s.Tq = 1;
    return true;
  }
  if (q.shape.length !== 3)
    fail(`${fn}: ${name} must be (N, H) for one step or (N, Tq, H), got shape ${fmtShape(q.shape)}`);
  bind(fn, name, q, ['N', 'Tq', 'H'], s);
  return false;
}

/** @param {any} core the object from loader.mjs */
export function install(core) {
  const ex = core.exports;
  const run = (body) => core.scoped(body);
  const read = (ptr, shape) =>
    tensor(
      core.readF32(
        ptr,
        shape.reduce((a, b) => a * b, 1),
      ),
      shape,
    );

  const layers = {
    /**
     * Attention: e_ij = q_i·k_j ('dot') or vᵀ tanh(q_i·Wq + k_j·Wk) ('additive'); α_i = softmax over
     * the real keys (padding gets exactly 0); c_i = Σ_j α_ij k_j.
     * @param {import('./index.d.ts').TensorLike} q (N, H) or (N, Tq, H)
     * @param {import('./index.d.ts').TensorLike} k (N, Tk, H), keys = values (the encoder states)
     * @param {import('./index.d.ts').AttentionOptions} [options]
     * @returns {{ c: import('./index.d.ts').Tensor, alpha: import('./index.d.ts').Tensor, cache: import('./index.d.ts').Tensor | null }}
     */
    attention_forward(q, k, options = {}) {
      const fn = 'attention_forward';
      const s = {};
      const a = { q: floats(fn, 'q', q), k: floats(fn, 'k', k) };
      const step = bindQueries(fn, 'q', a.q, s);
      bind(fn, 'k', a.k, ['N', 'Tk', 'H'], s);
      const o = attentionOptions(fn, options, s);
      const { N, Tq, Tk, H } = s,
        A = o.A;
      return run((m) => {
        const c = m.f32(N * Tq * H),
          alpha = m.f32(N * Tq * Tk),
          cache = A ? m.f32(N * Tq * Tk * A) : 0;
        core.check(
          ex.lm_layer_attention_forward(
            c,
            alpha,
            cache,
            m.f32(a.q.data),
            m.f32(a.k.data),
            o.mask ? m.u8(o.mask) : 0,
            o.Wq ? m.f32(o.Wq.data) : 0,
            o.Wk ? m.f32(o.Wk.data) : 0,
            o.v ? m.f32(o.v.data) : 0,
            N,
            Tq,
            Tk,
            H,
            A,
            o.score,
          ),
        );
        return {
          c: read(c, step ? [N, H] : [N, Tq, H]),
          alpha: read(alpha, step ? [N, Tk] : [N, Tq, Tk]),
          cache: A ? read(cache, step ? [N, Tk, A] : [N, Tq, Tk, A]) : null,
        };
      });
    },

    /**
     * Backward of attention_forward, with the same options. dq and dk are the gradients of the inputs;
     * dWq, dWk, dv (additive only) those of the parameters.
     * @param {import('./index.d.ts').TensorLike} dc upstream gradient, shaped like c
     * @param {import('./index.d.ts').TensorLike | null} cache the forward's cache (additive), or null (dot)
     */
    attention_backward(dc, q, k, alpha, cache, options = {}) {
      const fn = 'attention_backward';
      const s = {};
      const a = {
        dc: floats(fn, 'dc', dc),
        q: floats(fn, 'q', q),
        k: floats(fn, 'k', k),
        alpha: floats(fn, 'alpha', alpha),
      };
      const step = bindQueries(fn, 'q', a.q, s);
      bind(fn, 'k', a.k, ['N', 'Tk', 'H'], s);
      bind(fn, 'dc', a.dc, step ? ['N', 'H'] : ['N', 'Tq', 'H'], s);
      bind(fn, 'alpha', a.alpha, step ? ['N', 'Tk'] : ['N', 'Tq', 'Tk'], s);
      const o = attentionOptions(fn, { ...options, mask: undefined }, s);
      if (o.A) {
        if (cache == null) fail(`${fn}: the additive score needs the forward's cache`);
        a.cache = floats(fn, 'cache', cache);
        bind(fn, 'cache', a.cache, step ? ['N', 'Tk', 'A'] : ['N', 'Tq', 'Tk', 'A'], s);
      } else if (cache != null) {
        fail(`${fn}: the dot product keeps no cache; pass null`);
      }
      const { N, Tq, Tk, H } = s,
        A = o.A;
      return run((m) => {
        const dq = m.f32(N * Tq * H),
          dk = m.f32(N * Tk * H);
        const dWq = A ? m.f32(H * A) : 0,
          dWk = A ? m.f32(H * A) : 0,
          dv = A ? m.f32(A) : 0;
        core.check(
          ex.lm_layer_attention_backward(
            dq,
            dk,
            dWq,
            dWk,
            dv,
            m.f32(a.dc.data),
            m.f32(a.q.data),
            m.f32(a.k.data),
            m.f32(a.alpha.data),
            A ? m.f32(a.cache.data) : 0,
            A ? m.f32(o.Wq.data) : 0,
            A ? m.f32(o.Wk.data) : 0,
            A ? m.f32(o.v.data) : 0,
            N,
            Tq,
            Tk,
            H,
            A,
            o.score,
          ),
        );
        const out = { dq: read(dq, step ? [N, H] : [N, Tq, H]), dk: read(dk, [N, Tk, H]) };
        if (A) Object.assign(out, { dWq: read(dWq, [H, A]), dWk: read(dWk, [H, A]), dv: read(dv, [A]) });
        return out;
      });
    },
  };
  return { layers: Object.freeze(layers) };
}
