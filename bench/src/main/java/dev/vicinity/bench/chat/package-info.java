/**
 * JMH benchmarks of the chat module (in-process fan-out through the service and the in-memory bus).
 */
package dev.vicinity.bench.chat;
