package dev.vicinity.core;

import java.time.Instant;

/**
 * A user went online (first live lease) or offline (no live lease for the whole grace period).
 * For every user, changes alternate strictly: online, offline, online... Exactly one {@code offline}
 * is emitted per online period, by the node that observed it, and fanned out to the other nodes
 * through the event bus when one is configured.
 *
 * @param user the user
 * @param online the new state
 * @param at when it was decided
 * @param node the node that decided it
 */
public record PresenceChange(UserId user, boolean online, Instant at, NodeId node) {}
