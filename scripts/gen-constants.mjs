#!/usr/bin/env node
// gen-constants.mjs — `node scripts/gen-constants.mjs`: write wasm_glue/constants.mjs from src/lmlab.h,
// so the glue takes the C status codes, limits, choices and info-array indices from the header
// instead of copying them (the Makefile runs it when lmlab.h changes; the output is committed so the
// glue works without a build step). tests/constants.test.mjs checks that the committed file equals a
// fresh generation and that the .wasm was compiled with the same values (lm_constants).
//
// What it reads from lmlab.h (comments stripped):
//   #define LM_MAX_<X> <integer expression>    → LIMITS.MAX_<X>
//   #define LM_<X> <integer expression>        → export const <X> (e.g. WINDOW_PAD)
//   typedef enum { … } lm_<name>;               → export const <NAME> (a trailing "_index" dropped),
//                                                keys = the members without their common prefix
//                                                (lm_status: without LM_ERR_ / LM_), plus STATUS_NAMES
// and C_CONSTANTS, every constant by its C name in the order lm_constants reports them (the #defines,
// then each enum's members).
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const HEADER = join(ROOT, 'src/lmlab.h');
export const OUTPUT = join(ROOT, 'wasm_glue/constants.mjs');

/** Value of a C integer constant expression of the header: numbers, casts, ( ), unary -, <<, *, +, -. */
function evaluate(expr, name) {
  const text = expr.replace(/\((?:size_t|int32_t|uint32_t|int)\)/g, '').replace(/\b(\d+)[uUlL]+\b/g, '$1');
  const tokens = text.match(/\d+|<<|[-+*()]|\S/g) ?? [];
  let at = 0;
  const fail = () => {
    throw new Error(`gen-constants: cannot evaluate ${name} = ${expr}`);
  };
  const primary = () => {
    const t = tokens[at++];
    if (t === '(') {
      const v = shift();
      if (tokens[at++] !== ')') fail();
      return v;
    }
    if (t === '-') return -primary();
    if (t !== undefined && /^\d+$/.test(t)) return Number(t);
    return fail();
  };
  const product = () => {
    let v = primary();
    while (tokens[at] === '*') {
      at++;
      v *= primary();
    }
    return v;
  };
  const sum = () => {
    let v = product();
    while (tokens[at] === '+' || tokens[at] === '-') v = tokens[at++] === '+' ? v + product() : v - product();
    return v;
  };
  const shift = () => {
    let v = sum();
    while (tokens[at] === '<<') {
      at++;
      v *= 2 ** sum();
    }
    return v;
  };
  const value = shift();
  if (at !== tokens.length || !Number.isSafeInteger(value)) fail();
  return value;
}

/** The longest prefix of every name that ends with '_'. */
function commonPrefix(names) {
  let prefix = names[0];
  for (const n of names) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix.slice(0, prefix.lastIndexOf('_') + 1);
}

/** { defines: [[name, value]], enums: [{ type, members: [[name, value]] }] } of the header text. */
export function parseHeader(text) {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/.*$/gm, '');
  const defines = [];
  for (const [, name, expr] of code.matchAll(/^[ \t]*#define[ \t]+(LM_\w+)[ \t]+(.+?)[ \t]*$/gm)) {
    if (name === 'LM_API') continue;
    defines.push([name, evaluate(expr, name)]);
  }
  const enums = [];
  for (const [, body, type] of code.matchAll(/typedef\s+enum\s*\{([\s\S]*?)\}\s*(lm_\w+)\s*;/g)) {
    let next = 0;
    const members = body
      .split(',')
      .map((m) => m.trim())
      .filter(Boolean)
      .map((m) => {
        const [name, expr] = m.split('=').map((x) => x.trim());
        if (!/^LM_\w+$/.test(name)) throw new Error(`gen-constants: unexpected enum member '${m}' in ${type}`);
        const value = expr === undefined ? next : evaluate(expr, name);
        next = value + 1;
        return [name, value];
      });
    enums.push({ type, members });
  }
  return { defines, enums };
}

const literal = (value) => (typeof value === 'string' ? `'${value}'` : String(value));
const object = (entries) => `Object.freeze({ ${entries.map(([k, v]) => `${k}: ${literal(v)}`).join(', ')} })`;

/** The text of constants.mjs for the header text. */
export function generateConstants(headerText) {
  const { defines, enums } = parseHeader(headerText);
  const out = [
    '// constants.mjs — GENERATED from src/lmlab.h by scripts/gen-constants.mjs: do not edit by hand; change the',
    '// header and run `node scripts/gen-constants.mjs` (make does when lmlab.h changes). The C status codes,',
    '// limits, choices and info-array indices for the glue; tests/constants.test.mjs checks this file against',
    '// the header and against the values the .wasm was compiled with (lm_constants).',
    '',
  ];
  const limits = defines.filter(([n]) => n.startsWith('LM_MAX_'));
  out.push('/** Limits of the C core (lmlab.h: LM_MAX_*). */');
  out.push(`export const LIMITS = ${object(limits.map(([n, v]) => [n.slice(3), v]))};`);
  for (const [name, value] of defines.filter(([n]) => !n.startsWith('LM_MAX_'))) {
    out.push(`/** ${name} of lmlab.h. */`);
    out.push(`export const ${name.slice(3)} = ${value};`);
  }
  for (const { type, members } of enums) {
    const status = type === 'lm_status';
    const group = status
      ? 'STATUS'
      : type
          .slice(3)
          .replace(/_index$/, '')
          .toUpperCase();
    const prefix = status ? '' : commonPrefix(members.map(([n]) => n));
    const key = (n) => (status ? n.replace(/^LM_(ERR_)?/, '') : n.slice(prefix.length));
    out.push(`/** ${type} of lmlab.h. */`);
    out.push(`export const ${group} = ${object(members.map(([n, v]) => [key(n), v]))};`);
    if (status) {
      out.push('/** The C name of each status code. */');
      out.push(`export const STATUS_NAMES = ${object(members.map(([n, v]) => [String(v), n]))};`);
    }
  }
  const all = [...defines, ...enums.flatMap((e) => e.members)];
  out.push(
    '/** Every constant by its C name, in the order lm_constants reports them (the #defines, then each enum). */',
  );
  out.push('export const C_CONSTANTS = Object.freeze([');
  for (let i = 0; i < all.length; i += 4) {
    out.push(
      `  ${all
        .slice(i, i + 4)
        .map(([n, v]) => `['${n}', ${v}]`)
        .join(', ')},`,
    );
  }
  out.push(']);');
  return `${out.join('\n')}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const text = generateConstants(await readFile(HEADER, 'utf8'));
  await writeFile(OUTPUT, text);
  console.log(`wrote ${OUTPUT.slice(ROOT.length + 1)} from src/lmlab.h`);
}
