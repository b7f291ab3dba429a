// grader.d.ts — the types of `lmlab/grader` (wasm_glue/grader.mjs): check a student's Lab 2 layer
// functions (cs231n's names and conventions) against lmlab's reference; tensors, conversions, allclose.
//
//   import { loadGrader } from 'lmlab/grader';
//   const grader = await loadGrader();
//   const result = grader.check(student, 'rnn_step', { trials: 5, seed: 1 });
//   console.log(result.report);             // PASS, or what is wrong, where, and a hint

import type { LoadOptions } from './index.js';

/** Normwise tolerance max|a − b| / max|b| recommended for a float64 answer against lmlab's float32 (1e-5). */
export declare const RECOMMENDED_TOLERANCE: number;

/** A tensor as the grader reads it: row-major data with a shape ([] for a scalar). */
export interface AnyTensor {
  data: ArrayLike<number>;
  shape: number[];
}

/** One output or gradient compared with the reference. */
export interface Comparison {
  /** The tensor's name as the student's function calls it (next_h, dWh, loss). */
  name: string;
  pass: boolean;
  /** max|actual − expected| / max|expected| (max|expected| = 0: the absolute error); Infinity for a wrong shape or a non-number. */
  error: number;
  tolerance: number;
  /** Where |actual − expected| is largest ([] for a scalar); null when the shape is wrong. */
  index: number[] | null;
  actual: number | null;
  expected: number | null;
  actualShape: number[] | null;
  expectedShape: number[];
  /** One line a student can read: what is wrong, where, both values and the error (or why the shape is wrong). */
  message: string;
}

/** The reference layer pairs check knows (cs231n's function names in brackets). */
export type ReferenceName =
  | 'rnn_step' // rnn_step_forward, rnn_step_backward
  | 'rnn' // rnn_forward, rnn_backward
  | 'word_embedding' // word_embedding_forward, word_embedding_backward
  | 'temporal_affine' // temporal_affine_forward, temporal_affine_backward
  | 'temporal_softmax_loss' // temporal_softmax_loss (loss and dx)
  | 'rnn_step_forward'
  | 'rnn_forward'
  | 'word_embedding_forward'
  | 'temporal_affine_forward'; // a forward alone

export interface CheckOptions {
  /** Random trials (default 5), each with its own sizes and inputs. */
  trials?: number;
  /** Seed of the inputs (default 1): the same seed gives the same inputs. */
  seed?: number;
  /** Normwise tolerance (default RECOMMENDED_TOLERANCE). */
  tolerance?: number;
  /** Fix some sizes (N, T, D, H, V); the others are drawn small and pairwise different. */
  sizes?: Partial<Record<'N' | 'T' | 'D' | 'H' | 'V', number>>;
  /** temporal_softmax_loss: 'sum-over-N' (default: cs231n's sum over the unmasked positions / N) or 'mean-unmasked' (lmlab's). */
  reduction?: 'sum-over-N' | 'mean-unmasked';
  /** How the student gets its arrays: 'nested' (default, lists like numpy's tolist(); masks as booleans) or 'tensor' ({ data: Float64Array | Int32Array, shape }). */
  inputs?: 'nested' | 'tensor';
}

export interface TrialResult {
  trial: number;
  /** The seed of this trial's inputs. */
  seed: number;
  sizes: Record<string, number>;
  pass: boolean;
  comparisons: Comparison[];
  /** Known mistakes the answer matches, as advice ("add (+=) each step's gradient"). */
  hints: string[];
  /** What the student's code threw. */
  errors: string[];
}

export interface CheckResult {
  reference: string;
  pass: boolean;
  trials: number;
  passed: number;
  /** The largest normwise error over every trial and tensor (Infinity after a wrong shape or an exception). */
  worstError: number;
  results: TrialResult[];
  /** The verdict, then the first failing trial: every tensor ok or WRONG with its message, and the hints. */
  report: string;
}

/** A student: a module with cs231n's function names, a { forward, backward } pair, or one function. */
export type Student = ((...args: any[]) => any) | Record<string, any>;

export interface SeededRandom {
  uniform(): number;
  normal(): number;
  int(lo: number, hi: number): number;
  /** N(0, scale²) entries rounded to float32. */
  tensor(shape: number[], scale?: number): { data: Float32Array; shape: number[] };
  ids(shape: number[], V: number): { data: Int32Array; shape: number[] };
  /** 0/1, about `keep` of it 1, never all 1 nor all 0. */
  mask(shape: number[], keep?: number): { data: Int32Array; shape: number[] };
}

export declare function seededRandom(seed: number): SeededRandom;
/** Shape of nested arrays of numbers ([] for a number), or null when not rectangular numbers. */
export declare function nestedShape(value: unknown): number[] | null;
/** A tensor as nested arrays of numbers (booleans: a mask as true/false). */
export declare function toNested(tensor: AnyTensor, options?: { booleans?: boolean }): any;
/** Nested arrays, a Tensor or a typed array (with shape) as an lmlab Tensor (float32 by default). */
export declare function fromNested(
  value: unknown,
  options?: { shape?: number[]; type?: 'float32' | 'float64' | 'int32' },
): { data: Float32Array | Float64Array | Int32Array; shape: number[] };
/** Anything a student may return as a float64 tensor, or null when it is not numbers. */
export declare function toTensor(value: unknown, shape?: number[]): { data: Float64Array; shape: number[] } | null;
export declare function transpose(t: AnyTensor): { data: Float64Array; shape: number[] };
/** Compare with a normwise tolerance; the Comparison's message names the tensor, the worst index, both values and the error. */
export declare function allclose(
  actual: unknown,
  expected: AnyTensor | number,
  options?: { name?: string; tolerance?: number },
): Comparison;

export interface Grader {
  /** The loaded lmlab (its layers are the references). */
  lm: any;
  /** Run a student's layer functions on seeded random inputs (the backward from a random upstream gradient) against lmlab. */
  check(student: Student, referenceName: ReferenceName, options?: CheckOptions): CheckResult;
  allclose: typeof allclose;
  seededRandom: typeof seededRandom;
  toNested: typeof toNested;
  fromNested: typeof fromNested;
  toTensor: typeof toTensor;
  transpose: typeof transpose;
  RECOMMENDED_TOLERANCE: number;
  /** The pair names check knows. */
  references: string[];
}

/** Load lmlab (see loadLmlab's options) and return the grader. */
export declare function loadGrader(options?: LoadOptions): Promise<Grader>;
