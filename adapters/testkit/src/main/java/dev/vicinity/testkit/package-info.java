/**
 * Published test kit: abstract JUnit 5 contract suites per SPI, concurrency fuzzers, a controllable clock and capability flags that every adapter binds in a few lines.
 */
package dev.vicinity.testkit;
