// lesson.mjs — a lesson link applied to the page (the link's schema: ../lesson.mjs): only the chosen
// cards, hidden or locked control panels (a locked panel is a disabled fieldset, with a line saying
// why), the note, the compact layout, and the comparison — a second trainer of the kit (registered as
// 'compare') with the same settings but another cell, trained beside the first: the loss chart and
// the gradient-flow chart draw both, the run buttons drive both. Everything else about the page
// works as without a lesson.
import { createTrainer, registerTrainer } from '../kit/index.mjs';
import { CARDS, PANELS } from '../lesson.mjs';
import { $ } from './dom.mjs';

/** @typedef {import('../app.mjs').AppState} AppState */

/** The page's trainers: the main one, and the comparison's when the link asks for one. @param {AppState} app */
export function trainers(app) {
  return app.compare ? [app.trainer, app.compare] : [app.trainer];
}

/**
 * Lay the page out as the lesson says (once, before the page starts).
 * @param {AppState} app
 */
export function applyLessonLayout(app) {
  const { lesson } = app;
  if (lesson.cards) {
    for (const card of CARDS) $(`card-${card}`).hidden = !lesson.cards.includes(card);
  }
  for (const panel of PANELS) {
    const group = /** @type {HTMLElement} */ (document.querySelector(`[data-panel="${panel}"]`));
    if (lesson.hide.includes(panel)) group.hidden = true;
    if (lesson.lock.includes(panel)) {
      const fieldset = /** @type {HTMLFieldSetElement} */ (
        panel === 'run' ? group : group.querySelector('fieldset.lock')
      );
      fieldset.disabled = true;
      fieldset.title = 'Locked by this lesson link';
      if (panel !== 'run') {
        const note = document.createElement('p');
        note.className = 'locked-note';
        note.textContent = 'Locked by this lesson link.';
        fieldset.before(note);
      }
    }
  }
  // every panel of the aside hidden: the views take the whole width
  if (['corpus', 'model', 'file'].every((p) => lesson.hide.includes(p)))
    /** @type {HTMLElement} */ (document.querySelector('.controls')).hidden = true;
  if (lesson.note) {
    $('lesson-note').textContent = lesson.note;
    $('lesson-note').hidden = false;
  }
  document.body.classList.toggle('compact', lesson.layout === 'compact');
}

/** A locked panel refuses what its controls would do (a dropped file, say). @param {AppState} app @param {string} panel */
export function locked(app, panel) {
  return app.lesson.lock.includes(panel);
}

/**
 * The comparison's trainer, when the link asks for one: made, registered as 'compare', limited like
 * the main one, and drawn beside it in the loss and gradient-flow charts.
 * @param {AppState} app @param {boolean} testHooks
 */
export function createCompare(app, testHooks) {
  if (!app.lesson.compare) return null;
  const compare = createTrainer({ testHooks });
  registerTrainer(compare, 'compare');
  for (const id of ['loss-chart', 'grad-flow']) $(id).setAttribute('trainer', 'default compare');
  return compare;
}

/** The settings of the comparison's model: the page's, with the other cell. @param {AppState} app */
export function compareSettings(app) {
  return { ...app.settings, model: app.lesson.compare };
}
