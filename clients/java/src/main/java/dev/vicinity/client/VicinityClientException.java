package dev.vicinity.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A refused or failed request. {@link #code()} is the protocol's stable error code (docs/protocol.md)
 * or one of the client's own: {@code timeout} (no answer in time), {@code connection_lost} (the socket
 * dropped while the request was on the wire; it may or may not have been processed), {@code stopped}
 * (the client was closed or stopped on a final close code), {@code discarded} (an outbox message was
 * discarded), {@code frame_too_large} (refused locally, over the server's maxFrameBytes).
 * Immutable.
 */
public final class VicinityClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final Set<String> RETRYABLE = Set.of("rate_limited", "backend_unavailable", "timeout", "connection_lost");

    private final String code;
    private final Long retryAfterMs;
    private final String requestType;

    public VicinityClientException(String code, String message, Long retryAfterMs, String requestType) {
        super(message);
        this.code = code;
        this.retryAfterMs = retryAfterMs;
        this.requestType = requestType;
    }

    /** The error an {@code error} frame describes. */
    public static VicinityClientException fromFrame(JsonNode frame, String requestType) {
        JsonNode after = frame.get("retryAfterMs");
        return new VicinityClientException(frame.path("code").asText("internal_error"), frame.path("message").asText(""),
                after != null && after.isNumber() ? after.asLong() : null, requestType);
    }

    /** The stable machine-readable code. */
    public String code() {
        return code;
    }

    /** Set exactly when the server sent it (every {@code rate_limited}). */
    public OptionalLong retryAfterMs() {
        return retryAfterMs == null ? OptionalLong.empty() : OptionalLong.of(retryAfterMs);
    }

    /** The type of the request that failed, or null. */
    public String requestType() {
        return requestType;
    }

    /** True when the same request may succeed later (rate limits, outages, lost answers). */
    public boolean retryable() {
        return RETRYABLE.contains(code);
    }

    @Override
    public String toString() {
        return "VicinityClientException[" + code + (requestType == null ? "" : ", " + requestType) + "]: " + getMessage();
    }
}
