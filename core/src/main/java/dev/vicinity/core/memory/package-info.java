/**
 * The reference in-memory implementations of core's SPIs ({@link dev.vicinity.core.spi.PresenceStore}, {@link dev.vicinity.core.spi.ResumeStore} and {@link dev.vicinity.core.spi.EventBus}): presence, resume tokens and the event bus in
 * this process. Thread-safe; nothing survives a restart and nothing is shared between nodes (except
 * between services built on the same instances). They define the expected behaviour: every other
 * adapter passes the same contract suites (vicinity-testkit) that they pass. Use them in unit tests and
 * single-node deployments without durability.
 */
package dev.vicinity.core.memory;
