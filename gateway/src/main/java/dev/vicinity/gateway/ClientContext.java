package dev.vicinity.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.UserId;

/**
 * An authenticated connection as a {@link FrameModule} sees it. Thread-safe; valid for the lifetime
 * of the connection (pushes to a closed connection are dropped).
 */
public interface ClientContext {

    /** This connection's id on this node. */
    ConnectionId connection();

    /** The authenticated user. */
    UserId user();

    /** The authenticated device. */
    DeviceId device();

    /**
     * Pushes a server-initiated frame of {@code type} with the fields of {@code body} (the gateway sets
     * {@code type}). Never blocks; returns false if the connection is gone or was detached as a slow
     * consumer.
     */
    boolean push(String type, ObjectNode body);

    /**
     * As {@link #push(String, ObjectNode)}, with the fields written straight to the frame by
     * {@code fields} (no tree is built: the cheaper form for frequent pushes). The default
     * implementation collects the fields into a tree and calls {@link #push(String, ObjectNode)}.
     */
    default boolean push(String type, FrameFields fields) {
        return push(type, FrameFieldsTree.collect(newObject(), fields));
    }

    /** A fresh empty JSON object to fill for {@link #push} or a reply. */
    ObjectNode newObject();
}
