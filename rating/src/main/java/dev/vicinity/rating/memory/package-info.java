/**
 * The reference in-memory implementations of rating's SPIs ({@link dev.vicinity.rating.spi.RatingStore}): ratings in
 * this process. Thread-safe; nothing survives a restart and nothing is shared between nodes (except
 * between services built on the same instances). They define the expected behaviour: every other
 * adapter passes the same contract suites (vicinity-testkit) that they pass. Use them in unit tests and
 * single-node deployments without durability.
 */
package dev.vicinity.rating.memory;
