package dev.vicinity.gateway;

import dev.vicinity.core.internal.Checks;

/**
 * A {@link ContextAuthenticator}'s answer: {@link Accepted} with the {@link Principal}, or
 * {@link Refused} with a reason the client reads in the {@code auth_failed} error (then the socket is
 * closed with 4203 {@code auth_failed}). Immutable values.
 *
 * <p>The reason is sent to the client as is: keep it short and generic ("token expired", "unknown
 * user"), and never put the token, a cookie, a header value or anything secret in it. It must have 1
 * to {@value #MAX_REASON_LENGTH} characters and no control characters.
 */
public sealed interface AuthResult permits AuthResult.Accepted, AuthResult.Refused {

    /** The longest refusal reason. */
    int MAX_REASON_LENGTH = 200;

    /** The reason of {@link #refuse()}: what the client reads when the host gives none. */
    String DEFAULT_REASON = "authentication failed";

    /** Accepts the connection as {@code principal}. */
    static AuthResult accept(Principal principal) {
        return new Accepted(principal);
    }

    /**
     * Refuses with {@code reason} (sent to the client; see the class comment).
     *
     * @throws IllegalArgumentException if the reason is blank, longer than {@value #MAX_REASON_LENGTH}
     *     characters or holds a control character
     */
    static AuthResult refuse(String reason) {
        return new Refused(reason);
    }

    /** Refuses with {@link #DEFAULT_REASON}. */
    static AuthResult refuse() {
        return new Refused(DEFAULT_REASON);
    }

    /** Authenticated as {@code principal}. */
    record Accepted(Principal principal) implements AuthResult {
        /**
         * Checks that {@code principal} is not null.
         * @throws NullPointerException if a required component is null
         */
        public Accepted {
            Checks.notNull("principal", principal);
        }
    }

    /** Refused; {@code reason} goes to the client. */
    record Refused(String reason) implements AuthResult {
        /**
         * Checks that {@code reason} is present, 1..{@link #MAX_REASON_LENGTH} characters long and free of control
         * characters.
         * @throws IllegalArgumentException if it is not
         */
        public Refused {
            Checks.notNull("reason", reason);
            Checks.check(!reason.isBlank() && reason.length() <= MAX_REASON_LENGTH
                    && reason.chars().noneMatch(Character::isISOControl),
                    "reason must have 1.." + MAX_REASON_LENGTH + " characters and no control characters, got "
                            + reason.length() + " characters");
        }
    }
}
