package dev.vicinity.core;

import dev.vicinity.core.internal.IdSyntax;

/**
 * A user, as the host application identifies them (the host's own user key).
 *
 * <p>Immutable value; its compact string form is {@link #value()} and {@link #toString()}: 1..128
 * characters from {@code [A-Za-z0-9._:@+=-]}.
 *
 * @param value the compact string form
 */
public record UserId(String value) implements Comparable<UserId> {

    /** @throws InvalidInputException with code {@code invalid_id} if {@code value} is not a valid id */
    public UserId {
        IdSyntax.check("userId", value);
    }

    /** Parses the compact string form. @throws InvalidInputException with code {@code invalid_id} */
    public static UserId of(String value) {
        return new UserId(value);
    }

    @Override
    public int compareTo(UserId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
