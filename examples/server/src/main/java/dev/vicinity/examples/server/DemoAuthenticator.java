package dev.vicinity.examples.server;

import dev.vicinity.core.DeviceId;
import dev.vicinity.core.UserId;
import dev.vicinity.gateway.AuthContext;
import dev.vicinity.gateway.AuthResult;
import dev.vicinity.gateway.ContextAuthenticator;
import dev.vicinity.gateway.Principal;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * DEMO ONLY: accepts the token {@code demo:<display name>} and makes the user id from the name, with
 * no password. Anyone can be anyone. A real host checks a signed credential (a JWT, a session
 * cookie) here and maps it to its own user id.
 *
 * <p>It uses the upgrade request the server passes to {@code open}: a {@code hello} with an empty token
 * is accepted from the {@value #COOKIE} cookie instead (how a host would read its session cookie), but
 * only when the socket was opened by a page of this very server (the {@code Origin} header, if any,
 * names the {@code Host}): a cookie-authenticated WebSocket must refuse other origins, or any web page
 * could open a socket in the visitor's name. Refusals carry a short reason for the client, never the
 * token. Answers at once; stateless and thread-safe.
 */
public final class DemoAuthenticator implements ContextAuthenticator {
    /** Token prefix the web page sends. */
    public static final String PREFIX = "demo:";
    /** Cookie holding a display name, read when the token is empty. */
    public static final String COOKIE = "vicinity_demo";
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
    public CompletionStage<AuthResult> authenticate(AuthContext context) {
        return CompletableFuture.completedFuture(decide(context));
    }

    private static AuthResult decide(AuthContext context) {
        String name;
        if (context.token().isEmpty()) {
            Optional<String> cookie = context.cookie(COOKIE);
            if (cookie.isEmpty()) {
                return AuthResult.refuse("send a token demo:<name>, or set the " + COOKIE + " cookie");
            }
            if (!sameOrigin(context)) {
                return AuthResult.refuse("cookie sign-in is only accepted from this server's own pages");
            }
            name = cookie.get();
        } else if (context.token().startsWith(PREFIX)) {
            name = context.token().substring(PREFIX.length());
        } else {
            return AuthResult.refuse("demo tokens look like demo:<name>");
        }
        return userIdFor(name).map(u -> AuthResult.accept(new Principal(u, context.device())))
                .orElseGet(() -> AuthResult.refuse("the name needs a letter or digit"));
    }

    /** No {@code Origin} (not a browser), or one naming the {@code Host} the socket was opened on. */
    private static boolean sameOrigin(AuthContext context) {
        Optional<String> origin = context.header("Origin");
        if (origin.isEmpty()) {
            return true;
        }
        try {
            String authority = URI.create(origin.get()).getAuthority();
            return authority != null && authority.equalsIgnoreCase(context.header("Host").orElse(""));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * The simple {@code (token, device)} form of the same check (no cookies): the principal, or empty
     * to refuse.
     */
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
