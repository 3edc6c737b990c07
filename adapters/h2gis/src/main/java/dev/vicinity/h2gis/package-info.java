/**
 * The embedded, persistent, zero-setup backend on H2 + H2GIS + JTS: {@link dev.vicinity.h2gis.H2gisVicinity}
 * gives stores for locations, proximity, the block list, chat sessions, message history and ratings.
 */
package dev.vicinity.h2gis;
