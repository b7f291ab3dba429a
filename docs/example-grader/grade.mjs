// grade.mjs — a whole Lab 2 autograder written with lmlab/grader, as docs/graders.md shows it: every
// part of a student's module (cs231n's function names) on seeded random inputs against lmlab, with a
// report. `node docs/example-grader/grade.mjs path/to/student.mjs` prints it; grader.test.mjs runs it on
// a correct and a wrong fake student.
import { pathToFileURL } from 'node:url';
import { loadGrader } from 'lmlab/grader';

const grader = await loadGrader();
export const PARTS = ['rnn_step', 'rnn', 'word_embedding', 'temporal_affine', 'temporal_softmax_loss'];

/** Grade a student module: each part on `trials` random inputs; the score counts the parts that pass. */
export function grade(student, { trials = 5, seed = 2026 } = {}) {
  const results = PARTS.map((part) => grader.check(student, part, { trials, seed }));
  const score = results.filter((r) => r.pass).length;
  return { score, total: PARTS.length, results, report: results.map((r) => r.report).join('\n') };
}

if (process.argv[2] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { score, total, report } = grade(await import(pathToFileURL(process.argv[2]).href));
  console.log(`${report}\nscore: ${score} / ${total}`);
  process.exitCode = score === total ? 0 : 1;
}
