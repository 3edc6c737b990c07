package dev.vicinity.spring.boot.autoconfigure;

import dev.vicinity.core.UserId;
import dev.vicinity.core.VicinityException;
import dev.vicinity.gateway.AuthContext;
import dev.vicinity.gateway.AuthResult;
import dev.vicinity.gateway.ContextAuthenticator;
import dev.vicinity.gateway.Principal;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Accepts a {@code hello} on a socket whose HTTP upgrade was already authenticated by the application
 * (Spring Security): the user is the upgrade request's principal name, the device the one the client
 * claims; the {@code hello}'s token is ignored. A socket without a principal (anonymous), or whose
 * principal name is not a valid user id, is refused. Stateless and thread-safe; answers at once.
 */
public final class HostPrincipalAuthenticator implements ContextAuthenticator {

    @Override
    public CompletionStage<AuthResult> authenticate(AuthContext context) {
        return CompletableFuture.completedFuture(context.hostPrincipal(java.security.Principal.class)
                .map(java.security.Principal::getName)
                .flatMap(name -> {
                    try {
                        return java.util.Optional.of(AuthResult.accept(
                                new Principal(UserId.of(name), context.device())));
                    } catch (VicinityException | IllegalArgumentException e) {
                        return java.util.Optional.empty();
                    }
                })
                .orElseGet(() -> AuthResult.refuse("not signed in")));
    }
}
