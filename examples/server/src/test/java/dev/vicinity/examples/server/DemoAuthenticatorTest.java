package dev.vicinity.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.UserId;
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
}
