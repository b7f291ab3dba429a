// sample.mjs — `lmlab sample`: generate text from a model file after a prime text, seeded and
// reproducible; temperature (0 = greedy), top-k; word-level models stop at </s>.
import { LIMITS } from '../../wasm_glue/constants.mjs';
import { parseFlags, UsageError } from './_args.mjs';
import { decodeIds, openModel, primeIds } from './_neural.mjs';

export const summary = 'generate text from a model file';

export const usage = `usage: node scripts/lmlab.mjs sample --model FILE [flags]

  --model FILE         a model file saved by train (required)
  --prime TEXT         text to start from (default: none; word level starts at <s>)
  --length K           tokens to generate (default 300)
  --temperature X      0 = greedy (default 0.8)
  --top-k K            sample among the K likeliest tokens; 0 = all (default 0)
  --seed S             sampling seed (default 1)
  --count K            word level: sentences to generate (default 1)`;

const spec = {
  model: { type: 'string' },
  prime: { type: 'string', default: '' },
  length: { type: 'int', default: 300, min: 1, max: LIMITS.MAX_GEN_LENGTH },
  temperature: { type: 'number', default: 0.8, min: 0 },
  'top-k': { type: 'int', default: 0, min: 0, max: LIMITS.MAX_TOP_K },
  seed: { type: 'int', default: 1, min: 0, max: 4294967295 },
  count: { type: 'int', default: 1, min: 1, max: LIMITS.MAX_GEN_COUNT },
};

export async function run(argv) {
  const f = parseFlags(argv, spec);
  if (!f.model) throw new UsageError('sample needs --model FILE');
  const { loadLmlab } = await import('../../wasm_glue/index.mjs');
  const lm = await loadLmlab();
  const { model, vocab } = openModel(lm, f.model);
  const prime = primeIds(vocab, f.prime);
  const word = vocab.level === 'word';
  for (let k = 0; k < f.count; k++) {
    const ids = model.sample(prime, {
      length: f.length,
      temperature: f.temperature,
      topK: f['top-k'],
      seed: f.seed + k,
      stopId: word ? vocab.eos : -1,
    });
    const text = decodeIds(vocab, Int32Array.from([...prime, ...ids]));
    console.log(text);
  }
  return 0;
}
