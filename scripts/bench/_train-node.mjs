#!/usr/bin/env node
// _train-node.mjs — child process of the training benchmark (train.mjs): one WASM training run in a
// fresh Node process, so its peak RSS is its own. Usage: node _train-node.mjs FILE CONFIG_JSON
// (--steps S | --seconds X) [--fma]; prints one JSON object (see trainRun in _train-run.mjs). --fma
// trains on the fused multiply-add build (build/lmlab-fma.wasm; Node 20 needs
// --experimental-wasm-relaxed-simd), else on the plain SIMD128 build.
import { readFileSync } from 'node:fs';
import { loadLmlab } from '../../wasm_glue/index.mjs';
import { encodeCorpus, trainRun } from './_train-run.mjs';

const [file, configJson, flag, value, fmaFlag] = process.argv.slice(2);
if (
  !file ||
  !configJson ||
  !['--steps', '--seconds'].includes(flag) ||
  !(Number(value) > 0) ||
  ![undefined, '--fma'].includes(fmaFlag)
) {
  console.error('usage: node _train-node.mjs FILE CONFIG_JSON (--steps S | --seconds X) [--fma]');
  process.exit(2);
}
const lm = await loadLmlab({ fma: fmaFlag === '--fma' });
const ids = encodeCorpus(lm, readFileSync(file, 'utf8'));
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const result = trainRun(lm, ids, JSON.parse(configJson), {
  [flag.slice(2)]: Number(value),
  wallNow: () => performance.now() / 1000,
  cpuNow,
});
result.peakRssBytes = process.resourceUsage().maxRSS * 1024;
console.log(JSON.stringify(result));
