// _program.mjs — how the CLI was started, for the lines it prints: its name as the user typed it
// (`lmlab` when run as the package's bin, through npx or a global install; `node <path>/lmlab.mjs`
// when run that way) and the package's version (from package.json, which every install carries).
import { readFileSync } from 'node:fs';
import { basename, relative } from 'node:path';

/** The spelling of the CLI in usage lines; commands' usage texts are written with this one. */
export const USAGE_NAME = 'node scripts/lmlab.mjs';

/**
 * The CLI's name as it was run: `lmlab` for the bin (a link or shim named lmlab), `node <path>` when
 * the script was run by its file name (the path relative to the working directory).
 * @param {string | undefined} [script] process.argv[1]
 * @param {string} [cwd]
 */
export function programName(script = process.argv[1], cwd = process.cwd()) {
  if (!script || basename(script) !== 'lmlab.mjs') return 'lmlab';
  return `node ${relative(cwd, script) || script}`;
}

/** The package's version, e.g. "0.1.0". */
export function packageVersion() {
  return JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
}
