import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate, OUTPUT } from '../../scripts/generate-protocol.mjs';
import { CLOSE_CODES, ERROR_CODES } from '../../dist/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

test('src/generated/protocol.ts is what the schema generates (run npm run generate after a schema change)', () => {
  assert.equal(readFileSync(OUTPUT, 'utf8'), generate(), 'stale: run `npm run generate` in clients/typescript');
});

test("the close-code actions match docs/protocol.md's table", () => {
  const doc = readFileSync(join(root, 'docs', 'protocol.md'), 'utf8');
  const rows = [...doc.matchAll(/^\| (\d{4}) \| `([a-z_]+)` \| ([^|]+) \|$/gm)];
  assert.ok(rows.length >= 10, 'found the close code table');
  const fromDoc = Object.fromEntries(rows.map(([, status, reason, advice]) => {
    const a = advice.trim();
    return [status, { reason, action: a.startsWith('stop') ? 'stop' : /`hello`/.test(a) ? 'hello' : 'resume' }];
  }));
  const fromSchema = Object.fromEntries(Object.entries(CLOSE_CODES).map(([s, c]) => [s, { reason: c.reason, action: c.action }]));
  assert.deepEqual(fromSchema, fromDoc);
});

test('every error code of the schema is exported', () => {
  const common = JSON.parse(readFileSync(join(root, 'protocol', 'schema', 'common.json'), 'utf8'));
  assert.deepEqual([...ERROR_CODES], common.$defs.errorCode.enum);
});

test('dist/ loads in a browser as is: ES modules importing only relative .js files, no Node built-ins', async () => {
  const { readdirSync } = await import('node:fs');
  const dist = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist');
  const files = readdirSync(dist, { recursive: true }).filter((f) => String(f).endsWith('.js'));
  assert.ok(files.length >= 5);
  for (const f of files) {
    const text = readFileSync(join(dist, String(f)), 'utf8');
    for (const [, spec] of text.matchAll(/\b(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
      assert.match(spec, /^\.\.?\/.*\.js$/, `${f} imports ${spec}`);
    }
    assert.doesNotMatch(text, /\brequire\(|process\.|Buffer\b/, `${f} uses a Node-only global`);
  }
});
