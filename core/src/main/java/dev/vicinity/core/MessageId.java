package dev.vicinity.core;

import dev.vicinity.core.internal.IdSyntax;

/**
 * A client-supplied message id, used to make message sends idempotent.
 *
 * <p>Immutable value; its compact string form is {@link #value()} and {@link #toString()}: 1..128
 * characters from {@code [A-Za-z0-9._:@+=-]}.
 *
 * @param value the compact string form
 */
public record MessageId(String value) implements Comparable<MessageId> {

    /** @throws InvalidInputException with code {@code invalid_id} if {@code value} is not a valid id */
    public MessageId {
        IdSyntax.check("messageId", value);
    }

    /** Parses the compact string form. @throws InvalidInputException with code {@code invalid_id} */
    public static MessageId of(String value) {
        return new MessageId(value);
    }

    @Override
    public int compareTo(MessageId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
