#!/usr/bin/env node
// lmlab.mjs — the command line: `node scripts/lmlab.mjs <command> [flags]`, or `lmlab <command>` as
// the package's bin (npx lmlab). Each command lives in scripts/cli/<command>.mjs and exports
// { summary, usage, run(argv) }; this file only dispatches, names itself as it was run
// (cli/_program.mjs) and answers --version.
import { fileURLToPath } from 'node:url';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { packageVersion, programName, USAGE_NAME } from './cli/_program.mjs';
import { enableRelaxedSimd } from './cli/_relaxed-simd.mjs';

// before any command compiles WebAssembly: Node 20's fused multiply-add is behind a V8 flag
enableRelaxedSimd();

const here = dirname(fileURLToPath(import.meta.url));
const commandDir = join(here, 'cli');
const names = readdirSync(commandDir)
  .filter((f) => f.endsWith('.mjs') && !f.startsWith('_'))
  .map((f) => f.slice(0, -4))
  .sort();

async function loadCommand(name) {
  return import(new URL(`./cli/${name}.mjs`, import.meta.url));
}

async function main(argv) {
  const [name, ...rest] = argv;
  const program = programName();
  if (name === '--version' || name === '-V') {
    console.log(`lmlab ${packageVersion()}`);
    return 0;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const lines = [
      `usage: ${program} <command> [flags]   (--help after a command for its flags; --version)`,
      '',
      'commands:',
    ];
    for (const n of names) lines.push(`  ${n.padEnd(10)} ${(await loadCommand(n)).summary}`);
    console.log(lines.join('\n'));
    return 0;
  }
  if (!names.includes(name)) {
    console.error(`lmlab: unknown command '${name}' (commands: ${names.join(', ')})`);
    return 2;
  }
  const command = await loadCommand(name);
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage.replaceAll(USAGE_NAME, program));
    return 0;
  }
  return (await command.run(rest)) ?? 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    // Bad input is reported as one clear line; a stack trace only for real bugs (LMLAB_DEBUG=1).
    console.error(`lmlab: ${err.message}`);
    if (process.env.LMLAB_DEBUG) console.error(err.stack);
    process.exitCode = err.exitCode ?? 1;
  },
);
