import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VicinityClient, CLOSE_CODES } from '../../dist/index.js';
import { FakeClock, FakeNetwork, answerHandshake, flush, record, session, message } from './fakes.mjs';

function setup(extra = {}) {
  const clock = new FakeClock();
  const net = new FakeNetwork();
  let n = 0;
  const client = new VicinityClient({
    url: 'ws://test/ws', token: 'demo:alice', device: 'd1', WebSocket: net.WebSocket, clock,
    random: () => 0.5, newId: () => `id-${++n}`, ...extra,
  });
  const log = record(client);
  return { clock, net, client, log };
}

test('connect sends hello with the token and device, then shows connected', async () => {
  const { net, client, log } = setup();
  client.connect();
  assert.equal(client.state.status, 'connecting');
  const { handshake } = await answerHandshake(net);
  assert.deepEqual({ ...handshake, id: undefined }, { type: 'hello', id: undefined, v: 1, token: 'demo:alice', device: 'd1' });
  assert.equal(client.state.status, 'connected');
  assert.equal(client.state.resumed, false);
  assert.equal(client.state.user, 'alice');
  assert.deepEqual(log.state.map((s) => s.status), ['connecting', 'connected']);
});

test('an async token function is asked before each hello', async () => {
  let asked = 0;
  const { net, client } = setup({ token: async () => `demo:t${++asked}` });
  client.connect();
  const { handshake } = await answerHandshake(net);
  assert.equal(handshake.token, 'demo:t1');
  net.last.drop(4101, 'resume_expired');
  assert.equal(client.state.status, 'reconnecting');
});

test('pings at the advertised interval; a missing pong drops the socket and resumes on a new one', async () => {
  const { clock, net, client, log } = setup();
  client.connect();
  const { sock } = await answerHandshake(net, { heartbeatSeconds: 5, token: 'T1' });
  await clock.advance(4_999);
  assert.equal(sock.sentOfType('ping').length, 0);
  await clock.advance(1);
  const ping = sock.lastSent('ping');
  assert.ok(ping, 'a ping after 5 s');
  sock.receive({ type: 'pong', re: ping.id });
  await clock.advance(5_000);
  assert.equal(sock.sentOfType('ping').length, 2);
  assert.equal(client.state.status, 'connected');
  // The socket freezes: nothing comes back, no close event either.
  await clock.advance(4_999);
  assert.equal(client.state.status, 'connected');
  await clock.advance(1);
  assert.equal(client.state.status, 'reconnecting', 'no pong within the timeout: not shown as connected');
  assert.equal(client.state.reason, 'pong_timeout');
  assert.equal(sock.clientClose.code, 4000, 'closed with a resumable code, never 1000');
  assert.equal(net.sockets.length, 1);
  await clock.advance(client.state.retryInMs);
  assert.equal(net.sockets.length, 2);
  const { handshake } = await answerHandshake(net, { token: 'T2' });
  assert.equal(handshake.type, 'resume');
  assert.equal(handshake.resume, 'T1');
  assert.equal(client.state.status, 'connected');
  assert.equal(client.state.resumed, true);
  // Late events of the abandoned socket change nothing.
  sock.drop(1006);
  sock.receive(message('S', 1));
  assert.equal(client.state.status, 'connected');
  assert.equal(log.message.length, 0);
});

test('pongTimeoutMs overrides the heartbeat interval as the dead-connection timeout', async () => {
  const { clock, net, client } = setup({ pongTimeoutMs: 1_000 });
  client.connect();
  await answerHandshake(net, { heartbeatSeconds: 10 });
  await clock.advance(10_000);
  await clock.advance(999);
  assert.equal(client.state.status, 'connected');
  await clock.advance(1);
  assert.equal(client.state.status, 'reconnecting');
});

test('reconnect delays grow exponentially with jitter inside [cap/2, cap] and reset after a handshake', async () => {
  const randoms = [0, 1, 0.5, 0, 1, 0.25, 0.999];
  let r = 0;
  const { clock, net, client } = setup({ random: () => randoms[r++ % randoms.length], reconnect: { initialDelayMs: 100, maxDelayMs: 1_000 } });
  client.connect();
  await answerHandshake(net);
  const delays = [];
  for (let i = 0; i < 7; i++) {
    net.last.drop(1006);
    delays.push(client.state.retryInMs);
    assert.equal(client.state.attempt, i + 1);
    await clock.advance(client.state.retryInMs);
    assert.equal(client.state.status, 'connecting');
    net.last.open();
    await flush();
  }
  // caps: 100, 200, 400, 800, 1000, 1000, 1000
  assert.deepEqual(delays, [50, 200, 300, 400, 1000, 625, 1000]);
  await answerHandshake(net);
  assert.equal(client.state.attempt, 0);
  net.last.drop(1006);
  assert.ok(client.state.retryInMs >= 50 && client.state.retryInMs <= 100, 'back to the first step');
});

test('a socket that never opens counts as a failed attempt after connectTimeoutMs', async () => {
  const { clock, net, client } = setup({ connectTimeoutMs: 3_000 });
  client.connect();
  await clock.advance(2_999);
  assert.equal(client.state.status, 'connecting');
  await clock.advance(1);
  assert.equal(client.state.status, 'reconnecting');
  assert.equal(client.state.reason, 'connect_timeout');
  assert.equal(net.sockets[0].clientClose.code, 4000);
});

for (const [status, { reason, action }] of Object.entries(CLOSE_CODES)) {
  test(`close ${status} ${reason}: ${action}`, async () => {
    const { clock, net, client } = setup();
    client.connect();
    await answerHandshake(net, { token: 'T1' });
    net.last.drop(Number(status), reason);
    if (action === 'stop') {
      assert.equal(client.state.status, 'stopped');
      assert.equal(client.state.reason, reason);
      assert.equal(client.state.closeCode, Number(status));
      await clock.advance(120_000);
      assert.equal(net.sockets.length, 1, 'no reconnect after a final close');
      return;
    }
    assert.equal(client.state.status, 'reconnecting');
    await clock.advance(client.state.retryInMs);
    net.last.open();
    await flush();
    assert.equal(net.last.sent[0].type, action === 'hello' ? 'hello' : 'resume');
  });
}

test('an abnormal close without a code from the table (1006) reconnects and resumes', async () => {
  const { clock, net, client } = setup();
  client.connect();
  await answerHandshake(net, { token: 'T9' });
  net.last.drop(1006);
  await clock.advance(client.state.retryInMs);
  net.last.open();
  await flush();
  assert.deepEqual(net.last.sent[0].resume, 'T9');
});

test('a resume token from an earlier page resumes first, and falls back to hello when it has expired', async () => {
  const { clock, net, client } = setup({ resume: 'OLD' });
  client.connect();
  net.last.open();
  await flush();
  const first = net.last.sent[0];
  assert.deepEqual({ type: first.type, resume: first.resume, chat: first.chat }, { type: 'resume', resume: 'OLD', chat: { sessions: {} } });
  net.last.receive({ type: 'error', re: first.id, code: 'resume_expired', message: 'expired' });
  await flush();
  await clock.advance(0);
  const { handshake } = await answerHandshake(net, { token: 'NEW' });
  assert.equal(handshake.type, 'hello');
  assert.equal(client.state.status, 'connected');
  assert.equal(client.connectionInfo.resume, 'NEW');
});

test('resume_expired: an immediate hello, then the missed messages are loaded from history', async () => {
  const { clock, net, client, log } = setup();
  client.connect();
  await answerHandshake(net, { token: 'T1', chat: [{ ...session('S', 2), top: 3, lastRead: 3, unread: 0 }] });
  net.last.receive(message('S', 4));
  assert.deepEqual(log.message.map((m) => m.seq), [4]);
  net.last.drop(1006);
  await clock.advance(client.state.retryInMs);
  net.last.open();
  await flush();
  const resume = net.last.sent[0];
  assert.deepEqual(resume.chat, { sessions: { S: 4 } }, 'the last sequence per session');
  net.last.receive({ type: 'error', re: resume.id, code: 'resume_expired', message: 'expired' });
  await flush();
  assert.equal(net.sockets.length, 2);
  await clock.advance(0);
  assert.equal(net.sockets.length, 3, 'reconnected at once');
  await answerHandshake(net, { token: 'T2', chat: [{ ...session('S', 3), top: 6, lastRead: 4, unread: 2 }] });
  const third = net.last;
  assert.equal(third.sent[0].type, 'hello');
  const h = third.lastSent('chat.history');
  assert.deepEqual({ session: h.session, after: h.after }, { session: 'S', after: 4 });
  third.receive({ type: 'ok', re: h.id, messages: [5, 6].map((q) => ({ ...message('S', q), type: undefined })), top: 6, complete: true });
  await flush();
  assert.deepEqual(log.message.map((m) => [m.seq, m.replayed]), [[4, false], [5, true], [6, true]]);
  assert.deepEqual(log.session.map((s) => s.version), [2, 3]);
});

for (const code of ['auth_failed', 'replaced', 'unsupported_version']) {
  test(`a handshake refused with ${code} stops`, async () => {
    const { clock, net, client, log } = setup();
    client.connect();
    net.last.open();
    await flush();
    net.last.receive({ type: 'error', re: net.last.sent[0].id, code, message: 'no' });
    await flush();
    assert.equal(client.state.status, 'stopped');
    assert.equal(client.state.reason, code);
    assert.equal(log.error[0].code, code);
    await clock.advance(60_000);
    assert.equal(net.sockets.length, 1);
  });
}

test('backend_unavailable / rate_limited on hello: the same socket retries the hello later', async () => {
  const { clock, net, client } = setup();
  client.connect();
  const sock = net.last;
  sock.open();
  await flush();
  sock.receive({ type: 'error', re: sock.sent[0].id, code: 'rate_limited', message: 'slow', retryAfterMs: 700 });
  await clock.advance(699);
  assert.equal(sock.sentOfType('hello').length, 1);
  await clock.advance(1);
  assert.equal(sock.sentOfType('hello').length, 2);
  sock.receive({ type: 'error', re: sock.sent[1].id, code: 'backend_unavailable', message: 'down' });
  await clock.advance(10_000);
  assert.ok(sock.sentOfType('hello').length >= 3);
  await answerHandshake(net);
  assert.equal(client.state.status, 'connected');
  assert.equal(net.sockets.length, 1);
});

test('close() sends bye, closes with 1000 and fails open requests with stopped', async () => {
  const { net, client } = setup();
  client.connect();
  const { sock } = await answerHandshake(net);
  const p = client.request('geo.nearby', { radius: 1000, limit: 10 });
  client.close();
  assert.equal(sock.lastSent().type, 'bye');
  assert.equal(sock.clientClose.code, 1000);
  assert.equal(client.state.status, 'stopped');
  assert.equal(client.state.reason, 'closed');
  await assert.rejects(p, (e) => e.code === 'stopped');
});

test('after a final close (replaced), connect() starts over with hello and reloads what was missed', async () => {
  const { net, client, log } = setup();
  client.connect();
  await answerHandshake(net, { token: 'T1', chat: [{ ...session('S', 1), top: 2, lastRead: 2, unread: 0 }] });
  net.last.drop(4200, 'replaced');
  assert.equal(client.state.status, 'stopped');
  client.connect();
  const { sock, handshake } = await answerHandshake(net, { token: 'T2', chat: [{ ...session('S', 1), top: 3, lastRead: 2, unread: 1 }] });
  assert.equal(handshake.type, 'hello');
  const h = sock.lastSent('chat.history');
  assert.equal(h.after, 2);
  sock.receive({ type: 'ok', re: h.id, messages: [{ ...message('S', 3), type: undefined }], top: 3, complete: true });
  await flush();
  assert.deepEqual(log.message.map((m) => m.seq), [3]);
});

test('any frame proves the socket alive: a ping refused as rate_limited or a pong late behind pushes does not drop it', async () => {
  const { clock, net, client } = setup();
  client.connect();
  const { sock } = await answerHandshake(net, { heartbeatSeconds: 5 });
  await clock.advance(5_000);
  const ping = sock.lastSent('ping');
  sock.receive({ type: 'error', re: ping.id, code: 'rate_limited', message: 'slow down', retryAfterMs: 50 });
  await clock.advance(5_000); // the refused ping's pong timeout (10 s) passes; the next ping goes out
  assert.equal(client.state.status, 'connected');
  const ping2 = sock.lastSent('ping');
  assert.notEqual(ping2.id, ping.id);
  sock.receive(message('S', 1)); // a replayed push arrives before the pong
  await clock.advance(5_001); // past the second ping's pong timeout (15 s)
  assert.equal(client.state.status, 'connected');
  assert.equal(net.sockets.length, 1);
});

test('internal_error answering the handshake is retried on the same socket, not a stop', async () => {
  const { clock, net, client } = setup();
  client.connect();
  const sock = net.last;
  sock.open();
  await flush();
  const hello = sock.lastSent('hello');
  sock.receive({ type: 'error', re: hello.id, code: 'internal_error', message: 'oops' });
  await flush();
  assert.equal(client.state.status, 'connecting');
  await clock.advance(1_000);
  assert.equal(sock.sentOfType('hello').length, 2);
  const { sock: same } = await answerHandshake(net);
  assert.equal(same, sock);
  assert.equal(client.state.status, 'connected');
});
