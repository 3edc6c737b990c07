package dev.vicinity.core.internal;

import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.ConnectionState;
import dev.vicinity.core.ConnectionStateChange;
import dev.vicinity.core.Lease;
import dev.vicinity.core.PresenceChange;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.VicinityListener;
import dev.vicinity.core.spi.BusHealth;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards every event and swallows (after logging) anything the delegate throws. Each method of
 * {@link VicinityListener} is overridden; a unit test checks that none is forgotten.
 */
public final class IsolatingListener implements VicinityListener {
    private static final Logger LOG = LoggerFactory.getLogger(IsolatingListener.class);
    private final VicinityListener delegate;

    private IsolatingListener(VicinityListener delegate) {
        this.delegate = delegate;
    }

    /** Wraps {@code delegate} unless it already is isolating or is {@link VicinityListener#NO_OP}. */
    public static VicinityListener wrap(VicinityListener delegate) {
        Objects.requireNonNull(delegate, "listener");
        if (delegate instanceof IsolatingListener || delegate == VicinityListener.NO_OP) {
            return delegate;
        }
        return new IsolatingListener(delegate);
    }

    private void guard(String event, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("Vicinity listener {} threw from {}; ignored", delegate.getClass().getName(), event, e);
        }
    }

    @Override
    public void onConnectionStateChanged(ConnectionStateChange change) {
        guard("onConnectionStateChanged", () -> delegate.onConnectionStateChanged(change));
    }

    @Override
    public void onConnectionTransitionRejected(ConnectionId connection, ConnectionState state, String event) {
        guard("onConnectionTransitionRejected", () -> delegate.onConnectionTransitionRejected(connection, state, event));
    }

    @Override
    public void onPresenceChanged(PresenceChange change) {
        guard("onPresenceChanged", () -> delegate.onPresenceChanged(change));
    }

    @Override
    public void onLeaseReplaced(Lease replaced, Lease replacement) {
        guard("onLeaseReplaced", () -> delegate.onLeaseReplaced(replaced, replacement));
    }

    @Override
    public void onLeasesSwept(int expired, int purged) {
        guard("onLeasesSwept", () -> delegate.onLeasesSwept(expired, purged));
    }

    @Override
    public void onBusHealthChanged(BusHealth health) {
        guard("onBusHealthChanged", () -> delegate.onBusHealthChanged(health));
    }

    @Override
    public void onLocationAccepted(UserId user, String source) {
        guard("onLocationAccepted", () -> delegate.onLocationAccepted(user, source));
    }

    @Override
    public void onLocationRejected(UserId user, String code) {
        guard("onLocationRejected", () -> delegate.onLocationRejected(user, code));
    }

    @Override
    public void onLocationsPurged(int count) {
        guard("onLocationsPurged", () -> delegate.onLocationsPurged(count));
    }

    @Override
    public void onNearbyQuery(UserId querier, int results, long latencyNanos) {
        guard("onNearbyQuery", () -> delegate.onNearbyQuery(querier, results, latencyNanos));
    }

    @Override
    public void onNearbyBatchCalls(UserId querier, int batchCalls) {
        guard("onNearbyBatchCalls", () -> delegate.onNearbyBatchCalls(querier, batchCalls));
    }

    @Override
    public void onNearbyBackendCalls(UserId querier, int backendCalls) {
        guard("onNearbyBackendCalls", () -> delegate.onNearbyBackendCalls(querier, backendCalls));
    }

    @Override
    public void onNearbyRejected(UserId querier, String code) {
        guard("onNearbyRejected", () -> delegate.onNearbyRejected(querier, code));
    }

    @Override
    public void onChatSessionChanged(SessionId session, @Nullable String previous, String current,
            @Nullable String reason) {
        guard("onChatSessionChanged", () -> delegate.onChatSessionChanged(session, previous, current, reason));
    }

    @Override
    public void onMessageStored(SessionId session, long sequence) {
        guard("onMessageStored", () -> delegate.onMessageStored(session, sequence));
    }

    @Override
    public void onMessageRejected(SessionId session, UserId sender, String code) {
        guard("onMessageRejected", () -> delegate.onMessageRejected(session, sender, code));
    }

    @Override
    public void onMessageDelivered(SessionId session, long sequence, int recipients, long latencyNanos) {
        guard("onMessageDelivered", () -> delegate.onMessageDelivered(session, sequence, recipients, latencyNanos));
    }

    @Override
    public void onMessagesReplayed(SessionId session, int count, boolean recovered) {
        guard("onMessagesReplayed", () -> delegate.onMessagesReplayed(session, count, recovered));
    }

    @Override
    public void onRatingSubmitted(SessionId session, UserId rater, UserId ratee) {
        guard("onRatingSubmitted", () -> delegate.onRatingSubmitted(session, rater, ratee));
    }

    @Override
    public void onRatingRejected(SessionId session, UserId rater, String code) {
        guard("onRatingRejected", () -> delegate.onRatingRejected(session, rater, code));
    }

    @Override
    public void onRatingEdited(SessionId session, UserId rater, UserId ratee) {
        guard("onRatingEdited", () -> delegate.onRatingEdited(session, rater, ratee));
    }

    @Override
    public void onRatingsRevealed(SessionId session, int count) {
        guard("onRatingsRevealed", () -> delegate.onRatingsRevealed(session, count));
    }

    @Override
    public void onRatingWithdrawn(SessionId session, UserId rater, UserId ratee) {
        guard("onRatingWithdrawn", () -> delegate.onRatingWithdrawn(session, rater, ratee));
    }

    @Override
    public void onAggregateDrift(UserId user, long countDrift, long sumDrift) {
        guard("onAggregateDrift", () -> delegate.onAggregateDrift(user, countDrift, sumDrift));
    }
}
