// element.mjs — what every lmlab view element shares (LmView): it builds its parts once when first
// connected; starts work lazily, when it comes within 200 px of the viewport (IntersectionObserver;
// loading="eager" starts at once, as the full page does); binds to its trainers — trainer="a b" names
// registered trainers (registry.mjs), no attribute means the default one, trainer="none" none (the
// element is fed directly), the `trainer` property takes trainer objects — and draws itself: invalidate() asks for a redraw, done in an
// animation frame at most ten times a second and only while visible. A subclass implements build(),
// bound(trainers) (subscribe with listen(), fetch what it needs) and draw(). Elements are light DOM,
// styled by the kit's stylesheet (style.mjs), so a page can restyle them.
import { whenTrainer } from './registry.mjs';
import { adoptKitStyle } from './style.mjs';

/** @typedef {import('./trainer.mjs').Trainer} Trainer */

const MIN_DRAW_MS = 100; // at most ten redraws a second

/** @type {IntersectionObserver | null} one observer for every element of the page */
let observer = null;
/** @param {IntersectionObserverEntry[]} entries */
function onIntersect(entries) {
  for (const entry of entries) /** @type {LmView} */ (entry.target).setVisible(entry.isIntersecting);
}

export class LmView extends HTMLElement {
  static get observedAttributes() {
    return ['trainer'];
  }

  constructor() {
    super();
    this.built = false;
    this.visible = false;
    this.active = false;
    this.dirty = true;
    this.lastDraw = 0;
    /** a frame is already asked for */
    this.pending = false;
    /** @type {Trainer[]} */
    this.trainers = [];
    /** @type {Trainer[] | null} set through the `trainer` property */
    this.given = null;
    /** @type {(() => void)[]} */
    this.subscriptions = [];
    this.bindSerial = 0;
  }

  connectedCallback() {
    adoptKitStyle();
    if (!this.built) {
      this.built = true;
      this.build();
      // heatmaps and text lay out to the element's width: a new width is a redraw
      if (typeof ResizeObserver !== 'undefined') new ResizeObserver(() => this.invalidate()).observe(this);
    }
    if (this.getAttribute('loading') === 'eager' || typeof IntersectionObserver === 'undefined') {
      this.setVisible(true);
    } else {
      observer ??= new IntersectionObserver(onIntersect, { rootMargin: '200px' });
      observer.observe(this);
    }
  }

  disconnectedCallback() {
    observer?.unobserve(this);
    this.unbind();
    this.active = false;
  }

  /** @param {string} name @param {string | null} before @param {string | null} after */
  attributeChangedCallback(name, before, after) {
    if (before === after) return;
    if (name === 'trainer') {
      if (this.active) this.bind();
    } else if (this.built) this.attributeChanged(name);
  }

  /** Bind to trainer objects directly (one or a list), instead of the `trainer` attribute. */
  set trainer(value) {
    this.given = value ? (Array.isArray(value) ? value : [value]) : null;
    if (this.active) this.bind();
  }
  /** The first bound trainer. */
  get trainer() {
    return this.trainers[0] ?? null;
  }

  /** The element came into (or left) view: the first time, it binds and starts its trainers. @param {boolean} visible */
  setVisible(visible) {
    this.visible = visible;
    if (visible && !this.active) {
      this.active = true;
      this.bind();
    }
    if (visible) this.invalidate();
  }

  /** Resolve the trainers, subscribe, start them (lazily: only now). */
  async bind() {
    this.unbind();
    const serial = ++this.bindSerial;
    const names = (this.getAttribute('trainer') ?? '').split(/[\s,]+/).filter(Boolean);
    // trainer="none": fed directly (its data methods), never bound
    const wanted = names.length ? names : ['default'];
    const trainers = this.given ?? (wanted.includes('none') ? [] : await Promise.all(wanted.map(whenTrainer)));
    if (serial !== this.bindSerial) return; // bound again meanwhile
    this.trainers = trainers;
    for (const trainer of trainers) trainer.start().catch(() => {}); // errors reach the trainer's 'error' listeners
    this.bound(trainers);
    this.invalidate();
  }

  unbind() {
    for (const off of this.subscriptions) off();
    this.subscriptions = [];
  }

  /**
   * Listen to a trainer's event for as long as this binding lasts.
   * @param {Trainer} trainer @param {string} type @param {(detail: any) => void} fn
   */
  listen(trainer, type, fn) {
    this.subscriptions.push(trainer.on(type, fn));
  }

  /** Something changed: redraw in the next frame (at most ten times a second, only while visible). */
  invalidate() {
    this.dirty = true;
    if (!this.visible || this.pending) return;
    this.pending = true;
    const frame = () =>
      requestAnimationFrame(() => {
        this.pending = false;
        if (!this.dirty || !this.visible) return;
        this.dirty = false;
        this.lastDraw = performance.now();
        try {
          this.draw();
        } catch (err) {
          console.error(err);
        }
      });
    const wait = MIN_DRAW_MS - (performance.now() - this.lastDraw);
    if (wait > 0) setTimeout(frame, wait);
    else frame();
  }

  /** Build the element's parts (once). */
  build() {}
  /** Bound to these trainers (subscribe with listen()). @param {Trainer[]} _trainers */
  bound(_trainers) {}
  /** Redraw. */
  draw() {}
  /** An attribute other than trainer changed. @param {string} _name */
  attributeChanged(_name) {}

  /**
   * A small element with a class and optional text, for build().
   * @param {string} tag @param {string} [className] @param {string} [text]
   */
  static part(tag, className = '', text = '') {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text) el.textContent = text;
    return el;
  }
}

/**
 * A request that never overlaps itself: called while one runs, it runs once more after that one.
 * Failures go to `onError` (a restarted worker's are dropped).
 * @param {() => Promise<unknown>} fn @param {(err: Error) => void} [onError]
 * @returns {() => void}
 */
export function coalesce(fn, onError = (err) => console.warn(err.message)) {
  let busy = false;
  let again = false;
  const run = async () => {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      await fn();
    } catch (err) {
      if (!/restarted|disposed/.test(/** @type {Error} */ (err).message)) onError(/** @type {Error} */ (err));
    } finally {
      busy = false;
      if (again) {
        again = false;
        run();
      }
    }
  };
  return run;
}

/**
 * Call `fn` every `ms` while `trainer` trains and `view` is on screen (views refresh their questions
 * — probes, predictions — on this cadence while training). Ends with the view's binding.
 * @param {LmView} view @param {Trainer} trainer @param {number} ms @param {() => void} fn
 */
export function whileTraining(view, trainer, ms, fn) {
  /** @type {ReturnType<typeof setInterval> | null} */
  let timer = null;
  const sync = () => {
    if (trainer.running && !timer)
      timer = setInterval(() => {
        if (view.visible) fn();
      }, ms);
    else if (!trainer.running && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
  view.listen(trainer, 'state', sync);
  view.subscriptions.push(() => {
    if (timer) clearInterval(timer);
  });
  sync();
}
