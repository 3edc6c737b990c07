package dev.vicinity.core;

import dev.vicinity.core.internal.IsolatingListener;
import dev.vicinity.core.spi.BusHealth;
import org.jspecify.annotations.Nullable;

/**
 * Observer of everything worth a log line or a metric, across all Vicinity modules. Every method has
 * a no-op default, so implementations override only what they need; {@link #NO_OP} ignores all.
 *
 * <p>Events carry only ids, codes and numbers, never coordinates or message text, so a listener can
 * log them without leaking private data. Methods are called synchronously on the thread doing the
 * work, so implementations must be fast, thread-safe and non-blocking. Vicinity services wrap the
 * listener they are given with {@link #isolating(VicinityListener)}: an exception thrown by a
 * listener is logged and swallowed and never breaks the operation that emitted the event.
 */
public interface VicinityListener {

    /** Ignores every event. */
    VicinityListener NO_OP = new VicinityListener() {};

    /**
     * A wrapper that forwards every event to {@code delegate} and logs (through SLF4J) and swallows
     * whatever it throws. Wrapping twice is harmless.
     */
    static VicinityListener isolating(VicinityListener delegate) {
        return IsolatingListener.wrap(delegate);
    }

    // ---- core: connections, presence, bus ----

    /** A connection moved between states. */
    default void onConnectionStateChanged(ConnectionStateChange change) {}

    /** A connection event was not legal in the connection's state; nothing changed. */
    default void onConnectionTransitionRejected(ConnectionId connection, ConnectionState state, String event) {}

    /** A user went online or offline. */
    default void onPresenceChanged(PresenceChange change) {}

    /** A newer connection of the same (user, device) replaced an older lease. */
    default void onLeaseReplaced(Lease replaced, Lease replacement) {}

    /** Leases were removed by a sweep: {@code expired} by TTL, {@code purged} because their node died. */
    default void onLeasesSwept(int expired, int purged) {}

    /** The event bus became healthy or unhealthy. */
    default void onBusHealthChanged(BusHealth health) {}

    // ---- geo ----

    /** A location fix was accepted; {@code source} is the fix's source name (e.g. {@code PRECISE}). */
    default void onLocationAccepted(UserId user, String source) {}

    /** A location fix was rejected with a stable {@code code}; nothing was stored. */
    default void onLocationRejected(UserId user, String code) {}

    /** Stale locations were purged by the sweeper. */
    default void onLocationsPurged(int count) {}

    /** A nearby query completed with {@code results} entries in {@code latencyNanos}. */
    default void onNearbyQuery(UserId querier, int results, long latencyNanos) {}

    /**
     * A completed nearby query made {@code batchCalls} calls to the host's batch callbacks (online
     * check and score provider; each call is typically one backend round trip). Reported just before
     * {@link #onNearbyQuery}; at most two per distance bucket the query ranked, plus one for the page
     * when offline users are included, whatever the number of candidates.
     */
    default void onNearbyBatchCalls(UserId querier, int batchCalls) {}

    /**
     * A completed nearby query made {@code backendCalls} calls to backends and host callbacks in all:
     * the rate-limit store (when a rate limit applies), the querier's location, the block list, each
     * read of the proximity index (one, plus one per widening pass), and the batch calls of
     * {@link #onNearbyBatchCalls}. On a remote backend each is typically one round trip. Reported just
     * before {@link #onNearbyQuery}; it does not grow with the number of candidates. What it cannot see:
     * a host callback wired in its single-user form (e.g. {@code presence::isOnline}) answers each batch
     * with one backend call per user, yet counts as one call here; and the host's
     * {@code CandidateFilter}, asked per candidate, is not counted.
     */
    default void onNearbyBackendCalls(UserId querier, int backendCalls) {}

    /** A nearby query was refused with a stable {@code code} (e.g. {@code location_required}). */
    default void onNearbyRejected(UserId querier, String code) {}

    // ---- chat ----

    /** A chat session changed state ({@code reason} is null unless the session ended). */
    default void onChatSessionChanged(SessionId session, @Nullable String previous, String current,
            @Nullable String reason) {}

    /** A message was stored with sequence {@code sequence}. */
    default void onMessageStored(SessionId session, long sequence) {}

    /** A message was refused with a stable {@code code}; nothing was stored. */
    default void onMessageRejected(SessionId session, UserId sender, String code) {}

    /** A stored message was delivered to {@code recipients} local connections. */
    default void onMessageDelivered(SessionId session, long sequence, int recipients, long latencyNanos) {}

    /** Messages were replayed from history on resume; {@code recovered} false means the client must reload. */
    default void onMessagesReplayed(SessionId session, int count, boolean recovered) {}

    // ---- rating ----

    /** A rating was stored (sealed until revealed). */
    default void onRatingSubmitted(SessionId session, UserId rater, UserId ratee) {}

    /** A rating was refused with a stable {@code code} (e.g. {@code already_rated}); nothing was stored. */
    default void onRatingRejected(SessionId session, UserId rater, String code) {}

    /** A sealed rating was edited by its rater (content only; it still counts nowhere until revealed). */
    default void onRatingEdited(SessionId session, UserId rater, UserId ratee) {}

    /** {@code count} ratings of a session were revealed and now count in aggregates. */
    default void onRatingsRevealed(SessionId session, int count) {}

    /** A rating was withdrawn (moderation); aggregates were adjusted once. */
    default void onRatingWithdrawn(SessionId session, UserId rater, UserId ratee) {}

    /** A reconcile found the stored aggregate of {@code user} off by {@code countDrift} ratings. */
    default void onAggregateDrift(UserId user, long countDrift, long sumDrift) {}
}
