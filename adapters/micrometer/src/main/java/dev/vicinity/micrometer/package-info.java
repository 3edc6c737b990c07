/**
 * Binds the Vicinity listener to Micrometer meters. {@link dev.vicinity.micrometer.MicrometerListener} turns every listener event into meters.
 */
package dev.vicinity.micrometer;
