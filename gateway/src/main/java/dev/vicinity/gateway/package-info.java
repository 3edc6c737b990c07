/**
 * The gateway: a transport-agnostic engine for Vicinity's JSON-over-WebSocket protocol. The host's
 * WebSocket server hands it connections ({@link dev.vicinity.gateway.Transport}) and frames;
 * geo, chat and rating contribute {@link dev.vicinity.gateway.FrameModule}s. See
 * {@code docs/protocol.md}.
 */
package dev.vicinity.gateway;
