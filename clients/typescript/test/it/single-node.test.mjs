// Against the real example server (memory backend), through a TCP proxy the tests cut or freeze.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { VicinityError } from '../../dist/index.js';
import { connected, jarProblem, missing, newClient, schemaTest, startChat, startProxy, startServer, track, until } from './harness.mjs';

const skip = missing('integration tests against the example server', jarProblem()) ?? false;
let server;
let proxy;
const clients = [];

function client(name, extra) {
  const c = newClient(proxy.url, name, extra);
  clients.push(c);
  return c;
}

before(async () => {
  if (skip) return;
  // lease TTL 3 s: the server announces a 1 s heartbeat, so dead connections are found within seconds.
  server = await startServer(['--backend', 'memory', '--lease-ttl', '3s']);
  proxy = await startProxy(server.port);
});

after(async () => {
  clients.forEach((c) => c.close());
  await proxy?.close();
  await server?.stop();
});

test('hello: connected with the welcome the server sent', { skip }, async () => {
  const alice = client('hello-alice');
  const t = track(alice);
  await connected(alice);
  assert.deepEqual(t.states.map((s) => s.status), ['connecting', 'connected']);
  assert.equal(alice.state.user, 'hello-alice');
  assert.equal(alice.connectionInfo.heartbeatSeconds, 1);
  assert.equal(alice.connectionInfo.limits.maxMessageLength, 4000);
});

test('chat between two clients: messages reach both, once, in order', { skip }, async () => {
  const alice = client('chat-alice');
  const bob = client('chat-bob');
  const at = track(alice);
  const bt = track(bob);
  await connected(alice);
  await connected(bob);
  const s = await startChat(alice, at, bob, bt);
  const a1 = alice.sendMessage(s, 'hi bob');
  assert.equal((await a1.result).seq, 1);
  await bob.sendMessage(s, 'hi alice').result;
  await alice.sendMessage(s, 'coffee?').result;
  await until(bob, () => bt.seqs(s).length === 3, 'three messages at bob');
  await until(alice, () => at.seqs(s).length === 3, 'three messages at alice');
  assert.deepEqual(bt.texts(s), ['hi bob', 'hi alice', 'coffee?']);
  assert.deepEqual(at.seqs(s), [1, 2, 3]);
  assert.equal(bt.messages[0].clientId, a1.clientId, 'the outbox client id is the one stored');
  const err = await bob.request('chat.send', { session: s, clientId: 'x', text: '   ' }).catch((e) => e);
  assert.ok(err instanceof VicinityError);
  assert.equal(err.code, 'empty_message');
});

test('a network drop with messages in both directions: each delivered exactly once, in order', { skip }, async () => {
  const alice = client('drop-alice');
  const at = track(alice);
  await connected(alice);
  // Bob connects straight to the server, so only Alice's connection drops.
  const bob = newClient(`ws://127.0.0.1:${server.port}/ws`, 'drop-bob');
  clients.push(bob);
  const bt = track(bob);
  await connected(bob);
  const s = await startChat(alice, at, bob, bt);
  await alice.sendMessage(s, 'a1').result;
  await until(alice, () => at.seqs(s).length === 1, 'a1 back at alice');

  // Alice sends and the network drops right away: a2 may or may not have reached the server.
  alice.sendMessage(s, 'a2');
  proxy.cut();
  await until(alice, () => alice.state.status !== 'connected', 'alice sees the drop');
  await until(bob, () => bt.presence.some((p) => p.user === 'drop-alice' && p.state === 'away'), 'bob sees alice away');
  alice.sendMessage(s, 'a3'); // queued while reconnecting
  await bob.sendMessage(s, 'b1').result;
  await bob.sendMessage(s, 'b2').result;

  await until(alice, () => alice.state.status === 'connected', 'alice back');
  assert.equal(alice.state.resumed, true, 'resumed, not a fresh hello');
  await until(alice, () => at.seqs(s).length === 5 && alice.outbox().length === 0, 'alice has all five');
  await until(bob, () => bt.seqs(s).length === 5, 'bob has all five');
  assert.deepEqual(at.seqs(s), [1, 2, 3, 4, 5]);
  assert.deepEqual(bt.seqs(s), [1, 2, 3, 4, 5]);
  const texts = bt.texts(s);
  assert.deepEqual(texts.filter((x) => x.startsWith('a')), ['a1', 'a2', 'a3'], 'alice\'s messages once each, in her order');
  assert.deepEqual(texts.filter((x) => x.startsWith('b')), ['b1', 'b2']);
  assert.deepEqual(at.texts(s), texts, 'both see the same conversation');
});

test('a frozen socket is not shown as connected: no pong, so the client reconnects and resumes', { skip }, async () => {
  const alice = client('frozen-alice', { pongTimeoutMs: 1_500 });
  const at = track(alice);
  await connected(alice);
  const bob = newClient(`ws://127.0.0.1:${server.port}/ws`, 'frozen-bob');
  clients.push(bob);
  const bt = track(bob);
  await connected(bob);
  const s = await startChat(alice, at, bob, bt);
  proxy.freezeOpen();
  await bob.sendMessage(s, 'while frozen').result;
  await until(alice, () => alice.state.status === 'reconnecting', 'alice notices the silence', 10_000);
  assert.equal(alice.state.reason, 'pong_timeout');
  await until(alice, () => alice.state.status === 'connected', 'alice back');
  await until(alice, () => at.seqs(s).length === 1, 'the message sent while frozen');
  assert.deepEqual(at.texts(s), ['while frozen']);
});

test('rating: both rate after the chat ends; sealed, then revealed to both', { skip }, async () => {
  const alice = client('rate-alice');
  const bob = client('rate-bob');
  const at = track(alice);
  const bt = track(bob);
  await connected(alice);
  await connected(bob);
  const s = await startChat(alice, at, bob, bt);
  await alice.sendMessage(s, 'bye').result;
  const left = await alice.leave(s);
  assert.equal(left.state, 'ENDED');
  const first = await alice.submitRating({ session: s, ratee: 'rate-bob', stars: 5, tags: ['friendly'] });
  assert.deepEqual([first.state, first.replayed], ['SEALED', false]);
  const again = await alice.submitRating({ session: s, ratee: 'rate-bob', stars: 5, tags: ['friendly'] }).catch((e) => e);
  assert.equal(again.code, 'already_rated');
  const second = await bob.submitRating({ session: s, ratee: 'rate-alice', stars: 4 });
  assert.equal(second.state, 'REVEALED');
  await until(alice, () => at.ratings.some((r) => r.session === s), 'rating.revealed at alice');
  const mine = await alice.request('rating.session', { session: s });
  assert.deepEqual(mine.received.map((r) => [r.rater, r.stars, r.state]), [['rate-bob', 4, 'REVEALED']]);
});

schemaTest(test, assert, skip);
