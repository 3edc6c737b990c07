// Test doubles: a scripted WebSocket and a clock whose time only moves when a test says so.

/** Lets promise callbacks and queued microtasks run (a real macrotask turn, not a time wait). */
export async function flush(rounds = 5) {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

/** Timers that fire only inside advance(); now() is virtual. */
export class FakeClock {
  constructor(start = 1_000_000) {
    this.t = start;
    this.timers = new Map();
    this.seq = 0;
  }
  now() {
    return this.t;
  }
  setTimeout(fn, ms) {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn, id });
    return id;
  }
  clearTimeout(id) {
    this.timers.delete(id);
  }
  /** Delays of the timers now pending, soonest first. */
  pending() {
    return [...this.timers.values()].map((t) => t.at - this.t).sort((a, b) => a - b);
  }
  /** Moves time forward by ms, firing due timers in order and letting promises settle after each. */
  async advance(ms) {
    const end = this.t + ms;
    await flush();
    for (;;) {
      let next = null;
      for (const t of this.timers.values()) {
        if (t.at <= end && (next === null || t.at < next.at || (t.at === next.at && t.id < next.id))) next = t;
      }
      if (!next) break;
      this.timers.delete(next.id);
      this.t = next.at;
      next.fn();
      await flush();
    }
    this.t = end;
    await flush();
  }
}

/** A fake network: every `new WebSocket(url)` the client makes is a FakeSocket kept in `sockets`. */
export class FakeNetwork {
  constructor() {
    this.sockets = [];
    const net = this;
    this.WebSocket = class {
      constructor(url) {
        return new FakeSocket(url, net);
      }
    };
  }
  get last() {
    return this.sockets[this.sockets.length - 1];
  }
}

export class FakeSocket {
  constructor(url, net) {
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    this.clientClose = null;
    this.onopen = this.onmessage = this.onclose = this.onerror = null;
    net.sockets.push(this);
  }
  send(text) {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(JSON.parse(text));
  }
  close(code, reason) {
    this.clientClose = { code, reason };
    this.readyState = 3;
  }
  // --- what the server side does
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(frame) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  /** The server (or the network) closes the socket. 1006 = no close frame. */
  drop(code = 1006, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  lastSent(type) {
    const list = type ? this.sent.filter((f) => f.type === type) : this.sent;
    return list[list.length - 1];
  }
  sentOfType(type) {
    return this.sent.filter((f) => f.type === type);
  }
}

export const LIMITS = {
  maxFrameBytes: 16384, framesPerSecond: 20, frameBurst: 40, maxConnectionsPerUser: 5, authTimeoutSeconds: 10,
  maxMessageLength: 4000, messageLengthUnit: 'codePoints', maxClientIdLength: 128, maxParticipants: 2,
  inviteTimeoutSeconds: 120, idleTimeoutSeconds: 1800, maxHistoryPage: 200, maxReplay: 200, maxPageText: 131072,
};

export function session(id, version, state = 'ACTIVE', extra = {}) {
  return {
    session: id, state, inviter: 'alice', version,
    participants: [{ user: 'alice', state: 'JOINED', lastRead: 0 }, { user: 'bob', state: 'JOINED', lastRead: 0 }],
    ...extra,
  };
}

export function message(s, seq, from = 'bob', extra = {}) {
  return { type: 'chat.message', session: s, seq, from, clientId: `${from}-${seq}`, text: `m${seq}`, at: 1, ...extra };
}

/** Opens the client's newest socket and answers its hello (or resume) with welcome (resumed). */
export async function answerHandshake(net, { token = 'T1', heartbeatSeconds = 10, chat = [], user = 'alice' } = {}) {
  const sock = net.last;
  if (sock.readyState === 0) sock.open();
  await flush();
  const hs = sock.sent.filter((f) => f.type === 'hello' || f.type === 'resume').pop();
  if (!hs) throw new Error('no handshake sent: ' + JSON.stringify(sock.sent));
  sock.receive({
    type: hs.type === 'hello' ? 'welcome' : 'resumed', re: hs.id, v: 1, connection: 'conn-1', user, device: 'd1',
    resume: token, resumeWindowSeconds: 120, heartbeatSeconds, limits: LIMITS, chat,
  });
  await flush();
  return { sock, handshake: hs };
}

/** Records every event of a client. */
export function record(client) {
  const log = { state: [], message: [], session: [], outbox: [], gap: [], error: [], typing: [], read: [], presence: [], rating: [] };
  for (const k of Object.keys(log)) client.on(k, (v) => log[k].push(v));
  return log;
}
