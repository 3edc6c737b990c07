package dev.vicinity.chat.spi;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link MessageStore} holds for one session.
 *
 * @param top highest sequence ever assigned (0 if none); never decreases, not even when trimmed
 * @param oldestRetained lowest sequence still stored, or {@code top + 1} if nothing is stored
 * @param lastAppendedAt when the message {@code top} was stored, or null if none ever was
 */
public record HistoryBounds(long top, long oldestRetained, @Nullable Instant lastAppendedAt) {
    /**
     * Checks that the bounds are consistent: {@code top >= 0} and {@code 1 <= oldestRetained <= top + 1}.
     * @throws IllegalArgumentException if they are not
     */
    public HistoryBounds {
        if (top < 0 || oldestRetained < 1 || oldestRetained > top + 1) {
            throw new IllegalArgumentException("inconsistent bounds top=" + top + " oldest=" + oldestRetained);
        }
    }

    /** Bounds of a session without any message. */
    public static HistoryBounds empty() {
        return new HistoryBounds(0, 1, null);
    }

    /** True if every message after {@code lastSequence} up to {@link #top} is still stored. */
    public boolean canReplayAfter(long lastSequence) {
        return lastSequence >= 0 && lastSequence <= top && lastSequence + 1 >= oldestRetained;
    }
}
