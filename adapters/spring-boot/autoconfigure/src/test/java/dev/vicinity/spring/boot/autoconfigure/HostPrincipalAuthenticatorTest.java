package dev.vicinity.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.UserId;
import dev.vicinity.gateway.AuthContext;
import dev.vicinity.gateway.AuthResult;
import dev.vicinity.gateway.UpgradeRequest;
import org.junit.jupiter.api.Test;

class HostPrincipalAuthenticatorTest {
    private final HostPrincipalAuthenticator auth = new HostPrincipalAuthenticator();

    private AuthResult answer(UpgradeRequest upgrade) {
        AuthContext ctx = new AuthContext("ignored-token", DeviceId.of("web"), ConnectionId.of("c1"), "127.0.0.1:1", upgrade);
        return auth.authenticate(ctx).toCompletableFuture().join();
    }

    @Test
    void theUpgradesPrincipalIsTheUser() {
        java.security.Principal ann = () -> "ann";
        AuthResult r = answer(UpgradeRequest.builder().hostPrincipal(ann).build());
        assertThat(r).isEqualTo(AuthResult.accept(new dev.vicinity.gateway.Principal(UserId.of("ann"), DeviceId.of("web"))));
    }

    @Test
    void anonymousOrInvalidNamesAreRefused() {
        assertThat(answer(UpgradeRequest.empty())).isEqualTo(AuthResult.refuse("not signed in"));
        java.security.Principal blank = () -> "";
        assertThat(answer(UpgradeRequest.builder().hostPrincipal(blank).build()))
                .isEqualTo(AuthResult.refuse("not signed in"));
    }
}
