package dev.vicinity.geo.spi;

import dev.vicinity.core.UserId;
import java.util.HashSet;
import java.util.Set;

/**
 * Who blocked whom: four primitives. Matching hides two users from each other if either blocked the
 * other. Implementations are thread-safe; {@link #block} and {@link #unblock} are idempotent.
 */
public interface BlockList {

    /** Records that {@code blocker} blocked {@code blocked}; returns true if it was new. */
    boolean block(UserId blocker, UserId blocked);

    /** Removes the block of {@code blocked} by {@code blocker}; returns true if it existed. */
    boolean unblock(UserId blocker, UserId blocked);

    /** Users {@code user} has blocked (immutable snapshot). */
    Set<UserId> blocking(UserId user);

    /** Users who blocked {@code user} (immutable snapshot). */
    Set<UserId> blockedBy(UserId user);

    /** Whether either of {@code a} and {@code b} blocked the other. Two lookups. */
    default boolean isBlocked(UserId a, UserId b) {
        return blocking(a).contains(b) || blockedBy(a).contains(b);
    }

    /** Users hidden from {@code user} in either direction (immutable snapshot). Two lookups. */
    default Set<UserId> blockedEitherWay(UserId user) {
        Set<UserId> a = blocking(user);
        Set<UserId> b = blockedBy(user);
        if (a.isEmpty()) {
            return b;
        }
        if (b.isEmpty()) {
            return a;
        }
        Set<UserId> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
