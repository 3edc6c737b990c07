/** Codes after which the same request may succeed later. */
const RETRYABLE = new Set(['rate_limited', 'backend_unavailable', 'timeout', 'connection_lost']);
/**
 * A refused or failed request. `code` is the protocol's stable error code (docs/protocol.md) or one of
 * the client's own codes; `retryAfterMs` is set exactly when the server sent it (every `rate_limited`).
 */
export class VicinityError extends Error {
    code;
    retryAfterMs;
    /** The type of the request that failed, when there was one. */
    requestType;
    constructor(code, message, retryAfterMs, requestType) {
        super(message);
        this.name = 'VicinityError';
        this.code = code;
        this.retryAfterMs = retryAfterMs;
        this.requestType = requestType;
    }
    /** True when retrying the same request later can succeed (rate limits, outages, lost answers). */
    get retryable() {
        return RETRYABLE.has(this.code);
    }
    /** The error an `error` frame describes. */
    static fromFrame(frame, requestType) {
        return new VicinityError(frame.code, frame.message, frame.retryAfterMs, requestType);
    }
}
