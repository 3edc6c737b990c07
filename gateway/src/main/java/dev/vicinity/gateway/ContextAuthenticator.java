package dev.vicinity.gateway;

import dev.vicinity.core.internal.Checks;
import java.util.concurrent.CompletionStage;

/**
 * The host's authentication of a {@code hello}, with the upgrade request's context and an asynchronous
 * answer: the gateway calls {@link #authenticate} on the thread delivering the {@code hello} and
 * applies the answer on whichever thread completes the stage (at once, on the calling thread, if it is
 * already complete). Must be thread-safe; {@link #authenticate} itself should return quickly (start a
 * remote check and return its stage rather than block).
 *
 * <p>While the answer is pending the connection stays unauthenticated: module requests are refused
 * with {@code not_authenticated} (strikes, as before {@code hello}), another {@code hello} or
 * {@code resume} with {@code auth_pending}, and the auth deadline still runs; an answer arriving after
 * the socket closed or timed out is dropped (no lease is taken). A stage that completes exceptionally
 * (or with null), an exception thrown by {@link #authenticate} or a null stage count as a backend
 * failure: the client gets {@code backend_unavailable} (retryable) and may send {@code hello} again on
 * the same socket. A {@link AuthResult.Refused refusal} gives {@code auth_failed} with its reason and
 * closes the socket with 4203 {@code auth_failed}.
 *
 * <p>The answer is applied on the completing thread, which then does the presence call of the
 * handshake (a store round trip): complete the stage on a thread that may block briefly, not on a
 * network event loop.
 */
@FunctionalInterface
public interface ContextAuthenticator {

    /**
     * @param context the {@code hello}'s token and device, and the upgrade request
     * @return the answer: {@link AuthResult#accept} or {@link AuthResult#refuse}
     */
    CompletionStage<AuthResult> authenticate(AuthContext context);

    /**
     * The simple {@code (token, device)} form, answered at once on the calling thread, exactly as the
     * gateway always treated it: empty is a refusal with {@link AuthResult#DEFAULT_REASON}, and so is an
     * exception it throws (logged).
     */
    static ContextAuthenticator of(Authenticator authenticator) {
        Checks.notNull("authenticator", authenticator);
        return new SimpleAuthenticator(authenticator);
    }
}
