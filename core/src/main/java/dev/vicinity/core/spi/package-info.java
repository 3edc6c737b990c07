/**
 * Storage and transport primitives that adapters implement for core: {@link dev.vicinity.core.spi.PresenceStore} and {@link dev.vicinity.core.spi.EventBus}. Each SPI is a handful of atomic primitives; the algorithms live once in core.
 */
package dev.vicinity.core.spi;
