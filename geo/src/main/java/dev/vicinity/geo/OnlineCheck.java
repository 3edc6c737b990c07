package dev.vicinity.geo;

import dev.vicinity.core.UserId;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Whether users are online, so that nearby results can leave out offline users. The host wires it
 * to presence; geo does not depend on presence itself.
 *
 * <p>{@link NearbyMatcher} calls {@link #onlineAmong} once per distance bucket it ranks, with every
 * candidate of the bucket that passed the cheaper filters, so a presence backend can answer a whole
 * bucket in one round trip: wire it with {@link #batch}, e.g.
 * {@code OnlineCheck.batch(presenceService::onlineAmong)}. A host that implements only
 * {@link #isOnline} (e.g. {@code presenceService::isOnline}) keeps working: the default
 * {@link #onlineAmong} asks it once per user.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface OnlineCheck {
    /** Treats every user as online (for hosts without presence). */
    OnlineCheck ALWAYS = new OnlineCheck() {
        @Override
        public boolean isOnline(UserId user) {
            return true;
        }

        @Override
        public Set<UserId> onlineAmong(Collection<UserId> users) {
            return new HashSet<>(users);
        }
    };

    /** Whether {@code user} is online now. */
    boolean isOnline(UserId user);

    /**
     * Which of {@code users} are online now (a subset of them). The default asks {@link #isOnline}
     * once per user; override it (or use {@link #batch}) to answer in one backend call.
     */
    default Set<UserId> onlineAmong(Collection<UserId> users) {
        Set<UserId> online = new HashSet<>();
        for (UserId u : users) {
            if (isOnline(u)) {
                online.add(u);
            }
        }
        return online;
    }

    /**
     * A check answered by a batch function (e.g. {@code presenceService::onlineAmong}); its single-user
     * form asks the batch function with one user.
     */
    static OnlineCheck batch(Function<? super Collection<UserId>, ? extends Set<UserId>> onlineAmong) {
        Objects.requireNonNull(onlineAmong, "onlineAmong");
        return new OnlineCheck() {
            @Override
            public boolean isOnline(UserId user) {
                return onlineAmong.apply(List.of(user)).contains(user);
            }

            @Override
            public Set<UserId> onlineAmong(Collection<UserId> users) {
                return onlineAmong.apply(users);
            }
        };
    }
}
