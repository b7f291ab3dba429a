// _args.mjs — one strict flag parser for every CLI command: each flag is declared with its type and
// default; an unknown flag or a malformed value is an error that names it (no silent defaults).

/** A user-facing error: printed as one line, exit code 2. */
export class UsageError extends Error {
  constructor(message) {
    super(message);
    this.exitCode = 2;
  }
}

/**
 * @param {string[]} argv
 * @param {Record<string, {type: 'string'|'int'|'number'|'bool', default?: any, choices?: string[], min?: number, max?: number}>} spec
 * @param {{ positional?: number }} [options] up to this many arguments without -- are collected in values._
 */
export function parseFlags(argv, spec, { positional = 0 } = {}) {
  const values = {};
  for (const [name, flag] of Object.entries(spec)) values[name] = flag.default;
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--') && rest.length < positional) {
      rest.push(arg);
      continue;
    }
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument '${arg}'`);
    let [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    const flag = spec[name];
    if (!flag) throw new UsageError(`unknown flag --${name} (see --help)`);
    if (flag.type === 'bool') {
      values[name] = inline === undefined ? true : inline !== 'false';
      continue;
    }
    const raw = inline ?? argv[++i];
    if (raw === undefined) throw new UsageError(`--${name} needs a value`);
    values[name] = convert(name, raw, flag);
  }
  if (positional) values._ = rest;
  return values;
}

function convert(name, raw, flag) {
  if (flag.type === 'string') {
    if (flag.choices && !flag.choices.includes(raw)) {
      throw new UsageError(`--${name} must be one of ${flag.choices.join(', ')}, got '${raw}'`);
    }
    return raw;
  }
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${name} must be a number, got '${raw}'`);
  if (flag.type === 'int' && !Number.isInteger(value))
    throw new UsageError(`--${name} must be a whole number, got '${raw}'`);
  if (flag.min !== undefined && value < flag.min)
    throw new UsageError(`--${name} must be at least ${flag.min}, got ${value}`);
  if (flag.max !== undefined && value > flag.max)
    throw new UsageError(`--${name} must be at most ${flag.max}, got ${value}`);
  return value;
}
