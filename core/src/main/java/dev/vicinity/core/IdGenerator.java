package dev.vicinity.core;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * Makes time-ordered ids (UUIDv7, RFC 9562): 48 bits of Unix milliseconds from the injected
 * {@link Clock}, then 74 random bits. Ids made later sort after ids made earlier (to the
 * millisecond), which keeps index inserts local in every backend.
 *
 * <p>Thread-safe when its random generator is (the default {@link SecureRandom} is).
 */
public final class IdGenerator {
    private final Clock clock;
    private final RandomGenerator random;

    /** A generator on the given clock with a {@link SecureRandom}. */
    public IdGenerator(Clock clock) {
        this(clock, new SecureRandom());
    }

    /** A generator on the given clock and random source (must be thread-safe if shared). */
    public IdGenerator(Clock clock, RandomGenerator random) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** A new UUIDv7. */
    public UUID uuidV7() {
        long millis = clock.millis() & 0xFFFF_FFFF_FFFFL;
        long randA = random.nextLong() & 0x0FFFL;
        long msb = (millis << 16) | 0x7000L | randA;
        long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }

    /** A new connection id. */
    public ConnectionId connectionId() {
        return new ConnectionId(uuidV7().toString());
    }

    /** A new chat session id. */
    public SessionId sessionId() {
        return new SessionId(uuidV7().toString());
    }
}
