package dev.vicinity.gateway;

/**
 * Handles one request frame type. Runs on the thread that delivered the frame; must not block for
 * long. Reply with {@link Request#reply} or {@link Request#error}; throwing an
 * {@link dev.vicinity.core.VicinityException} answers with its code; any other exception answers
 * {@code internal_error} and is logged. Nothing thrown ever reaches the host.
 */
@FunctionalInterface
public interface FrameHandler {
    /** Handles {@code request}; answer it as the interface describes. */
    void handle(Request request);
}
