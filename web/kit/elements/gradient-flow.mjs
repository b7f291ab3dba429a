// gradient-flow.mjs — <lm-gradient-flow>: how strongly the last step's loss still reaches each earlier
// hidden state, ‖∂L_T/∂h_t‖ against steps back (log axis), next to the training step's ‖∂L/∂h_t‖; with
// trainer="rnn lstm" the other trainers' last-step curves are drawn live beside the first's (the
// vanishing-gradient comparison). `controls` adds Pin / Clear pins buttons (pinned curves stay to
// compare models or learning rates). Fed directly (trainer="none"): set(total, last), pin(label).
import { LmView } from '../element.mjs';
import { GradFlowChart } from '../../views/charts.mjs';

export class LmGradientFlowElement extends LmView {
  build() {
    const part = LmView.part;
    this.host = part('div', 'lm-chart');
    this.host.setAttribute('role', 'img');
    this.host.setAttribute('aria-label', 'Gradient norm against steps back in time, logarithmic axis');
    this.append(this.host);
    this.chart = new GradFlowChart(this.host);
    this.note = part('p', 'lm-caption');
    this.note.hidden = true;
    if (this.hasAttribute('controls')) {
      const row = part('div', 'lm-row');
      this.pinButton = /** @type {HTMLButtonElement} */ (part('button', 'lm-pin', 'Pin this curve'));
      this.clearButton = /** @type {HTMLButtonElement} */ (part('button', 'lm-unpin', 'Clear pins'));
      this.pinButton.type = 'button';
      this.clearButton.type = 'button';
      this.pinButton.addEventListener('click', () => this.pinCurrent());
      this.clearButton.addEventListener('click', () => this.unpinAll());
      row.append(this.pinButton, this.clearButton);
      this.append(row);
    }
    this.append(this.note);
  }

  /** @param {import('../trainer.mjs').Trainer[]} trainers */
  bound(trainers) {
    for (const t of trainers) for (const type of ['snapshot', 'model']) this.listen(t, type, () => this.invalidate());
  }

  /** Keep the first trainer's current curve, labelled with its model and step. Returns false without one. */
  pinCurrent() {
    const t = this.trainers[0];
    const label = t ? `${t.name} H${t.settings.hidden} @${t.steps}` : `pin ${this.chart.pinned.length + 1}`;
    const ok = this.pin(label);
    this.note.hidden = ok;
    this.note.textContent = ok ? '' : 'Train a step first: there is no gradient flow to pin yet.';
    return ok;
  }

  draw() {
    const [first, ...others] = this.trainers;
    if (first) {
      this.chart.set(first.gradFlow.total, first.gradFlow.last);
      this.chart.setOthers(
        others.length ? first.name : '',
        others.map((t) => ({ label: t.name, values: t.gradFlow.last })),
      );
      const neural = Boolean(first.model?.trainable);
      if (this.pinButton) this.pinButton.disabled = !neural;
    }
    this.chart.draw();
  }

  // ---- fed directly ----
  /** @param {Float32Array | null} total (T,) @param {Float32Array | null} last (T,) */
  set(total, last) {
    this.chart.set(total, last);
    this.invalidate();
  }
  /** @param {string} label */
  pin(label) {
    const ok = this.chart.pin(label);
    this.invalidate();
    return ok;
  }
  unpinAll() {
    this.chart.unpinAll();
    this.invalidate();
  }
}
