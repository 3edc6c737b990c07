package dev.vicinity.core;

import dev.vicinity.core.internal.IdSyntax;

/**
 * One server process (node) in a Vicinity deployment; leases and fan-out are attributed to nodes.
 *
 * <p>Immutable value; its compact string form is {@link #value()} and {@link #toString()}: 1..128
 * characters from {@code [A-Za-z0-9._:@+=-]}.
 *
 * @param value the compact string form
 */
public record NodeId(String value) implements Comparable<NodeId> {

    /** @throws InvalidInputException with code {@code invalid_id} if {@code value} is not a valid id */
    public NodeId {
        IdSyntax.check("nodeId", value);
    }

    /** Parses the compact string form. @throws InvalidInputException with code {@code invalid_id} */
    public static NodeId of(String value) {
        return new NodeId(value);
    }

    @Override
    public int compareTo(NodeId other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}
