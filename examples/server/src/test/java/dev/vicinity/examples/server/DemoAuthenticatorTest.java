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
        assertThat(DemoAuthenticator.userIdFor("  Anna Lena Müller ")).contains(UserId.of("Anna=20Lena=20M=C3=BCller"));
        assertThat(DemoAuthenticator.userIdFor("!!!")).isEmpty();
        assertThat(DemoAuthenticator.userIdFor("x".repeat(100)).orElseThrow().value()).hasSize(32);
        // Reversible: the display name comes back as typed (NFC), and different names never share an id.
        UserId zoe = DemoAuthenticator.userIdFor("Zoë Ünal").orElseThrow();
        assertThat(zoe.value()).isEqualTo("Zo=C3=AB=20=C3=9Cnal");
        assertThat(DemoAuthenticator.displayNameOf(zoe)).isEqualTo("Zoë Ünal");
        assertThat(DemoAuthenticator.userIdFor("Zo\u0308e")).isNotEqualTo(DemoAuthenticator.userIdFor("Zo_e"));
        assertThat(DemoAuthenticator.userIdFor("a=b")).isNotEqualTo(DemoAuthenticator.userIdFor("a_b"));
        assertThat(DemoAuthenticator.displayNameOf(DemoAuthenticator.userIdFor("a=b").orElseThrow())).isEqualTo("a=b");
        assertThat(DemoAuthenticator.displayNameOf(UserId.of("sim-3"))).isEqualTo("sim-3");
        // The id stays within 128 characters however wide the name's characters are.
        assertThat(DemoAuthenticator.userIdFor("語".repeat(32)).orElseThrow().value()).hasSizeLessThanOrEqualTo(128);
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
