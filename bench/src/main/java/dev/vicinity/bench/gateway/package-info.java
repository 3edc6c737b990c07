/**
 * JMH benchmarks of the gateway alone (protocol engine, codec and chat frames on the in-memory backend, no transport).
 */
package dev.vicinity.bench.gateway;
