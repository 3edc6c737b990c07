/**
 * JMH benchmarks of the embedded H2GIS adapter: nearest-k queries through the spatial index and location update rates.
 */
package dev.vicinity.bench.h2gis;
