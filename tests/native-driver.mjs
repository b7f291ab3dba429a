// native-driver.mjs — the benchmark drivers (scripts/bench/<name>.c) built natively, for the tests that
// compare native and WASM results on the same seed. `make check` and `make test` build them once
// against the -O1 ASan+UBSan library (build/san/liblmlab.a) and pass their directory in
// LMLAB_NATIVE_DRIVERS; a test file run by hand builds the driver here at plain -O1, into
// build/test-native/ (again when a source is newer). Both without -march: the SSE2 path, not this
// CPU's AVX2+FMA one, and the sanitizers do not change the arithmetic.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Why no driver can be had (no prebuilt one and no gcc to build it), or '' when one can. */
export function nativeDriverMissing() {
  if (process.env.LMLAB_NATIVE_DRIVERS) return '';
  return spawnSync('gcc', ['--version']).status === 0 ? '' : 'skipped: gcc is not available to build the native driver';
}

/**
 * The path of the native build of scripts/bench/<name>.c.
 * @param {string} name  a driver in scripts/bench/, e.g. 'train' or 'bigram'
 * @returns {string}
 */
export function nativeDriver(name) {
  if (process.env.LMLAB_NATIVE_DRIVERS) return resolve(ROOT, process.env.LMLAB_NATIVE_DRIVERS, name);
  const out = join(ROOT, 'build', 'test-native', name);
  const main = join(ROOT, 'scripts', 'bench', `${name}.c`);
  const src = readdirSync(join(ROOT, 'src')).map((f) => join(ROOT, 'src', f));
  const newest = Math.max(...[main, ...src].map((f) => statSync(f).mtimeMs));
  if (!existsSync(out) || statSync(out).mtimeMs < newest) {
    mkdirSync(join(ROOT, 'build', 'test-native'), { recursive: true });
    // Built under a private name and renamed: test files running at once never see half a binary.
    const tmp = `${out}.${process.pid}`;
    const sources = [main, ...src.filter((f) => f.endsWith('.c'))];
    execFileSync('gcc', ['-std=c11', '-O1', `-I${join(ROOT, 'src')}`, ...sources, '-o', tmp, '-lm']);
    renameSync(tmp, out);
  }
  return out;
}
