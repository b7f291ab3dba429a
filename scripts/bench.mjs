#!/usr/bin/env node
// bench.mjs — `make bench` / `node scripts/bench.mjs [--json] [--only NAME] [flags]`: runs every benchmark
// in scripts/bench/<name>.mjs (each exports { title, run({ json, args, log }) → rows; args is the command
// line, for a benchmark's own flags such as train's --quick) and prints one table per benchmark, or all
// results as JSON. Speed targets live here, never in unit tests.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { enableRelaxedSimd } from './cli/_relaxed-simd.mjs';

// Node's rows measure what the CLI runs: the fused multiply-add build, turned on in Node 20 as it does
enableRelaxedSimd();

const args = process.argv.slice(2);
const json = args.includes('--json');
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? args[onlyIndex + 1] : null;
const dir = join(dirname(fileURLToPath(import.meta.url)), 'bench');
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.mjs') && !f.startsWith('_'))
  .map((f) => f.slice(0, -4))
  .sort();
if (only && !names.includes(only)) {
  console.error(`bench: no benchmark '${only}' (have: ${names.join(', ')})`);
  process.exit(2);
}

const results = {};
for (const name of names) {
  if (only && name !== only) continue;
  const bench = await import(new URL(`./bench/${name}.mjs`, import.meta.url));
  if (!json) console.log(`\n## ${bench.title}`);
  results[name] = await bench.run({ json, args, log: json ? () => {} : (line) => console.log(line) });
}
if (json) console.log(JSON.stringify({ date: new Date().toISOString(), results }, null, 2));
