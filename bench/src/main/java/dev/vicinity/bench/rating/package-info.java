/**
 * JMH benchmarks of the rating module on the in-memory store: submit throughput and O(1) aggregate and score reads.
 */
package dev.vicinity.bench.rating;
