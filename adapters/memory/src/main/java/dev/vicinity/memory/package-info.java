/**
 * Reference in-memory implementations of every Vicinity SPI: thread-safe, single process, what host applications use in unit tests.
 */
package dev.vicinity.memory;
