/**
 * Geo benchmarks: the in-memory proximity index (queries, updates, bytes per user) and the full nearby matcher on a 1M-user city.
 */
package dev.vicinity.bench.geo;
