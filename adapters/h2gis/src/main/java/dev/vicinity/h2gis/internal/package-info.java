/**
 * Implementation details of the H2GIS adapter (its SQL dialect); not for use by hosts and free to
 * change between releases.
 */
package dev.vicinity.h2gis.internal;
