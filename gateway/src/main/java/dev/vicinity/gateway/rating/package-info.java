/** Rating's frames in the gateway protocol: {@link dev.vicinity.gateway.rating.RatingFrames}. */
package dev.vicinity.gateway.rating;
