/**
 * JMH benchmarks and load drivers; peers are measured side by side in the same run.
 */
package dev.vicinity.bench;
