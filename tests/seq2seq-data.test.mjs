// seq2seq-data.test.mjs — the pure-JS side of sequence to sequence (no WebAssembly): the built-in tasks are
// deterministic and right (every reversal, sort and date checked independently), splits hold the test
// sources out of training at the lengths asked for, the pairs-file reader names each bad line, UTF-8
// errors name their byte, and the pair vocabulary and encoding keep their ids and layout.
import test from 'node:test';
import assert from 'node:assert/strict';
import {
  TASKS,
  DATE_STYLES,
  createRandom,
  generatePairs,
  taskSplit,
  tokenize,
  detokenize,
  decodeUtf8,
  parsePairs,
  describeSkipped,
} from '../wasm_glue/seq2seq-data.mjs';
import { PairVocab, SPECIALS, PAD, BOS, EOS, UNK, encodePairs } from '../wasm_glue/seq2seq-vocab.mjs';

test('the generator is deterministic and spreads over its range', () => {
  const a = createRandom(7),
    b = createRandom(7),
    c = createRandom(8);
  const xs = Array.from({ length: 1000 }, () => a.below(10));
  assert.deepEqual(
    xs,
    Array.from({ length: 1000 }, () => b.below(10)),
  );
  assert.notDeepEqual(
    xs.slice(0, 20),
    Array.from({ length: 20 }, () => c.below(10)),
  );
  for (let v = 0; v < 10; v++) {
    const n = xs.filter((x) => x === v).length;
    assert.ok(n > 60 && n < 140, `value ${v} drawn ${n} times in 1000`);
  }
  assert.throws(() => createRandom(-1), /seed must be a whole number/);
});

test('reverse and sort pairs are right, at the lengths asked for, and the same for the same seed', () => {
  for (const task of ['reverse', 'sort']) {
    const pairs = generatePairs(task, { count: 500, seed: 3, lengths: [4, 9] });
    assert.deepEqual(pairs, generatePairs(task, { count: 500, seed: 3, lengths: [4, 9] }));
    assert.notDeepEqual(pairs.slice(0, 5), generatePairs(task, { count: 5, seed: 4, lengths: [4, 9] }));
    const lengths = new Set();
    for (const { source, target } of pairs) {
      assert.match(source, /^[a-z]+$/);
      lengths.add(source.length);
      const want = task === 'reverse' ? [...source].reverse().join('') : [...source].sort().join('');
      assert.equal(target, want);
    }
    assert.deepEqual(
      [...lengths].sort((x, y) => x - y),
      [4, 5, 6, 7, 8, 9],
    );
  }
  assert.deepEqual(TASKS.reverse.lengths, [5, 25]);
  assert.throws(() => generatePairs('reverse', { count: 1, lengths: [6, 5] }), /lengths must be two whole numbers/);
  assert.throws(() => generatePairs('copy', { count: 1 }), /task must be one of reverse, sort, dates/);
});

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** An independent reader of the eight styles: [year, month, day, weekday or -1]. */
function readDate(text) {
  const month = (name) => MONTHS.findIndex((m) => m.startsWith(name.toLowerCase()) && name.length >= 3) + 1;
  let m;
  if ((m = text.match(/^(\d{2})\.(\d{2})\.(\d{4})$/))) return [+m[3], +m[2], +m[1], -1];
  if ((m = text.match(/^(\d{2})\/(\d{2})\/(\d{4})$/))) return [+m[3], +m[1], +m[2], -1];
  if ((m = text.match(/^([A-Za-z]+), (\d{1,2}) ([A-Za-z]+) (\d{4})$/)))
    return [+m[4], month(m[3]), +m[2], DAYS.indexOf(m[1].slice(0, 3).toLowerCase())];
  if ((m = text.match(/^([A-Za-z]{3}) ([A-Za-z]{3}) (\d{1,2}) (\d{4})$/)))
    return [+m[4], month(m[2]), +m[3], DAYS.indexOf(m[1].toLowerCase())];
  if ((m = text.match(/^(\d{1,2}) ([A-Za-z]+) (\d{4})$/))) return [+m[3], month(m[2]), +m[1], -1];
  if ((m = text.match(/^([A-Za-z]+) (\d{1,2}), (\d{4})$/))) return [+m[3], month(m[1]), +m[2], -1];
  throw new Error(`unreadable date ${text}`);
}

test('dates: every style appears, and each target is the ISO form of its source (weekdays true)', () => {
  const pairs = generatePairs('dates', { count: 2000, seed: 5 });
  const shapes = new Set();
  for (const { source, target } of pairs) {
    const [y, mo, d, w] = readDate(source);
    assert.equal(target, `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`, source);
    assert.ok(y >= 1950 && y <= 2049, source);
    if (w >= 0) assert.equal(new Date(Date.UTC(y, mo - 1, d)).getUTCDay(), w, `weekday of ${source}`);
    shapes.add(source.replace(/\d/g, '9').replace(/[A-Za-z]+/g, (s) => (s.length > 3 ? 'Word' : 'Abc')));
  }
  assert.ok(shapes.size >= DATE_STYLES.length, `styles seen: ${[...shapes].join(' | ')}`);
  const ex = DATE_STYLES[0](2026, 11, 21, 6);
  assert.equal(ex, '21 November 2026');
});

test('splits: test sources never occur in training; test lengths may exceed training lengths', () => {
  const { train, test: held } = taskSplit('reverse', {
    seed: 2,
    train: 3000,
    test: 300,
    trainLengths: [3, 6],
    testLengths: [3, 12],
  });
  const seen = new Set(train.map((p) => p.source));
  assert.equal(held.length, 300);
  assert.ok(
    held.every((p) => !seen.has(p.source)),
    'a test source occurs in training',
  );
  assert.equal(new Set(held.map((p) => p.source)).size, 300, 'test sources are distinct');
  assert.ok(Math.max(...train.map((p) => p.source.length)) <= 6);
  assert.ok(Math.max(...held.map((p) => p.source.length)) > 6, 'some test strings are longer than any in training');
  const dates = taskSplit('dates', { seed: 1, train: 500, test: 50 });
  const trainDates = new Set(dates.train.map((p) => p.source));
  assert.ok(dates.test.every((p) => !trainDates.has(p.source)));
  assert.throws(
    () => taskSplit('reverse', { train: 5000, test: 100, trainLengths: [1, 1], testLengths: [1, 1] }),
    /only 0 of 100 test sources/,
  );
});

test('tokens: char level is code points, word level is whitespace-separated words', () => {
  assert.deepEqual(tokenize('añ😀', 'char'), ['a', 'ñ', '😀']);
  assert.deepEqual(tokenize('  the  cat\tsat ', 'word'), ['the', 'cat', 'sat']);
  assert.equal(detokenize(['the', 'cat'], 'word'), 'the cat');
  assert.equal(detokenize(['a', 'b'], 'char'), 'ab');
  assert.throws(() => tokenize('x', 'byte'), /level must be 'char' or 'word'/);
});

test('the pairs reader keeps good lines and names every bad one with its line number', () => {
  const text = 'hello\tolleh\r\nno tab here\n\n  \na\tb\tc\n\tmissing source\nsource only\t\nok\tfine\nbell\u0007\tx\n';
  const parsed = parsePairs(text, { level: 'char' });
  assert.deepEqual(parsed.pairs, [
    { source: 'hello', target: 'olleh', line: 1 },
    { source: 'ok', target: 'fine', line: 8 },
  ]);
  assert.deepEqual(parsed.bad, [
    { line: 2, reason: 'no tab between source and target' },
    { line: 5, reason: '2 tabs (a line holds exactly one, between source and target)' },
    { line: 6, reason: 'empty source' },
    { line: 7, reason: 'empty target' },
    { line: 9, reason: 'control character U+0007' },
  ]);
  assert.equal(parsed.blank, 2);
  assert.equal(parsed.lines, 9);
  const said = describeSkipped(parsed, 2);
  assert.match(said, /^skipped 5 bad lines \(line 2: no tab between source and target; line 5: 2 tabs/);
  assert.match(said, /and 3 more\); ignored 2 blank lines$/);
  assert.equal(describeSkipped(parsePairs('a\tb\n')), '');
  const words = parsePairs('the cat sat\tle chat\nword\t \n', { level: 'word' });
  assert.equal(words.pairs.length, 1);
  assert.deepEqual(words.bad, [{ line: 2, reason: 'empty target' }]);
  const long = parsePairs(`${'x'.repeat(11)}\ty\n`, { maxTokens: 10 });
  assert.deepEqual(long.bad, [{ line: 1, reason: 'source of 11 characters, more than 10' }]);
  assert.throws(() => parsePairs('a\tb', { level: 'bytes' }), /level must be/);
});

test('UTF-8 decoding names the offset of the first bad byte', () => {
  const bytes = (...b) => new Uint8Array(b);
  assert.equal(decodeUtf8(bytes(0xef, 0xbb, 0xbf, 0x61)), 'a', 'a byte-order mark is dropped');
  assert.throws(
    () => decodeUtf8(bytes(0x61, 0xc3, 0xa9, 0xff), 'pairs.tsv'),
    /^RangeError: pairs.tsv is not valid UTF-8: the first bad byte is at offset 3 \(0xff\)$/,
  );
  assert.throws(() => decodeUtf8(bytes(0x61, 0xe2, 0x82, 0x41)), /offset 1 \(0xe2\)/);
  assert.throws(() => decodeUtf8(bytes(0x61, 0x62, 0xc3)), /offset 2 \(0xc3\)/);
});

test('the pair vocabulary: specials first, then by count; unknown tokens; decoding stops at </s>', () => {
  const v = PairVocab.build([
    ['b', 'a', 'b'],
    ['c', 'b', 'a', '<s>'],
  ]);
  assert.deepEqual(v.tokens, [...SPECIALS, 'b', 'a', 'c']);
  assert.deepEqual([PAD, BOS, EOS, UNK], [0, 1, 2, 3]);
  assert.deepEqual(v.encode(['a', 'z', 'c']), [5, UNK, 6]);
  assert.deepEqual(v.decode([BOS, 4, 5, PAD, 6, EOS, 4]), ['b', 'a', 'c']);
  assert.deepEqual(PairVocab.fromJSON(JSON.parse(JSON.stringify(v))).tokens, v.tokens);
  assert.deepEqual(PairVocab.build([['x', 'y', 'y', 'z']], { maxSize: 5 }).tokens, [...SPECIALS, 'y']);
  assert.throws(() => new PairVocab(['a']), /must start with <pad> <s> <\/s> <unk>/);
  assert.throws(() => new PairVocab([...SPECIALS, 'a', 'a']), /appears twice \(ids 4 and 5\)/);
  assert.throws(() => v.decode([99]), /id 99 is outside the vocabulary \[0, 7\)/);
});

test('encoded pairs: source tokens then </s>; target <s>, tokens, </s>; lengths; unknown count', () => {
  const src = PairVocab.build([['a', 'b']]),
    tgt = PairVocab.build([['x']]);
  const e = encodePairs(
    [
      { source: ['a', 'b'], target: ['x', 'x'] },
      { source: ['q'], target: ['y'] },
    ],
    src,
    tgt,
  );
  assert.deepEqual([...e.src], [src.id('a'), src.id('b'), EOS, UNK, EOS]);
  assert.deepEqual([...e.srcLen], [3, 2]);
  assert.deepEqual([...e.tgt], [BOS, 4, 4, EOS, BOS, UNK, EOS]);
  assert.deepEqual([...e.tgtLen], [4, 3]);
  assert.equal(e.unknown, 2);
});
