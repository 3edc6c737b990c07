/** Rating's frames in the gateway protocol: {@link dev.vicinity.rating.gateway.RatingFrames}. */
package dev.vicinity.rating.gateway;
