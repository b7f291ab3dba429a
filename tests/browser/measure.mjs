// measure.mjs — in-page measurements for the browser test: pixel variance of a canvas (is it blank?),
// frame rate over a time window, and the latency of a real click. Each function is passed to
// page.evaluate, so it must be self-contained (no closures over module scope).

/** Luminance variance of the first canvas inside the element matching `selector` (0 = blank). */
export function canvasVariance(selector) {
  const host = document.querySelector(selector);
  const canvas = host?.tagName === 'CANVAS' ? host : host?.querySelector('canvas');
  if (!canvas || !canvas.width || !canvas.height) return -1;
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  let sum = 0;
  let sum2 = 0;
  let n = 0;
  for (let i = 0; i < data.length; i += 4) {
    // Transparent pixels count as the white page behind them.
    const a = data[i + 3] / 255;
    const y = a * (0.2126 * data[i] + 0.7152 * data[i + 1] + 0.0722 * data[i + 2]) + (1 - a) * 255;
    sum += y;
    sum2 += y * y;
    n++;
  }
  const mean = sum / n;
  return sum2 / n - mean * mean;
}

/** Frames drawn in `ms` milliseconds, as frames per second, plus the longest gap between frames. */
export function frameRate(ms) {
  return new Promise((resolve) => {
    const times = [];
    const start = performance.now();
    const tick = (now) => {
      times.push(now);
      if (now - start < ms) requestAnimationFrame(tick);
      else {
        let worst = 0;
        for (let i = 1; i < times.length; i++) worst = Math.max(worst, times[i] - times[i - 1]);
        resolve({ fps: ((times.length - 1) * 1000) / (times[times.length - 1] - times[0]), worstGapMs: worst });
      }
    };
    requestAnimationFrame(tick);
  });
}

/** Arm a listener: the next click on `selector` records how long after the input event its handler ran. */
export function armClickLatency(selector) {
  window.__clickLatency = null;
  document.querySelector(selector).addEventListener(
    'click',
    (event) => {
      window.__clickLatency = performance.now() - event.timeStamp;
    },
    { once: true },
  );
}
