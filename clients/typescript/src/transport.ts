/**
 * The part of a WebSocket the client uses: the browser's `WebSocket`, Node's (`--experimental-websocket`
 * on Node 20, global from Node 22) and the `ws` package all fit. Event parameters are loosely typed so
 * that each implementation's own event types are accepted.
 */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
  onclose: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** Creates a socket for a URL (`WebSocket` itself in a browser). */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** Time as the client sees it; injected in tests so that backoff, heartbeats and timeouts run without waiting. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

type TimerGlobals = {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

/** The platform's timers and `Date.now()`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => (globalThis as unknown as TimerGlobals).setTimeout(fn, ms),
  clearTimeout: (handle) => (globalThis as unknown as TimerGlobals).clearTimeout(handle),
};

/** A random id usable as a protocol id (`[A-Za-z0-9._:@+=-]`, at most 128 characters). */
export function randomId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  let s = Date.now().toString(36) + '-';
  for (let i = 0; i < 16; i++) s += Math.floor(Math.random() * 36).toString(36);
  return s;
}
