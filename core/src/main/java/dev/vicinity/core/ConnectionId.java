package dev.vicinity.core;

import dev.vicinity.core.internal.IdSyntax;

/**
 * One WebSocket connection as seen by the server; time-ordered when made by {@link IdGenerator}.
 *
 * <p>Immutable value; its compact string form is {@link #value()} and {@link #toString()}: 1..128
 * characters from {@code [A-Za-z0-9._:@+=-]}.
 *
 * @param value the compact string form
 */
public record ConnectionId(String value) implements Comparable<ConnectionId> {

    /** @throws InvalidInputException with code {@code invalid_id} if {@code value} is not a valid id */
    public ConnectionId {
        IdSyntax.check("connectionId", value);
    }

    /** Parses the compact string form. @throws InvalidInputException with code {@code invalid_id} */
    public static ConnectionId of(String value) {
        return new ConnectionId(value);
    }

    @Override
    public int compareTo(ConnectionId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
