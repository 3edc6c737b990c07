/**
 * Implementation details of the H2GIS adapter (the SQL dialect seam, transaction template with
 * conflict retries, error translation, time encoding); not for use by hosts and free to change.
 */
package dev.vicinity.h2gis.internal;
