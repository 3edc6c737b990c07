package dev.vicinity.core;

import dev.vicinity.core.internal.IdSyntax;

/**
 * One chat session; time-ordered when made by {@link IdGenerator}.
 *
 * <p>Immutable value; its compact string form is {@link #value()} and {@link #toString()}: 1..128
 * characters from {@code [A-Za-z0-9._:@+=-]}.
 *
 * @param value the compact string form
 */
public record SessionId(String value) implements Comparable<SessionId> {

    /** @throws InvalidInputException with code {@code invalid_id} if {@code value} is not a valid id */
    public SessionId {
        IdSyntax.check("sessionId", value);
    }

    /** Parses the compact string form. @throws InvalidInputException with code {@code invalid_id} */
    public static SessionId of(String value) {
        return new SessionId(value);
    }

    @Override
    public int compareTo(SessionId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
