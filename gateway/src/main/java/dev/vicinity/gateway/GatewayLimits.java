package dev.vicinity.gateway;

import dev.vicinity.core.ErrorCodes;
import dev.vicinity.core.InvalidInputException;

/**
 * Limits the gateway enforces. Immutable; {@link #defaults()} is a sensible start.
 *
 * @param maxFrameBytes largest accepted inbound text frame in UTF-8 bytes (default 16 KiB)
 * @param framesPerSecond sustained inbound frames per user on this node (default 20)
 * @param frameBurst bucket size for bursts of frames per user (default 40)
 * @param maxConnectionsPerUser live connections per user across all nodes (default 5)
 * @param maxOutboundInFlight frames sent to one connection and not yet written before it is detached
 *     as a slow consumer (default 256)
 * @param maxStrikes consecutive malformed or over-limit frames before the connection is closed with
 *     {@code protocol_violation} (default 20)
 * @param maxOutboundBytes UTF-8 bytes sent to one connection and not yet written before it is
 *     detached as a slow consumer (default 1 MiB); a single frame larger than this is never queued
 * @param maxNodeOutboundBytes the same bound over all connections of this node (default 256 MiB): when
 *     the node's total is exceeded, the connection whose frame would cross it is detached
 */
public record GatewayLimits(int maxFrameBytes, double framesPerSecond, int frameBurst, int maxConnectionsPerUser,
        int maxOutboundInFlight, int maxStrikes, long maxOutboundBytes, long maxNodeOutboundBytes) {

    public GatewayLimits {
        if (maxFrameBytes < 256 || framesPerSecond <= 0 || frameBurst < 1 || maxConnectionsPerUser < 1
                || maxOutboundInFlight < 1 || maxStrikes < 1 || maxOutboundBytes < 64 * 1024
                || maxNodeOutboundBytes < maxOutboundBytes) {
            throw new InvalidInputException(ErrorCodes.INVALID_ARGUMENT,
                    "gateway limits out of range: maxFrameBytes >= 256, rates and counts >= 1, "
                            + "maxOutboundBytes >= 64 KiB, maxNodeOutboundBytes >= maxOutboundBytes");
        }
    }

    /** The defaults listed on the record components. */
    public static GatewayLimits defaults() {
        return new GatewayLimits(16 * 1024, 20, 40, 5, 256, 20, 1024 * 1024, 256L * 1024 * 1024);
    }

    public GatewayLimits withMaxFrameBytes(int v) {
        return new GatewayLimits(v, framesPerSecond, frameBurst, maxConnectionsPerUser, maxOutboundInFlight, maxStrikes,
                maxOutboundBytes, maxNodeOutboundBytes);
    }

    public GatewayLimits withFrameRate(double perSecond, int burst) {
        return new GatewayLimits(maxFrameBytes, perSecond, burst, maxConnectionsPerUser, maxOutboundInFlight, maxStrikes,
                maxOutboundBytes, maxNodeOutboundBytes);
    }

    public GatewayLimits withMaxConnectionsPerUser(int v) {
        return new GatewayLimits(maxFrameBytes, framesPerSecond, frameBurst, v, maxOutboundInFlight, maxStrikes,
                maxOutboundBytes, maxNodeOutboundBytes);
    }

    public GatewayLimits withMaxOutboundInFlight(int v) {
        return new GatewayLimits(maxFrameBytes, framesPerSecond, frameBurst, maxConnectionsPerUser, v, maxStrikes,
                maxOutboundBytes, maxNodeOutboundBytes);
    }

    public GatewayLimits withMaxStrikes(int v) {
        return new GatewayLimits(maxFrameBytes, framesPerSecond, frameBurst, maxConnectionsPerUser, maxOutboundInFlight, v,
                maxOutboundBytes, maxNodeOutboundBytes);
    }

    /** Per-connection and per-node bounds of unwritten outbound bytes. */
    public GatewayLimits withMaxOutboundBytes(long perConnection, long perNode) {
        return new GatewayLimits(maxFrameBytes, framesPerSecond, frameBurst, maxConnectionsPerUser, maxOutboundInFlight,
                maxStrikes, perConnection, perNode);
    }
}
