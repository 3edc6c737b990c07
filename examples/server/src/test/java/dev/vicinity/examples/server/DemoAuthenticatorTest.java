package dev.vicinity.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.UserId;
import dev.vicinity.gateway.AuthContext;
import dev.vicinity.gateway.AuthResult;
import dev.vicinity.gateway.UpgradeRequest;
import org.junit.jupiter.api.Test;

class DemoAuthenticatorTest {
    private final DemoAuthenticator auth = new DemoAuthenticator();

    @Test
    void displayNamesBecomeValidUserIds() {
        assertThat(DemoAuthenticator.userIdFor("Alice")).contains(UserId.of("Alice"));
        assertThat(DemoAuthenticator.userIdFor("  Anna Lena Müller ")).contains(UserId.of("Anna_Lena_M_ller"));
        assertThat(DemoAuthenticator.userIdFor("!!!")).isEmpty();
        assertThat(DemoAuthenticator.userIdFor("x".repeat(100)).orElseThrow().value()).hasSize(32);
    }

    @Test
    void onlyDemoTokensAreAccepted() {
        assertThat(auth.authenticate("demo:Bob", "web-1")).hasValueSatisfying(p -> {
            assertThat(p.user().value()).isEqualTo("Bob");
            assertThat(p.device().value()).isEqualTo("web-1");
        });
        assertThat(auth.authenticate("Bob", "web-1")).isEmpty();
        assertThat(auth.authenticate("demo:", "web-1")).isEmpty();
        assertThat(auth.authenticate("demo:Bob", "bad device!")).isEmpty();
    }

    private AuthResult answer(String token, UpgradeRequest upgrade) {
        return auth.authenticate(new AuthContext(token, DeviceId.of("web-1"), ConnectionId.of("c1"), "10.0.0.1:5000",
                upgrade)).toCompletableFuture().join();
    }

    @Test
    void withContextTokensOrTheCookieFromThisServersOwnPagesAreAccepted() {
        assertThat(answer("demo:Bob", UpgradeRequest.empty())).isInstanceOfSatisfying(AuthResult.Accepted.class,
                a -> assertThat(a.principal().user().value()).isEqualTo("Bob"));
        UpgradeRequest ownPage = UpgradeRequest.builder().header("Host", "localhost:7070")
                .header("Origin", "http://localhost:7070").cookie(DemoAuthenticator.COOKIE, "Carol").build();
        assertThat(answer("", ownPage)).isInstanceOfSatisfying(AuthResult.Accepted.class,
                a -> assertThat(a.principal().user().value()).isEqualTo("Carol"));
        UpgradeRequest otherSite = UpgradeRequest.builder().header("Host", "localhost:7070")
                .header("Origin", "https://evil.example").cookie(DemoAuthenticator.COOKIE, "Carol").build();
        assertThat(answer("", otherSite)).isInstanceOfSatisfying(AuthResult.Refused.class,
                r -> assertThat(r.reason()).contains("own pages"));
    }

    @Test
    void withContextRefusalsGiveAReasonWithoutTheToken() {
        assertThat(answer("admin-secret", UpgradeRequest.empty())).isInstanceOfSatisfying(AuthResult.Refused.class,
                r -> assertThat(r.reason()).isEqualTo("demo tokens look like demo:<name>").doesNotContain("admin-secret"));
        assertThat(answer("", UpgradeRequest.empty())).isInstanceOf(AuthResult.Refused.class);
        assertThat(answer("demo:!!!", UpgradeRequest.empty())).isInstanceOf(AuthResult.Refused.class);
    }
}
