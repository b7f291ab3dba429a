// vectors.mjs — the page's Word vectors card (Lab 2): load pre-trained vectors (word2vec/GloVe text,
// optional header; the worker parses them, off this thread) frozen or fine-tuned, forget them, download
// the model's embedding in the same format; nearest neighbours of a typed token by cosine and the
// analogy a − b + c, unknown tokens named. Training pauses while a file is read and set, and goes on
// after. A refused file is shown under the picker and the model is as it was (the worker checks
// everything before it writes). The Embedding map card is the kit's <lm-embedding-map>, in index.html.
// app.mjs loads this module when the card comes near the screen (a chunk of its own in the built site).
import { coalesce } from '../kit/index.mjs';
import { formatBytes, showChar } from '../corpus-check.mjs';
import { $, showError } from './dom.mjs';
import { VECTORS_CARD } from './vectors-card.mjs';
import { MAX_VECTOR_BYTES, vectorFileTooBig } from '../protocol.mjs';

/** @typedef {import('../app.mjs').AppState} AppState */
/**
 * The page's run controls (page/training.mjs), handed in by app.mjs: this module is a chunk of its
 * own, and importing them would pull the page's whole core into the chunk the two share.
 * @typedef {{ anyRunning: (app: AppState) => boolean, pauseTraining: (app: AppState) => Promise<void>, startTraining: (app: AppState) => Promise<void> }} RunControls
 */
/** @type {RunControls} */
let run;
/** @typedef {import('../protocol.mjs').VectorsInfo} VectorsInfo */
/** @typedef {import('../protocol.mjs').Similar} Similar */

const REFRESH_MS = 3000; // neighbours and the analogy while training

/** A worker's message as a sentence (capitalised, one full stop). @param {unknown} err */
const asSentence = (err) => {
  const m = String(/** @type {Error} */ (err)?.message ?? err).trim();
  return m.charAt(0).toUpperCase() + m.slice(1) + (/[.!?]$/.test(m) ? '' : '.');
};

/** A message about a file as a sentence: it starts with the file's name, left as it is. @param {unknown} err */
const fileSentence = (err) => {
  const m = String(/** @type {Error} */ (err)?.message ?? err).trim();
  return m + (/[.!?]$/.test(m) ? '' : '.');
};

/** The freeze / fine-tune choice. */
const freezeChosen = () => $('vectors-freeze', HTMLInputElement).checked;

/** What the model holds, in a line. @param {VectorsInfo | null | undefined} info */
export function describeVectors(info) {
  if (!info) return 'No pre-trained vectors: the embedding starts from its random initialisation.';
  const file = `${info.name}: ${info.words.toLocaleString()} vectors of ${info.dim} numbers${info.header ? ' (with a header line)' : ''}${info.duplicates ? `, ${info.duplicates} repeated words ignored` : ''}.`;
  if (!info.applied) return `${file} Not in the current model: ${info.why}.`;
  const lower = info.lowercased ? ` (${info.lowercased} through their lower-case form)` : '';
  const missing = info.missing
    ? ` ${info.missing.toLocaleString()} ${info.missing === 1 ? 'has' : 'have'} no vector and keep their random initialisation, e.g. ${info.missingExamples.map((t) => showChar(t)).join(', ')}.`
    : ' Every token has a vector.';
  return `${file} ${info.found.toLocaleString()} tokens of the vocabulary took their vector${lower};${missing} The embedding is ${info.frozen ? 'frozen: training leaves it exactly as loaded' : 'fine-tuned: training changes it'}.`;
}

/** Rows of similar tokens: rank, token, cosine with a bar. @param {HTMLElement} host @param {Similar[]} list */
function renderSimilar(host, list) {
  const table = document.createElement('table');
  table.className = 'sentence-score similar';
  table.innerHTML =
    '<thead><tr><th scope="col">#</th><th scope="col">token</th><th scope="col">cosine</th></tr></thead>';
  const body = document.createElement('tbody');
  list.forEach(({ token, cosine }, i) => {
    const row = document.createElement('tr');
    const rank = document.createElement('td');
    rank.className = 'num';
    rank.textContent = String(i + 1);
    const word = document.createElement('td');
    word.className = 'token';
    word.textContent = showChar(token);
    const cos = document.createElement('td');
    cos.className = 'prob';
    cos.textContent = cosine.toFixed(3);
    // the bar shows cosine on [−1, 1] as [0, 100%]
    cos.style.setProperty('--p', `${Math.max(0, Math.min(1, (cosine + 1) / 2)) * 100}%`);
    row.append(rank, word, cos);
    body.append(row);
  });
  table.append(body);
  host.replaceChildren(table);
}

/** @param {AppState} app */
async function neighborsNow(app) {
  const { trainer } = app;
  const word = $('nn-word', HTMLInputElement).value;
  if (!trainer.model?.trainable || word === '') {
    $('nn-result').replaceChildren();
    showError($('nn-error'), '');
    return;
  }
  try {
    const r = await trainer.call('neighbors', { word, topK: 10 });
    showError($('nn-error'), '');
    renderSimilar($('nn-result'), r.neighbors);
    $('nn-result').dataset.token = r.token;
  } catch (err) {
    showError($('nn-error'), asSentence(err));
    $('nn-result').replaceChildren();
  }
}

/** @param {AppState} app */
async function analogyNow(app) {
  const { trainer } = app;
  const [a, b, c] = ['an-a', 'an-b', 'an-c'].map((id) => $(id, HTMLInputElement).value);
  if (!trainer.model?.trainable || (a === '' && b === '' && c === '')) {
    $('an-result').replaceChildren();
    showError($('an-error'), '');
    return;
  }
  try {
    const r = await trainer.call('analogy', { a, b, c, topK: 10 });
    showError($('an-error'), '');
    renderSimilar($('an-result'), r.results);
  } catch (err) {
    showError($('an-error'), asSentence(err));
    $('an-result').replaceChildren();
  }
}

/** The vectors line and the buttons, after any change of model or vectors. @param {AppState} app */
function showVectorsState(app) {
  const { trainer } = app;
  const info = trainer.model?.vectors;
  $('vectors-status').textContent = describeVectors(info);
  $('vectors-forget', HTMLButtonElement).disabled = !info;
  $('vectors-export', HTMLButtonElement).disabled = !trainer.model?.trainable;
  if (info) $(info.frozen ? 'vectors-freeze' : 'vectors-tune', HTMLInputElement).checked = true;
}

/** "Load vectors…": the file's bytes to the worker, which parses, checks and sets them. @param {AppState} app */
async function loadVectorsFile(app) {
  const input = $('vectors-file', HTMLInputElement);
  const file = input.files?.[0];
  input.value = '';
  if (!file) return;
  const { trainer } = app;
  const error = $('vectors-error');
  if (file.size > MAX_VECTOR_BYTES) {
    // said before reading a gigabyte into the page
    showError(error, `${vectorFileTooBig(file.name, file.size)}. The model is unchanged.`);
    return;
  }
  const resume = run.anyRunning(app);
  if (resume) await run.pauseTraining(app);
  $('vectors-status').textContent = `Reading ${file.name} (${formatBytes(file.size)}) in the worker…`;
  try {
    const info = await trainer.loadVectors(await file.arrayBuffer(), file.name, { freeze: freezeChosen() });
    showError(error, '');
    $('vectors-status').textContent = `${describeVectors(info)} Read in ${info.ms.toFixed(0)} ms.`;
    $('vectors-forget', HTMLButtonElement).disabled = false;
    refreshQuestions(app);
  } catch (err) {
    showError(error, `${fileSentence(err)} The model is unchanged.`);
    showVectorsState(app);
  } finally {
    if (resume) await run.startTraining(app);
  }
}

/** Freeze or fine-tune, live (with no vectors loaded: the choice for the next file). @param {AppState} app */
async function changeFreeze(app) {
  const { trainer } = app;
  if (!trainer.model?.vectors?.applied) return;
  try {
    await trainer.freezeEmbedding(freezeChosen());
    showError($('vectors-error'), '');
    showVectorsState(app);
  } catch (err) {
    showError($('vectors-error'), asSentence(err));
  }
}

/** "Forget vectors": the worker drops them and the model is rebuilt from the seed without them. @param {AppState} app */
async function forgetVectors(app) {
  const { trainer } = app;
  try {
    await trainer.clearVectors();
    await trainer.reset();
    showError($('vectors-error'), '');
  } catch (err) {
    showError($('vectors-error'), asSentence(err));
  }
}

/** "Download embedding": the model's token vectors as a text file. @param {AppState} app */
async function exportVectors(app) {
  const { trainer } = app;
  try {
    const { text, tokens, dim } = await trainer.call('exportEmbedding');
    const blob = new Blob([text], { type: 'text/plain' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    const corpus = (trainer.corpusName || 'corpus').replace(/[^\w.-]+/g, '-').slice(0, 40);
    a.download = `lmlab-${corpus}-${trainer.corpus?.level ?? 'char'}-vectors-${tokens}x${dim}-step${trainer.steps}.txt`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    showError($('vectors-error'), '');
    $('vectors-export-note').textContent =
      `Downloaded ${tokens.toLocaleString()} vectors of ${dim} numbers (${formatBytes(blob.size)}, word2vec text with a header line) at step ${trainer.steps}.`;
  } catch (err) {
    showError($('vectors-error'), asSentence(err));
  }
}

/** @type {(() => void) | null} */
let neighborsRun = null;
/** @type {(() => void) | null} */
let analogyRun = null;

/** Ask the neighbours and the analogy again (coalesced). @param {AppState} app */
function refreshQuestions(app) {
  neighborsRun ??= coalesce(() => neighborsNow(app));
  analogyRun ??= coalesce(() => analogyNow(app));
  neighborsRun();
  analogyRun();
}

/**
 * A token to start the neighbours with: the most frequent word of four letters or more in the
 * corpus's probe excerpt (characters: 'e', or the first letter there is).
 * @param {AppState} app
 */
function defaultToken(app) {
  const text = app.trainer.probeExcerpt ?? '';
  if (app.trainer.corpus?.level === 'word') {
    const counts = new Map();
    for (const w of text.toLowerCase().match(/\p{L}{4,}/gu) ?? []) counts.set(w, (counts.get(w) ?? 0) + 1);
    return [...counts.entries()].sort((x, y) => y[1] - x[1])[0]?.[0] ?? '';
  }
  return text.includes('e') ? 'e' : (text.match(/\p{L}/u)?.[0] ?? '');
}

/**
 * Wire the card: the picker, the freeze choice, forget, export, the two questions.
 * @param {AppState} app @param {RunControls} controls
 */
export function initVectors(app, controls) {
  run = controls;
  $('vectors-body').innerHTML = VECTORS_CARD;
  const { trainer } = app;
  $('vectors-file').addEventListener('change', () => loadVectorsFile(app));
  for (const id of ['vectors-freeze', 'vectors-tune']) $(id).addEventListener('change', () => changeFreeze(app));
  $('vectors-forget').addEventListener('click', () => forgetVectors(app));
  $('vectors-export').addEventListener('click', () => exportVectors(app));
  const nn = $('nn-word', HTMLInputElement);
  nn.addEventListener('input', () => {
    nn.dataset.typed = '1';
    neighborsRun ??= coalesce(() => neighborsNow(app));
    neighborsRun();
  });
  for (const id of ['an-a', 'an-b', 'an-c'])
    $(id).addEventListener('keydown', (event) => {
      if (/** @type {KeyboardEvent} */ (event).key === 'Enter') refreshQuestions(app);
    });
  $('an-run').addEventListener('click', () => refreshQuestions(app));
  trainer.on('corpus', () => {
    if (!nn.dataset.typed) nn.value = defaultToken(app);
  });
  trainer.on('model', () => {
    showVectorsState(app);
    $('vectors-export-note').textContent = '';
    refreshQuestions(app);
  });
  trainer.on('vectors', () => showVectorsState(app));
  trainer.on('state', ({ running }) => {
    if (!running) refreshQuestions(app);
  });
  trainer.on('step', () => {
    if (!trainer.running) refreshQuestions(app);
  });
  setInterval(() => {
    if (trainer.running) refreshQuestions(app);
  }, REFRESH_MS);
  // loaded late (when the card came into view): show what is there already
  if (trainer.corpus && !nn.dataset.typed) nn.value = defaultToken(app);
  showVectorsState(app);
  if (trainer.model) refreshQuestions(app);
}
