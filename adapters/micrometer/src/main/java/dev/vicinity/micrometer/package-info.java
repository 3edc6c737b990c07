/**
 * Binds the Vicinity listener to Micrometer meters. Not implemented yet: filled by the benchmarks and metrics issue.
 */
package dev.vicinity.micrometer;
