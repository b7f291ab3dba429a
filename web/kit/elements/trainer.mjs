// trainer.mjs — <lm-trainer>: one trainer client (../trainer.mjs) made from attributes, registered
// under its id so views can name it (trainer="rnn"), with a small toolbar: Train/Pause, Step, Reset, a
// status line and the step, loss and validation loss. The model is built when the trainer or one of
// its views first comes into view; `autoplay` starts training then. Attributes (all optional but a
// text): text | corpus (brackets, hello) | src (a URL); cell hidden embed layers window gru seq batch
// optimizer lr clip clip-mode seed (the settings); max-steps, speed (steps per second); label;
// controls="none" hides the toolbar. Property: .trainer (the client).
import { LmView } from '../element.mjs';
import { createTrainer } from '../trainer.mjs';
import { registerTrainer, unregisterTrainer } from '../registry.mjs';

/** attribute → createTrainer option */
const SETTING_ATTRIBUTES = /** @type {const} */ ({
  cell: 'cell',
  hidden: 'hidden',
  embed: 'embed',
  layers: 'layers',
  window: 'window',
  gru: 'gru',
  seq: 'seq',
  batch: 'batch',
  batching: 'batching',
  optimizer: 'optimizer',
  lr: 'lr',
  clip: 'clip',
  'clip-mode': 'clipMode',
  seed: 'seed',
});
const NUMERIC = new Set(['hidden', 'embed', 'layers', 'window', 'seq', 'batch', 'lr', 'clip', 'seed']);

let unnamed = 0;

export class LmTrainerElement extends LmView {
  static get observedAttributes() {
    return [...Object.keys(SETTING_ATTRIBUTES), 'max-steps', 'speed'];
  }

  constructor() {
    super();
    /** @type {import('../trainer.mjs').Trainer | null} */
    this.client = null;
    this.registeredAs = '';
  }

  /** The options the attributes give (numbers as numbers). */
  options() {
    /** @type {Record<string, unknown>} */
    const options = {};
    for (const [attr, key] of Object.entries(SETTING_ATTRIBUTES)) {
      const raw = this.getAttribute(attr);
      if (raw !== null)
        options[key] = NUMERIC.has(attr) && raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    }
    for (const key of ['text', 'corpus', 'src', 'label', 'name']) {
      const raw = this.getAttribute(key);
      if (raw !== null) options[key] = raw;
    }
    const maxSteps = this.getAttribute('max-steps');
    if (maxSteps !== null) options.maxSteps = Number(maxSteps);
    const speed = this.getAttribute('speed');
    if (speed !== null) options.speed = Number(speed);
    return options;
  }

  connectedCallback() {
    if (!this.client) {
      try {
        this.client = createTrainer(/** @type {any} */ (this.options()));
      } catch (err) {
        this.built = true;
        this.textContent = `lm-trainer: ${/** @type {Error} */ (err).message}`;
        this.classList.add('lm-error');
        return;
      }
      this.given = [this.client];
    }
    this.registeredAs = this.id || `lm-trainer-${++unnamed}`;
    registerTrainer(this.client, this.registeredAs);
    super.connectedCallback();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    if (this.client) unregisterTrainer(this.client, this.registeredAs);
  }

  /** The trainer client this element made. */
  get trainer() {
    return this.client;
  }
  set trainer(_value) {
    throw new Error('<lm-trainer> makes its own trainer; bind views to it with trainer="id"');
  }

  build() {
    const part = LmView.part;
    const bar = part('div', 'lm-row lm-trainer-bar');
    bar.setAttribute('role', 'group');
    this.titleEl = part('span', 'lm-trainer-title', this.getAttribute('label') ?? '');
    this.runButton = /** @type {HTMLButtonElement} */ (part('button', 'lm-primary', 'Train'));
    this.stepButton = /** @type {HTMLButtonElement} */ (part('button', '', 'Step'));
    this.resetButton = /** @type {HTMLButtonElement} */ (part('button', '', 'Reset'));
    for (const b of [this.runButton, this.stepButton, this.resetButton]) {
      b.type = 'button';
      b.disabled = true;
    }
    this.runButton.setAttribute('aria-pressed', 'false');
    this.stepButton.title = 'Exactly one optimizer update';
    this.resetButton.title = 'Rebuild the model from its seed';
    this.status = part('span', 'lm-status', 'Waiting to come into view…');
    this.status.setAttribute('role', 'status');
    this.status.setAttribute('aria-live', 'polite');
    bar.append(this.titleEl, this.runButton, this.stepButton, this.resetButton, this.status);
    this.numbers = part('dl', 'lm-numbers');
    this.numbers.setAttribute('aria-label', 'Training numbers');
    /** @type {Record<string, HTMLElement>} */
    this.values = {};
    for (const [key, label] of [
      ['step', 'step'],
      ['loss', 'train loss'],
      ['val', 'val loss'],
      ['speed', 'steps/s'],
    ]) {
      const dt = part('dt', '', label);
      const dd = part('dd', '', '–');
      this.values[key] = dd;
      const pair = part('div');
      pair.append(dt, dd);
      this.numbers.append(pair);
    }
    if (this.getAttribute('controls') === 'none') {
      bar.hidden = true;
      this.numbers.hidden = true;
    }
    this.append(bar, this.numbers);
    this.runButton.addEventListener('click', () => this.act(() => this.client?.toggle()));
    this.stepButton.addEventListener('click', () => this.act(() => this.client?.step()));
    this.resetButton.addEventListener('click', () => this.act(() => this.client?.reset()));
  }

  /** Run a button's action; a refusal goes to the status line. @param {() => Promise<unknown> | undefined} fn */
  async act(fn) {
    try {
      await fn();
    } catch (err) {
      this.say(/** @type {Error} */ (err).message, true);
    }
  }

  /** @param {string} text @param {boolean} [error] */
  say(text, error = false) {
    this.status.textContent = text;
    this.status.classList.toggle('lm-error', error);
  }

  /** @param {import('../trainer.mjs').Trainer[]} trainers */
  bound([trainer]) {
    const group = () => `Training: ${trainer.name}`;
    this.say('Starting…');
    trainer.start().then(
      () => {
        this.titleEl.textContent = this.getAttribute('label') ?? trainer.name;
        this.querySelector('[role="group"]')?.setAttribute('aria-label', group());
        this.render();
        if (this.hasAttribute('autoplay') && !trainer.running && !trainer.steps) this.act(() => trainer.run());
      },
      (err) => this.say(err.message, true),
    );
    for (const type of ['state', 'model', 'step', 'snapshot']) this.listen(trainer, type, () => this.invalidate());
    this.listen(trainer, 'done', ({ step }) => this.say(`Stopped at step ${step} (max-steps).`));
    this.listen(trainer, 'fault', (fault) => this.say(fault.message, true));
    this.listen(trainer, 'restart', ({ reason, gaveUp }) =>
      this.say(
        gaveUp
          ? `The worker crashed (${reason}); reload the page.`
          : `The worker crashed (${reason}) and was restarted.`,
        gaveUp,
      ),
    );
  }

  render() {
    const trainer = this.client;
    if (!trainer) return;
    const neural = Boolean(trainer.model?.trainable);
    this.runButton.disabled = !neural;
    this.stepButton.disabled = !neural;
    this.resetButton.disabled = !trainer.corpus;
    this.runButton.textContent = trainer.running ? 'Pause' : 'Train';
    this.runButton.setAttribute('aria-pressed', String(trainer.running));
    if (!this.status.classList.contains('lm-error') || trainer.running) {
      if (trainer.running) this.say('Training…');
      else if (trainer.model && !/^Stopped/.test(this.status.textContent ?? ''))
        this.say(trainer.steps ? `Paused at step ${trainer.steps}.` : 'Ready: press Train.');
    }
    const h = trainer.history;
    this.values.step.textContent = String(trainer.steps);
    this.values.loss.textContent = Number.isFinite(h.lastSmoothed) ? h.lastSmoothed.toFixed(3) : '–';
    this.values.val.textContent = Number.isFinite(h.lastValidation) ? h.lastValidation.toFixed(3) : '–';
    const ms = trainer.last?.msPerStep;
    this.values.speed.textContent =
      trainer.running && ms ? String(Math.round(Math.min(1000 / ms, trainer.speed || Infinity))) : '–';
  }

  draw() {
    this.render();
  }

  /** A setting attribute changed after the model was built: rebuild with it. @param {string} name */
  attributeChanged(name) {
    const client = this.client;
    if (!client) return;
    const value = this.getAttribute(name);
    if (name === 'max-steps') this.act(() => client.setMaxSteps(Number(value ?? 0)));
    else if (name === 'speed') this.act(() => client.setSpeed(Number(value ?? 0)));
    else if (Object.hasOwn(SETTING_ATTRIBUTES, name) && value !== null && client.model) {
      const key = SETTING_ATTRIBUTES[/** @type {keyof typeof SETTING_ATTRIBUTES} */ (name)];
      this.act(() => client.configure({ [key]: NUMERIC.has(name) ? Number(value) : value }));
    }
  }
}
