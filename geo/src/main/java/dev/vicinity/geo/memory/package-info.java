/**
 * The reference in-memory implementations of geo's SPIs ({@link dev.vicinity.geo.spi.LocationStore}, {@link dev.vicinity.geo.spi.ProximityIndex} and {@link dev.vicinity.geo.spi.BlockList}): locations, the proximity index and the block list in
 * this process. Thread-safe; nothing survives a restart and nothing is shared between nodes (except
 * between services built on the same instances). They define the expected behaviour: every other
 * adapter passes the same contract suites (vicinity-testkit) that they pass. Use them in unit tests and
 * single-node deployments without durability.
 */
package dev.vicinity.geo.memory;
