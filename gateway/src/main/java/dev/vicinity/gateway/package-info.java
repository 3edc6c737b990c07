/**
 * The gateway: a transport-agnostic engine for Vicinity's JSON-over-WebSocket protocol. The host's
 * WebSocket server hands it connections ({@link dev.vicinity.gateway.Transport}) and frames;
 * geo, chat and rating contribute {@link dev.vicinity.gateway.FrameModule}s. See
 * {@code docs/protocol.md}.
 *
 * <p>{@link dev.vicinity.gateway.Gateway} is the public facade; package-private parts do the work: the
 * frame codec (read and validate inbound frames, build and write outbound ones), the dispatcher (frame
 * rate, routing, exactly one answer per request), the handshake ({@code hello}/{@code resume}), the
 * local connection indexes (by id, by user, per remote address) with the registry handles, and the
 * outbound sender (per-connection and per-node bounds, strikes). A
 * {@link dev.vicinity.gateway.GatewayConnection} owns its own state and invariants.
 */
package dev.vicinity.gateway;
