package dev.vicinity.geo;

/** What matching knows about a user's location. */
public enum LocationState {
    /** No usable location: never sent, permission denied ({@link LocationSource#UNKNOWN}) or purged. Not discoverable. */
    NONE,
    /** A location younger than the maximum age: discoverable and allowed to search. */
    FRESH,
    /** A location older than the maximum age, not yet purged by the sweeper: excluded from matching. */
    STALE
}
