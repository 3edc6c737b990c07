package dev.vicinity.geo;

import dev.vicinity.core.UserId;

/**
 * Whether a user is online, so that nearby results can leave out offline users. The host wires it
 * to presence, e.g. {@code presenceService::isOnline}; geo does not depend on presence itself.
 * Called once per candidate that passed the cheaper filters; must be fast and thread-safe.
 */
@FunctionalInterface
public interface OnlineCheck {
    /** Treats every user as online (for hosts without presence). */
    OnlineCheck ALWAYS = user -> true;

    /** Whether {@code user} is online now. */
    boolean isOnline(UserId user);
}
