// Two example servers on the shared PostgreSQL/PostGIS + Redis backend (one schema, key prefix and
// cursor secret per run). Alice reaches them through a TCP proxy: the network drops, the proxy then
// leads to the other node, and her client resumes there.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cleanShared, connected, jarProblem, missing, newClient, runId, serversProblem, sharedBackendArgs, startChat,
  schemaTest, startProxy, startServer, track, until,
} from './harness.mjs';

const skip = missing('two-node integration test', jarProblem() ?? (await serversProblem())) ?? false;
const run = runId();
let a;
let b;
let proxy;
const clients = [];

before(async () => {
  if (skip) return;
  [a, b] = await Promise.all([
    startServer([...sharedBackendArgs(run, `a-${run}`), '--lease-ttl', '3s']),
    startServer([...sharedBackendArgs(run, `b-${run}`), '--lease-ttl', '3s']),
  ]);
  proxy = await startProxy(a.port);
});

after(async () => {
  clients.forEach((c) => c.close());
  await proxy?.close();
  await Promise.all([a?.stop(), b?.stop()]);
  if (!skip) cleanShared(run);
});

test('a client dropped from node A resumes on node B: messages both ways exactly once, in order', { skip }, async () => {
  const alice = newClient(proxy.url, 'alice');
  const bob = newClient(`ws://127.0.0.1:${b.port}/ws`, 'bob');
  clients.push(alice, bob);
  const at = track(alice);
  const bt = track(bob);
  await connected(alice);
  await connected(bob);
  const s = await startChat(alice, at, bob, bt); // the invite and the accept cross nodes over Redis
  await alice.sendMessage(s, 'a1').result;
  await bob.sendMessage(s, 'b1').result;
  await until(alice, () => at.seqs(s).length === 2, 'two messages at alice');
  const connectionOnA = alice.connectionInfo.connection;

  proxy.setTarget(b.port);
  alice.sendMessage(s, 'a2'); // may or may not reach node A before the cut
  proxy.cut();
  await until(alice, () => alice.state.status !== 'connected', 'alice sees the drop');
  alice.sendMessage(s, 'a3');
  await bob.sendMessage(s, 'b2').result;

  await until(alice, () => alice.state.status === 'connected', 'alice back, on node B');
  assert.equal(alice.state.resumed, true, 'the resume token of node A is accepted by node B');
  assert.notEqual(alice.connectionInfo.connection, connectionOnA, 're-attached under a connection id of node B');
  await until(alice, () => at.seqs(s).length === 5 && alice.outbox().length === 0, 'alice has all five');
  await until(bob, () => bt.seqs(s).length === 5, 'bob has all five');
  assert.deepEqual(at.seqs(s), [1, 2, 3, 4, 5]);
  assert.deepEqual(bt.seqs(s), [1, 2, 3, 4, 5]);
  assert.deepEqual(bt.texts(s).filter((x) => x.startsWith('a')), ['a1', 'a2', 'a3']);
  assert.deepEqual(bt.texts(s).filter((x) => x.startsWith('b')), ['b1', 'b2']);
  assert.deepEqual(at.texts(s), bt.texts(s));
  const history = await bob.history(s, 0, 50);
  assert.deepEqual(history.messages.map((m) => m.text), bt.texts(s), 'stored once each');
});

schemaTest(test, assert, skip);
