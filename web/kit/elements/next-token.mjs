// next-token.mjs — <lm-next-token>: type (attribute text: the starting text), and watch the model and
// the bigram guess the next character — the top ten of each as bars — and the typed text coloured by
// its surprisal, −log₂ p per character. Attribute parts: any of "input neural bigram surprisal"
// (default all); multiline: a text box that takes line breaks (the model reads them like any
// character). Refreshed as you type, when the model changes, after a step and every 1.5 s while
// training. Fed directly (trainer="none"): set(prediction) with a predict reply.
import { LmView, coalesce, whileTraining } from '../element.mjs';
import { renderBars } from '../../views/bars.mjs';
import { renderColoredText } from '../../views/colored-text.mjs';
import { HEAT } from '../../views/colormap.mjs';
import { showChar } from '../../corpus-check.mjs';

const PREDICT_EVERY_MS = 1500;
const DEFAULT_PARTS = 'input neural bigram surprisal';

export class LmNextTokenElement extends LmView {
  static get observedAttributes() {
    return ['trainer', 'text'];
  }

  constructor() {
    super();
    /** @type {import('../../protocol.mjs').Prediction | null} */
    this.prediction = null;
    this.refresh = coalesce(async () => {
      const trainer = this.trainer;
      if (!trainer?.corpus) return;
      this.set(await trainer.predict(this.input.value));
    });
  }

  build() {
    const part = LmView.part;
    const parts = new Set((this.getAttribute('parts') ?? DEFAULT_PARTS).split(/\s+/));
    const id = `lm-nt-${Math.random().toString(36).slice(2, 8)}`;
    const label = part(
      'label',
      'lm-nt-label',
      this.getAttribute('label') ?? 'Type, and watch the models guess what comes next',
    );
    label.setAttribute('for', id);
    const multiline = this.hasAttribute('multiline');
    this.input = /** @type {HTMLInputElement} */ (part(multiline ? 'textarea' : 'input', 'lm-input lm-nt-input'));
    Object.assign(this.input, { id, value: this.getAttribute('text') ?? '', autocomplete: 'off', spellcheck: false });
    if (multiline)
      /** @type {HTMLTextAreaElement} */ (/** @type {unknown} */ (this.input)).rows = Math.min(
        6,
        (this.input.value.match(/\n/g)?.length ?? 0) + 1,
      );
    else this.input.type = 'text';
    this.input.addEventListener('input', () => this.refresh());
    const two = part('div', 'lm-two');
    const column = (/** @type {string} */ title, /** @type {string} */ cls) => {
      const box = part('div');
      box.append(part('p', 'lm-caption', title));
      const host = part('div', `barhost ${cls}`);
      box.append(host);
      return { box, host };
    };
    const neural = column('Neural model', 'lm-nt-neural');
    const bigram = column('Bigram', 'lm-nt-bigram');
    this.neuralHost = neural.host;
    this.bigramHost = bigram.host;
    if (parts.has('neural')) two.append(neural.box);
    if (parts.has('bigram')) two.append(bigram.box);
    this.surprisalTitle = part(
      'p',
      'lm-caption',
      'Surprisal (−log₂ p per character; pale = expected, deep red = 8 bits or more; hover for values)',
    );
    this.surprisal = part('div', 'coloured-text lm-nt-surprisal');
    this.note = part('p', 'lm-caption lm-nt-note');
    if (parts.has('input')) this.append(label, this.input);
    this.append(two);
    if (parts.has('surprisal')) this.append(this.surprisalTitle, this.surprisal);
    this.append(this.note);
  }

  /** The text the guesses follow. */
  get text() {
    return this.input.value;
  }
  set text(value) {
    this.input.value = String(value);
    if (this.active) this.refresh();
  }

  /** @param {import('../trainer.mjs').Trainer[]} trainers */
  bound([trainer]) {
    if (!trainer) return;
    this.listen(trainer, 'model', () => this.refresh());
    this.listen(trainer, 'corpus', () => this.refresh());
    this.listen(trainer, 'step', () => {
      if (!trainer.running) this.refresh();
    });
    this.listen(trainer, 'state', ({ running }) => {
      if (!running) this.refresh();
    });
    whileTraining(this, trainer, PREDICT_EVERY_MS, this.refresh);
    if (trainer.corpus) this.refresh();
  }

  /** Show a prediction (the reply of trainer.predict). @param {import('../../protocol.mjs').Prediction} prediction */
  set(prediction) {
    this.prediction = prediction;
    this.invalidate();
  }

  draw() {
    const result = this.prediction;
    if (!result) return;
    const trainable = Boolean(this.trainer?.model?.trainable ?? result.neural);
    renderBars(
      this.neuralHost,
      result.neural,
      trainable ? 'Type something the vocabulary knows.' : 'Choose RNN, LSTM or GRU for the neural model.',
    );
    renderBars(this.bigramHost, result.bigram, 'Type something the vocabulary knows.');
    const { surprisal } = result;
    this.surprisalTitle.dataset.model = result.neural ? 'neural model' : 'bigram';
    if (surprisal) {
      renderColoredText(this.surprisal, surprisal.chars, surprisal.bits, {
        colormap: HEAT,
        scale: 8,
        gap: result.level === 'word' ? ' ' : '',
        describe: (i, v) =>
          Number.isFinite(v)
            ? `'${showChar(surprisal.chars[i])}': ${v.toFixed(2)} bits`
            : `first ${result.level === 'word' ? 'token' : 'character'}: no context`,
      });
    } else this.surprisal.replaceChildren();
    this.surprisalTitle.textContent = `Surprisal (−log₂ p per ${result.level === 'word' ? 'word' : 'character'}; pale = expected, deep red = 8 bits or more; hover for values)`;
    this.note.textContent = result.dropped
      ? `Not in the vocabulary, skipped: ${[...result.dropped].map(showChar).join(' ')}`
      : result.unknown?.length
        ? `Not in the vocabulary, read as <unk>: ${result.unknown.join(', ')}`
        : '';
  }

  /** @param {string} name */
  attributeChanged(name) {
    if (name === 'text') this.text = this.getAttribute('text') ?? '';
  }
}
