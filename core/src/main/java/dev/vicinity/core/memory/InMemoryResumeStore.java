package dev.vicinity.core.memory;

import dev.vicinity.core.spi.ResumeStore;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link ResumeStore} in one process; share one instance between the registries of simulated nodes.
 * Thread-safe; {@link #take} is atomic (a token is handed out once). Expired tokens are dropped when
 * taken; every 1,024 puts, tokens that expired a day or more before the newest put's expiry are swept
 * (tokens of connections lost with a crashed node), so memory stays bounded without reading a clock.
 */
public final class InMemoryResumeStore implements ResumeStore {
    private record Entry(Ticket ticket, Instant expiresAt) {}

    private final Map<String, Entry> tokens = new ConcurrentHashMap<>();
    private final AtomicInteger puts = new AtomicInteger();

    @Override
    public void put(String token, Ticket ticket, Instant expiresAt) {
        Objects.requireNonNull(token, "token");
        tokens.put(token, new Entry(Objects.requireNonNull(ticket, "ticket"), Objects.requireNonNull(expiresAt)));
        if ((puts.incrementAndGet() & 1023) == 0) {
            for (Iterator<Entry> it = tokens.values().iterator(); it.hasNext(); ) {
                if (!it.next().expiresAt().isAfter(expiresAt.minusSeconds(86_400))) {
                    it.remove();
                }
            }
        }
    }

    @Override
    public Optional<Ticket> take(String token, Instant now) {
        Entry e = tokens.remove(token);
        return e == null || !e.expiresAt().isAfter(now) ? Optional.empty() : Optional.of(e.ticket());
    }

    @Override
    public void remove(String token) {
        tokens.remove(token);
    }

    /** Number of stored tokens (for leak checks). */
    public int size() {
        return tokens.size();
    }
}
