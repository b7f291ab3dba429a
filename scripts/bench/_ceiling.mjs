// _ceiling.mjs — the arithmetic ceiling under issue #15's speed targets, for pytorch.mjs: this CPU's
// multiply-add peak per core at each vector width (build/bench/peak, measured in the same run), and the
// multiply-adds of matrix products one character of training costs. chars/s × MACs/char is the
// matrix work per second; divided by the 128-bit peak (WebAssembly's widest vectors) it says what
// fraction of the reachable ceiling a speed is, or a target asks for.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Gates per cell: the recurrent products are (H, G·H), the input products (E, G·H). */
const GATES = { rnn: 1, gru: 3, lstm: 4 };

/**
 * Multiply-adds of matrix products per character of a training step (forward and backward), for a
 * recurrent LM with embedding E, hidden H and vocabulary V: forward x·Wx (E·G·H), h·Wh (H·G·H) and the
 * output layer (H·V); backward each product twice (the weight gradient and the carried/input
 * gradient), so 3 × the forward. The activations, the loss and the optimizer are not counted: they
 * are a small part of the work and not matrix products.
 * @param {{ cell: string, hidden: number, embedding: number }} config @param {number} V
 */
export function matmulMacsPerChar(config, V) {
  const G = GATES[config.cell];
  if (!G) throw new Error(`matmulMacsPerChar: no gate count for cell '${config.cell}'`);
  const H = config.hidden;
  return 3 * (config.embedding * G * H + H * G * H + H * V);
}

/**
 * One core's multiply-add peak in GMAC/s by vector width, from build/bench/peak (built by make bench;
 * built here with make when missing), or { error } with the reason when it cannot run.
 * @returns {{ peaks: Record<string, number>, simd128: number } | { error: string }}
 */
export function measurePeak() {
  try {
    execFileSync('make', ['-s', '--no-print-directory', 'build/bench/peak'], { cwd: ROOT, stdio: 'pipe' });
    const peaks = JSON.parse(execFileSync(join(ROOT, 'build/bench/peak'), { encoding: 'utf8', stdio: 'pipe' }));
    const simd128 = Math.max(peaks['128-bit multiply then add'] ?? 0, peaks['128-bit fused'] ?? 0);
    if (!simd128) return { error: 'no 128-bit peak on this CPU (the driver measures x86 only)' };
    return { peaks, simd128 };
  } catch (err) {
    return { error: `build/bench/peak failed: ${err.message.split('\n')[0]}` };
  }
}
