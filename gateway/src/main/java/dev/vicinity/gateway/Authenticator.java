package dev.vicinity.gateway;

import java.util.Optional;

/**
 * The host's authentication callback in its simple form: turns the credential a client sends in its
 * {@code hello} frame into a {@link Principal}, or refuses it. Called on the thread that delivered the
 * frame; it should be fast (verify a signed token locally rather than calling a remote service per
 * connection). Must be thread-safe.
 *
 * <p>An empty answer, or an exception it throws (logged), refuses the client with {@code auth_failed}
 * ("authentication failed") and closes the socket with 4203. To see the upgrade request's headers,
 * cookies, remote address or the host's own principal, to answer asynchronously, or to give the client
 * a refusal reason, implement {@link ContextAuthenticator} instead; {@link ContextAuthenticator#of}
 * adapts this form.
 */
@FunctionalInterface
public interface Authenticator {

    /**
     * @param token the client's credential (never null; may be empty)
     * @param device the device id the client claims (validated by the gateway), may be used or overridden
     * @return the principal, or empty to refuse (the client gets {@code auth_failed} and is closed)
     */
    Optional<Principal> authenticate(String token, String device);
}
