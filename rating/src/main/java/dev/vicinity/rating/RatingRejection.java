package dev.vicinity.rating;

/**
 * Why a submit, edit or withdraw was refused. Each has a stable lower_snake_case {@link #code()} that
 * hosts may send to clients. A rejection never writes anything.
 */
public enum RatingRejection {
    /** The session is unknown to the host's {@link RatableSessions}. */
    SESSION_NOT_FOUND("session_not_found"),
    /** Rater and ratee are the same user. */
    SELF_RATING("self_rating"),
    /** The rater or the ratee was not a participant of the session. */
    NOT_PARTICIPANT("not_participant"),
    /** The session has not ended (or ends in the future by the service's clock). */
    SESSION_NOT_ENDED("session_not_ended"),
    /** The rating window of the session has closed (now &gt;= endedAt + window). */
    WINDOW_CLOSED("window_closed"),
    /** A rating with the same (session, rater, ratee) exists (including a withdrawn one). */
    ALREADY_RATED("already_rated"),
    /** A retry carried the idempotency key of the stored rating but different content. */
    IDEMPOTENCY_KEY_REUSED("idempotency_key_reused"),
    /** No rating exists with that key. */
    RATING_NOT_FOUND("rating_not_found"),
    /** The rating is revealed, so it can no longer be edited. */
    ALREADY_REVEALED("already_revealed"),
    /** The rating was withdrawn. */
    ALREADY_WITHDRAWN("already_withdrawn");

    private final String code;

    RatingRejection(String code) {
        this.code = code;
    }

    /** The stable machine-readable code. */
    public String code() {
        return code;
    }
}
