/**
 * Geo: the "nearby" half of Vicinity — location collection, privacy, proximity index SPI and matching. Depends on core only.
 */
package dev.vicinity.geo;
