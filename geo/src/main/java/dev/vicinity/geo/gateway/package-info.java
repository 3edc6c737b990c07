/** Geo's frames in the gateway protocol: {@link dev.vicinity.geo.gateway.GeoFrames}. */
package dev.vicinity.geo.gateway;
