package dev.vicinity.client;

import org.jspecify.annotations.Nullable;

/**
 * A chat message as the client hands it to the application: once, in sequence order, per session.
 *
 * @param clientId the sender's client id, or null
 * @param at       when the server stored it (epoch milliseconds)
 * @param replayed true when it came from history (a resume replay or a gap fill) rather than live
 */
public record ChatMessage(String session, long seq, String from, @Nullable String clientId, String text, long at, boolean replayed) {}
