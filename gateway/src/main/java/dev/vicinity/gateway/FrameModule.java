package dev.vicinity.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * What a domain module (geo, chat, rating) contributes to the gateway: request handlers for its
 * frame types, and hooks into the connection lifecycle. Core never depends on the modules; the host
 * registers each module's {@code FrameModule} with the gateway builder.
 *
 * <p>Hooks run synchronously on the thread of the lifecycle change and must be fast and thread-safe.
 * An exception thrown by a hook is logged and does not affect the connection.
 */
public interface FrameModule {

    /** Short module name; every frame type of the module starts with {@code name + "."}. */
    String name();

    /**
     * Called once when the gateway is built, before any connection exists; modules that push frames
     * outside a request (chat deliveries) keep the gateway to find local connections.
     */
    default void onStart(Gateway gateway) {}

    /** Called once by {@link Gateway#close()}, after every connection was detached: release subscriptions. */
    default void onStop() {}

    /** Request handlers by frame type (e.g. {@code chat.send}). */
    Map<String, FrameHandler> handlers();

    /**
     * A connection authenticated (hello) on this node. The module may add fields under its name to the
     * {@code welcome} frame (e.g. chat's open sessions with their top sequences).
     */
    default void onAttached(ClientContext client, ObjectNode welcome) {}

    /**
     * Adds the limits a client of this module must respect to the {@code limits} object of
     * {@code welcome} and {@code resumed} (e.g. chat's maximum message length and its unit). Keys are
     * lower camel case with the unit in the name ({@code maxRadiusMeters}, {@code inviteTimeoutSeconds}).
     */
    default void describeLimits(ObjectNode limits) {}

    /**
     * A resume was accepted and the connection is about to be attached (made visible to
     * {@link Gateway#localConnections}); pushes cannot reach it yet. Chat records here, per session,
     * the last sequence the client already has, so that live messages arriving from now on and the
     * replay in {@link #onResumed} are delivered in order and exactly once.
     */
    default void onResuming(ClientContext client, JsonNode resumeFrame) {}

    /**
     * A connection resumed on this node; {@code resumeFrame} is the frame the client resumed with
     * (chat reads the last sequence per session from it and replays what is missing). Called after the
     * connection is attached again, before the {@code resumed} reply is sent; pushes made here are
     * held and sent right after that reply, in order.
     */
    default void onResumed(ClientContext client, JsonNode resumeFrame, ObjectNode resumed) {}

    /** The transport was lost for a resumable reason; the connection may come back with resume. */
    default void onDetached(ClientContext client) {}

    /** The connection is closed for good on this node (clean close, replaced, expired...). */
    default void onClosed(ClientContext client) {}
}
