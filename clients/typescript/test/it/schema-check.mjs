// Validates every frame the tests' clients send and receive against protocol/schema/ (JSON Schema
// 2020-12, with ajv): the client's frames against client-frame.json, the server's against
// server-frame.json and each `ok` also against server/ok/<request type>.json.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import WebSocket from 'ws';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'protocol', 'schema');
const BASE = 'https://vicinity.dev/protocol/schema/';
const ajv = new Ajv2020({ strict: false, allErrors: true });
for (const sub of ['.', 'client', 'server', 'server/ok']) {
  for (const f of readdirSync(join(dir, sub)).filter((n) => n.endsWith('.json'))) {
    ajv.addSchema(JSON.parse(readFileSync(join(dir, sub, f), 'utf8')));
  }
}
const schema = (path) => {
  const v = ajv.getSchema(BASE + posix.normalize(path));
  if (!v) throw new Error('no schema ' + path);
  return v;
};
const clientFrame = schema('client-frame.json');
const serverFrame = schema('server-frame.json');

/** Frames that did not match, as readable lines; and how many frames were checked. */
export const violations = [];
export const checked = { client: 0, server: 0 };

function check(validate, frame, what) {
  if (!validate(frame)) violations.push(`${what} ${JSON.stringify(frame)}: ${ajv.errorsText(validate.errors)}`);
}

/** The ws WebSocket, checking each frame both ways. */
export class CheckedWebSocket extends WebSocket {
  constructor(url) {
    super(url);
    const types = new Map();
    this.sentTypes = types;
    this.addEventListener('message', (ev) => {
      const frame = JSON.parse(String(ev.data));
      checked.server++;
      check(serverFrame, frame, 'server frame');
      if (frame.type === 'ok' && types.has(frame.re)) check(schema(`server/ok/${types.get(frame.re)}.json`), frame, `ok to ${types.get(frame.re)}`);
    });
  }

  send(data) {
    const frame = JSON.parse(String(data));
    checked.client++;
    this.sentTypes.set(frame.id, frame.type);
    check(clientFrame, frame, 'client frame');
    super.send(data);
  }
}
