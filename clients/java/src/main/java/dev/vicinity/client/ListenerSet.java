package dev.vicinity.client;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The listeners of a {@link VicinityClient}; a throwing listener is logged and reported, never fatal. Thread-safe. */
final class ListenerSet {
    private static final Logger LOG = LoggerFactory.getLogger(VicinityClient.class);
    private final List<VicinityClientListener> listeners = new CopyOnWriteArrayList<>();

    void add(VicinityClientListener l) {
        listeners.add(l);
    }

    void remove(VicinityClientListener l) {
        listeners.remove(l);
    }

    void emit(Consumer<VicinityClientListener> call) {
        for (VicinityClientListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                LOG.warn("a client listener threw", e);
                emitError(e);
            }
        }
    }

    /** Calls the listener method of the push's type (none for null). */
    void emitPush(@Nullable ServerPush push) {
        if (push instanceof ServerPush.Typing t) {
            emit(l -> l.onTyping(t));
        } else if (push instanceof ServerPush.Read r) {
            emit(l -> l.onRead(r));
        } else if (push instanceof ServerPush.Presence p) {
            emit(l -> l.onPresence(p));
        } else if (push instanceof ServerPush.RatingRevealed r) {
            emit(l -> l.onRatingRevealed(r));
        }
    }

    void emitError(Throwable error) {
        for (VicinityClientListener l : listeners) {
            try {
                l.onError(error);
            } catch (RuntimeException e) {
                LOG.warn("a client error listener threw", e);
            }
        }
    }
}
