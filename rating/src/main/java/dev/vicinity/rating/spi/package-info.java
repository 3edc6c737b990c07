/**
 * Storage primitives that rating backends implement (in memory, SQL, Redis); the rating rules live once in {@link dev.vicinity.rating.RatingService}.
 */
package dev.vicinity.rating.spi;
