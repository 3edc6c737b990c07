package dev.vicinity.examples.server;

import dev.vicinity.core.DeviceId;
import dev.vicinity.core.UserId;
import dev.vicinity.gateway.AuthContext;
import dev.vicinity.gateway.AuthResult;
import dev.vicinity.gateway.ContextAuthenticator;
import dev.vicinity.gateway.Principal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * DEMO ONLY: accepts the token {@code demo:<display name>} and makes the user id from the name
 * (reversibly, see {@link #userIdFor}), with no password. Anyone can be anyone. A real host checks a signed credential (a JWT, a session
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
    private static final Pattern KEPT = Pattern.compile("[A-Za-z0-9._:@+-]");
    private static final int MAX_NAME = 32;
    private static final int MAX_ID = 128;

    /**
     * The user id for a display name, reversibly: the name is stripped and NFC-normalized, ASCII letters,
     * digits and {@code . _ : @ + -} are kept and every other character becomes {@code =XX} per UTF-8 byte
     * ({@code "Zoë Ünal"} → {@code Zo=C3=AB=20=C3=9Cnal}), so {@link #displayNameOf} gives the name back
     * and two different names never share an id. At most 32 characters of the name and 128 of the id;
     * empty when the name has no letter or digit. O(length).
     */
    public static Optional<UserId> userIdFor(String displayName) {
        if (displayName == null) {
            return Optional.empty();
        }
        String name = Normalizer.normalize(displayName.strip(), Normalizer.Form.NFC);
        if (name.codePoints().noneMatch(Character::isLetterOrDigit)) {
            return Optional.empty();
        }
        StringBuilder id = new StringBuilder();
        int[] cps = name.codePoints().limit(MAX_NAME).toArray();
        for (int cp : cps) {
            String part = KEPT.matcher(Character.toString(cp)).matches() ? Character.toString(cp) : escape(cp);
            if (id.length() + part.length() > MAX_ID) {
                break;
            }
            id.append(part);
        }
        return Optional.of(UserId.of(id.toString()));
    }

    /**
     * The display name a {@link #userIdFor} id was made from; ids not made that way (e.g. the simulated
     * users') are returned as they are. Never throws.
     */
    public static String displayNameOf(UserId user) {
        String id = user.value();
        if (id.indexOf('=') < 0) {
            return id;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c == '=' && i + 2 < id.length() && isHex(id.charAt(i + 1)) && isHex(id.charAt(i + 2))) {
                bytes.write(Integer.parseInt(id.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.write(c); // ids are ASCII
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
    }

    private static String escape(int cp) {
        StringBuilder out = new StringBuilder();
        for (byte b : Character.toString(cp).getBytes(StandardCharsets.UTF_8)) {
            out.append('=').append(String.format("%02X", b & 0xff));
        }
        return out.toString();
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
