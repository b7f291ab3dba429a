// embeddings.mjs — `lmlab embeddings`: write a model file's token vectors in the text format of
// word2vec and GloVe (a "count dim" header line, then a token and its numbers per line), so a model
// trained on one corpus can serve as the pre-trained embedding of another (`train --embeddings`).
import { parseFlags, UsageError } from './_args.mjs';
import { openModel } from './_neural.mjs';
import { checkOutPath, looksLikeModelFile, saveAtomic } from './_out-file.mjs';

export const summary = "export a model file's token vectors in the word2vec/GloVe text format";

export const usage = `usage: node scripts/lmlab.mjs embeddings --model FILE --export OUT

Writes one line per token of the model's vocabulary: the token and its vector, after a header line
"V D". The vectors are embedding.weight (V, E), or for a one-hot model (embedding 0) the rows of
layer 0's Wx (V, G·H), which is what x·Wx picks for each token. Tokens with white space (char level)
are written as <U+0020> and read back by train --embeddings.

  --model FILE         a model file saved by train (required)
  --export OUT         the text file to write (required; - for standard output)`;

const spec = { model: { type: 'string' }, export: { type: 'string' } };

export async function run(argv) {
  const f = parseFlags(argv, spec);
  if (!f.model) throw new UsageError('embeddings needs --model FILE');
  if (!f.export) throw new UsageError('embeddings needs --export OUT (a text file, or - for standard output)');
  const { loadLmlab } = await import('../../wasm_glue/index.mjs');
  const lm = await loadLmlab();
  const { model, vocab } = openModel(lm, f.model);
  const text = model.exportEmbeddingText(vocab);
  if (f.export === '-') {
    process.stdout.write(text);
    return 0;
  }
  // a model file given by mistake is refused (kind 'model' would allow replacing only a model file)
  if (looksLikeModelFile(f.export))
    throw new UsageError(`--export ${f.export} is a model file: name a text file (the vectors are text)`);
  checkOutPath(f.export, { flag: '--export', inputs: [['--model', f.model]], kind: 'any' });
  saveAtomic(f.export, text);
  const { shape, tensor } = model.embeddingMatrix();
  console.log(`wrote ${f.export}: ${shape[0]} tokens x ${shape[1]} numbers (${tensor})`);
  return 0;
}
