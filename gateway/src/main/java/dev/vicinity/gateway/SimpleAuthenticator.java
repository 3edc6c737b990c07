package dev.vicinity.gateway;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ContextAuthenticator#of}: a {@code (token, device)} {@link Authenticator} answered at once;
 * empty, null or an exception is a refusal with the default reason, as before contexts existed.
 * Thread-safe as far as the wrapped authenticator is.
 */
final class SimpleAuthenticator implements ContextAuthenticator {
    /** Logs under the facade's name, as before the gateway was split: hosts configure one logger. */
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final Authenticator authenticator;

    SimpleAuthenticator(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public CompletionStage<AuthResult> authenticate(AuthContext context) {
        Optional<Principal> principal;
        try {
            principal = authenticator.authenticate(context.token(), context.device().value());
        } catch (RuntimeException e) {
            LOG.warn("authenticator threw for connection {}", context.connection(), e);
            principal = Optional.empty();
        }
        AuthResult result = principal != null && principal.isPresent() ? AuthResult.accept(principal.get())
                : AuthResult.refuse();
        return CompletableFuture.completedFuture(result);
    }

    @Override
    public String toString() {
        return "ContextAuthenticator.of(" + authenticator + ")";
    }
}
