/**
 * Embedded persistent backend on H2 + H2GIS + JTS, the zero-setup default. Not implemented yet: filled by the H2GIS adapter issue.
 */
package dev.vicinity.h2gis;
