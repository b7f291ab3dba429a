// example-grader.test.mjs — runs the example autograder of docs/example-grader/ (its own node:test
// file) as part of the suite, and keeps docs/graders.md showing that grader's code as it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import '../docs/example-grader/grader.test.mjs';

test('docs/graders.md shows the example grader exactly as docs/example-grader/grade.mjs has it', () => {
  const file = readFileSync(new URL('../docs/example-grader/grade.mjs', import.meta.url), 'utf8');
  const doc = readFileSync(new URL('../docs/graders.md', import.meta.url), 'utf8');
  const body = file.slice(
    file.indexOf("import { loadGrader } from 'lmlab/grader';"),
    file.indexOf('\nif (process.argv[2]'),
  );
  assert.ok(body.length > 200, 'the grader body was not found in grade.mjs');
  assert.ok(
    doc.includes(body.trim()),
    'docs/graders.md must show grade.mjs from its import of lmlab/grader to the end of grade()',
  );
  const lines = body.trim().split('\n').length;
  assert.ok(lines <= 20, `the example grader is ${lines} lines; the docs promise about 20`);
});
