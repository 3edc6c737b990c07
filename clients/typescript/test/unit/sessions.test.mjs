import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VicinityClient } from '../../dist/index.js';
import { FakeClock, FakeNetwork, answerHandshake, flush, record, session, message } from './fakes.mjs';

async function connected(extra = {}, welcome = {}) {
  const clock = new FakeClock();
  const net = new FakeNetwork();
  const client = new VicinityClient({
    url: 'ws://test/ws', token: 'demo:alice', device: 'd1', WebSocket: net.WebSocket, clock, random: () => 0.5, ...extra,
  });
  const log = record(client);
  client.connect();
  const { sock } = await answerHandshake(net, welcome);
  return { clock, net, client, log, sock };
}

const history = (sock, req, seqs, extra = {}) => sock.receive({
  type: 'ok', re: req.id, messages: seqs.map((q) => { const { type, ...m } = message(req.session, q); return m; }),
  top: seqs.length ? seqs.at(-1) : req.after, complete: true, ...extra,
});

test('messages are delivered once, in order: duplicates ignored, a gap filled from history', async () => {
  const { client, log, sock } = await connected();
  sock.receive(message('S', 1));
  sock.receive(message('S', 1));
  sock.receive(message('S', 2, 'bob', { replayed: true }));
  sock.receive(message('S', 5)); // 3 and 4 missing
  await flush();
  const req = sock.lastSent('chat.history');
  assert.deepEqual({ session: req.session, after: req.after }, { session: 'S', after: 2 });
  sock.receive(message('S', 6)); // arrives live while the fill is under way
  sock.receive(message('S', 4)); // and one of the missing ones, too
  history(sock, req, [3, 4, 5]);
  await flush();
  assert.deepEqual(log.message.map((m) => m.seq), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(log.message.map((m) => m.replayed), [false, true, true, true, true, false]);
  assert.equal(client.sessionState('S').lastSeq, 6);
});

test('chat.resync loads the session up to top in pages', async () => {
  const { log, sock } = await connected({ historyPageSize: 2 });
  sock.receive(message('S', 1));
  sock.receive({ type: 'chat.resync', session: 'S', top: 5 });
  await flush();
  let req = sock.lastSent('chat.history');
  assert.equal(req.limit, 2);
  history(sock, req, [2, 3], { top: 5 });
  await flush();
  req = sock.lastSent('chat.history');
  assert.equal(req.after, 3);
  history(sock, req, [4, 5], { top: 5 });
  await flush();
  assert.deepEqual(log.message.map((m) => m.seq), [1, 2, 3, 4, 5]);
  assert.equal(sock.sentOfType('chat.history').length, 2);
});

test('trimmed history: the lost range is reported as a gap, delivery goes on after it', async () => {
  const { log, sock } = await connected();
  sock.receive(message('S', 1));
  sock.receive(message('S', 9));
  await flush();
  const req = sock.lastSent('chat.history');
  sock.receive({ type: 'ok', re: req.id, messages: [7, 8].map((q) => { const { type, ...m } = message('S', q); return m; }), top: 9, complete: false, oldestRetained: 7 });
  await flush();
  assert.deepEqual(log.gap, [{ session: 'S', from: 2, to: 6 }]);
  assert.deepEqual(log.message.map((m) => m.seq), [1, 7, 8, 9]);
});

test('each session version is shown once, older versions are ignored', async () => {
  const { log, sock } = await connected({}, { chat: [{ ...session('S', 2), top: 0, lastRead: 0, unread: 0 }] });
  sock.receive({ type: 'chat.session', ...session('S', 2) });
  sock.receive({ type: 'chat.session', ...session('S', 1, 'INVITED') });
  sock.receive({ type: 'chat.session', ...session('S', 3, 'ENDED', { endReason: 'left' }) });
  assert.deepEqual(log.session.map((s) => [s.version, s.state]), [[2, 'ACTIVE'], [3, 'ENDED']]);
});

test('the answer to an own action updates the session like its push (same version once)', async () => {
  const { client, log, sock } = await connected();
  const p = client.invite(['bob']);
  await flush();
  sock.receive({ type: 'ok', re: sock.lastSent('chat.invite').id, ...session('S', 1, 'INVITED') });
  const answer = await p;
  assert.equal(answer.session, 'S');
  sock.receive({ type: 'chat.session', ...session('S', 1, 'INVITED') });
  assert.deepEqual(log.session.map((s) => s.version), [1]);
});

test('resume: sends the last seq per session; replays are deduped; chat.resumed updates state, reloads or removes', async () => {
  const { clock, net, client, log, sock } = await connected({}, { chat: [{ ...session('S', 2), top: 4, lastRead: 4, unread: 0 }, { ...session('U', 1), top: 0, lastRead: 0, unread: 0 }] });
  sock.receive(message('S', 5));
  sock.receive({ type: 'chat.session', ...session('T', 1) });
  sock.drop(4001, 'heartbeat_timeout');
  await clock.advance(client.state.retryInMs);
  const { sock: s2, handshake } = await answerHandshake(net, { token: 'T2' });
  assert.equal(handshake.type, 'resume');
  assert.deepEqual(handshake.chat.sessions, { S: 5, U: 0, T: 0 });
  s2.receive(message('S', 5, 'bob', { replayed: true }));
  s2.receive(message('S', 6, 'bob', { replayed: true }));
  s2.receive({ type: 'chat.resumed', ...session('S', 3, 'ENDED', { endReason: 'peer_gone' }), recovered: true, top: 6, replayed: 2 });
  s2.receive({ type: 'chat.resumed', ...session('T', 1), recovered: false, top: 300, reason: 'too_many_missed' });
  s2.receive({ type: 'chat.resumed', session: 'U', recovered: false, code: 'not_participant' });
  await flush();
  assert.deepEqual(log.message.map((m) => [m.session, m.seq]), [['S', 5], ['S', 6]]);
  assert.deepEqual(log.session.at(-2), { session: 'S', ...session('S', 3, 'ENDED', { endReason: 'peer_gone' }) });
  assert.deepEqual(log.session.at(-1), { session: 'U', gone: 'not_participant' });
  const req = s2.lastSent('chat.history');
  assert.deepEqual({ session: req.session, after: req.after }, { session: 'T', after: 0 });
  assert.equal(client.sessionState('U'), undefined);
});

test('pushes become typed events', async () => {
  const { log, sock } = await connected();
  sock.receive({ type: 'chat.typing', session: 'S', user: 'bob', until: 5 });
  sock.receive({ type: 'chat.read', session: 'S', user: 'bob', seq: 3 });
  sock.receive({ type: 'chat.presence', session: 'S', user: 'bob', state: 'away' });
  sock.receive({ type: 'rating.revealed', session: 'S', rater: 'bob', ratee: 'alice' });
  sock.receive({ type: 'some.future.push', x: 1 });
  assert.equal(log.typing[0].user, 'bob');
  assert.equal(log.read[0].seq, 3);
  assert.equal(log.presence[0].state, 'away');
  assert.equal(log.rating[0].rater, 'bob');
  assert.equal(log.error.length, 0);
});

test('an empty history page ends the fill instead of asking again forever', async () => {
  const { log, sock } = await connected();
  sock.receive(message('S', 1));
  sock.receive(message('S', 4));
  await flush();
  const req = sock.lastSent('chat.history');
  sock.receive({ type: 'ok', re: req.id, messages: [], top: 4, complete: true });
  await flush();
  assert.equal(sock.sentOfType('chat.history').length, 1);
  assert.deepEqual(log.message.map((m) => m.seq), [1]);
  // the next live message after the gap asks again
  sock.receive(message('S', 5));
  await flush();
  assert.equal(sock.sentOfType('chat.history').length, 2);
});

test('chat.resumed not_joined with a session shape (an invitee) updates the session instead of removing it', async () => {
  const invited = session('S', 1, 'INVITED', {
    participants: [{ user: 'alice', state: 'INVITED', lastRead: 0 }, { user: 'bob', state: 'JOINED', lastRead: 0 }],
  });
  const { clock, net, client, log, sock } = await connected({}, { chat: [{ ...invited, top: 0, lastRead: 0, unread: 0 }] });
  sock.drop(1006);
  await clock.advance(client.state.retryInMs);
  const { sock: s2 } = await answerHandshake(net, { token: 'T2' });
  s2.receive({ type: 'chat.resumed', ...session('S', 2, 'INVITED', { participants: invited.participants }), recovered: false, code: 'not_joined' });
  await flush();
  assert.equal(log.session.filter((s) => s.gone).length, 0, 'the invite is not gone');
  assert.equal(log.session.at(-1).version, 2);
  assert.notEqual(client.sessionState('S'), undefined);
});

test('a resumed session named in the resume is replayed by the server: no history fill from the resumed answer', async () => {
  const { clock, net, client, sock } = await connected({}, { chat: [{ ...session('S', 1), top: 2, lastRead: 2, unread: 0 }] });
  sock.drop(1006);
  await clock.advance(client.state.retryInMs);
  const { sock: s2 } = await answerHandshake(net, { token: 'T2', chat: [{ ...session('S', 1), top: 5, lastRead: 2, unread: 3 }] });
  await flush();
  assert.equal(s2.sentOfType('chat.history').length, 0, 'the replay brings 3..5');
  s2.receive(message('S', 3, 'bob', { replayed: true }));
  s2.receive(message('S', 4, 'bob', { replayed: true }));
  s2.receive(message('S', 5, 'bob', { replayed: true }));
  assert.equal(client.sessionState('S').lastSeq, 5);
});
