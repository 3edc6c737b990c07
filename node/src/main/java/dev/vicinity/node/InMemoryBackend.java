package dev.vicinity.node;

import dev.vicinity.chat.memory.InMemoryChatSessionStore;
import dev.vicinity.chat.memory.InMemoryMessageStore;
import dev.vicinity.chat.spi.ChatSessionStore;
import dev.vicinity.chat.spi.MessageStore;
import dev.vicinity.core.LocalRateLimitStore;
import dev.vicinity.core.memory.InMemoryEventBus;
import dev.vicinity.core.memory.InMemoryPresenceStore;
import dev.vicinity.core.memory.InMemoryResumeStore;
import dev.vicinity.core.spi.EventBus;
import dev.vicinity.core.spi.PresenceStore;
import dev.vicinity.core.spi.RateLimitStore;
import dev.vicinity.core.spi.ResumeStore;
import dev.vicinity.geo.memory.InMemoryBlockList;
import dev.vicinity.geo.memory.InMemoryLocationStore;
import dev.vicinity.geo.memory.InMemoryProximityIndex;
import dev.vicinity.geo.spi.BlockList;
import dev.vicinity.geo.spi.LocationStore;
import dev.vicinity.geo.spi.ProximityIndex;
import dev.vicinity.rating.memory.InMemoryRatingStore;
import dev.vicinity.rating.spi.RatingStore;
import java.time.Clock;
import java.util.Objects;

/**
 * Every store in this process, on the in-memory reference implementations: nothing to install,
 * nothing on disk, everything lost when the process ends. Single node ({@link #distributed()} is
 * false). What host unit tests and demos use. Thread-safe; {@link #close()} does nothing (there is
 * nothing to release).
 */
public final class InMemoryBackend implements VicinityBackend {
    private final PresenceStore presence = new InMemoryPresenceStore();
    private final EventBus bus;
    private final ResumeStore resumes = new InMemoryResumeStore();
    private final LocationStore locations = new InMemoryLocationStore();
    private final ProximityIndex index = new InMemoryProximityIndex();
    private final BlockList blocks = new InMemoryBlockList();
    private final ChatSessionStore sessions = new InMemoryChatSessionStore();
    private final MessageStore messages = new InMemoryMessageStore();
    private final RatingStore ratings = new InMemoryRatingStore();
    private final RateLimitStore rateLimits = new LocalRateLimitStore();

    /** A backend whose bus stamps health changes with the system clock. */
    public InMemoryBackend() {
        this(Clock.systemUTC());
    }

    /** A backend whose bus stamps health changes with {@code clock}. */
    public InMemoryBackend(Clock clock) {
        this.bus = new InMemoryEventBus(Objects.requireNonNull(clock, "clock"));
    }

    @Override
    public String name() {
        return "in-memory";
    }

    @Override
    public PresenceStore presenceStore() {
        return presence;
    }

    @Override
    public EventBus eventBus() {
        return bus;
    }

    @Override
    public ResumeStore resumeStore() {
        return resumes;
    }

    @Override
    public LocationStore locationStore() {
        return locations;
    }

    @Override
    public ProximityIndex proximityIndex() {
        return index;
    }

    @Override
    public BlockList blockList() {
        return blocks;
    }

    @Override
    public ChatSessionStore chatSessionStore() {
        return sessions;
    }

    @Override
    public MessageStore messageStore() {
        return messages;
    }

    @Override
    public RatingStore ratingStore() {
        return ratings;
    }

    @Override
    public RateLimitStore rateLimitStore() {
        return rateLimits;
    }

    /** Always false: the stores live in this process. */
    @Override
    public boolean distributed() {
        return false;
    }

    /** Never fails: memory is always there. */
    @Override
    public void checkStore() {
        // nothing to probe
    }

    /** Nothing to release. */
    @Override
    public void close() {
        // nothing owned outside the heap
    }
}
