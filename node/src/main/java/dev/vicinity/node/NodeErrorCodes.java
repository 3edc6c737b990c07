package dev.vicinity.node;

/**
 * Stable error codes of the assembly's startup errors ({@link dev.vicinity.core.VicinityException#code()}).
 * They are raised while a backend bundle is built, never by a running node: the message names what to
 * start or stop. Neither is retryable in the request sense ({@code retryable()} is false): fix the
 * deployment, then build again.
 */
public final class NodeErrorCodes {
    /**
     * A server the backend needs (PostgreSQL, Redis) did not answer while the bundle was built; the
     * message names the server and its address (never a password) and says what to start.
     */
    public static final String BACKEND_UNREACHABLE = "backend_unreachable";
    /**
     * An H2 database file is already open in another process (H2 allows one process per file); the
     * message names the file. Stop the other process, or point this one at another file.
     */
    public static final String DATABASE_LOCKED = "database_locked";

    private NodeErrorCodes() {}
}
