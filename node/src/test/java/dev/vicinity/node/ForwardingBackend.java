package dev.vicinity.node;

import dev.vicinity.chat.spi.ChatSessionStore;
import dev.vicinity.chat.spi.MessageStore;
import dev.vicinity.core.spi.EventBus;
import dev.vicinity.core.spi.PresenceStore;
import dev.vicinity.core.spi.RateLimitStore;
import dev.vicinity.core.spi.ResumeStore;
import dev.vicinity.geo.spi.BlockList;
import dev.vicinity.geo.spi.LocationStore;
import dev.vicinity.geo.spi.ProximityIndex;
import dev.vicinity.rating.spi.RatingStore;
import java.util.concurrent.atomic.AtomicInteger;

/** An in-memory backend that can claim to be distributed and counts its closes. */
class ForwardingBackend implements VicinityBackend {
    private final InMemoryBackend d = new InMemoryBackend();
    private final boolean distributed;
    final AtomicInteger closes = new AtomicInteger();

    ForwardingBackend(boolean distributed) {
        this.distributed = distributed;
    }

    @Override public String name() { return "forwarding"; }
    @Override public PresenceStore presenceStore() { return d.presenceStore(); }
    @Override public EventBus eventBus() { return d.eventBus(); }
    @Override public ResumeStore resumeStore() { return d.resumeStore(); }
    @Override public LocationStore locationStore() { return d.locationStore(); }
    @Override public ProximityIndex proximityIndex() { return d.proximityIndex(); }
    @Override public BlockList blockList() { return d.blockList(); }
    @Override public ChatSessionStore chatSessionStore() { return d.chatSessionStore(); }
    @Override public MessageStore messageStore() { return d.messageStore(); }
    @Override public RatingStore ratingStore() { return d.ratingStore(); }
    @Override public RateLimitStore rateLimitStore() { return d.rateLimitStore(); }
    @Override public boolean distributed() { return distributed; }
    @Override public void checkStore() { d.checkStore(); }
    @Override public void close() { closes.incrementAndGet(); }
}
