#!/usr/bin/env node
// relaxed-fma.mjs — `node scripts/relaxed-fma.mjs in.wasm out.wasm`: rewrite the pre-standard
// f32x4 fused multiply-add that Emscripten 3.1.6's clang 14 emits for __builtin_wasm_fma_f32x4
// (SIMD opcode 0xaf, bytes fd af 01, which engines reject) as the standard f32x4.relaxed_madd
// (opcode 0x105, bytes fd 85 02), same length, same operands (a·b + c; checked by
// tests/kernels-fma.test.mjs). Binaryen 108, which emcc runs at link time, cannot read the standard
// opcode, so this runs after linking (see the Makefile and ../shared/TOOLCHAIN.md).
// It does not search for the byte pattern: it decodes every instruction of every function body, so
// only the opcode position of an instruction can be rewritten (the same bytes inside an immediate, a
// constant or a data segment are left alone), and an instruction it does not know stops it with the
// function and offset. It fails when it finds no fused multiply-add (the build forgot -mrelaxed-simd).
// 0xaf is unassigned in the standard SIMD numbering, so it can only be the draft fma. The sources use
// no other relaxed-SIMD builtin (their draft opcodes would need rewriting too).

const PRE_STANDARD_FMA = 0xaf; // f32x4.fma in clang 14's relaxed-SIMD draft numbering
const RELAXED_MADD = 0x105; // f32x4.relaxed_madd in the standard

/** A cursor over the module's bytes that reads LEB128 numbers and fails with the offset. */
class Reader {
  /** @param {Uint8Array} bytes @param {number} pos */
  constructor(bytes, pos) {
    this.bytes = bytes;
    this.pos = pos;
  }
  fail(what) {
    throw new Error(`relaxed-fma: ${what} at byte ${this.pos}`);
  }
  byte() {
    if (this.pos >= this.bytes.length) this.fail('unexpected end of the module');
    return this.bytes[this.pos++];
  }
  /** An unsigned LEB128 (at most 5 bytes: u32). */
  u32() {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      value += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return value;
    }
    return this.fail('LEB128 longer than 5 bytes');
  }
  /** Skip a signed LEB128 of at most `maxBytes` bytes (its value is not needed). */
  skipLeb(maxBytes) {
    for (let i = 0; i < maxBytes; i++) if (!(this.byte() & 0x80)) return;
    this.fail(`LEB128 longer than ${maxBytes} bytes`);
  }
  skip(n) {
    if (this.pos + n > this.bytes.length) this.fail('unexpected end of the module');
    this.pos += n;
  }
  memarg() {
    this.u32(); // alignment
    this.u32(); // offset (memory32)
  }
}

/** Skip the immediates of SIMD instruction `op` (the 0xfd-prefixed opcode space of the SIMD proposal). */
function skipSimdImmediates(r, op) {
  if (op <= 0x0b || op === 0x5c || op === 0x5d)
    r.memarg(); // loads, load-splats, store, load-zero
  else if (op === 0x0c || op === 0x0d)
    r.skip(16); // v128.const, i8x16.shuffle
  else if (op >= 0x15 && op <= 0x22)
    r.skip(1); // extract/replace lane
  else if (op >= 0x54 && op <= 0x5b) {
    r.memarg(); // load/store lane
    r.skip(1);
  }
  // every other SIMD opcode (0x0e–0x14, 0x23–0x53, 0x5e and up) has no immediate
}

/** Skip the immediates of the 0xfc-prefixed instructions (saturating truncation, bulk memory, tables). */
function skipMiscImmediates(r, op) {
  if (op <= 7) return; // trunc_sat
  if (op === 8) {
    r.u32(); // memory.init: data index, memory
    r.skip(1);
  } else if (op === 9 || op === 13 || op === 15 || op === 16 || op === 17) r.u32();
  else if (op === 10)
    r.skip(2); // memory.copy: two memories
  else if (op === 11)
    r.skip(1); // memory.fill
  else if (op === 12 || op === 14) {
    r.u32();
    r.u32();
  } else r.fail(`unknown 0xfc instruction ${op}`);
}

/**
 * Decode one function body from r.pos to `end`; returns the offsets of the pre-standard fused
 * multiply-adds (the position of their LEB128 sub-opcode) and their encoded length.
 * @returns {{ at: number, length: number }[]}
 */
function scanBody(r, end) {
  const found = [];
  const groups = r.u32(); // locals: (count, type) groups
  for (let i = 0; i < groups; i++) {
    r.u32();
    r.byte();
  }
  while (r.pos < end) {
    const op = r.byte();
    if (op === 0xfd) {
      const at = r.pos;
      const sub = r.u32();
      if (sub === PRE_STANDARD_FMA) found.push({ at, length: r.pos - at });
      skipSimdImmediates(r, sub);
    } else if (op === 0xfc) skipMiscImmediates(r, r.u32());
    else if (op === 0x02 || op === 0x03 || op === 0x04) {
      const t = r.bytes[r.pos];
      if (t === 0x40 || (t >= 0x6f && t <= 0x7f))
        r.skip(1); // empty or one value type
      else r.skipLeb(5); // a type index (s33)
    } else if (op === 0x0c || op === 0x0d || op === 0x10 || op === 0x12 || op === 0xd2) r.u32();
    else if (op === 0x0e) {
      const n = r.u32(); // br_table: n labels and the default
      for (let i = 0; i <= n; i++) r.u32();
    } else if (op === 0x11 || op === 0x13) {
      r.u32(); // call_indirect: type, table
      r.u32();
    } else if (op === 0x1c) {
      const n = r.u32(); // typed select
      r.skip(n);
    } else if ((op >= 0x20 && op <= 0x26) || op === 0x3f || op === 0x40) r.u32();
    else if (op >= 0x28 && op <= 0x3e) r.memarg();
    else if (op === 0x41) r.skipLeb(5);
    else if (op === 0x42) r.skipLeb(10);
    else if (op === 0x43) r.skip(4);
    else if (op === 0x44) r.skip(8);
    else if (op === 0xd0)
      r.skip(1); // ref.null type
    else if (
      op <= 0x01 || // unreachable, nop
      op === 0x05 || // else
      op === 0x0b || // end
      op === 0x0f || // return
      op === 0x1a || // drop
      op === 0x1b || // select
      (op >= 0x45 && op <= 0xc4) || // numeric and sign-extension: no immediates
      op === 0xd1 // ref.is_null
    ) {
      /* no immediates */
    } else {
      r.pos--;
      r.fail(`unknown instruction 0x${op.toString(16)}`);
    }
  }
  if (r.pos !== end) r.fail(`a function body overran its size by ${r.pos - end} bytes`);
  return found;
}

/** Write `value` as an unsigned LEB128 of exactly `length` bytes (padded with continuation bytes). */
function writeLeb(bytes, at, value, length) {
  for (let i = 0; i < length; i++) {
    const b = value & 0x7f;
    value >>>= 7;
    bytes[at + i] = i < length - 1 ? b | 0x80 : b;
  }
  if (value) throw new Error(`relaxed-fma: 0x${RELAXED_MADD.toString(16)} does not fit in ${length} bytes`);
}

/**
 * A copy of the module with every pre-standard f32x4 fused multiply-add rewritten as f32x4.relaxed_madd.
 * @param {Uint8Array} input the linked module
 * @returns {{ bytes: Uint8Array, patched: number, functions: number }}
 */
export function patchRelaxedFma(input) {
  const bytes = Uint8Array.from(input);
  const head = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  if (bytes.length < 8 || head.some((b, i) => bytes[i] !== b))
    throw new Error('relaxed-fma: not a WebAssembly module (version 1)');
  const r = new Reader(bytes, 8);
  let patched = 0,
    functions = 0,
    sawCode = false;
  while (r.pos < bytes.length) {
    const id = r.byte();
    const size = r.u32();
    const end = r.pos + size;
    if (end > bytes.length) r.fail(`section ${id} runs past the end of the module`);
    if (id === 10) {
      sawCode = true;
      const count = r.u32();
      for (let f = 0; f < count; f++) {
        const bodySize = r.u32();
        const bodyEnd = r.pos + bodySize;
        for (const { at, length } of scanBody(r, bodyEnd)) {
          writeLeb(bytes, at, RELAXED_MADD, length);
          patched++;
        }
        functions++;
      }
      if (r.pos !== end) r.fail('the code section has bytes after its last function');
    }
    r.pos = end;
  }
  if (!sawCode) throw new Error('relaxed-fma: the module has no code section');
  if (!patched)
    throw new Error(
      'relaxed-fma: no f32x4 fused multiply-add found (was kernels.c compiled with -mrelaxed-simd and LM_WASM_FMA?)',
    );
  return { bytes, patched, functions };
}

// The command line: patch, then compile the result (it must validate where relaxed SIMD exists).
if (import.meta.url === `file://${process.argv[1]}`) {
  const [inPath, outPath] = process.argv.slice(2);
  if (!inPath || !outPath) {
    console.error('usage: node [--experimental-wasm-relaxed-simd] scripts/relaxed-fma.mjs in.wasm out.wasm');
    process.exit(2);
  }
  const { readFileSync, writeFileSync, renameSync } = await import('node:fs');
  const { bytes, patched, functions } = patchRelaxedFma(readFileSync(inPath));
  const { relaxedSimdSupported } = await import('../wasm_glue/features.mjs');
  if (!relaxedSimdSupported())
    throw new Error(
      'relaxed-fma: this Node has no relaxed SIMD, so the result cannot be validated: run it with --experimental-wasm-relaxed-simd',
    );
  new WebAssembly.Module(bytes); // throws with the function and offset if it does not validate
  writeFileSync(`${outPath}.tmp`, bytes);
  renameSync(`${outPath}.tmp`, outPath);
  console.log(`relaxed-fma: ${outPath}: ${patched} f32x4.relaxed_madd in ${functions} functions, validated`);
}
