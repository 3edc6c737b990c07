package dev.vicinity.core;

import dev.vicinity.core.internal.IdSyntax;

/**
 * A device or installation of one user; presence fences connections per (user, device).
 *
 * <p>Immutable value; its compact string form is {@link #value()} and {@link #toString()}: 1..128
 * characters from {@code [A-Za-z0-9._:@+=-]}.
 *
 * @param value the compact string form
 */
public record DeviceId(String value) implements Comparable<DeviceId> {

    /** @throws InvalidInputException with code {@code invalid_id} if {@code value} is not a valid id */
    public DeviceId {
        IdSyntax.check("deviceId", value);
    }

    /** Parses the compact string form. @throws InvalidInputException with code {@code invalid_id} */
    public static DeviceId of(String value) {
        return new DeviceId(value);
    }

    @Override
    public int compareTo(DeviceId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
