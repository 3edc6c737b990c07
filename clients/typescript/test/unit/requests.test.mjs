import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VicinityClient, VicinityError } from '../../dist/index.js';
import { FakeClock, FakeNetwork, answerHandshake, flush, record } from './fakes.mjs';

async function connected(extra = {}) {
  const clock = new FakeClock();
  const net = new FakeNetwork();
  let n = 0;
  const client = new VicinityClient({
    url: 'ws://test/ws', token: 'demo:alice', device: 'd1', WebSocket: net.WebSocket, clock, random: () => 0.5,
    newId: () => `k-${++n}`, ...extra,
  });
  const log = record(client);
  client.connect();
  const { sock } = await answerHandshake(net);
  return { clock, net, client, log, sock };
}

test('a refused request rejects with a VicinityError carrying the code and retryAfterMs', async () => {
  const { client, sock } = await connected();
  const p = client.nearby({ radius: 5000, limit: 20 });
  await flush();
  const req = sock.lastSent('geo.nearby');
  assert.deepEqual({ ...req, id: undefined }, { type: 'geo.nearby', id: undefined, radius: 5000, limit: 20 });
  sock.receive({ type: 'error', re: req.id, code: 'rate_limited', message: 'slow down', retryAfterMs: 1234 });
  await assert.rejects(p, (e) => e instanceof VicinityError && e.code === 'rate_limited' && e.retryAfterMs === 1234
    && e.retryable && e.requestType === 'geo.nearby' && e.message === 'slow down');
});

test('an ok answer resolves with the frame', async () => {
  const { client, sock } = await connected();
  const p = client.request('rating.summary', { user: 'bob' });
  await flush();
  sock.receive({ type: 'ok', re: sock.lastSent().id, user: 'bob', count: 0, shown: false });
  assert.deepEqual(await p, { type: 'ok', re: sock.lastSent().id, user: 'bob', count: 0, shown: false });
});

test('no answer: timeout; socket lost with the request on the wire: connection_lost', async () => {
  const { clock, client, sock } = await connected({ requestTimeoutMs: 3_000 });
  const t = client.request('rating.summary', { user: 'bob' });
  const timedOut = assert.rejects(t, (e) => e.code === 'timeout');
  await clock.advance(3_000);
  await timedOut;
  const l = client.request('rating.summary', { user: 'bob' });
  await flush();
  sock.drop(1006);
  await assert.rejects(l, (e) => e.code === 'connection_lost' && e.retryable);
});

test('a request made while reconnecting waits and is sent once connected', async () => {
  const { clock, net, client, sock } = await connected();
  sock.drop(1006);
  const p = client.request('rating.summary', { user: 'bob' });
  await clock.advance(client.state.retryInMs);
  const { sock: s2 } = await answerHandshake(net, { token: 'T2' });
  const req = s2.lastSent('rating.summary');
  assert.ok(req);
  s2.receive({ type: 'ok', re: req.id, user: 'bob', count: 0, shown: false });
  assert.equal((await p).user, 'bob');
});

test('submitRating retries a lost submit with the same idempotency key', async () => {
  const { clock, net, client, sock } = await connected();
  const p = client.submitRating({ session: 'S', ratee: 'bob', stars: 5 });
  await flush();
  const first = sock.lastSent('rating.submit');
  assert.equal(first.idempotencyKey, 'k-1');
  sock.drop(1006);
  await clock.advance(client.state.retryInMs);
  const { sock: s2 } = await answerHandshake(net, { token: 'T2' });
  await clock.advance(1_000);
  const second = s2.lastSent('rating.submit');
  assert.equal(second.idempotencyKey, 'k-1');
  s2.receive({ type: 'ok', re: second.id, state: 'SEALED', replayed: true });
  assert.deepEqual(await p, { type: 'ok', re: second.id, state: 'SEALED', replayed: true });
});

test('an error frame with re null becomes an error event', async () => {
  const { log, sock } = await connected();
  sock.receive({ type: 'error', re: null, code: 'malformed_frame', message: 'bad' });
  sock.onmessage({ data: 'not json' });
  assert.deepEqual(log.error.map((e) => e.code), ['malformed_frame', 'malformed_frame']);
});

test('a throwing listener is reported, never breaks delivery', async () => {
  const { client, log, sock } = await connected();
  const seen = [];
  client.on('typing', () => { throw new Error('ui bug'); });
  client.on('typing', (t) => seen.push(t.user));
  sock.receive({ type: 'chat.typing', session: 'S', user: 'bob', until: 5 });
  assert.deepEqual(seen, ['bob']);
  assert.equal(log.error[0].message, 'ui bug');
});

test('requests before connect() are refused with stopped', async () => {
  const client = new VicinityClient({ url: 'ws://x', token: 't', device: 'd', WebSocket: new FakeNetwork().WebSocket });
  await assert.rejects(client.request('rating.summary', { user: 'b' }), (e) => e.code === 'stopped');
});

test('a throwing error listener does not loop', async () => {
  const { client, sock } = await connected();
  let calls = 0;
  client.on('error', () => { calls++; throw new Error('error listener bug'); });
  client.on('typing', () => { throw new Error('ui bug'); });
  sock.receive({ type: 'chat.typing', session: 'S', user: 'bob', until: 5 });
  assert.equal(calls, 1);
});
