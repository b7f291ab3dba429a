// seq2seq-cli.test.mjs — `lmlab seq2seq train | eval | translate` end to end on small runs: a task
// trains and learns, the file resumes, eval prints the table and --json has exactMatch and byLength,
// translate reads arguments and stdin and shows the α matrix; a user's pairs file at word level with
// its bad lines reported by number; and the bad cases, each with its one-line sentence and exit code.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cli = (args, input) =>
  spawnSync(process.execPath, ['scripts/lmlab.mjs', 'seq2seq', ...args], { encoding: 'utf8', input });
const dir = mkdtempSync(join(tmpdir(), 'lmlab-s2s-cli-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const model = join(dir, 'rev.safetensors');
const TASK = ['--task', 'reverse', '--train-pairs', '3000', '--test-pairs', '80', '--lengths', '3-8'];

test('train on the reverse task: progress, examples, a model that reverses held-out strings', () => {
  const run = cli(['train', ...TASK, '--steps', '400', '--every', '200', '--examples', '2', '--out', model]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(
    run.stdout,
    /^data: task reverse \(seed 1, lengths 3-8, test 3-8\): 3000 training pairs, 80 held out; vocabularies 30 → 30 \(shared\) \(char\)$/m,
  );
  assert.match(
    run.stdout,
    /^model: lstm, hidden 64, embedding 32, layers 1, attention dot, output reads \[h; c\]; \d+ parameters$/m,
  );
  assert.match(run.stdout, /^training: teacher forcing, adam lr 0.003, clip 1 \(norm\), batch 32$/m);
  assert.match(
    run.stdout,
    /^step 200 {2}loss [\d.]+ {2}smooth [\d.]+ {2}val [\d.]+ {2}exact [\d.]+% {2}\d+ pairs\/s {2}ETA/m,
  );
  assert.match(run.stdout, /^ {2}"[a-z]+" → "[a-z]*" {2}(✓|✗ \(want "[a-z]+"\))$/m);
  const exact = Number(/exact match ([\d.]+)% of 80/.exec(run.stdout)?.[1]);
  assert.ok(exact >= 80, `held-out exact match ${exact}%:\n${run.stdout}`);
});

test('eval: loss, exact match and the accuracy-by-length table; --json; --beam; another held-out set', () => {
  const run = cli(['eval', '--model', model]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /\(held-out pairs\): 80 pairs, greedy/);
  assert.match(run.stdout, /^loss [\d.]+ nats per target token \(perplexity [\d.]+, \d+ tokens, <\/s> included\)$/m);
  assert.match(run.stdout, /^ {2}length {3}pairs {3}exact {3}accuracy$/m);
  assert.match(run.stdout, /^ +3 +\d+ +\d+ +[\d.]+ %$/m);
  const j = JSON.parse(
    cli(['eval', '--model', model, '--json', '--beam', '3', '--test-lengths', '9-12', '--test-pairs', '30']).stdout,
  );
  assert.equal(j.pairs, 30);
  assert.equal(j.beam, 3);
  assert.ok(j.exactMatch >= 0 && j.exactMatch <= 1);
  assert.deepEqual(
    j.byLength.map((g) => g.length),
    [9, 10, 11, 12].filter((l) => j.byLength.some((g) => g.length === l)),
  );
  assert.equal(
    j.byLength.reduce((n, g) => n + g.pairs, 0),
    30,
  );
  for (const g of j.byLength) assert.equal(g.accuracy, g.exact / g.pairs);
  assert.match(j.data, /test 9-12/);
});

test('translate: arguments, stdin lines, --show-attention prints the α matrix', () => {
  const run = cli(['translate', '--model', model, 'abcd', 'hello']);
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(run.stdout.trim().split('\n'), ['dcba', 'olleh']);
  const piped = cli(['translate', '--model', model, '--beam', '2'], 'xyz\r\nqrs\n');
  assert.deepEqual(piped.stdout.trim().split('\n'), ['zyx', 'srq']);
  const shown = cli(['translate', '--model', model, '--show-attention', 'abc']);
  const lines = shown.stdout.split('\n');
  assert.equal(lines[0], 'abc → cba');
  assert.match(lines[1], /^ +a +b +c +<\/s>$/);
  for (const row of lines.slice(2, 6)) {
    const values = row.trim().split(/\s+/).slice(1).map(Number);
    assert.equal(values.length, 4, row);
    assert.ok(Math.abs(values.reduce((x, y) => x + y, 0) - 1) < 0.03, `row sums to 1: ${row}`);
  }
  assert.match(lines[5], /^<\/s> /);
});

test('resume continues from the saved step with the saved options', () => {
  const out = join(dir, 'resumed.safetensors');
  const run = cli(['train', '--resume', model, '--steps', '50', '--every', '1000', '--out', out]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /resumed at step 400/);
  assert.match(run.stdout, /saved .* at step 450:/);
});

test('a pairs file at word level: bad lines reported with their numbers, separate vocabularies', () => {
  const lines = [
    'the cat\tle chat',
    'the dog\tle chien',
    'no tab here',
    'a cat\tun chat',
    '',
    'two\ttabs\there',
    'a dog\tun chien',
  ];
  const data = join(dir, 'pairs.tsv');
  writeFileSync(data, `${Array.from({ length: 10 }, () => lines.join('\n')).join('\n')}\n`);
  const out = join(dir, 'words.safetensors');
  const run = cli([
    'train',
    '--data',
    data,
    '--level',
    'word',
    '--steps',
    '60',
    '--every',
    '30',
    '--hidden',
    '16',
    '--embedding',
    '8',
    '--out',
    out,
  ]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(
    run.stderr,
    /pairs.tsv: 40 pairs read; skipped 20 bad lines \(line 3: no tab between source and target; line 6: 2 tabs \(a line holds exactly one, between source and target\); line 10: no tab between source and target; .*and 15 more\); ignored 10 blank lines/,
  );
  assert.match(run.stdout, /36 training pairs, 4 held out; vocabularies 8 → 8 \(word\)/);
  const t = cli(['translate', '--model', out, 'the cat']);
  assert.equal(t.status, 0, t.stderr);
  const e = JSON.parse(cli(['eval', '--model', out, '--data', data, '--json']).stdout);
  assert.equal(e.pairs, 40);
});

test('bad cases: one sentence each, no stack trace', () => {
  const bad = (args, re, code = 2, input) => {
    const run = cli(args, input);
    assert.equal(run.status, code, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, re);
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  };
  bad(['fit'], /unknown seq2seq command 'fit': use train, eval or translate/);
  bad(['train'], /give --task reverse\|sort\|dates or --data PAIRS.tsv/);
  bad(['train', '--task', 'reverse', '--data', 'x.tsv'], /give --task or --data, not both/);
  bad(['train', '--task', 'copy'], /--task must be one of reverse, sort, dates, got 'copy'/);
  bad(['train', '--task', 'reverse', '--lengths', '9-3'], /--lengths must be MIN-MAX with 1 <= MIN <= MAX, got '9-3'/);
  bad(
    ['train', '--task', 'dates', '--lengths', '3-9'],
    /--lengths and --test-lengths apply to reverse and sort, not dates/,
  );
  bad(['train', '--task', 'reverse', '--attention', 'none', '--output-context'], /--output-context needs attention/);
  bad(['train', '--task', 'reverse', '--layers', '3'], /--layers must be at most 2, got 3/);
  bad(['train', '--resume', model, '--hidden', '8'], /--resume keeps the saved model: --hidden cannot change/);
  bad(['train', '--data', join(dir, 'missing.tsv')], /cannot read .*missing.tsv: no such file/);
  const latin1 = join(dir, 'latin1.tsv');
  writeFileSync(latin1, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x09, 0x78, 0x0a]));
  bad(['train', '--data', latin1], /latin1.tsv is not valid UTF-8: the first bad byte is at offset 3 \(0xe9\)/);
  const empty = join(dir, 'empty.tsv');
  writeFileSync(empty, 'no tabs\nat all\n');
  bad(
    ['train', '--data', empty],
    /empty.tsv has no usable pairs \(one source<TAB>target per line\): skipped 2 bad lines \(line 1: no tab/,
  );
  bad(['eval'], /seq2seq eval needs --model FILE/);
  bad(['eval', '--model', join(dir, 'nope.safetensors')], /cannot read .*nope.safetensors: no such file/);
  const lmFile = join(dir, 'lm.safetensors');
  writeFileSync(lmFile, Buffer.alloc(40));
  bad(['translate', '--model', lmFile, 'x'], /lm.safetensors: .*/);
  bad(['translate', '--model', model, '--beam', '0', 'x'], /--beam must be at least 1, got 0/);
  bad(['translate', '--model', model], /line 1: the source is empty/, 1, '\n');
});
