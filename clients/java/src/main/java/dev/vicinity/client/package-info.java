/** The Java client of the Vicinity WebSocket protocol: {@link dev.vicinity.client.VicinityClient} and its small transport and scheduler interfaces. */
package dev.vicinity.client;
