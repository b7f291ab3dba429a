// _args.mjs — one strict flag parser for every CLI command: each flag is declared with its type and
// default; an unknown flag, a repeated flag or a malformed value is an error that names it (no silent
// defaults, no "last one wins"). Numbers are plain decimals only: `0x10`, `0b101`, `+8`, `1_000` and,
// for whole-number flags, `1e3` and `8.0` are refused, so what the user typed is what the run uses.

/** A user-facing error: printed as one line, exit code 2. */
export class UsageError extends Error {
  constructor(message) {
    super(message);
    this.exitCode = 2;
  }
}

/** The key of the Set of flags the user gave (the others hold their defaults): `values[GIVEN].has('hidden')`. */
export const GIVEN = Symbol('flags given');

/** A whole number as typed: optional minus, digits. */
const INTEGER = /^-?\d+$/;
/** A decimal number as typed: optional minus, digits with an optional fraction, an optional exponent. */
const DECIMAL = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/**
 * @param {string[]} argv
 * @param {Record<string, {type: 'string'|'int'|'number'|'bool', default?: any, choices?: string[], min?: number, max?: number}>} spec
 * @param {{ positional?: number }} [options] up to this many arguments without -- are collected in values._
 */
export function parseFlags(argv, spec, { positional = 0 } = {}) {
  const values = {};
  const seen = new Set();
  values[GIVEN] = seen;
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
    const flag = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (!flag) throw new UsageError(`unknown flag --${name} (see --help)`);
    if (seen.has(name)) throw new UsageError(`--${name} is given twice: give each flag once`);
    seen.add(name);
    if (flag.type === 'bool') {
      if (inline !== undefined && inline !== 'true' && inline !== 'false')
        throw new UsageError(
          `--${name} is a switch: write --${name} (or --${name}=true / --${name}=false), got '${arg}'`,
        );
      values[name] = inline !== 'false';
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
  if (flag.type === 'int' && !INTEGER.test(raw))
    throw new UsageError(`--${name} must be a whole number written in decimal digits, got '${raw}'`);
  if (flag.type === 'number' && !DECIMAL.test(raw))
    throw new UsageError(`--${name} must be a decimal number (like 0.002 or 2e-3), got '${raw}'`);
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new UsageError(`--${name} is too large, got '${raw}'`);
  if (flag.type === 'int' && !Number.isSafeInteger(value)) throw new UsageError(`--${name} is too large, got '${raw}'`);
  if (flag.min !== undefined && value < flag.min)
    throw new UsageError(`--${name} must be at least ${flag.min}, got ${raw}`);
  if (flag.max !== undefined && value > flag.max)
    throw new UsageError(`--${name} must be at most ${flag.max}, got ${raw}`);
  return value;
}
