package dev.vicinity.testkit;

/**
 * Things a backend may be unable to do. A contract suite skips exactly the tests that need a
 * capability its binding does not declare (with a JUnit assumption), instead of being copied and
 * trimmed per backend.
 */
public enum Capability {
    /**
     * The backend decides expiry from the instants the caller passes (the injected clock), not from
     * its own server clock, so tests can fast-forward time.
     */
    INJECTED_TIME,
    /** Two instances made by the binding share state, as two nodes would (true for real servers and shared in-memory objects). */
    SHARED_BETWEEN_INSTANCES,
    /** Delivery happens synchronously inside {@code publish} (in-memory only); otherwise tests wait with a timeout. */
    SYNCHRONOUS_DELIVERY
}
