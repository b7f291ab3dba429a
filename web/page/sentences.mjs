// sentences.mjs — the page's two sentence cards (Lab 2): "Score a sentence" (each factor of the chain
// rule by both models, the log-probability, the perplexity; clicking a word masks it) and "Masked
// word" (candidates for [MASK] by the bigram and by the neural model, side by side, with the cost of
// the neural ranking). The worker answers (worker/sentences.mjs); a refused sentence is shown under
// its box and nothing else changes. Both follow the model: rebuilt, stepped, paused; the score also
// every few seconds while it trains.
import { coalesce } from '../kit/index.mjs';
import { showChar } from '../corpus-check.mjs';
import { $, showError } from './dom.mjs';
import { anyRunning, pauseTraining, startTraining } from './training.mjs';

/** @typedef {import('../app.mjs').AppState} AppState */
/** @typedef {import('../protocol.mjs').SentenceScore} SentenceScore */
/** @typedef {import('../protocol.mjs').MaskRanking} MaskRanking */

/** How often the score card follows a model that is training. */
const SCORE_REFRESH_MS = 3000;

/** A probability as a short percentage or an exponent. @param {number} p */
const pct = (p) => (p >= 0.001 ? `${(100 * p).toFixed(p >= 0.1 ? 1 : 2)}%` : p > 0 ? p.toExponential(1) : '0');
/** A worker's message as a sentence (capitalised, one full stop). @param {unknown} err */
const asSentence = (err) => {
  const m = String(/** @type {Error} */ (err)?.message ?? err).trim();
  return m.charAt(0).toUpperCase() + m.slice(1) + (/[.!?]$/.test(m) ? '' : '.');
};
/** A number, or ∞ named. @param {number} x @param {number} digits */
const num = (x, digits) => (Number.isFinite(x) ? x.toFixed(digits) : x > 0 ? '∞' : '−∞');

/**
 * An element with a class and text.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag @param {string} [cls] @param {string} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
function el(tag, cls = '', text = '') {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text) node.textContent = text;
  return node;
}

/** A probability cell: the value over a bar of its size. @param {number | null} p */
function probCell(p) {
  const td = el('td', 'prob');
  if (p === null) {
    td.textContent = '–';
    return td;
  }
  td.textContent = pct(p);
  td.style.setProperty('--p', `${Math.max(0, Math.min(1, p)) * 100}%`);
  td.title = `p = ${p.toPrecision(4)}, −log p = ${num(-Math.log(p), 3)} nats`;
  return td;
}

/**
 * The sentence's first words as a default (the probe excerpt's first line, at most 12 words).
 * @param {string} excerpt the corpus's probe excerpt
 */
function firstSentence(excerpt) {
  const line = excerpt.split('\n').find((l) => l.trim().split(/\s+/).length >= 4) ?? 'the cat sat on the mat .';
  return line.trim().split(/\s+/).slice(0, 12).join(' ');
}

/**
 * The score table: one row per token (the first given), both models' factors, then the sums.
 * @param {AppState} app @param {SentenceScore} result
 */
function renderScore(app, result) {
  const words = result.level === 'word';
  const table = el('table', 'sentence-score');
  const head = el('thead');
  head.innerHTML =
    '<tr><th scope="col">t</th><th scope="col">token</th><th scope="col">bigram P(w<sub>t</sub> | w<sub>t−1</sub>)</th><th scope="col">neural P(w<sub>t</sub> | w<sub>&lt;t</sub>)</th></tr>';
  const body = el('tbody');
  const tokens = [result.first, ...result.factors.map((f) => f.token)];
  tokens.forEach((token, t) => {
    const row = el('tr');
    row.append(el('td', 'num', String(t)));
    const cell = el('td', 'token');
    if (words && token !== '<s>' && token !== '</s>') {
      // click a word: the same sentence with that word masked, ranked in the card below
      const button = el('button', 'word', token);
      button.type = 'button';
      button.title = 'Mask this word';
      button.addEventListener('click', () => {
        const masked = tokens
          .map((w, i) => (i === t ? '[MASK]' : w))
          .filter((w) => w !== '<s>' && w !== '</s>')
          .join(' ');
        $('mask-text', HTMLInputElement).value = masked;
        refreshMask(app);
        $('card-mask').scrollIntoView({ block: 'nearest' });
      });
      cell.append(button);
    } else cell.textContent = words ? token : showChar(token);
    row.append(cell);
    if (t === 0) {
      const given = el('td', 'muted', 'given: not predicted');
      given.colSpan = 2;
      row.append(given);
    } else {
      const f = result.factors[t - 1];
      row.append(probCell(f.bigram), probCell(f.neural));
    }
    body.append(row);
  });
  const foot = el('tfoot');
  const n = result.factors.length;
  const sumRow = el('tr');
  sumRow.append(el('th', '', ''), el('th', '', `log P (sum of ${n} logs)`));
  sumRow.children[1].setAttribute('scope', 'row');
  sumRow.append(
    el('td', 'num', num(result.bigram.logProb, 3)),
    el('td', 'num', result.neural ? num(result.neural.logProb, 3) : '–'),
  );
  const pplRow = el('tr');
  pplRow.append(el('th', '', ''), el('th', '', 'perplexity exp(−log P / n)'));
  pplRow.children[1].setAttribute('scope', 'row');
  pplRow.append(
    el('td', 'num', num(result.bigram.perplexity, 2)),
    el('td', 'num', result.neural ? num(result.neural.perplexity, 2) : '–'),
  );
  foot.append(sumRow, pplRow);
  table.append(head, body, foot);
  const notes = [];
  if (!result.neural) notes.push('Choose RNN, LSTM, GRU or window for the neural column.');
  if (result.unknown.length) notes.push(`Not in the vocabulary, read as <unk>: ${result.unknown.join(', ')}.`);
  if (result.dropped) notes.push(`Not in the vocabulary, skipped: ${[...result.dropped].map(showChar).join(' ')}.`);
  if (result.bigram.logProb === -Infinity)
    notes.push(
      `A bigram factor is 0 (add-k with k = ${result.k}: a pair never seen in training), so the product is 0, log P is −∞ and the perplexity is infinite.`,
    );
  $('score-result').replaceChildren(table, el('p', 'muted small', notes.join(' ')));
}

/**
 * A ranking as a table: rank, word, probability (a bar), and for the neural model the sentence's log P.
 * @param {HTMLElement} host @param {{ token: string, p: number, logProb?: number }[]} items @param {string} empty
 */
function renderRanking(host, items, empty) {
  if (!items.length) {
    host.replaceChildren(el('p', 'muted', empty));
    return;
  }
  const table = el('table', 'sentence-score mask-ranking');
  const withLog = items[0].logProb !== undefined;
  table.innerHTML = `<thead><tr><th scope="col">#</th><th scope="col">word</th><th scope="col">p</th>${withLog ? '<th scope="col">log P(sentence)</th>' : ''}</tr></thead>`;
  const body = el('tbody');
  items.forEach(({ token, p, logProb }, i) => {
    const row = el('tr');
    row.append(el('td', 'num', String(i + 1)), el('td', 'token', token), probCell(p));
    if (withLog) row.append(el('td', 'num', num(/** @type {number} */ (logProb), 2)));
    body.append(row);
  });
  table.append(body);
  host.replaceChildren(table);
}

/** @param {AppState} app */
async function scoreNow(app) {
  const { trainer } = app;
  if (!trainer.corpus) return;
  const text = $('score-text', HTMLInputElement).value;
  try {
    const result = await trainer.score(text);
    showError($('score-error'), '');
    renderScore(app, result);
  } catch (err) {
    showError($('score-error'), asSentence(err));
    $('score-result').replaceChildren();
  }
}

/** @param {AppState} app */
async function maskNow(app) {
  const { trainer } = app;
  if (!trainer.corpus) return;
  if (trainer.corpus.level !== 'word') {
    showError($('mask-error'), '');
    $('mask-bigram').replaceChildren(el('p', 'muted', 'Choose Level "words" in the Tokens panel to mask a word.'));
    $('mask-neural').replaceChildren();
    $('mask-cost').textContent = '';
    return;
  }
  const choice = $('mask-candidates', HTMLSelectElement).value;
  const candidates = choice === 'all' ? 'all' : Number(choice);
  // every word costs a whole sentence's forward pass: training waits meanwhile (a step would change
  // the model under the ranking), and resumes after
  const resume = candidates === 'all' && anyRunning(app);
  if (candidates === 'all') {
    $('mask-cost').textContent =
      `Scoring one sentence per word of the vocabulary (${(trainer.corpus.vocabSize - 2).toLocaleString()} words)${resume ? '; training waits' : ''}…`;
    if (resume) await pauseTraining(app);
  }
  try {
    const result = await trainer.mask($('mask-text', HTMLInputElement).value, { candidates, topK: 10 });
    showError($('mask-error'), '');
    renderRanking($('mask-bigram'), result.bigram, 'No candidate.');
    renderRanking(
      $('mask-neural'),
      result.neural?.ranked ?? [],
      'Choose RNN, LSTM, GRU or window for the neural ranking.',
    );
    const unknown = result.unknown.length ? ` Read as <unk>: ${result.unknown.join(', ')}.` : '';
    $('mask-cost').textContent = result.neural
      ? `Sentence as read: ${result.tokens.join(' ')}. Neural: ${result.neural.candidates.toLocaleString()} candidate sentences of ${result.neural.sentenceTokens} tokens scored in ${result.neural.ms.toFixed(0)} ms (${(result.neural.candidates * (result.neural.sentenceTokens - 1)).toLocaleString()} forward steps, each a ${trainer.corpus.vocabSize.toLocaleString()}-way softmax); bigram: ${(trainer.corpus.vocabSize - 2).toLocaleString()} words in ${result.bigramMs.toFixed(0)} ms.${unknown}`
      : `Sentence as read: ${result.tokens.join(' ')}.${unknown}`;
  } catch (err) {
    showError($('mask-error'), asSentence(err));
    $('mask-bigram').replaceChildren();
    $('mask-neural').replaceChildren();
    $('mask-cost').textContent = '';
  } finally {
    if (resume) await startTraining(app);
  }
}

/** @type {(() => void) | null} */
let scoreRun = null;
/** @type {(() => void) | null} */
let maskRun = null;

/** Score the sentence in the box (coalesced: one request at a time). @param {AppState} app */
export function refreshScore(app) {
  scoreRun ??= coalesce(() => scoreNow(app));
  return scoreRun();
}

/** Rank the masked sentence's candidates (coalesced). @param {AppState} app */
export function refreshMask(app) {
  maskRun ??= coalesce(() => maskNow(app));
  return maskRun();
}

/**
 * Wire the two cards: typing scores, Rank (or Enter) ranks; both follow the model and the corpus (a
 * new corpus gives them its first sentence unless the reader typed their own).
 * @param {AppState} app
 */
export function initSentences(app) {
  const scoreText = $('score-text', HTMLInputElement);
  const maskText = $('mask-text', HTMLInputElement);
  scoreText.addEventListener('input', () => {
    scoreText.dataset.typed = '1';
    refreshScore(app);
  });
  maskText.addEventListener('input', () => (maskText.dataset.typed = '1'));
  maskText.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') refreshMask(app);
  });
  $('mask-run').addEventListener('click', () => refreshMask(app));
  $('mask-candidates').addEventListener('change', () => refreshMask(app));
  const { trainer } = app;
  // the whole-vocabulary ranking costs seconds: it runs only when asked (Rank, Enter, the choice)
  const both = () => {
    refreshScore(app);
    if ($('mask-candidates', HTMLSelectElement).value !== 'all') refreshMask(app);
  };
  trainer.on('corpus', () => {
    const sentence = firstSentence(trainer.probeExcerpt);
    if (!scoreText.dataset.typed) scoreText.value = sentence;
    if (!maskText.dataset.typed) {
      const words = sentence.split(' ');
      words[Math.min(2, words.length - 1)] = '[MASK]';
      maskText.value = words.join(' ');
    }
  });
  trainer.on('model', both);
  trainer.on('state', ({ running }) => {
    if (!running) both();
  });
  trainer.on('step', () => {
    if (!trainer.running) both();
  });
  // while training, the score follows the model every few seconds as the free-running line does (one
  // forward pass over one sentence); the masked ranking stays on request
  setInterval(() => {
    if (trainer.running) refreshScore(app);
  }, SCORE_REFRESH_MS);
}
