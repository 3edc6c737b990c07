package dev.vicinity.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.OptionalLong;
import java.util.Set;
import org.jspecify.annotations.Nullable;

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
    private final @Nullable Long retryAfterMs;
    private final @Nullable String requestType;

    /**
     * An error with a stable {@code code} and a message.
     *
     * @param code the error code, e.g. {@code rate_limited}
     * @param message the server's or the client's description
     * @param retryAfterMs for {@code rate_limited}: milliseconds to wait before retrying, else null
     * @param requestType the type of the request that failed, or null
     */
    public VicinityClientException(String code, String message, @Nullable Long retryAfterMs,
            @Nullable String requestType) {
        super(message);
        this.code = code;
        this.retryAfterMs = retryAfterMs;
        this.requestType = requestType;
    }

    /** The error an {@code error} frame describes. */
    public static VicinityClientException fromFrame(JsonNode frame, @Nullable String requestType) {
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
    public @Nullable String requestType() {
        return requestType;
    }

    /** True when the same request may succeed later (rate limits, outages, lost answers). */
    public boolean retryable() {
        return RETRYABLE.contains(code);
    }

    @Override
    @SuppressWarnings("OverrideThrowableToString") // adds the code and request type; getMessage() stays the server's text
    public String toString() {
        return "VicinityClientException[" + code + (requestType == null ? "" : ", " + requestType) + "]: " + getMessage();
    }
}
