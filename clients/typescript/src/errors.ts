import type { ErrorCode, ErrorFrame } from './generated/protocol.js';

/**
 * Codes the client itself raises (never sent by the server):
 * - `timeout`: no answer within the request's timeout;
 * - `connection_lost`: the socket dropped while the request was on the wire (it may or may not have
 *   been processed; retry only what is idempotent, as the outbox and `submitRating` do);
 * - `stopped`: the client was closed, or stopped on a final close code, before the request was answered.
 */
export type ClientErrorCode = 'timeout' | 'connection_lost' | 'stopped' | 'discarded';

/** Codes after which the same request may succeed later. */
const RETRYABLE: ReadonlySet<string> = new Set(['rate_limited', 'backend_unavailable', 'timeout', 'connection_lost']);

/**
 * A refused or failed request. `code` is the protocol's stable error code (docs/protocol.md) or one of
 * the client's own codes; `retryAfterMs` is set exactly when the server sent it (every `rate_limited`).
 */
export class VicinityError extends Error {
  readonly code: ErrorCode | ClientErrorCode;
  readonly retryAfterMs: number | undefined;
  /** The type of the request that failed, when there was one. */
  readonly requestType: string | undefined;

  constructor(code: ErrorCode | ClientErrorCode, message: string, retryAfterMs?: number, requestType?: string) {
    super(message);
    this.name = 'VicinityError';
    this.code = code;
    this.retryAfterMs = retryAfterMs;
    this.requestType = requestType;
  }

  /** True when retrying the same request later can succeed (rate limits, outages, lost answers). */
  get retryable(): boolean {
    return RETRYABLE.has(this.code);
  }

  /** The error an `error` frame describes. */
  static fromFrame(frame: ErrorFrame, requestType?: string): VicinityError {
    return new VicinityError(frame.code, frame.message, frame.retryAfterMs, requestType);
  }
}
