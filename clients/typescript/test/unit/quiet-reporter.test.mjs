import { test } from 'node:test';
import assert from 'node:assert/strict';
import quietReporter from '../../scripts/quiet-reporter.mjs';

async function report(events) {
  async function* source() {
    yield* events;
  }
  let out = '';
  for await (const chunk of quietReporter(source())) out += chunk;
  return out;
}

const summary = [['tests', 2], ['pass', 1], ['fail', 1], ['cancelled', 0], ['skipped', 0], ['todo', 0], ['duration_ms', 12.4]]
  .map(([k, v]) => ({ type: 'test:diagnostic', data: { nesting: 0, message: `${k} ${v}` } }));

test('passing tests print one summary line and nothing else', async () => {
  const out = await report([
    { type: 'test:pass', data: { name: 'a', nesting: 0, details: { duration_ms: 1 } } },
    { type: 'test:stdout', data: { message: 'noise\n' } },
    ...summary.map((e) => (e.data.message.startsWith('fail') ? { ...e, data: { ...e.data, message: 'fail 0' } } : e)),
  ]);

  assert.equal(out, 'node:test: 2 tests, 1 passed, 0 failed, 0 cancelled, 0 skipped, 0 todo (12 ms)\n');
});

test('a failure shows its name, file, error and the tests\' output; a suite failing by its subtests is not repeated', async () => {
  const cause = new Error('expected 1 to be 2');
  const out = await report([
    { type: 'test:stdout', data: { message: 'what the test printed\n' } },
    { type: 'test:fail', data: { name: 'outbox keeps order', nesting: 1, file: 'outbox.test.mjs',
      details: { error: Object.assign(new Error('test failed'), { cause, failureType: 'testCodeFailure' }) } } },
    { type: 'test:fail', data: { name: 'the suite', nesting: 0, file: 'outbox.test.mjs',
      details: { error: Object.assign(new Error('1 subtest failed'), { failureType: 'subtestsFailed' }) } } },
    ...summary,
  ]);

  assert.match(out, /^✖ outbox keeps order \(outbox\.test\.mjs\)\n/);
  assert.match(out, /expected 1 to be 2/);
  assert.match(out, /what the test printed/);
  assert.doesNotMatch(out, /the suite/);
  assert.match(out, /1 failed/);
});
