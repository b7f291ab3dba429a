// web-units.test.mjs — the page's pure modules under Node: settings ⇄ URL round trip and its error
// messages, corpus validation (empty, binary, invalid UTF-8, too large), corpus statistics, and the
// synthetic long-range corpus. The browser behaviour is tested in web.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  defaultSettings,
  fitSettingsToModel,
  parseField,
  settingsFromQuery,
  settingsToQuery,
  structuralChanges,
  FIELDS,
  WINDOW_EMBED,
} from '../web/settings.mjs';
import {
  decodeCorpus,
  checkText,
  corpusStats,
  firstInvalidUtf8,
  CorpusError,
  MAX_CORPUS_BYTES,
  showChar,
} from '../web/corpus-check.mjs';
import { bracketCorpus, bracketAccuracy } from '../web/corpora/synthetic.mjs';
import { PRESETS } from '../web/presets.mjs';

test('every setting round-trips through the URL', () => {
  const s = {
    ...defaultSettings(),
    corpus: 'brackets',
    model: 'lstm',
    hidden: 77,
    embed: 12,
    layers: 2,
    window: 5,
    seq: 40,
    batch: 3,
    opt: 'sgd',
    lr: 0.0125,
    clip: 0,
    clipMode: 'value',
    seed: 123456,
    temp: 0.35,
    prime: 'Once upon & a=time?',
  };
  const { settings, errors, given } = settingsFromQuery(settingsToQuery(s));
  assert.deepEqual(errors, []);
  assert.equal(given.size, Object.keys(FIELDS).length);
  assert.deepEqual([...settingsFromQuery('?corpus=hello&seed=2&hidden=x').given], ['corpus', 'seed']);
  assert.deepEqual(settings, s);
  assert.deepEqual(Object.keys(settings).sort(), Object.keys(FIELDS).sort());
});

test('bad URL values keep their defaults and say why; unknown names are ignored', () => {
  const { settings, errors } = settingsFromQuery('?hidden=abc&lr=-1&model=transformer&seq=1&bogus=1&batch=2.5');
  const d = defaultSettings();
  assert.equal(settings.hidden, d.hidden);
  assert.equal(settings.lr, d.lr);
  assert.equal(settings.model, d.model);
  assert.equal(settings.seq, d.seq);
  assert.equal(settings.batch, d.batch);
  const text = errors.join('\n');
  assert.match(text, /hidden size must be a whole number, got 'abc'/);
  assert.match(
    text,
    /learning rate must be between 0.000001 and 100, got -1|learning rate must be between 1e-6 and 100, got -1/,
  );
  assert.match(text, /model must be one of bigram, rnn, lstm, gru, window, got 'transformer'/);
  assert.match(text, /sequence length must be between 2 and 512, got 1/);
  assert.doesNotMatch(text, /bogus/, 'a name that is not a setting is ignored quietly (lesson links carry their own)');
  assert.equal(errors.length, 5);
  assert.match(text, /batch must be a whole number, got '2.5'/);
});

test('the window MLP gets valid settings: one layer, an embedding; a link is adjusted and says so', () => {
  const s = { ...defaultSettings(), model: 'window', layers: 3, embed: 0 };
  const notes = fitSettingsToModel(s);
  assert.equal(s.layers, 1);
  assert.equal(s.embed, WINDOW_EMBED);
  assert.equal(notes.length, 2);
  assert.match(notes[0], /exactly one hidden layer/);
  assert.match(notes[1], /embedding size of at least 1/);
  assert.deepEqual(fitSettingsToModel(s), [], 'valid settings are left alone');
  const lstm = { ...defaultSettings(), model: 'lstm', layers: 3, embed: 0 };
  assert.deepEqual(fitSettingsToModel(lstm), []);
  assert.equal(lstm.layers, 3);
  const { settings, errors } = settingsFromQuery('?model=window&layers=2&embed=0&window=5');
  assert.deepEqual([settings.layers, settings.embed, settings.window], [1, WINDOW_EMBED, 5]);
  assert.equal(errors.length, 2);
  assert.ok(errors.every((e) => e.startsWith('adjusted the link: ')));
  // the adjusted settings round-trip without further changes
  const again = settingsFromQuery(settingsToQuery(settings));
  assert.deepEqual(again.errors, []);
  assert.deepEqual(again.settings, settings);
});

test('parseField accepts exponents and rejects non-numbers', () => {
  assert.equal(parseField('lr', '3e-4').value, 3e-4);
  assert.match(parseField('lr', '1/0').error, /must be a number/);
  assert.match(parseField('clip', 'NaN').error, /must be a number/);
  assert.match(parseField('corpus', '../etc').error, /preset name/);
  assert.match(parseField('nope', '1').error, /unknown setting/);
});

test('structural changes are the ones that rebuild the model', () => {
  const a = defaultSettings();
  assert.deepEqual(structuralChanges(a, { ...a, lr: 0.1, temp: 0.1, prime: 'x' }), []);
  assert.deepEqual(structuralChanges(a, { ...a, hidden: 8, seed: 9 }), ['hidden', 'seed']);
});

test('corpus validation names each problem', () => {
  const enc = (s) => new TextEncoder().encode(s);
  assert.equal(decodeCorpus(enc('héllo wörld, ça va'), 'x.txt'), 'héllo wörld, ça va');
  assert.throws(() => decodeCorpus(new Uint8Array(0), 'a.txt'), /a.txt is empty/);
  assert.throws(
    () => decodeCorpus(Uint8Array.from([104, 105, 0, 1, 2, 3, 4, 5, 6]), 'b.bin'),
    /b.bin looks like a binary file \(a NUL byte at offset 2\)/,
  );
  assert.throws(
    () => decodeCorpus(Uint8Array.from([...enc('hello wor'), 0xff, 0x41]), 'c.txt'),
    /c.txt is not valid UTF-8 \(first bad byte 0xff at offset 9\)/,
  );
  assert.throws(() => decodeCorpus(Uint8Array.from([...enc('abcdefghi'), 0xe2, 0x82]), 'd.txt'), /offset 9/);
  assert.throws(
    () => decodeCorpus(new Uint8Array(MAX_CORPUS_BYTES + 1).fill(97), 'big.txt'),
    /big.txt is 32.0 MB; the page holds at most 32.0 MB/,
  );
  assert.throws(() => checkText('    \n\n\t   ', 'The pasted text'), /only white space/);
  assert.throws(() => checkText('a', 'The pasted text'), /has 1 characters; give the model at least 2/);
  assert.throws(() => checkText('', 'The pasted text'), CorpusError);
});

test('firstInvalidUtf8 agrees with a fatal TextDecoder on tricky sequences', () => {
  const cases = [
    [0xc0, 0x80],
    [0xed, 0xa0, 0x80],
    [0xf4, 0x90, 0x80, 0x80],
    [0xe0, 0x80, 0x80],
    [0xf0, 0x9f, 0x98, 0x80],
    [0xc3, 0xa9],
    [0x80],
  ];
  for (const bytes of cases) {
    const u8 = Uint8Array.from(bytes);
    let valid = true;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(u8);
    } catch {
      valid = false;
    }
    assert.equal(firstInvalidUtf8(u8) < 0, valid, `bytes ${bytes.map((b) => b.toString(16))}`);
  }
});

test('corpus statistics count code points', () => {
  const s = corpusStats('aab😀a\n');
  assert.equal(s.chars, 6);
  assert.equal(s.vocabSize, 4);
  assert.deepEqual(s.top[0], { char: 'a', count: 3 });
  assert.equal(showChar(' '), '␣');
  assert.equal(showChar('\n'), '⏎');
});

test('the bracket corpus is deterministic and every closer matches its opener', () => {
  const a = bracketCorpus({ chars: 5000, seed: 3 });
  assert.equal(a, bracketCorpus({ chars: 5000, seed: 3 }));
  assert.notEqual(a, bracketCorpus({ chars: 5000, seed: 4 }));
  assert.ok(a.length >= 5000);
  assert.equal(bracketAccuracy(a), 1);
  const lines = a.trim().split('\n');
  for (const line of lines) assert.ok(line.length - 2 >= 12 && line.length - 2 <= 48, line);
  // A wrong closer is caught, so the accuracy measure can fail.
  assert.equal(bracketAccuracy('(abc]\n[abc]\n'), 0.5);
});

test('presets have unique ids that the URL parser accepts', () => {
  const ids = PRESETS.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.equal(parseField('corpus', id).value, id);
  assert.ok(ids.includes(defaultSettings().corpus));
});

test('bracketScore counts complete lines only', async () => {
  const { bracketScore } = await import('../web/corpora/synthetic.mjs');
  assert.deepEqual(bracketScore('(ab)\n[cd}\nxyz\n<ef>\n'), { good: 2, total: 3 });
  assert.deepEqual(bracketScore(''), { good: 0, total: 0 });
});

test('a lesson link: a locked RNN-vs-LSTM comparison round-trips, unknown names are ignored, bad values named', async () => {
  const { lessonFromQuery, lessonToQuery, defaultLesson, CARDS, PANELS } = await import('../web/lesson.mjs');
  const link =
    '?corpus=brackets&model=rnn&hidden=32&seq=48&compare=lstm&lock=all&hide=file&autoplay=1&stop=200' +
    '&cards=learning,gradients,hidden&probe=(ab+cd)%0A[ef]&note=Which+one+remembers+the+bracket%3F&layout=compact&utm_source=newsletter&fbclid=x1';
  const { settings, lesson, errors, given } = lessonFromQuery(link);
  assert.deepEqual(errors, [], 'tracking parameters are ignored quietly');
  assert.equal(settings.model, 'rnn');
  assert.equal(settings.hidden, 32);
  assert.deepEqual(lesson, {
    cards: ['learning', 'gradients', 'hidden'],
    hide: ['file'],
    lock: [...PANELS],
    autoplay: true,
    stop: 200,
    compare: 'lstm',
    probe: '(ab cd)\n[ef]',
    note: 'Which one remembers the bracket?',
    text: null,
    layout: 'compact',
  });
  assert.ok(given.has('compare') && given.has('hidden') && !given.has('utm_source'));
  // written back and read again: the same settings and the same lesson
  const again = lessonFromQuery(lessonToQuery(settings, lesson));
  assert.deepEqual(again.errors, []);
  assert.deepEqual(again.settings, settings);
  assert.deepEqual(again.lesson, lesson);
  // a plain page writes no lesson fields
  assert.doesNotMatch(
    lessonToQuery(settings, defaultLesson()),
    /cards|lock|hide|autoplay|stop|compare|probe|note|layout|text=/,
  );
  // bad values of lesson fields are named, and their defaults kept
  const bad = lessonFromQuery(
    '?cards=learning,weights&lock=everything&stop=-3&compare=transformer&autoplay=maybe&model=lstm&note=' +
      'x'.repeat(501),
  );
  assert.deepEqual(bad.lesson, defaultLesson());
  const text = bad.errors.join('\n');
  assert.match(text, new RegExp(`cards must be a comma list of ${CARDS.join(', ')} \\(or all\\), got 'weights'`));
  assert.match(text, /lock must be a comma list of corpus, model, file, run \(or all\), got 'everything'/);
  assert.match(text, /stop must be a step number from 1 to 10000000, got '-3'/);
  assert.match(text, /compare must be one of rnn, lstm, gru, window, got 'transformer'/);
  assert.match(text, /autoplay must be 1 or 0, got 'maybe'/);
  assert.match(text, /note must be at most 500 characters, got 501/);
  assert.equal(bad.errors.length, 6);
  // comparing a model with itself is refused
  assert.match(lessonFromQuery('?model=lstm&compare=lstm').errors.join(), /compare=lstm: it is the model itself/);
});
