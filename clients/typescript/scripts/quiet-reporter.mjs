// A node:test reporter for builds: nothing for passing tests; each failure with its name, file, error and
// stack; output the tests wrote, only when something failed; one summary line at the end.
// Used by `npm run test:quiet` / `test:it:quiet` (the Maven build); `npm test` keeps Node's own reporter.
import { inspect } from 'node:util';

export default async function* quietReporter(source) {
  const failures = [];
  const output = [];
  const summary = {};
  for await (const event of source) {
    const data = event.data ?? {};
    switch (event.type) {
      case 'test:fail': {
        const error = data.details?.error;
        // A suite or file whose subtests failed: each of those is reported on its own.
        if (error?.failureType === 'subtestsFailed') break;
        failures.push({ name: data.name, file: data.file, error });
        break;
      }
      case 'test:stdout':
      case 'test:stderr':
        output.push(data.message);
        break;
      case 'test:diagnostic':
        if (data.nesting === 0) {
          const m = /^(\w+) ([\d.]+)$/.exec(data.message);
          if (m) summary[m[1]] = m[2];
          else output.push(`# ${data.message}\n`);
        }
        break;
      default:
        break;
    }
  }
  for (const f of failures) {
    const where = f.file ? ` (${f.file})` : '';
    const error = f.error?.cause ?? f.error;
    yield `✖ ${f.name}${where}\n${inspect(error, { depth: 6 }).replace(/^/gm, '    ')}\n\n`;
  }
  if (failures.length > 0 && output.length > 0) {
    yield `output of the tests:\n${output.join('')}\n`;
  }
  const n = (k) => summary[k] ?? '?';
  yield `node:test: ${n('tests')} tests, ${n('pass')} passed, ${n('fail')} failed, ${n('cancelled')} cancelled,`
    + ` ${n('skipped')} skipped, ${n('todo')} todo (${Math.round(Number(summary.duration_ms ?? 0))} ms)\n`;
}
