// registry.mjs — which trainer a view element is bound to. A trainer is registered under a name: an
// <lm-trainer id="rnn"> under its id, a page's own trainer under the name it chooses (the page
// registers its main trainer as 'default'); the first trainer registered also becomes the default
// when none was named so. A view's trainer="rnn lstm" waits for those names (elements may come in any
// order in the document); a view without the attribute takes the default. No DOM.

/** @typedef {import('./trainer.mjs').Trainer} Trainer */

/** @type {Map<string, Trainer>} */
const trainers = new Map();
/** @type {Map<string, ((trainer: Trainer) => void)[]>} views waiting for a name */
const waiting = new Map();

/**
 * Make `trainer` findable as `name` (and as the default if there is none yet).
 * @param {Trainer} trainer @param {string} [name]
 */
export function registerTrainer(trainer, name = 'default') {
  const names = name === 'default' || trainers.has('default') ? [name] : [name, 'default'];
  for (const key of names) {
    trainers.set(key, trainer);
    for (const resolve of waiting.get(key) ?? []) resolve(trainer);
    waiting.delete(key);
  }
}

/**
 * Forget `name` if it still names `trainer` (an <lm-trainer> left the page).
 * @param {Trainer} trainer @param {string} name
 */
export function unregisterTrainer(trainer, name) {
  if (trainers.get(name) === trainer) trainers.delete(name);
  if (trainers.get('default') === trainer) trainers.delete('default');
}

/** The trainer registered as `name`, or null. @param {string} name */
export function findTrainer(name) {
  return trainers.get(name) ?? null;
}

/**
 * The trainer registered as `name`, once it is (at once if it already is).
 * @param {string} name @returns {Promise<Trainer>}
 */
export function whenTrainer(name) {
  const found = trainers.get(name);
  if (found) return Promise.resolve(found);
  return new Promise((resolve) => {
    const list = waiting.get(name) ?? [];
    list.push(resolve);
    waiting.set(name, list);
  });
}
