/**
 * JMH benchmarks of the PostgreSQL/PostGIS adapter, each measured side by side with hand-written JDBC
 * doing the same work in the same run (see {@link dev.vicinity.bench.postgres.PostgresBenchmarks}).
 */
package dev.vicinity.bench.postgres;
