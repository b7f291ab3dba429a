#!/usr/bin/env node
// _seq2seq-node.mjs — child process of the seq2seq benchmark (seq2seq.mjs): one WASM run in a fresh Node
// process. Usage: node _seq2seq-node.mjs CONFIG_JSON (--steps S | --seconds X); prints one JSON object
// (see seq2seqRun in _seq2seq-run.mjs).
import { loadLmlab } from '../../wasm_glue/index.mjs';
import { seq2seqRun } from './_seq2seq-run.mjs';

const [configJson, flag, value] = process.argv.slice(2);
if (!configJson || !['--steps', '--seconds'].includes(flag) || !(Number(value) > 0)) {
  console.error('usage: node _seq2seq-node.mjs CONFIG_JSON (--steps S | --seconds X)');
  process.exit(2);
}
const lm = await loadLmlab({ seq2seq: true });
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const result = seq2seqRun(lm, JSON.parse(configJson), {
  [flag.slice(2)]: Number(value),
  wallNow: () => performance.now() / 1000,
  cpuNow,
});
result.peakRssBytes = process.resourceUsage().maxRSS * 1024;
console.log(JSON.stringify(result));
