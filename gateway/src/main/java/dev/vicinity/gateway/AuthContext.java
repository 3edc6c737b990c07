package dev.vicinity.gateway;

import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.DeviceId;
import java.util.List;
import java.util.Optional;

/**
 * What a {@link ContextAuthenticator} decides on: the credential and device of the client's
 * {@code hello} and the {@link UpgradeRequest} the host passed when it opened the socket. Immutable and
 * thread-safe; valid after the answer too. {@link #toString()} never prints the token.
 *
 * @param token the {@code token} field of {@code hello} (never null; may be empty; at most 4096 characters)
 * @param device the device the client claims (a valid id); the principal may keep or override it
 * @param connection the connection's id on this node (for logs and correlation)
 * @param transportAddress the transport's {@link Transport#remoteAddress()} (for logs)
 * @param upgrade the upgrade request ({@link UpgradeRequest#empty()} if the host gave none)
 */
public record AuthContext(String token, DeviceId device, ConnectionId connection, String transportAddress,
        UpgradeRequest upgrade) {

    /** The first value of header {@code name} (case-insensitive), if any. */
    public Optional<String> header(String name) {
        return upgrade.header(name);
    }

    /** Every value of header {@code name} (case-insensitive), in order. */
    public List<String> headers(String name) {
        return upgrade.headers(name);
    }

    /** The value of cookie {@code name}, if any. */
    public Optional<String> cookie(String name) {
        return upgrade.cookie(name);
    }

    /** The client's address: the one the host gave in the upgrade request, else the transport's. */
    public String remoteAddress() {
        return upgrade.remoteAddress().orElse(transportAddress);
    }

    /** The host's own principal object for the upgrade request, if any. */
    public Optional<Object> hostPrincipal() {
        return upgrade.hostPrincipal();
    }

    /** The host's principal if it is a {@code type}. */
    public <T> Optional<T> hostPrincipal(Class<T> type) {
        return upgrade.hostPrincipal(type);
    }

    /** Without the token, which is a credential. */
    @Override
    public String toString() {
        return "AuthContext[device=" + device + ", connection=" + connection + ", remote=" + remoteAddress()
                + ", " + upgrade + "]";
    }
}
