// neighbors.mjs — `lmlab neighbors`: the tokens whose vectors are nearest to a word's by cosine
// similarity, or the analogy a − b + c (king − man + woman ≈ queen), in a model file's embedding.
import { parseFlags, UsageError } from './_args.mjs';
import { fmt, openModel } from './_neural.mjs';

export const summary = "a word's nearest neighbours by cosine similarity, or the analogy a - b + c";

export const usage = `usage: node scripts/lmlab.mjs neighbors --model FILE word [flags]
       node scripts/lmlab.mjs neighbors --model FILE --analogy a b c [flags]

Cosine similarity cos(u, v) = u·v / (|u| |v|) between token vectors (embedding.weight, or layer 0's
Wx rows for a one-hot model). --analogy ranks every token by cos(v, a − b + c), a, b and c excluded.

  --model FILE         a model file saved by train (required)
  --analogy            three words a b c instead of one
  --top-k K            how many (default 10)
  --json               print the answer as JSON`;

const spec = {
  model: { type: 'string' },
  analogy: { type: 'bool', default: false },
  'top-k': { type: 'int', default: 10, min: 1, max: 1000000 },
  json: { type: 'bool', default: false },
};

export async function run(argv) {
  const f = parseFlags(argv, spec, { positional: 3 });
  if (!f.model) throw new UsageError('neighbors needs --model FILE');
  const want = f.analogy ? 3 : 1;
  if (f._.length !== want)
    throw new UsageError(
      f.analogy ? 'neighbors --analogy needs three words: a b c (for a - b + c)' : 'neighbors needs one word',
    );
  const { loadLmlab } = await import('../../wasm_glue/index.mjs');
  const lm = await loadLmlab();
  const { model, vocab } = openModel(lm, f.model);
  const ids = f._.map((w) => {
    const id = vocab.idOf(w);
    if (id < 0 || (id === vocab.unk && w !== vocab.tokenOf(vocab.unk)))
      throw new UsageError(`'${w}' is not in the model's vocabulary`);
    return id;
  });
  const found = f.analogy
    ? model.analogy(ids[0], ids[1], ids[2], { topK: f['top-k'] })
    : model.neighbors(ids[0], { topK: f['top-k'] });
  const answer = {
    model: f.model,
    query: f.analogy ? { a: f._[0], b: f._[1], c: f._[2] } : { word: f._[0] },
    tensor: model.embeddingMatrix().tensor,
    neighbors: found.map((n) => ({ token: vocab.tokenOf(n.id), id: n.id, cosine: n.cosine })),
  };
  if (f.json) {
    console.log(JSON.stringify(answer, null, 2));
    return 0;
  }
  console.log(f.analogy ? `${f._[0]} - ${f._[1]} + ${f._[2]} ≈` : `nearest to ${f._[0]} (cosine):`);
  answer.neighbors.forEach((n, i) =>
    console.log(`${String(i + 1).padStart(4)}. ${n.token.padEnd(16)} ${fmt(n.cosine)}`),
  );
  return 0;
}
