// grader.test.mjs — the example autograder proves itself (node:test; `make test` runs it through
// tests/example-grader.test.mjs): the correct fake student passes every part, and each mistake planted
// in the wrong one fails its part — and only its part — with a message that says what to fix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { grade, PARTS } from './grade.mjs';
import * as correct from './student-correct.mjs';
import * as wrong from './student-wrong.mjs';

test('the correct student passes every part', () => {
  const { score, total, report } = grade(correct);
  assert.equal(score, total, report);
  assert.equal(total, PARTS.length);
});

test('each planted mistake fails its part with a message a student can act on', () => {
  const { results } = grade(wrong);
  const part = Object.fromEntries(results.map((r) => [r.reference, r]));
  assert.ok(part.word_embedding.pass && part.temporal_affine.pass, 'the parts without a mistake still pass');
  // 1. prev_h·Whᵀ in rnn_step_forward: the forward fails and the hint names the transpose
  assert.match(
    part.rnn_step.report,
    /WRONG next_h is wrong: normwise error .+; worst at \[\d+, \d+\]: yours -?\d.*, expected -?\d/,
  );
  assert.match(
    part.rnn_step.report,
    /hint: next_h equals tanh\(x·Wx \+ prev_h·Whᵀ \+ b\): .*for rows it is prev_h·Wh, not prev_h·Whᵀ/,
  );
  // 2. no tanh derivative in rnn_step_backward (checked at the student's own next_h, so not caused by 1)
  assert.match(
    part.rnn_step.report,
    /hint: dx, dprev_h, dWx, dWh, db are what you get without tanh's derivative: .*da = dnext_h ⊙ \(1 − next_h²\)/,
  );
  // 3. rnn_backward replaces the weight gradients at each step: only they fail, and the hint says to sum
  assert.match(part.rnn.report, /ok {4}h\n.*ok {4}dx\n.*ok {4}dh0\n/);
  assert.match(
    part.rnn.report,
    /hint: dWx, dWh, db hold the gradient of time step 0 only: .*add \(\+=\) each step's gradient/,
  );
  // 4. the mean over unmasked positions instead of cs231n's sum / N
  assert.match(part.temporal_softmax_loss.report, /WRONG loss is wrong: .*yours \d.*, expected \d/);
  assert.match(
    part.temporal_softmax_loss.report,
    /hint: your loss is the mean over the unmasked positions \(lmlab's default\), but this grader expects the sum over the unmasked positions divided by N/,
  );
  for (const name of ['rnn_step', 'rnn', 'temporal_softmax_loss'])
    assert.equal(part[name].passed, 0, `${name} fails every trial`);
});

test("a course that means the mean grades the loss with { reduction: 'mean-unmasked' }: then the wrong student's loss passes", async () => {
  const { loadGrader } = await import('lmlab/grader');
  const grader = await loadGrader();
  assert.ok(grader.check(wrong, 'temporal_softmax_loss', { reduction: 'mean-unmasked' }).pass);
  const cs231n = grader.check(correct, 'temporal_softmax_loss', { reduction: 'mean-unmasked' });
  assert.ok(!cs231n.pass);
  assert.match(
    cs231n.report,
    /hint: your loss is the sum over the unmasked positions divided by N, .* but this grader expects the mean over the unmasked positions/,
  );
});
