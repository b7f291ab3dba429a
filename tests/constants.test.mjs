// constants.test.mjs — JS and C agree on every constant: the committed wasm_glue/constants.mjs is what
// scripts/gen-constants.mjs makes from src/lmlab.h now; the .wasm was compiled with the same values
// (lm_constants, in the header's order); index.d.ts declares every group with the same keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { generateConstants, HEADER, OUTPUT, parseHeader } from '../scripts/gen-constants.mjs';
import * as constants from '../wasm_glue/constants.mjs';
import { instantiateCore } from '../wasm_glue/loader.mjs';

test('the committed constants.mjs is a fresh generation from src/lmlab.h', async () => {
  const fresh = generateConstants(await readFile(HEADER, 'utf8'));
  const committed = await readFile(OUTPUT, 'utf8');
  assert.equal(
    committed,
    fresh,
    'wasm_glue/constants.mjs is stale or edited by hand: run `node scripts/gen-constants.mjs`',
  );
});

test('the generator reads the header as the C compiler does', () => {
  const { defines, enums } = parseHeader(`
    #define LM_MAX_A ((size_t)1 << 4) /* a comment */
    #define LM_B (-3)
    typedef enum { LM_X_ONE = 2, LM_X_TWO, /* LM_X_NOT = 9, */ LM_X_THREE = 1 << 3 } lm_x_index;`);
  assert.deepEqual(defines, [
    ['LM_MAX_A', 16],
    ['LM_B', -3],
  ]);
  assert.deepEqual(enums, [
    {
      type: 'lm_x_index',
      members: [
        ['LM_X_ONE', 2],
        ['LM_X_TWO', 3],
        ['LM_X_THREE', 8],
      ],
    },
  ]);
  const text = generateConstants(
    '#define LM_MAX_Q 7\ntypedef enum { LM_OK = 0, LM_ERR_BAD = 1 } lm_status;\n' +
      'typedef enum { LM_TOK_WORDS, LM_TOK_WHITESPACE } lm_tokenizer_kind;',
  );
  assert.match(text, /export const LIMITS = Object\.freeze\(\{ MAX_Q: 7 \}\);/);
  assert.match(text, /export const STATUS = Object\.freeze\(\{ OK: 0, BAD: 1 \}\);/);
  assert.match(text, /export const STATUS_NAMES = Object\.freeze\(\{ 0: 'LM_OK', 1: 'LM_ERR_BAD' \}\);/);
  assert.match(text, /export const TOKENIZER_KIND = Object\.freeze\(\{ WORDS: 0, WHITESPACE: 1 \}\);/);
  assert.throws(() => parseHeader('#define LM_MAX_Z sizeof(int)'), /cannot evaluate LM_MAX_Z/);
});

test('the .wasm was compiled with the values of constants.mjs', async () => {
  for (const file of ['lmlab.wasm', 'lmlab-kernels.wasm', 'lmlab-seq2seq.wasm']) {
    const core = await instantiateCore({ wasm: new URL(`../build/${file}`, import.meta.url) });
    const values = core.scoped((s) => {
      const count = s.out();
      core.check(core.exports.lm_constants(0, 0, count));
      const n = core.readI32At(count);
      const out = s.i32(n);
      core.check(core.exports.lm_constants(out, n, count));
      return core.readI32(out, n);
    });
    assert.equal(
      values.length,
      constants.C_CONSTANTS.length,
      `${file} reports ${values.length} constants, constants.mjs has ${constants.C_CONSTANTS.length}: update src/constants.c with lmlab.h`,
    );
    constants.C_CONSTANTS.forEach(([name, value], k) => {
      assert.equal(
        values[k],
        value,
        `${file}: entry ${k} (${name} in constants.mjs) is ${values[k]} in the .wasm, ${value} in constants.mjs`,
      );
    });
  }
});

test('the groups agree with C_CONSTANTS and index.d.ts declares each with the same keys', async () => {
  const byName = new Map(constants.C_CONSTANTS);
  assert.equal(constants.STATUS.NONFINITE, byName.get('LM_ERR_NONFINITE'));
  assert.equal(constants.STATUS_NAMES[constants.STATUS.ARG], 'LM_ERR_ARG');
  assert.equal(constants.LIMITS.MAX_DIM, byName.get('LM_MAX_DIM'));
  assert.equal(constants.MODEL_INFO.COUNT, byName.get('LM_MODEL_INFO_COUNT'));
  const dts = await readFile(new URL('../wasm_glue/index.d.ts', import.meta.url), 'utf8');
  for (const [name, value] of Object.entries(constants)) {
    const declared = dts.match(new RegExp(`export declare const ${name}: (Readonly<\\{[\\s\\S]*?\\}>|[^\\n]+);`)); // one line or several
    assert.ok(declared, `index.d.ts does not declare ${name}`);
    if (value && typeof value === 'object' && !Array.isArray(value) && name !== 'STATUS_NAMES') {
      const keys = [...declared[1].matchAll(/(\w+): number/g)].map((m) => m[1]);
      assert.deepEqual(keys, Object.keys(value), `index.d.ts's ${name} has other keys than constants.mjs`);
    }
  }
});

test('the public entry re-exports the constants and the loaded API carries them', async () => {
  const index = await import('../wasm_glue/index.mjs');
  for (const name of Object.keys(constants)) assert.equal(index[name], constants[name], name);
  const lm = await index.loadLmlab();
  assert.equal(lm.STATUS, constants.STATUS);
  assert.equal(lm.LIMITS, constants.LIMITS);
});
