package dev.vicinity.examples.server;

import dev.vicinity.core.DeviceId;
import dev.vicinity.core.UserId;
import dev.vicinity.gateway.Authenticator;
import dev.vicinity.gateway.Principal;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * DEMO ONLY: accepts the token {@code demo:<display name>} and makes the user id from the name, with
 * no password. Anyone can be anyone. A real host checks a signed credential (a JWT, a session
 * cookie) here and maps it to its own user id. Stateless and thread-safe.
 */
public final class DemoAuthenticator implements Authenticator {
    /** Token prefix the web page sends. */
    public static final String PREFIX = "demo:";
    private static final Pattern NOT_ALLOWED = Pattern.compile("[^A-Za-z0-9._:@+=-]+");

    /**
     * The user id for a display name: characters user ids cannot hold become {@code _}, length is
     * capped at 32; empty when nothing usable remains. O(length).
     */
    public static Optional<UserId> userIdFor(String displayName) {
        if (displayName == null) {
            return Optional.empty();
        }
        String id = NOT_ALLOWED.matcher(displayName.strip()).replaceAll("_");
        id = id.replaceAll("^_+|_+$", "");
        if (id.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(UserId.of(id.length() > 32 ? id.substring(0, 32) : id));
    }

    @Override
    public Optional<Principal> authenticate(String token, String device) {
        if (token == null || !token.startsWith(PREFIX)) {
            return Optional.empty();
        }
        try {
            return userIdFor(token.substring(PREFIX.length())).map(u -> new Principal(u, DeviceId.of(device)));
        } catch (RuntimeException e) {
            return Optional.empty(); // invalid device id: refused like a bad token
        }
    }
}
