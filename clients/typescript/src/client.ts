import { Emitter } from './emitter.js';
import { VicinityError } from './errors.js';
import {
  CLOSE_CODES,
  type ChatHistoryOk,
  type ChatPresencePush,
  type ChatReadPush,
  type ChatResumedPush,
  type ChatTypingPush,
  type ErrorFrame,
  type Message,
  type RatingRevealedPush,
  type RatingSubmitOk,
  type RatingSubmitRequest,
  type Requests,
  type ResumedFrame,
  type ServerFrame,
  type Session,
  type SessionView,
  type WelcomeFrame,
} from './generated/protocol.js';
import { type Clock, randomId, systemClock, type WebSocketConstructor, type WebSocketLike } from './transport.js';

/** Request types an application sends through {@link VicinityClient.request}; the client sends the others itself. */
export type RequestType = Exclude<keyof Requests, 'hello' | 'resume' | 'ping' | 'bye'>;
/** The fields of a request, without `type` and `id` (the client sets them). */
export type RequestFields<T extends keyof Requests> = Omit<Requests[T]['request'], 'type' | 'id'>;
/** The `ok` frame answering a request. */
export type Answer<T extends keyof Requests> = Requests[T]['answer'];

/** What a UI shows about the connection. */
export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'stopped';

/**
 * The connection state, emitted as the `state` event on every change.
 * - `connecting`: a socket is opening or the handshake (`hello` / `resume`) is under way;
 * - `connected`: `welcome` or `resumed` arrived and pongs keep coming (`resumed` tells which);
 * - `reconnecting`: the socket dropped (or went silent); the next attempt starts in `retryInMs`;
 * - `stopped`: final, after {@link VicinityClient.close} (`reason: "closed"`) or a close code or
 *   handshake refusal the protocol says not to retry (`replaced`, `kicked`, `auth_failed`, …).
 */
export interface ConnectionState {
  readonly status: ConnectionStatus;
  /** Why the last socket ended (a close reason such as `transport_lost`, `pong_timeout`, or an error code). */
  readonly reason?: string;
  /** The WebSocket close status of the last socket, when it closed with one. */
  readonly closeCode?: number;
  /** Reconnect attempts since the last successful handshake (0 when connected). */
  readonly attempt: number;
  /** While `reconnecting`: milliseconds until the next attempt. */
  readonly retryInMs?: number;
  /** While `connected`: whether the connection was resumed (no state lost) rather than a fresh `hello`. */
  readonly resumed?: boolean;
  /** While `connected`: the authenticated user. */
  readonly user?: string;
}

/** A chat message as the client hands it to the application: once, in sequence order, per session. */
export interface ChatMessage extends Message {
  /** True when it came from history (a resume replay or a gap fill) rather than live. */
  readonly replayed: boolean;
}

/** A session's latest shape, or its removal when a resume reports it cannot be resumed by this user. */
export type SessionEvent = (Session & { readonly gone?: undefined }) | {
  readonly session: string;
  readonly gone: 'unknown_session' | 'not_participant' | 'not_joined';
};

/** Messages that can never be delivered: history no longer holds them (trimmed). The UI should say so. */
export interface GapEvent {
  readonly session: string;
  readonly from: number;
  readonly to: number;
}

/** Where a message of the outbox is: `pending` (waiting for a connection or a retry), `sending`, `acked` (stored with `seq`) or `failed`. */
export type OutboxState = 'pending' | 'sending' | 'acked' | 'failed';

/** A message the application sent, as the outbox holds it (a snapshot; the `outbox` event carries each change). */
export interface OutboxEntry {
  readonly clientId: string;
  readonly session: string;
  readonly text: string;
  readonly state: OutboxState;
  /** How many times it was put on the wire. */
  readonly attempts: number;
  /** The server's sequence, once acked. */
  readonly seq?: number;
  /** Once acked: true when an earlier attempt had already been stored (the retry stored nothing new). */
  readonly duplicate?: boolean;
  /** Once failed: why. */
  readonly error?: VicinityError;
}

/** The events of a {@link VicinityClient}. */
export interface ClientEvents {
  state: ConnectionState;
  message: ChatMessage;
  session: SessionEvent;
  typing: ChatTypingPush;
  read: ChatReadPush;
  presence: ChatPresencePush;
  rating: RatingRevealedPush;
  outbox: OutboxEntry;
  gap: GapEvent;
  /** Errors that belong to no request: an `error` frame with `re: null`, an unreadable frame, a throwing listener. */
  error: VicinityError | unknown;
}

/** Options of {@link VicinityClient}. */
export interface ClientOptions {
  /** The WebSocket URL, or a function called before each attempt (e.g. to pick another node). */
  url: string | (() => string);
  /** The host's credential for `hello`, or a function asked before each `hello` (may be async). */
  token: string | (() => string | Promise<string>);
  /** This installation's device id (`[A-Za-z0-9._:@+=-]{1,128}`); keep it stable across page loads. */
  device: string;
  /**
   * A resume token kept from an earlier connection (`connectionInfo.resume`, e.g. in `sessionStorage` across a
   * page reload): the first attempt sends `resume` with it instead of `hello`; when the server answers
   * `resume_expired`, the client says `hello` as usual. Ignored after the first handshake.
   */
  resume?: string;
  /** The WebSocket constructor; defaults to `globalThis.WebSocket`. */
  WebSocket?: WebSocketConstructor;
  /** Time source; defaults to the platform's timers. */
  clock?: Clock;
  /** Random numbers in [0, 1) for the backoff jitter; defaults to `Math.random`. */
  random?: () => number;
  /** New client message ids and idempotency keys; defaults to `crypto.randomUUID()`. */
  newId?: () => string;
  /** Reconnect delay before attempt n: a random value in [cap/2, cap], cap = min(maxDelayMs, initialDelayMs * 2^(n-1)). */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  /** Opening the socket plus the handshake must finish within this (default 10 000 ms), or the attempt counts as failed. */
  connectTimeoutMs?: number;
  /** A request without an answer after this fails with `timeout` (default 15 000 ms). */
  requestTimeoutMs?: number;
  /** A `ping` without a `pong` after this drops the connection (default: the advertised heartbeat interval). */
  pongTimeoutMs?: number;
  /** A message whose sends keep failing with retryable errors is `failed` after this many attempts (default 8; lost connections do not count). */
  maxSendAttempts?: number;
  /** Messages per `chat.history` page when filling gaps (default 200, capped by `limits.maxHistoryPage`). */
  historyPageSize?: number;
}

interface Pending {
  readonly id: string;
  readonly type: string;
  readonly frame: Record<string, unknown>;
  readonly resolve: (frame: any) => void;
  readonly reject: (error: VicinityError) => void;
  timer: unknown;
  sent: boolean;
}

interface SessionState {
  readonly id: string;
  lastSeq: number;
  version: number;
  shape: Session | undefined;
  readonly buffer: Map<number, Message & { replayed?: true }>;
  filling: boolean;
  fillTarget: number;
}

interface Outgoing {
  readonly clientId: string;
  readonly session: string;
  readonly text: string;
  state: OutboxState;
  attempts: number;
  failures: number;
  notBefore: number;
  seq?: number;
  duplicate?: boolean;
  error?: VicinityError;
  readonly settle: { resolve: (r: { seq: number; duplicate: boolean }) => void; reject: (e: VicinityError) => void };
}

const OPEN = 1;
const SESSION_KEYS = ['session', 'state', 'endReason', 'inviter', 'version', 'participants', 'timeoutAt'] as const;
const SENDABLE_RETRY = new Set(['rate_limited', 'backend_unavailable', 'internal_error', 'timeout', 'connection_lost']);
const HANDSHAKE_RETRY = new Set(['backend_unavailable', 'rate_limited', 'auth_pending', 'internal_error']);

/**
 * A client of the Vicinity WebSocket protocol (docs/protocol.md, docs/clients.md).
 *
 * It keeps one logical connection alive across sockets: `hello`, then on every drop a reconnect with
 * exponential backoff and jitter and a `resume` with the last sequence of every session (a fresh
 * `hello` after `resume_expired`, with the missed range loaded from history); it stops on the
 * protocol's final close codes. It pings at the interval `welcome` announces and treats a missing
 * `pong` as a dropped socket. Messages go through an outbox: each gets a client id once, is retried
 * with that id across reconnects (the server stores a client id once) and ends `acked` with its
 * sequence or `failed`. Each session's messages reach the `message` listeners once and in order (by
 * sequence, gaps filled from history); `session` listeners see each session version once.
 *
 * Not thread-safe in any sense that matters to JavaScript: use it from one event loop.
 */
export class VicinityClient {
  private readonly opts: ClientOptions;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly newId: () => string;
  private readonly WS: WebSocketConstructor;
  private readonly events: Emitter<ClientEvents>;

  private current: ConnectionState = { status: 'idle', attempt: 0 };
  private ws: WebSocketLike | null = null;
  private generation = 0;
  private resumeToken: string | null = null;
  private hadConnection = false;
  private attempt = 0;
  private requestCounter = 0;
  private handshakeId: string | null = null;
  /** Sessions named in the last resume frame: the server replays them (chat.resumed), so no history fill. */
  private namedInResume = new Set<string>();
  private info: WelcomeFrame | ResumedFrame | null = null;
  private heartbeatMs = 10_000;

  private readonly pending = new Map<string, Pending>();
  private readonly sessionStates = new Map<string, SessionState>();
  private readonly outgoing: Outgoing[] = [];

  private reconnectTimer: unknown = null;
  private connectTimer: unknown = null;
  private heartbeatTimer: unknown = null;
  private pongTimer: unknown = null;
  private pumpTimer: unknown = null;
  private pumpAt = Infinity;

  constructor(options: ClientOptions) {
    this.opts = options;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.newId = options.newId ?? randomId;
    const ws = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!ws) {
      throw new TypeError('no WebSocket: pass options.WebSocket (Node 20: run with --experimental-websocket, or use the ws package)');
    }
    this.WS = ws;
    this.resumeToken = options.resume ?? null;
    // A throwing listener is reported as an `error` event; one thrown by an `error` listener is dropped (no loop).
    this.events = new Emitter<ClientEvents>((e, event) => {
      if (event !== 'error') this.events.emit('error', e);
    });
  }

  // ---------------------------------------------------------------- public API

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof ClientEvents>(event: K, listener: (value: ClientEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  /** The current connection state. */
  get state(): ConnectionState {
    return this.current;
  }

  /** The last `welcome` or `resumed` (limits, user, heartbeat), or null before the first handshake. */
  get connectionInfo(): WelcomeFrame | ResumedFrame | null {
    return this.info;
  }

  /** Starts connecting (no-op unless idle or stopped). */
  connect(): void {
    if (this.current.status !== 'idle' && this.current.status !== 'stopped') return;
    this.attempt = 0;
    this.openSocket();
  }

  /**
   * Closes for good: sends `bye` when connected, closes the socket with 1000 and stops. Requests not yet
   * answered fail with `stopped`; the outbox keeps its pending messages (a later {@link connect} sends them).
   */
  close(): void {
    if (this.current.status === 'stopped' || this.current.status === 'idle') {
      this.setState({ status: 'stopped', reason: 'closed', attempt: 0 });
      return;
    }
    const ws = this.ws;
    if (ws && this.current.status === 'connected') {
      try {
        ws.send(JSON.stringify({ type: 'bye', id: this.nextRequestId() }));
      } catch {
        // the socket is going away anyway
      }
    }
    this.resumeToken = null;
    this.stop('closed', undefined, 1000);
  }

  /**
   * Sends a request and resolves with its `ok` answer; rejects with a {@link VicinityError} carrying the
   * protocol code (and `retryAfterMs` on `rate_limited`). While not connected, the request waits for the
   * connection (within its timeout). A request already on the wire when the socket drops fails with
   * `connection_lost`: it may or may not have been processed.
   */
  request<T extends RequestType>(type: T, fields: RequestFields<T>, options?: { timeoutMs?: number }): Promise<Answer<T>> {
    return new Promise<Answer<T>>((resolve, reject) => {
      if (this.current.status === 'stopped' || this.current.status === 'idle') {
        reject(new VicinityError('stopped', 'the client is not connecting (call connect())', undefined, type));
        return;
      }
      const id = this.nextRequestId();
      const frame = { ...(fields as object), type, id } as Record<string, unknown>;
      const p: Pending = { id, type, frame, resolve, reject, timer: null, sent: false };
      p.timer = this.clock.setTimeout(() => {
        if (this.pending.get(id) === p) {
          this.pending.delete(id);
          reject(new VicinityError('timeout', `no answer to ${type} within the timeout`, undefined, type));
        }
      }, options?.timeoutMs ?? this.opts.requestTimeoutMs ?? 15_000);
      this.pending.set(id, p);
      if (this.current.status === 'connected') this.transmit(p);
    });
  }

  /**
   * Queues a chat message in the outbox and returns its client id at once (render it as pending) and a
   * promise of its sequence. It is sent when connected, in order per session, and retried with the same
   * client id after drops, timeouts, rate limits and outages, so it is stored exactly once.
   */
  sendMessage(session: string, text: string, options?: { clientId?: string }): { clientId: string; result: Promise<{ seq: number; duplicate: boolean }> } {
    const clientId = options?.clientId ?? this.newId();
    let settle!: Outgoing['settle'];
    const result = new Promise<{ seq: number; duplicate: boolean }>((resolve, reject) => {
      settle = { resolve, reject };
    });
    result.catch(() => undefined); // a failure is also reported through the outbox event
    const entry: Outgoing = { clientId, session, text, state: 'pending', attempts: 0, failures: 0, notBefore: 0, settle };
    this.outgoing.push(entry);
    this.emitOutbox(entry);
    this.pump();
    return { clientId, result };
  }

  /** Puts a `failed` message back in the queue with the same client id. Returns false if unknown or not failed. */
  retryMessage(clientId: string): boolean {
    const e = this.outgoing.find((o) => o.clientId === clientId);
    if (!e || e.state !== 'failed') return false;
    e.state = 'pending';
    e.failures = 0;
    e.notBefore = 0;
    delete e.error;
    this.emitOutbox(e);
    this.pump();
    return true;
  }

  /** Removes a `failed` or `pending` (never sent) message from the outbox. */
  discardMessage(clientId: string): boolean {
    const i = this.outgoing.findIndex((o) => o.clientId === clientId && (o.state === 'failed' || (o.state === 'pending' && o.attempts === 0)));
    if (i < 0) return false;
    const [o] = this.outgoing.splice(i, 1);
    o.settle.reject(new VicinityError('discarded', 'the message was discarded before it was sent', undefined, 'chat.send'));
    return true;
  }

  /** The messages not yet acked (pending, sending, failed), oldest first. */
  outbox(): OutboxEntry[] {
    return this.outgoing.map((o) => this.snapshot(o));
  }

  /** What the client knows of a session: the last sequence delivered and the latest shape. */
  sessionState(session: string): { lastSeq: number; session: Session | undefined } | undefined {
    const s = this.sessionStates.get(session);
    return s && { lastSeq: s.lastSeq, session: s.shape };
  }

  /** Reports where the user is (`geo.location`). */
  updateLocation(fields: RequestFields<'geo.location'>): Promise<Answer<'geo.location'>> {
    return this.request('geo.location', fields);
  }

  /** One page of nearby users (`geo.nearby`). */
  nearby(fields: RequestFields<'geo.nearby'>): Promise<Answer<'geo.nearby'>> {
    return this.request('geo.nearby', fields);
  }

  /** Invites users to a new chat; resolves with the session shape. */
  invite(to: string[]): Promise<Answer<'chat.invite'>> {
    return this.request('chat.invite', { to });
  }

  accept(session: string): Promise<Answer<'chat.accept'>> {
    return this.request('chat.accept', { session });
  }

  decline(session: string): Promise<Answer<'chat.decline'>> {
    return this.request('chat.decline', { session });
  }

  leave(session: string): Promise<Answer<'chat.leave'>> {
    return this.request('chat.leave', { session });
  }

  /** Marks the session read up to `seq`. */
  markRead(session: string, seq: number): Promise<Answer<'chat.read'>> {
    return this.request('chat.read', { session, seq });
  }

  /** Tells the others this user is typing (throttled by the server: `sent: false`). */
  typing(session: string): Promise<Answer<'chat.typing'>> {
    return this.request('chat.typing', { session });
  }

  /** One page of a session's history (it does not go through the `message` event). */
  history(session: string, after: number, limit = 50): Promise<Answer<'chat.history'>> {
    return this.request('chat.history', { session, after, limit });
  }

  /**
   * Rates a participant of an ended session. The submit carries an idempotency key (given, or made
   * once here) and is retried with it after lost connections, timeouts and rate limits, so it counts
   * once; the answer says `replayed: true` when an earlier attempt had already been stored.
   */
  async submitRating(fields: Omit<RequestFields<'rating.submit'>, 'idempotencyKey'> & { idempotencyKey?: string }, maxAttempts = 5): Promise<RatingSubmitOk> {
    const body: RequestFields<'rating.submit'> = { ...fields, idempotencyKey: fields.idempotencyKey ?? this.newId() } as Omit<RatingSubmitRequest, 'type' | 'id'>;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.request('rating.submit', body);
      } catch (e) {
        if (!(e instanceof VicinityError) || !e.retryable || attempt >= maxAttempts) throw e;
        await this.sleep(e.retryAfterMs ?? this.backoffDelay(attempt));
      }
    }
  }

  // ---------------------------------------------------------------- connection

  private nextRequestId(): string {
    return 'c' + (++this.requestCounter).toString(36);
  }

  private setState(state: ConnectionState): void {
    this.current = state;
    this.events.emit('state', state);
  }

  private url(): string {
    return typeof this.opts.url === 'function' ? this.opts.url() : this.opts.url;
  }

  private openSocket(): void {
    const gen = ++this.generation;
    this.setState({ status: 'connecting', attempt: this.attempt });
    let ws: WebSocketLike;
    try {
      ws = new this.WS(this.url());
    } catch (e) {
      this.events.emit('error', e);
      this.dropped(gen, 'connect_failed', undefined);
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      if (gen === this.generation) void this.handshake(gen);
    };
    ws.onmessage = (ev: { data: unknown }) => {
      if (gen === this.generation) this.onFrame(ev.data);
    };
    ws.onclose = (ev: { code?: number; reason?: string }) => {
      if (gen === this.generation) this.dropped(gen, ev.reason || CLOSE_CODES[ev.code ?? 0]?.reason || 'closed', ev.code);
    };
    ws.onerror = () => {
      // onclose follows; nothing to do here
    };
    this.armConnectTimer(gen);
  }

  /** Opening the socket, and each handshake attempt, must be answered within connectTimeoutMs. */
  private armConnectTimer(gen: number): void {
    this.clock.clearTimeout(this.connectTimer);
    this.connectTimer = this.clock.setTimeout(() => {
      if (gen === this.generation && this.current.status === 'connecting') this.abandon(gen, 'connect_timeout');
    }, this.opts.connectTimeoutMs ?? 10_000);
  }

  private async handshake(gen: number): Promise<void> {
    const id = this.nextRequestId();
    let frame: Record<string, unknown>;
    if (this.resumeToken !== null) {
      const sessions: Record<string, number> = {};
      const states = [...this.sessionStates.values()].sort((a, b) => rank(a) - rank(b)).slice(0, 100);
      for (const s of states) sessions[s.id] = s.lastSeq;
      this.namedInResume = new Set(Object.keys(sessions));
      frame = { type: 'resume', id, v: 1, resume: this.resumeToken, chat: { sessions } };
    } else {
      let token: string;
      try {
        token = typeof this.opts.token === 'function' ? await this.opts.token() : this.opts.token;
      } catch (e) {
        if (gen !== this.generation) return;
        this.events.emit('error', e);
        this.abandon(gen, 'token_unavailable');
        return;
      }
      if (gen !== this.generation) return;
      frame = { type: 'hello', id, v: 1, token, device: this.opts.device };
    }
    this.handshakeId = id;
    this.armConnectTimer(gen);
    this.rawSend(frame);
  }

  private onHandshakeAnswer(frame: WelcomeFrame | ResumedFrame | ErrorFrame): void {
    const gen = this.generation;
    this.handshakeId = null;
    if (frame.type === 'error') {
      const code = frame.code;
      if (code === 'resume_expired') {
        // The server closes with 4101 next; do not wait for it: a fresh hello, then reload from history.
        this.resumeToken = null;
        this.abandon(gen, 'resume_expired', 4101, true);
      } else if (HANDSHAKE_RETRY.has(code)) {
        const delay = frame.retryAfterMs ?? this.backoffDelay(Math.max(1, this.attempt));
        this.clock.clearTimeout(this.connectTimer); // re-armed when the handshake is sent again
        this.clock.setTimeout(() => {
          if (gen === this.generation && this.current.status === 'connecting') void this.handshake(gen);
        }, delay);
      } else {
        this.stop(code, VicinityError.fromFrame(frame, 'handshake'));
      }
      return;
    }
    this.clock.clearTimeout(this.connectTimer);
    const resumed = frame.type === 'resumed';
    const freshAfterLoss = !resumed && this.hadConnection;
    this.info = frame;
    this.resumeToken = frame.resume;
    this.hadConnection = true;
    this.attempt = 0;
    this.heartbeatMs = Math.max(1, frame.heartbeatSeconds) * 1000;
    this.setState({ status: 'connected', attempt: 0, resumed, user: frame.user });
    this.scheduleHeartbeat(gen);
    const listed = new Set<string>();
    for (const view of frame.chat ?? []) {
      listed.add(view.session);
      this.applyView(view, resumed && this.namedInResume.has(view.session));
    }
    if (freshAfterLoss) {
      // A new connection after a lost one (resume refused): load what was missed in the sessions we
      // know but the welcome did not list (ended meanwhile); listed ones were filled by applyView.
      for (const s of this.sessionStates.values()) {
        if (!listed.has(s.id)) void this.fill(s, s.lastSeq + 1, true);
      }
    }
    for (const p of this.pending.values()) {
      if (!p.sent) this.transmit(p);
    }
    this.pump();
  }

  private scheduleHeartbeat(gen: number): void {
    this.clock.clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = this.clock.setTimeout(() => {
      if (gen !== this.generation || this.current.status !== 'connected') return;
      this.rawSend({ type: 'ping', id: this.nextRequestId() });
      if (this.pongTimer === null) {
        this.pongTimer = this.clock.setTimeout(() => {
          this.pongTimer = null;
          if (gen === this.generation) this.abandon(gen, 'pong_timeout');
        }, this.opts.pongTimeoutMs ?? this.heartbeatMs);
      }
      this.scheduleHeartbeat(gen);
    }, this.heartbeatMs);
  }

  /** Gives up the current socket without waiting for its close (it may be frozen), then reconnects. */
  private abandon(gen: number, reason: string, closeCode?: number, immediately = false): void {
    const ws = this.ws;
    this.generation++; // events of the abandoned socket are ignored from now on
    if (ws) {
      try {
        ws.close(4000, 'transport_lost'); // not 1000: the server keeps the connection resumable
      } catch {
        // already closing
      }
    }
    this.dropped(gen, reason, closeCode, immediately);
  }

  private dropped(gen: number, reason: string, closeCode: number | undefined, immediately = false): void {
    this.clearSocketTimers();
    this.ws = null;
    this.handshakeId = null;
    if (gen === this.generation) this.generation++;
    this.failInFlight();
    const action = closeCode === undefined ? 'resume' : CLOSE_CODES[closeCode]?.action ?? 'resume';
    if (action === 'stop') {
      this.stop(reason, undefined, closeCode);
      return;
    }
    if (action === 'hello') this.resumeToken = null;
    this.attempt++;
    const delay = immediately ? 0 : this.backoffDelay(this.attempt);
    this.setState({ status: 'reconnecting', reason, closeCode, attempt: this.attempt, retryInMs: delay });
    this.reconnectTimer = this.clock.setTimeout(() => {
      this.reconnectTimer = null;
      if (this.current.status === 'reconnecting') this.openSocket();
    }, delay);
  }

  private backoffDelay(attempt: number): number {
    const initial = this.opts.reconnect?.initialDelayMs ?? 500;
    const max = this.opts.reconnect?.maxDelayMs ?? 30_000;
    const cap = Math.min(max, initial * 2 ** Math.min(30, attempt - 1));
    return Math.round(cap / 2 + this.random() * (cap / 2));
  }

  private stop(reason: string, error?: VicinityError, closeCode?: number): void {
    const ws = this.ws;
    this.generation++;
    this.resumeToken = null; // a stopped connection is over on the server too: a later connect() says hello
    this.ws = null;
    this.clearSocketTimers();
    this.clock.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    if (ws) {
      try {
        ws.close(1000, 'normal');
      } catch {
        // already closed
      }
    }
    if (error) this.events.emit('error', error);
    for (const p of [...this.pending.values()]) {
      this.pending.delete(p.id);
      this.clock.clearTimeout(p.timer);
      p.reject(new VicinityError('stopped', `stopped (${reason}) before ${p.type} was answered`, undefined, p.type));
    }
    for (const o of this.outgoing) {
      if (o.state === 'sending') o.state = 'pending';
    }
    this.setState({ status: 'stopped', reason, closeCode, attempt: this.attempt });
  }

  private clearSocketTimers(): void {
    for (const t of [this.connectTimer, this.heartbeatTimer, this.pongTimer]) this.clock.clearTimeout(t);
    this.connectTimer = this.heartbeatTimer = this.pongTimer = null;
  }

  /** Requests on the wire of a lost socket: fail them (the outbox's own are requeued by their handlers). */
  private failInFlight(): void {
    for (const p of [...this.pending.values()]) {
      if (!p.sent) continue;
      this.pending.delete(p.id);
      this.clock.clearTimeout(p.timer);
      p.reject(new VicinityError('connection_lost', `the connection dropped before ${p.type} was answered`, undefined, p.type));
    }
  }

  private rawSend(frame: Record<string, unknown>): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== OPEN) return false;
    try {
      ws.send(JSON.stringify(frame));
      return true;
    } catch (e) {
      this.events.emit('error', e);
      return false;
    }
  }

  private transmit(p: Pending): void {
    const max = this.info?.limits.maxFrameBytes;
    if (max !== undefined && utf8Length(JSON.stringify(p.frame)) > max) {
      // The server would answer frame_too_large without saying which request it was: refuse it here.
      this.pending.delete(p.id);
      this.clock.clearTimeout(p.timer);
      p.reject(new VicinityError('frame_too_large', `the ${p.type} frame is larger than the server's ${max} bytes`,
        undefined, p.type));
      return;
    }
    if (this.rawSend(p.frame)) p.sent = true;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.clock.setTimeout(resolve, ms));
  }

  // ---------------------------------------------------------------- inbound frames

  private onFrame(data: unknown): void {
    let frame: ServerFrame;
    try {
      frame = JSON.parse(String(data));
    } catch {
      this.events.emit('error', new VicinityError('malformed_frame', 'the server sent a frame that is not JSON'));
      return;
    }
    if (!frame || typeof frame !== 'object' || typeof frame.type !== 'string') return;
    // Any frame proves the socket alive (a pong may queue behind a replay, or a ping be refused as rate_limited).
    this.clock.clearTimeout(this.pongTimer);
    this.pongTimer = null;
    const re = (frame as { re?: unknown }).re;
    if (typeof re === 'string') {
      this.onAnswer(re, frame);
      return;
    }
    switch (frame.type) {
      case 'error':
        this.events.emit('error', VicinityError.fromFrame(frame));
        return;
      case 'chat.message':
        this.onMessage(frame);
        return;
      case 'chat.session':
        this.applySession(frame);
        return;
      case 'chat.resumed':
        this.onChatResumed(frame);
        return;
      case 'chat.resync': {
        const s = this.ensure(frame.session, 0);
        void this.fill(s, frame.top, true);
        return;
      }
      case 'chat.typing':
        this.events.emit('typing', frame);
        return;
      case 'chat.read':
        this.events.emit('read', frame);
        return;
      case 'chat.presence':
        this.events.emit('presence', frame);
        return;
      case 'rating.revealed':
        this.events.emit('rating', frame);
        return;
      default:
        return; // unknown pushes are ignored (forward compatibility)
    }
  }

  private onAnswer(re: string, frame: ServerFrame): void {
    if (re === this.handshakeId && (frame.type === 'welcome' || frame.type === 'resumed' || frame.type === 'error')) {
      this.onHandshakeAnswer(frame);
      return;
    }
    if (frame.type === 'pong') {
      this.clock.clearTimeout(this.pongTimer);
      this.pongTimer = null;
      return;
    }
    const p = this.pending.get(re);
    if (!p) return; // answer to a request that timed out or to bye
    this.pending.delete(re);
    this.clock.clearTimeout(p.timer);
    if (frame.type === 'error') {
      p.reject(VicinityError.fromFrame(frame, p.type));
      return;
    }
    if (p.type.startsWith('chat.') && isSessionShape(frame)) this.applySession(frame);
    p.resolve(frame);
  }

  // ---------------------------------------------------------------- sessions and messages

  private ensure(id: string, baseline: number): SessionState {
    let s = this.sessionStates.get(id);
    if (!s) {
      s = { id, lastSeq: baseline, version: 0, shape: undefined, buffer: new Map(), filling: false, fillTarget: 0 };
      this.sessionStates.set(id, s);
    }
    return s;
  }

  private applySession(frame: object): void {
    const shape = pickSession(frame);
    const s = this.ensure(shape.session, 0);
    if (shape.version <= s.version) return; // seen this version already
    s.version = shape.version;
    s.shape = shape;
    this.events.emit('session', shape);
  }

  /** A session listed by welcome/resumed: new ones start at their top (older messages: history()). */
  private applyView(view: SessionView, replayedByServer = false): void {
    const known = this.sessionStates.has(view.session);
    const s = this.ensure(view.session, view.top);
    this.applySession(view);
    // A session named in the resume is replayed by the server (chat.resumed tells if it could not be).
    if (known && !replayedByServer && view.top > s.lastSeq) void this.fill(s, view.top, true);
  }

  private onChatResumed(frame: ChatResumedPush): void {
    if (frame.code === 'not_joined' && isSessionShape(frame)) {
      // Still a participant (e.g. invited, or left an ended chat): not replayed, but not gone either.
      this.applySession(frame);
      return;
    }
    if (frame.code) {
      this.sessionStates.delete(frame.session);
      this.events.emit('session', { session: frame.session, gone: frame.code });
      return;
    }
    if (isSessionShape(frame)) this.applySession(frame);
    const s = this.ensure(frame.session, 0);
    if (!frame.recovered && frame.top !== undefined && frame.top > s.lastSeq) void this.fill(s, frame.top, true);
  }

  private onMessage(m: Message & { replayed?: true }): void {
    const s = this.ensure(m.session, 0);
    if (m.seq <= s.lastSeq || s.buffer.has(m.seq)) return; // already delivered or waiting
    if (m.seq === s.lastSeq + 1 && !s.filling) {
      this.deliver(s, m, m.replayed === true);
      this.drain(s);
      return;
    }
    s.buffer.set(m.seq, m);
    if (m.seq !== s.lastSeq + 1) void this.fill(s, m.seq - 1, false);
    else this.drain(s);
  }

  private deliver(s: SessionState, m: Message, replayed: boolean): void {
    s.lastSeq = m.seq;
    s.buffer.delete(m.seq);
    const { session, seq, from, clientId, text, at } = m;
    if (clientId !== undefined && clientId !== null && from === this.info?.user) this.storedOwn(session, clientId, seq);
    this.events.emit('message', { session, seq, from, clientId, text, at, replayed });
  }

  /**
   * One of our messages is stored (seen in the session's stream): its outbox entry is acked whatever
   * became of its request (an ok lost with a dropped socket, a retry refused because the chat ended).
   */
  private storedOwn(session: string, clientId: string, seq: number): void {
    const o = this.outgoing.find((x) => x.session === session && x.clientId === clientId);
    if (!o) return;
    const i = this.outgoing.indexOf(o);
    this.outgoing.splice(i, 1);
    o.state = 'acked';
    o.seq = seq;
    delete o.error;
    this.emitOutbox(o);
    o.settle.resolve({ seq, duplicate: false });
    this.pump();
  }

  private drain(s: SessionState): void {
    if (s.filling) return;
    for (let next = s.buffer.get(s.lastSeq + 1); next; next = s.buffer.get(s.lastSeq + 1)) {
      this.deliver(s, next, next.replayed === true);
    }
  }

  /**
   * Loads history after the session's last sequence up to `target` (or to the current top when
   * `toTop`), delivering in order; one fill per session at a time (a later target extends it).
   */
  private async fill(s: SessionState, target: number, toTop: boolean): Promise<void> {
    s.fillTarget = Math.max(s.fillTarget, target);
    if (s.filling) return;
    s.filling = true;
    try {
      const max = Math.min(this.opts.historyPageSize ?? 200, this.info?.limits.maxHistoryPage ?? 200);
      while (s.lastSeq < s.fillTarget && this.sessionStates.get(s.id) === s) {
        let page: ChatHistoryOk;
        try {
          page = await this.request('chat.history', { session: s.id, after: s.lastSeq, limit: max });
        } catch (e) {
          // Not joined any more, unknown, or the connection dropped: a resume or the next welcome brings the rest.
          if (!(e instanceof VicinityError) || !e.retryable || e.code === 'connection_lost') break;
          await this.sleep(e.retryAfterMs ?? this.backoffDelay(1));
          continue;
        }
        if (toTop) s.fillTarget = Math.max(s.fillTarget, page.top);
        let skipped = false;
        if (!page.complete && page.oldestRetained !== undefined && page.oldestRetained > s.lastSeq + 1) {
          this.events.emit('gap', { session: s.id, from: s.lastSeq + 1, to: page.oldestRetained - 1 });
          s.lastSeq = page.oldestRetained - 1;
          skipped = true;
        }
        if (page.messages.length === 0) {
          // Nothing more to load now (or an empty page we cannot make progress on): stop, never spin.
          if (!skipped) break;
          continue;
        }
        for (const m of page.messages) {
          if (m.seq <= s.lastSeq) continue;
          if (m.seq > s.lastSeq + 1) this.events.emit('gap', { session: s.id, from: s.lastSeq + 1, to: m.seq - 1 });
          this.deliver(s, m, true);
        }
        // Messages that arrived live meanwhile and are now contiguous.
        for (let next = s.buffer.get(s.lastSeq + 1); next; next = s.buffer.get(s.lastSeq + 1)) {
          this.deliver(s, next, next.replayed === true);
        }
      }
    } finally {
      s.filling = false;
    }
    this.drain(s);
    // A message beyond a gap that is still buffered (the fill stopped early) is retried on the next push/resume.
  }

  // ---------------------------------------------------------------- outbox

  private snapshot(o: Outgoing): OutboxEntry {
    const e: { -readonly [K in keyof OutboxEntry]: OutboxEntry[K] } = {
      clientId: o.clientId, session: o.session, text: o.text, state: o.state, attempts: o.attempts,
    };
    if (o.seq !== undefined) e.seq = o.seq;
    if (o.duplicate !== undefined) e.duplicate = o.duplicate;
    if (o.error !== undefined) e.error = o.error;
    return e;
  }

  private emitOutbox(o: Outgoing): void {
    this.events.emit('outbox', this.snapshot(o));
  }

  /** Sends the next message of each session (one in flight per session, so the server stores them in order). */
  private pump(): void {
    if (this.current.status !== 'connected') return;
    const now = this.clock.now();
    const busy = new Set<string>();
    let wakeAt = Infinity;
    for (const o of this.outgoing) {
      if (o.state === 'failed' || o.state === 'acked' || busy.has(o.session)) continue;
      busy.add(o.session);
      if (o.state === 'sending') continue;
      if (o.notBefore > now) {
        wakeAt = Math.min(wakeAt, o.notBefore);
        continue;
      }
      this.sendOne(o);
    }
    if (wakeAt < Infinity && wakeAt < this.pumpAt) {
      this.clock.clearTimeout(this.pumpTimer);
      this.pumpAt = wakeAt;
      this.pumpTimer = this.clock.setTimeout(() => {
        this.pumpAt = Infinity;
        this.pumpTimer = null;
        this.pump();
      }, wakeAt - now);
    }
  }

  private sendOne(o: Outgoing): void {
    o.state = 'sending';
    o.attempts++;
    this.emitOutbox(o);
    this.request('chat.send', { session: o.session, clientId: o.clientId, text: o.text }).then(
      (ok) => {
        o.state = 'acked';
        o.seq = ok.seq;
        o.duplicate = ok.duplicate;
        const i = this.outgoing.indexOf(o);
        if (i >= 0) this.outgoing.splice(i, 1);
        this.emitOutbox(o);
        o.settle.resolve({ seq: ok.seq, duplicate: ok.duplicate });
        this.pump();
      },
      (e: VicinityError) => {
        if (o.state !== 'sending') return;
        if (e.code === 'connection_lost' || e.code === 'stopped') {
          o.state = 'pending'; // sent again with the same client id once connected; not a failure
        } else if (SENDABLE_RETRY.has(e.code) && ++o.failures < (this.opts.maxSendAttempts ?? 8)) {
          o.state = 'pending';
          o.notBefore = this.clock.now() + (e.retryAfterMs ?? this.backoffDelay(o.failures));
        } else {
          o.state = 'failed';
          o.error = e;
          o.settle.reject(e);
        }
        this.emitOutbox(o);
        this.pump();
      },
    );
  }
}

/** The length of `s` in UTF-8 bytes (what the server's frame limit counts). */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** Sessions that can still change first (they matter most for a resume capped at 100 entries). */
function rank(s: SessionState): number {
  const st = s.shape?.state;
  return st === 'ACTIVE' ? 0 : st === 'INVITED' || st === undefined ? 1 : 2;
}

function isSessionShape(frame: object): frame is Session {
  const f = frame as Partial<Session>;
  return typeof f.session === 'string' && typeof f.state === 'string' && typeof f.version === 'number' && Array.isArray(f.participants);
}

function pickSession(frame: object): Session {
  const out: Record<string, unknown> = {};
  for (const k of SESSION_KEYS) {
    const v = (frame as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = v;
  }
  return out as Session;
}

