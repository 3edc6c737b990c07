package dev.vicinity.core;

/** Outcome of {@link ConnectionRegistry#resume}: resumed with a fresh token, or refused with a code. */
public sealed interface ResumeResult {

    /**
     * The connection is {@code OPEN} again on the new transport, with the same connection id and a
     * single presence lease. The presented token is spent; {@code resumeToken} is the next one.
     */
    record Resumed(ConnectionId connection, UserId user, DeviceId device, String resumeToken)
            implements ResumeResult {}

    /**
     * Nothing was resumed. {@code code} is {@code unknown_resume_token} (never issued, already
     * used, or expired) or {@code replaced} (a newer connection of the same device exists).
     */
    record Refused(String code, String reason) implements ResumeResult {}
}
