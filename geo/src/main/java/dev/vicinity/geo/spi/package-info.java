/**
 * Storage primitives of the geo module that adapters implement (location store, proximity index, block list); the algorithms stay in {@code dev.vicinity.geo}.
 */
package dev.vicinity.geo.spi;
