/** End-to-end WebSocket load driver against the example server (loopback only). */
package dev.vicinity.bench.ws;
