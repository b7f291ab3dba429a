// cli-safety.test.mjs — the CLI's promises of docs/guarantees.md, each a finding of issue #11 that
// failed before its fix: strict flag parsing (no hex, binary, signs, exponents for whole numbers, no
// repeated flag, switches only bare or =true/=false), one strict UTF-8 reader for every command (invalid
// UTF-8 and NUL refused with the byte offset), messages in the user's terms (a 1-character text, a
// missing --resume file, a malformed vocabulary in a file), limits from the C constants at the flag check.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLmlab } from '../wasm_glue/index.mjs';
import { parseFlags } from '../scripts/cli/_args.mjs';
import { checkOutPath, saveAtomic } from '../scripts/cli/_out-file.mjs';
import { decodeStrictUtf8, firstInvalidUtf8, textProblem } from '../wasm_glue/utf8.mjs';

let lm;
before(async () => {
  lm = await loadLmlab();
});

const cli = (args, options = {}) =>
  spawnSync(process.execPath, ['scripts/lmlab.mjs', ...args], { encoding: 'utf8', ...options });

function withDir(fn) {
  const dir = mkdtempSync(join(tmpdir(), 'lmlab-safety-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A model file with its JSON header changed by `edit` (tensor data unchanged; offsets are data-relative). */
export function rewriteHeader(bytes, edit) {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  edit(header);
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = new Uint8Array(Math.ceil(json.length / 8) * 8).fill(0x20);
  padded.set(json);
  json = padded;
  const out = new Uint8Array(8 + json.length + bytes.length - 8 - n);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(bytes.subarray(8 + n), 8 + json.length);
  return out;
}

const SPEC = {
  hidden: { type: 'int', default: 128, min: 1, max: 4096 },
  lr: { type: 'number' },
  quiet: { type: 'bool', default: false },
  out: { type: 'string' },
};

test('flags: numbers are plain decimals; 0x10, 0b101, +8, 1e3 and 8.0 are refused for a whole-number flag', () => {
  assert.equal(parseFlags(['--hidden', '16'], SPEC).hidden, 16);
  assert.equal(parseFlags(['--lr=2e-3'], SPEC).lr, 0.002);
  assert.equal(parseFlags(['--lr', '.5'], SPEC).lr, 0.5);
  for (const raw of ['0x10', '0b101', '0o7', '+8', '1e3', '8.0', ' 8', '8 ', '', '1_000', 'Infinity']) {
    assert.throws(
      () => parseFlags(['--hidden', raw], SPEC),
      /--hidden must be a whole number written in decimal digits/,
      raw,
    );
  }
  for (const raw of ['0x10', '+1', 'Infinity', 'NaN', '1e', '--1', '']) {
    assert.throws(() => parseFlags(['--lr', raw], SPEC), /--lr must be a decimal number/, raw);
  }
  assert.throws(() => parseFlags(['--lr', '1e999'], SPEC), /--lr is too large/);
  assert.throws(() => parseFlags(['--hidden', '99999999999999999999'], SPEC), /--hidden is too large/);
});

test('flags: a repeated flag is an error; a switch takes only its bare form or =true / =false', () => {
  assert.throws(() => parseFlags(['--hidden', '8', '--hidden', '16'], SPEC), /--hidden is given twice/);
  assert.throws(() => parseFlags(['--quiet', '--quiet=false'], SPEC), /--quiet is given twice/);
  assert.equal(parseFlags(['--quiet'], SPEC).quiet, true);
  assert.equal(parseFlags(['--quiet=true'], SPEC).quiet, true);
  assert.equal(parseFlags(['--quiet=false'], SPEC).quiet, false);
  for (const raw of ['no', 'yes', '0', '1', 'False', '']) {
    assert.throws(() => parseFlags([`--quiet=${raw}`], SPEC), /--quiet is a switch/, raw);
  }
  assert.throws(() => parseFlags(['--constructor', 'x'], SPEC), /unknown flag --constructor/);
});

test('CLI: strict flags end to end (exit 2, one line naming the flag)', () => {
  let r = cli(['train', '--hidden', '0x10', '--steps', '1']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^lmlab: --hidden must be a whole number written in decimal digits, got '0x10'\n$/);
  r = cli(['train', '--quiet=no']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--quiet is a switch/);
  r = cli(['train', '--steps', '5', '--steps', '6']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--steps is given twice/);
  // limits from the C constants, at the flag check (before any corpus is read or model built)
  r = cli(['train', '--sample-length', '1e9']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--sample-length must be a whole number/);
  r = cli(['train', '--sample-length', '1000000000']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--sample-length must be at most 100000/);
  r = cli(['sample', '--model', 'x', '--length', '100001']);
  assert.match(r.stderr, /--length must be at most 100000/);
});

test('UTF-8: one rule (utf8.mjs) with the byte offset; NUL refused; a BOM dropped', () => {
  const enc = (s) => new TextEncoder().encode(s);
  assert.equal(firstInvalidUtf8(enc('héllo')), -1);
  assert.equal(firstInvalidUtf8(Uint8Array.of(0x61, 0xc3)), 1); // cut off by the end
  assert.equal(firstInvalidUtf8(Uint8Array.of(0x61, 0xc0, 0x80)), 1); // overlong
  assert.equal(firstInvalidUtf8(Uint8Array.of(0xed, 0xa0, 0x80)), 0); // a surrogate
  assert.equal(
    textProblem(Uint8Array.of(0x61, 0x62, 0, 0x63), 'f'),
    'f contains a NUL byte at offset 2: it looks like a binary file, not text',
  );
  assert.equal(
    textProblem(Uint8Array.of(0x61, 0xff, 0), 'f'),
    'f is not valid UTF-8: the first bad byte is at offset 1 (0xff)',
  );
  assert.equal(decodeStrictUtf8(Uint8Array.of(0xef, 0xbb, 0xbf, 0x61)), 'a');
  // the rule agrees with a fatal TextDecoder on random bytes
  let x = 7;
  for (let trial = 0; trial < 2000; trial++) {
    const bytes = Uint8Array.from({ length: 1 + (trial % 9) }, () => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x >>> 24 < 160 ? 0x20 + ((x >>> 8) % 90) : (x >>> 8) & 0xff;
    });
    let fatal = true;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      fatal = false;
    }
    assert.equal(firstInvalidUtf8(bytes) < 0, fatal, Array.from(bytes).join(','));
  }
});

test('CLI: every command refuses invalid UTF-8 and NUL bytes with the byte offset (no U+FFFD trained on)', () =>
  withDir((dir) => {
    const good = 'the cat sat on the mat .\nthe dog sat on the rug .\n'.repeat(40);
    const latin1 = join(dir, 'latin1.txt');
    writeFileSync(latin1, Buffer.concat([Buffer.from(good), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a])]));
    const nul = join(dir, 'nul.txt');
    writeFileSync(nul, Buffer.concat([Buffer.from(good), Buffer.from([0x61, 0x00, 0x62])]));
    const offset = Buffer.byteLength(good);
    const model = join(dir, 'm.safetensors');
    const trained = cli(['train', '--data', join(dir, 'ok.txt'), '--steps', '1']);
    assert.match(trained.stderr, /cannot read --data .*no such file/);
    writeFileSync(join(dir, 'ok.txt'), good);
    const ok = cli([
      'train',
      '--data',
      join(dir, 'ok.txt'),
      '--hidden',
      '8',
      '--batch',
      '2',
      '--seq',
      '8',
      '--steps',
      '2',
      '--quiet',
      '--out',
      model,
    ]);
    assert.equal(ok.status, 0, ok.stderr);
    const commands = [
      ['train', '--steps', '1', '--out', join(dir, 'never.safetensors')],
      ['compare', '--steps', '1', '--cells', 'bigram'],
      ['eval', '--model', model],
      ['bigram'],
    ];
    for (const args of commands) {
      let r = cli([...args, '--data', latin1]);
      assert.equal(r.status, 2, `${args[0]}: ${r.stderr}`);
      assert.match(
        r.stderr,
        new RegExp(`--data .*latin1.txt is not valid UTF-8: the first bad byte is at offset ${offset + 3} \\(0xe9\\)`),
        args[0],
      );
      r = cli([...args, '--data', nul]);
      assert.equal(r.status, 2, `${args[0]}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`nul.txt contains a NUL byte at offset ${offset + 1}`), args[0]);
    }
    const r = cli(['bigram', '--data', join(dir, 'ok.txt'), '--eval', nul]);
    assert.match(r.stderr, /--eval .*nul.txt contains a NUL byte/);
  }));

test("CLI: messages in the user's terms: a 1-character text, --resume of a missing file, a malformed vocabulary", () =>
  withDir((dir) => {
    const one = join(dir, 'one.txt');
    writeFileSync(one, 'a');
    let r = cli(['train', '--data', one, '--steps', '1']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /one.txt has only 1 distinct character: a language model chooses among at least 2/);
    assert.doesNotMatch(r.stderr, /vocabSize/);
    writeFileSync(one, 'aaaa');
    r = cli(['compare', '--data', one, '--steps', '1']);
    assert.match(r.stderr, /has only 1 distinct character/);
    r = cli(['train', '--resume', join(dir, 'missing.safetensors'), '--steps', '1']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^lmlab: cannot read --resume .*missing.safetensors: no such file\n$/);
    // a file whose vocabulary metadata is not a vocabulary: the field is named
    const vocab = lm.Vocab.build('abcabc', { level: 'char' });
    const m = lm.Model.create({ cell: 'rnn', vocabSize: vocab.size, embedding: 0, hidden: 4, seed: 1 });
    for (const [bad, why] of [
      ['{"level": "char", "tokens": [', /the metadata field "vocab" is not a vocabulary saved by lmlab \(.*JSON/],
      ['{"level": "char"}', /the metadata field "vocab" is not a vocabulary saved by lmlab/],
    ]) {
      m.metadata = { vocab: bad };
      const file = join(dir, 'badvocab.safetensors');
      writeFileSync(file, m.save());
      r = cli(['sample', '--model', file, '--length', '3']);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, why);
    }
    m.metadata = { vocab: JSON.stringify(vocab.toJSON()) };
    const file = join(dir, 'badtrainer.safetensors');
    writeFileSync(
      file,
      rewriteHeader(m.save(), (h) => {
        h.__metadata__.trainer = '{oops';
      }),
    );
    writeFileSync(join(dir, 't.txt'), 'abcabc'.repeat(50));
    r = cli(['train', '--data', join(dir, 't.txt'), '--resume', file, '--steps', '1']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /the metadata field "trainer" is not valid/);
    m.dispose();
    vocab.dispose();
  }));

// ---- safe files: the output checked before training, atomic saves, checkpoints, signals -------------------

const TEXT = 'the cat sat on the mat .\nthe dog sat on the rug .\n'.repeat(40);
const SMALL = ['--hidden', '8', '--batch', '2', '--seq', '8'];

test('--out: never an input, never a file that is not a model file, never a folder; checked before training', () =>
  withDir((dir) => {
    const data = join(dir, 't.txt');
    writeFileSync(data, TEXT);
    let r = cli(['train', '--data', data, ...SMALL, '--steps', '2', '--out', data]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--out .*t.txt is the same file as --data .*t.txt: it would be overwritten/);
    assert.equal(readFileSync(data, 'utf8'), TEXT);
    linkSync(data, join(dir, 'link.txt')); // the same inode under another name
    r = cli(['train', '--data', data, ...SMALL, '--steps', '2', '--out', join(dir, 'link.txt')]);
    assert.match(r.stderr, /is the same file as --data/);
    assert.equal(readFileSync(data, 'utf8'), TEXT);
    const notes = join(dir, 'notes.md');
    writeFileSync(notes, '# my notes\n');
    r = cli(['train', '--data', data, ...SMALL, '--steps', '2', '--out', notes]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--out .*notes.md exists and is not a model file: lmlab overwrites only model files/);
    assert.equal(readFileSync(notes, 'utf8'), '# my notes\n');
    // a missing folder, a folder, an unwritable folder: refused at once (no step taken, nothing written)
    const t0 = Date.now();
    r = cli(['train', '--data', data, ...SMALL, '--steps', '100000', '--out', join(dir, 'nope', 'm.safetensors')]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^lmlab: --out .*nope\/m.safetensors: the folder .*nope does not exist\n$/);
    r = cli(['train', '--data', data, ...SMALL, '--steps', '100000', '--out', dir]);
    assert.match(r.stderr, /--out .* is a folder: name a file inside it/);
    r = cli(['train', '--data', data, ...SMALL, '--steps', '100000', '--out', '/proc/lmlab.safetensors']);
    assert.match(r.stderr, /--out \/proc\/lmlab.safetensors: cannot write in the folder \/proc/);
    assert.ok(Date.now() - t0 < 20000, 'refused before 100000 steps of training');
    r = cli(['compare', '--data', data, '--steps', '1', '--cells', 'bigram', '--json-out', data]);
    assert.match(r.stderr, /--json-out .* is the same file as --data/);
    assert.deepEqual(readdirSync(dir).sort(), ['link.txt', 'notes.md', 't.txt']); // no temporary file anywhere
    // an existing model file is replaced (the usual --resume X --out X)
    const model = join(dir, 'm.safetensors');
    r = cli(['train', '--data', data, ...SMALL, '--steps', '2', '--quiet', '--out', model]);
    assert.equal(r.status, 0, r.stderr);
    r = cli(['train', '--data', data, '--resume', model, '--steps', '2', '--quiet', '--out', model]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /at step 4/);
  }));

test('saveAtomic: the target is whole or untouched; a failed save leaves no temporary file; stale ones are removed', () =>
  withDir((dir) => {
    const target = join(dir, 'm.safetensors');
    saveAtomic(target, Uint8Array.of(1, 2, 3));
    assert.deepEqual([...readFileSync(target)], [1, 2, 3]);
    saveAtomic(target, 'text');
    assert.equal(readFileSync(target, 'utf8'), 'text');
    const folder = join(dir, 'busy');
    mkdirSync(folder);
    writeFileSync(join(folder, 'keep'), 'x');
    assert.throws(() => saveAtomic(folder, Uint8Array.of(1)), /could not save .*busy: (EISDIR|ENOTEMPTY)/);
    assert.deepEqual(readdirSync(dir).sort(), ['busy', 'm.safetensors']);
    // a temporary file of a process that is gone (killed in the middle of a save) is removed by the next check
    const stale = join(dir, '.m.safetensors.2147483646.tmp');
    writeFileSync(stale, 'half a model');
    const other = join(dir, '.other.safetensors.2147483646.tmp');
    writeFileSync(other, 'not ours');
    checkOutPath(target, { kind: 'any' });
    assert.equal(existsSync(stale), false);
    assert.equal(existsSync(other), true);
  }));

/** Start `lmlab train` in a child, send `signal` once `when` appears in its output; { code, stdout }. */
function trainUntil(args, when, signal, command = ['train']) {
  const child = spawn(process.execPath, ['scripts/lmlab.mjs', ...command, ...args]);
  let stdout = '';
  let stderr = '';
  let sent = false;
  return new Promise((resolve) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (!sent && when.test(stdout)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code, killedBy) => resolve({ code, killedBy, stdout, stderr }));
  });
}

test('signals: SIGTERM and SIGHUP save a checkpoint like Ctrl-C (exit 128 + the signal number)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lmlab-safety-'));
  try {
    const data = join(dir, 't.txt');
    writeFileSync(data, TEXT);
    for (const [signal, code] of [
      ['SIGTERM', 143],
      ['SIGHUP', 129],
    ]) {
      const out = join(dir, `${signal}.safetensors`);
      const r = await trainUntil(
        ['--data', data, ...SMALL, '--minutes', '2', '--every', '10', '--out', out],
        /step 10 /,
        signal,
      );
      assert.equal(r.code, code, r.stdout + r.stderr);
      assert.match(r.stdout, new RegExp(`interrupted \\(${signal}\\): checkpoint .* at step \\d+`));
      const m = lm.Model.load(new Uint8Array(readFileSync(out)));
      assert.equal(m.config.hidden, 8);
      m.dispose();
    }
    assert.deepEqual(readdirSync(dir).sort(), ['SIGHUP.safetensors', 'SIGTERM.safetensors', 't.txt']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('checkpoints: --checkpoint-minutes saves --out while training, so even SIGKILL leaves a loadable model', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lmlab-safety-'));
  try {
    const data = join(dir, 't.txt');
    writeFileSync(data, TEXT);
    const out = join(dir, 'm.safetensors');
    const r = await trainUntil(
      ['--data', data, ...SMALL, '--minutes', '2', '--every', '1000000', '--checkpoint-minutes', '0.005', '--out', out],
      /checkpoint: .* at step \d+\n(.|\n)*checkpoint: /,
      'SIGKILL',
    );
    assert.equal(r.killedBy, 'SIGKILL');
    const steps = [...r.stdout.matchAll(/checkpoint: .* at step (\d+)/g)].map((m) => Number(m[1]));
    assert.ok(steps.length >= 2 && steps[1] > steps[0], r.stdout);
    const bytes = new Uint8Array(readFileSync(out));
    const m = lm.Model.load(bytes);
    const trainer = JSON.parse(m.metadata.trainer ?? readHeaderMeta(bytes).trainer);
    assert.ok(trainer.step >= steps[0], `saved step ${trainer.step}`);
    m.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function readHeaderMeta(bytes) {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))).__metadata__;
}

// ---- divergence, resuming, the final validation ----------------------------------------------------------

test('divergence is a failure: --lr 1e6 ends with exit 1 and advice, --out keeps the last healthy parameters', () =>
  withDir((dir) => {
    const data = join(dir, 't.txt');
    writeFileSync(data, TEXT);
    const out = join(dir, 'm.safetensors');
    const r = cli(['train', '--data', data, ...SMALL, '--steps', '200', '--lr', '1e6', '--quiet', '--out', out]);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(
      r.stderr,
      /^lmlab: training diverged at step \d+: the smoothed training loss [\d.]+ is above 3·log V = [\d.]+ \(a uniform guess over the \d+ tokens costs [\d.]+\)\. .*m.safetensors holds the parameters of step 0, the last healthy ones\. Try a lower --lr \(this run: 1000000\)/,
    );
    assert.doesNotMatch(r.stdout, /saved/);
    const bytes = new Uint8Array(readFileSync(out));
    assert.equal(JSON.parse(readHeaderMeta(bytes).trainer).step, 0);
    const m = lm.Model.load(bytes); // the kept parameters are a working model
    m.dispose();
    // an ordinary rate on the same text is not called divergence
    const ok = cli(['train', '--data', data, ...SMALL, '--steps', '200', '--lr', '0.01', '--quiet', '--out', out]);
    assert.equal(ok.status, 0, ok.stderr);
  }));

test('--resume: model-shaping flags are refused by name; another text is refused unless --new-text', () =>
  withDir((dir) => {
    const data = join(dir, 't.txt');
    writeFileSync(data, TEXT);
    const other = join(dir, 'u.txt');
    writeFileSync(other, TEXT.replaceAll('cat', 'dog'));
    const out = join(dir, 'm.safetensors');
    let r = cli(['train', '--data', data, ...SMALL, '--steps', '5', '--quiet', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    r = cli([
      'train',
      '--data',
      data,
      '--resume',
      out,
      '--cell',
      'lstm',
      '--hidden',
      '8',
      '--level',
      'char',
      '--steps',
      '5',
    ]);
    assert.equal(r.status, 2);
    assert.match(
      r.stderr,
      /--resume continues the model saved in .*m.safetensors as it is: --level, --cell, --hidden would shape a new model/,
    );
    r = cli(['train', '--data', data, '--resume', out, '--init-scale', '2', '--steps', '5']);
    assert.match(r.stderr, /--init-scale would shape a new model; leave it out/);
    r = cli(['train', '--data', other, '--resume', out, '--steps', '5', '--quiet', '--out', out]);
    assert.equal(r.status, 2);
    assert.match(
      r.stderr,
      /u.txt is not the text .*m.safetensors was trained on .*--new-text to continue on this text/,
    );
    r = cli([
      'train',
      '--data',
      data,
      '--val-fraction',
      '0.2',
      '--resume',
      out,
      '--steps',
      '5',
      '--quiet',
      '--out',
      out,
    ]);
    assert.match(r.stderr, /is not the text/, 'another split is another training text');
    r = cli(['train', '--data', other, '--resume', out, '--steps', '5', '--new-text', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /resumed at step 5, on a new text \(--new-text\)/);
    r = cli(['train', '--data', other, '--resume', out, '--steps', '5', '--out', out]);
    assert.equal(r.status, 0, r.stderr); // the file now records the new text
    assert.match(r.stdout, /resumed at step 10\n/);
    r = cli(['train', '--data', data, '--new-text', '--steps', '5']);
    assert.match(r.stderr, /--new-text applies to --resume/);
  }));

test('the final validation covers every held-out token with progress, or --val-tokens of them when given', () =>
  withDir((dir) => {
    const data = join(dir, 't.txt');
    writeFileSync(data, TEXT.repeat(30)); // 60,000 chars, about 30,000 held out at --val-fraction 0.5
    const out = join(dir, 'm.safetensors');
    const base = [
      'train',
      '--data',
      data,
      ...SMALL,
      '--steps',
      '3',
      '--every',
      '1000',
      '--val-fraction',
      '0.5',
      '--out',
      out,
    ];
    let r = cli([...base]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /final validation: \d+ of 29\d\d\d held-out chars \(\d+%\), ETA/);
    assert.match(r.stdout, /val loss [\d.]+ \(perplexity [\d.]+, [\d.]+ bits\/char, 29\d\d\d held-out chars\)/);
    r = cli([...base, '--val-tokens', '500']);
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /final validation:/);
    const scored = Number(/, (\d+) held-out chars\)/.exec(r.stdout)[1]);
    assert.ok(scored <= 500 && scored > 400, `scored ${scored}`);
  }));

test('seq2seq train: the same divergence rule, periodic checkpoints and signals', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lmlab-safety-'));
  try {
    const small = ['--task', 'reverse', '--hidden', '16', '--embedding', '8'];
    const out = join(dir, 's.safetensors');
    const r = cli(['seq2seq', 'train', ...small, '--lr', '1e6', '--steps', '200', '--quiet', '--out', out]);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(
      r.stderr,
      /^lmlab: training diverged at step \d+: the smoothed training loss [\d.]+ is above 3·log V = [\d.]+ .*holds the parameters of step 0, the last healthy ones/,
    );
    assert.equal(JSON.parse(readHeaderMeta(new Uint8Array(readFileSync(out))).trainer).step, 0);
    const k = await trainUntil(
      [...small, '--minutes', '2', '--every', '1000000', '--checkpoint-minutes', '0.005', '--out', out],
      /checkpoint: .* at step \d+/,
      'SIGTERM',
      ['seq2seq', 'train'],
    );
    assert.equal(k.code, 143, k.stdout + k.stderr);
    assert.match(k.stdout, /interrupted \(SIGTERM\): checkpoint/);
    assert.ok(JSON.parse(readHeaderMeta(new Uint8Array(readFileSync(out))).trainer).step > 0);
    assert.deepEqual(readdirSync(dir), ['s.safetensors']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
