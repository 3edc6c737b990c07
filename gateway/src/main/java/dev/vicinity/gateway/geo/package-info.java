/** Geo's frames in the gateway protocol: {@link dev.vicinity.gateway.geo.GeoFrames}. */
package dev.vicinity.gateway.geo;
