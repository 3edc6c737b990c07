/**
 * The in-memory adapter module. The reference implementations themselves ship with the module whose SPI they
 * implement ({@code dev.vicinity.core.memory}, {@code dev.vicinity.geo.memory}, {@code dev.vicinity.chat.memory},
 * {@code dev.vicinity.rating.memory}), so each domain module tests itself; this module binds them to the
 * contract suites of vicinity-testkit.
 */
package dev.vicinity.memory;
