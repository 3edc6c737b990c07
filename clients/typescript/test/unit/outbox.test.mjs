import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VicinityClient } from '../../dist/index.js';
import { FakeClock, FakeNetwork, answerHandshake, flush, record } from './fakes.mjs';

function setup(extra = {}) {
  const clock = new FakeClock();
  const net = new FakeNetwork();
  let n = 0;
  const client = new VicinityClient({
    url: 'ws://test/ws', token: 'demo:alice', device: 'd1', WebSocket: net.WebSocket, clock,
    random: () => 0.5, newId: () => `m-${++n}`, ...extra,
  });
  return { clock, net, client, log: record(client) };
}

const states = (log, clientId) => log.outbox.filter((e) => e.clientId === clientId).map((e) => e.state);

test('a message sent while offline is pending, then sent once connected', async () => {
  const { net, client, log } = setup();
  client.connect();
  const { clientId, result } = client.sendMessage('S', 'hi');
  assert.equal(clientId, 'm-1');
  assert.deepEqual(client.outbox().map((e) => e.state), ['pending']);
  const { sock } = await answerHandshake(net);
  const send = sock.lastSent('chat.send');
  assert.deepEqual({ ...send, id: undefined }, { type: 'chat.send', id: undefined, session: 'S', clientId: 'm-1', text: 'hi' });
  sock.receive({ type: 'ok', re: send.id, seq: 7, duplicate: false });
  assert.deepEqual(await result, { seq: 7, duplicate: false });
  assert.deepEqual(states(log, 'm-1'), ['pending', 'sending', 'acked']);
  assert.equal(log.outbox.at(-1).seq, 7);
  assert.deepEqual(client.outbox(), [], 'acked messages leave the outbox');
});

test('a drop while sending: the message is sent again with the same client id and acked once', async () => {
  const { clock, net, client, log } = setup();
  client.connect();
  const { sock } = await answerHandshake(net, { token: 'T1' });
  const { result } = client.sendMessage('S', 'hello');
  await flush();
  const first = sock.lastSent('chat.send');
  sock.drop(1006);
  await flush();
  assert.deepEqual(client.outbox().map((e) => e.state), ['pending']);
  await clock.advance(client.state.retryInMs);
  const { sock: sock2 } = await answerHandshake(net, { token: 'T2' });
  const second = sock2.lastSent('chat.send');
  assert.equal(second.clientId, first.clientId);
  assert.notEqual(second.id, first.id, 'a new request id, the same client id');
  sock2.receive({ type: 'ok', re: second.id, seq: 3, duplicate: true });
  assert.deepEqual(await result, { seq: 3, duplicate: true });
  assert.deepEqual(states(log, first.clientId), ['pending', 'sending', 'pending', 'sending', 'acked']);
  assert.equal(log.outbox.at(-1).attempts, 2);
});

test('rate_limited: waits retryAfterMs, then retries with the same client id', async () => {
  const { clock, net, client } = setup();
  client.connect();
  const { sock } = await answerHandshake(net);
  client.sendMessage('S', 'x');
  await flush();
  const first = sock.lastSent('chat.send');
  sock.receive({ type: 'error', re: first.id, code: 'rate_limited', message: 'slow', retryAfterMs: 1_500 });
  await clock.advance(1_499);
  assert.equal(sock.sentOfType('chat.send').length, 1);
  await clock.advance(1);
  assert.equal(sock.sentOfType('chat.send').length, 2);
  assert.equal(sock.lastSent('chat.send').clientId, first.clientId);
});

test('a request timeout retries with the same client id; the late answer of the first attempt is ignored', async () => {
  const { clock, net, client } = setup({ requestTimeoutMs: 2_000, pongTimeoutMs: 60_000 });
  client.connect();
  const { sock } = await answerHandshake(net, { heartbeatSeconds: 60 });
  const { result } = client.sendMessage('S', 'x');
  await flush();
  const first = sock.lastSent('chat.send');
  await clock.advance(2_000 + 1_000); // timeout, then a backoff step of at most 500 ms
  const second = sock.lastSent('chat.send');
  assert.notEqual(second.id, first.id);
  assert.equal(second.clientId, first.clientId);
  sock.receive({ type: 'ok', re: first.id, seq: 1, duplicate: false });
  sock.receive({ type: 'ok', re: second.id, seq: 1, duplicate: true });
  assert.deepEqual(await result, { seq: 1, duplicate: true });
});

test('a permanent refusal fails the message with the protocol code; retryMessage sends it again with its id', async () => {
  const { net, client, log } = setup();
  client.connect();
  const { sock } = await answerHandshake(net);
  const { clientId, result } = client.sendMessage('S', 'x');
  await flush();
  sock.receive({ type: 'error', re: sock.lastSent('chat.send').id, code: 'session_not_active', message: 'ended' });
  await assert.rejects(result, (e) => e.code === 'session_not_active' && e.requestType === 'chat.send');
  assert.equal(log.outbox.at(-1).state, 'failed');
  assert.equal(log.outbox.at(-1).error.code, 'session_not_active');
  assert.deepEqual(client.outbox().map((e) => e.state), ['failed']);
  assert.equal(client.retryMessage(clientId), true);
  await flush();
  assert.equal(sock.sentOfType('chat.send').length, 2);
  assert.equal(sock.lastSent('chat.send').clientId, clientId);
});

test('retryable errors give up after maxSendAttempts', async () => {
  const { clock, net, client } = setup({ maxSendAttempts: 3 });
  client.connect();
  const { sock } = await answerHandshake(net, { heartbeatSeconds: 600 });
  const { result } = client.sendMessage('S', 'x');
  for (let i = 0; i < 3; i++) {
    await flush();
    sock.receive({ type: 'error', re: sock.lastSent('chat.send').id, code: 'backend_unavailable', message: 'down' });
    await clock.advance(5_000);
  }
  await assert.rejects(result, (e) => e.code === 'backend_unavailable');
  assert.equal(sock.sentOfType('chat.send').length, 3);
});

test('one message in flight per session, in order; sessions do not wait for each other', async () => {
  const { net, client } = setup();
  client.connect();
  const { sock } = await answerHandshake(net);
  client.sendMessage('S', 'a');
  client.sendMessage('S', 'b');
  client.sendMessage('T', 'c');
  await flush();
  assert.deepEqual(sock.sentOfType('chat.send').map((f) => f.text), ['a', 'c']);
  sock.receive({ type: 'ok', re: sock.sentOfType('chat.send')[0].id, seq: 1, duplicate: false });
  await flush();
  assert.deepEqual(sock.sentOfType('chat.send').map((f) => f.text), ['a', 'c', 'b']);
});

test('close() keeps pending messages; connect() later sends them', async () => {
  const { net, client } = setup();
  client.connect();
  const { sock } = await answerHandshake(net);
  client.sendMessage('S', 'a');
  await flush();
  client.close();
  await flush();
  assert.deepEqual(client.outbox().map((e) => e.state), ['pending']);
  client.connect();
  const { sock: sock2, handshake } = await answerHandshake(net);
  assert.equal(handshake.type, 'hello', 'after bye no resume');
  assert.equal(sock2.lastSent('chat.send').clientId, sock.lastSent('chat.send').clientId);
});

test('discardMessage drops a failed or never-sent message, not one on the wire', async () => {
  const { net, client } = setup();
  const { clientId: queued } = client.sendMessage('S', 'never sent');
  assert.equal(client.discardMessage(queued), true);
  assert.deepEqual(client.outbox(), []);
  client.connect();
  const { sock } = await answerHandshake(net);
  const { clientId } = client.sendMessage('S', 'x');
  await flush();
  assert.equal(client.discardMessage(clientId), false, 'sending: it may be stored already');
  sock.receive({ type: 'error', re: sock.lastSent('chat.send').id, code: 'message_too_large', message: 'big' });
  await flush();
  assert.equal(client.discardMessage(clientId), true);
  assert.deepEqual(client.outbox(), []);
  assert.equal(sock.sentOfType('chat.send').length, 1);
});

test('our own message seen in the stream acks its outbox entry, even when the retry was refused because the chat ended', async () => {
  const { clock, net, client, log } = setup();
  client.connect();
  const { sock } = await answerHandshake(net, { token: 'T1' });
  const { clientId, result } = client.sendMessage('S', 'bye');
  await flush();
  sock.drop(1006); // stored by the server, but the ok was lost with the socket
  await clock.advance(client.state.retryInMs);
  const { sock: s2 } = await answerHandshake(net, { token: 'T2' });
  const retry = s2.lastSent('chat.send');
  assert.equal(retry.clientId, clientId);
  s2.receive({ type: 'error', re: retry.id, code: 'session_not_active', message: 'ended' });
  await flush();
  assert.equal(client.outbox()[0]?.state, 'failed');
  s2.receive({ type: 'chat.message', session: 'S', seq: 1, from: 'alice', clientId, text: 'bye', at: 1, replayed: true });
  await flush();
  assert.deepEqual(client.outbox(), [], 'acked: it was stored');
  assert.equal(log.outbox.at(-1).state, 'acked');
  assert.equal(log.outbox.at(-1).seq, 1);
  await assert.rejects(result, (e) => e.code === 'session_not_active', 'the promise had already settled as failed');
});

test('a message whose frame is larger than the server allows fails at once with frame_too_large, nothing sent', async () => {
  const { net, client } = setup();
  client.connect();
  const { sock } = await answerHandshake(net);
  const { result } = client.sendMessage('S', 'x'.repeat(20_000)); // LIMITS.maxFrameBytes is 16,384
  await assert.rejects(result, (e) => e.code === 'frame_too_large');
  assert.equal(sock.sentOfType('chat.send').length, 0);
  assert.equal(client.outbox()[0].state, 'failed');
  // Bytes are counted in UTF-8: 4,096 emoji are 16,384 bytes of text alone; 1,000 fit.
  const big = client.sendMessage('T', '😀'.repeat(4_096));
  await assert.rejects(big.result, (e) => e.code === 'frame_too_large');
  client.sendMessage('U', '😀'.repeat(1_000));
  await flush();
  assert.equal(sock.sentOfType('chat.send').length, 1);
});

test('discarding a message settles its promise', async () => {
  const { client } = setup();
  client.connect();
  const { clientId, result } = client.sendMessage('S', 'never mind');
  assert.equal(client.discardMessage(clientId), true);
  await assert.rejects(result, (e) => e.code === 'discarded');
  assert.deepEqual(client.outbox(), []);
});
