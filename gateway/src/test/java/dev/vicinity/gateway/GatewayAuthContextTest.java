package dev.vicinity.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vicinity.core.BackendUnavailableException;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.UserId;
import dev.vicinity.gateway.GatewayHarness.Client;
import dev.vicinity.gateway.GatewayHarness.Node;
import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The authenticator with context: it sees the upgrade request (headers, cookies, remote address, the
 * host's principal) and answers asynchronously, with a refusal reason if it refuses; meanwhile the
 * handshake refuses everything but {@code ping}, and a late or failed answer leaves nothing behind.
 */
class GatewayAuthContextTest {
    private final GatewayHarness h = new GatewayHarness();
    /** Every context the authenticator saw, in order. */
    private final List<AuthContext> seen = new CopyOnWriteArrayList<>();
    /** The answers the test still has to give, in the order the hellos arrived. */
    private final BlockingQueue<CompletableFuture<AuthResult>> answers = new LinkedBlockingQueue<>();
    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    GatewayAuthContextTest() {
        h.authenticator = context -> {
            seen.add(context);
            CompletableFuture<AuthResult> answer = new CompletableFuture<>();
            answers.add(answer);
            return answer;
        };
    }

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    private static AuthResult as(String user, AuthContext context) {
        return AuthResult.accept(new dev.vicinity.gateway.Principal(UserId.of(user), context.device()));
    }

    private static String hello(Client c) {
        return c.send("hello", "v", 1, "token", "secret-token", "device", "phone");
    }

    private CompletableFuture<AuthResult> nextAnswer() throws InterruptedException {
        CompletableFuture<AuthResult> f = answers.poll(5, TimeUnit.SECONDS);
        assertThat(f).as("the authenticator was asked").isNotNull();
        return f;
    }

    @Test
    void anAsynchronousAnswerWelcomesTheClientWhenItComes() throws Exception {
        Node a = h.node("A");
        Client alice = a.connect("alice");
        String id = hello(alice);
        assertThat(alice.transport.received).isEmpty();
        assertThat(h.presenceStore.leasesOf(UserId.of("alice"))).isEmpty();

        CompletableFuture<AuthResult> answer = nextAnswer();
        threads.submit(() -> answer.complete(as("alice", seen.get(0)))).get(5, TimeUnit.SECONDS);

        JsonNode welcome = alice.transport.reply(id);
        assertThat(welcome.get("type").asText()).isEqualTo("welcome");
        assertThat(welcome.get("user").asText()).isEqualTo("alice");
        assertThat(welcome.get("device").asText()).isEqualTo("phone");
        assertThat(h.presenceStore.leasesOf(UserId.of("alice"))).hasSize(1);
        assertThat(alice.request("geo.location", "lat", 52.52, "lon", 13.405).get("type").asText()).isEqualTo("ok");
    }

    @Test
    void aRefusalSendsItsReasonInAuthFailedAndClosesWith4203() throws Exception {
        Node a = h.node("A");
        Client eve = a.connect("eve");
        String id = hello(eve);
        nextAnswer().complete(AuthResult.refuse("token expired"));

        JsonNode error = eve.transport.reply(id);
        assertThat(error.get("type").asText()).isEqualTo("error");
        assertThat(error.get("code").asText()).isEqualTo("auth_failed");
        assertThat(error.get("message").asText()).isEqualTo("token expired");
        assertThat(eve.transport.closedWith).isEqualTo(4203);
        assertThat(eve.transport.closeReason).isEqualTo("auth_failed");
        assertThat(eve.transport.received.toString()).doesNotContain("secret-token");
    }

    @Test
    void aRefusalWithoutAReasonSaysAuthenticationFailed() throws Exception {
        Node a = h.node("A");
        Client eve = a.connect("eve");
        String id = hello(eve);
        nextAnswer().complete(AuthResult.refuse());
        assertThat(eve.transport.reply(id).get("message").asText()).isEqualTo("authentication failed");
        assertThat(eve.transport.closedWith).isEqualTo(4203);
    }

    @Test
    void whilePendingRequestsAreNotAuthenticatedStrikesAndAnotherHelloOrResumeIsRefused()
            throws Exception {
        h.limits = GatewayLimits.builder().maxStrikes(5).build();
        Node a = h.node("A");
        Client alice = a.connect("alice");
        String id = hello(alice);
        CompletableFuture<AuthResult> answer = nextAnswer();

        assertThat(alice.request("geo.location", "lat", 52.52, "lon", 13.405).get("code").asText())
                .isEqualTo("not_authenticated");
        assertThat(alice.request("hello", "v", 1, "token", "other", "device", "phone").get("code").asText())
                .isEqualTo("auth_pending");
        assertThat(alice.request("resume", "v", 1, "resume", "whatever").get("code").asText())
                .isEqualTo("auth_pending");
        assertThat(alice.request("ping").get("type").asText()).isEqualTo("pong");
        assertThat(seen).hasSize(1);
        assertThat(alice.connection.strikes()).isZero(); // the ping reset them, as before authentication

        answer.complete(as("alice", seen.get(0)));
        assertThat(alice.transport.reply(id).get("type").asText()).isEqualTo("welcome");
        assertThat(alice.request("hello", "v", 1, "token", "again", "device", "phone").get("code").asText())
                .isEqualTo("already_authenticated");
    }

    @Test
    void badFramesWhilePendingCountTowardsTheStrikeLimit() throws Exception {
        h.limits = GatewayLimits.builder().maxStrikes(3).build();
        Node a = h.node("A");
        Client alice = a.connect("alice");
        hello(alice);
        CompletableFuture<AuthResult> answer = nextAnswer();
        for (int i = 0; i < 3; i++) {
            alice.request("geo.location", "lat", 52.52, "lon", 13.405);
        }
        assertThat(alice.transport.closedWith).isEqualTo(4202);

        answer.complete(as("alice", seen.get(0)));
        assertThat(alice.transport.ofType("welcome")).isEmpty();
        assertThat(h.presenceStore.leasesOf(UserId.of("alice"))).isEmpty();
    }

    @Test
    void anAnswerAfterTheAuthDeadlineIsIgnoredAndTakesNoLease() throws Exception {
        Node a = h.node("A");
        Client slow = a.connect("slow");
        String id = hello(slow);
        CompletableFuture<AuthResult> answer = nextAnswer();
        h.advance(Duration.ofSeconds(11), a);
        assertThat(slow.transport.closedWith).isEqualTo(4100);
        int framesBefore = slow.transport.received.size();

        answer.complete(as("slow", seen.get(0)));

        assertThat(slow.transport.received).hasSize(framesBefore);
        assertThat(slow.transport.matching(f -> id.equals(f.path("re").asText(null)))).isEmpty();
        assertThat(h.presenceStore.leasesOf(UserId.of("slow"))).isEmpty();
        assertThat(a.gateway.localConnections(UserId.of("slow"))).isEmpty();
        assertThat(a.gateway.connections().connections()).isEmpty();
    }

    @Test
    void aFailedAnswerIsBackendUnavailableAndTheSameSocketMayRetry() throws Exception {
        Node a = h.node("A");
        Client alice = a.connect("alice");
        String first = hello(alice);
        nextAnswer().completeExceptionally(new BackendUnavailableException("identity provider down (test)", null));

        JsonNode error = alice.transport.reply(first);
        assertThat(error.get("code").asText()).isEqualTo("backend_unavailable");
        assertThat(error.get("message").asText()).doesNotContain("identity provider");
        assertThat(alice.transport.isClosed()).isFalse();
        assertThat(alice.connection.user()).isNull();
        assertThat(h.presenceStore.leasesOf(UserId.of("alice"))).isEmpty();

        String retry = hello(alice);
        CompletableFuture<AuthResult> answer = nextAnswer();
        answer.complete(as("alice", seen.get(1)));
        assertThat(alice.transport.reply(retry).get("type").asText()).isEqualTo("welcome");
        assertThat(h.presenceStore.leasesOf(UserId.of("alice"))).hasSize(1);
    }

    @Test
    void anAuthenticatorThatThrowsOrReturnsNullIsABackendFailure() {
        AtomicInteger calls = new AtomicInteger();
        h.authenticator = context -> switch (calls.incrementAndGet()) {
            case 1 -> throw new IllegalStateException("bug in the host (test)");
            case 2 -> null;
            case 3 -> CompletableFuture.completedFuture(null);
            default -> CompletableFuture.completedFuture(as("alice", context));
        };
        Node a = h.node("A");
        Client alice = a.connect("alice");
        for (int i = 0; i < 3; i++) {
            assertThat(alice.transport.reply(hello(alice)).get("code").asText()).isEqualTo("backend_unavailable");
        }
        assertThat(alice.transport.isClosed()).isFalse();
        assertThat(alice.transport.reply(hello(alice)).get("type").asText()).isEqualTo("welcome");
    }

    @Test
    void theAuthenticatorSeesHeadersCookiesAddressAndTheHostsPrincipal() throws Exception {
        Principal springUser = () -> "alice@example.org";
        UpgradeRequest upgrade = UpgradeRequest.builder()
                .headers(Map.of("Authorization", List.of("Bearer abc")))
                .header("X-Forwarded-For", "203.0.113.7").header("x-forwarded-for", "10.0.0.1")
                .cookie("session", "s3cr3t").remoteAddress("203.0.113.7").hostPrincipal(springUser).build();
        Node a = h.node("A");
        Client alice = a.connect("alice", upgrade);
        String id = hello(alice);
        CompletableFuture<AuthResult> answer = nextAnswer();

        AuthContext c = seen.get(0);
        assertThat(c.token()).isEqualTo("secret-token");
        assertThat(c.device()).isEqualTo(DeviceId.of("phone"));
        assertThat(c.connection()).isEqualTo(alice.connection.connection());
        assertThat(c.header("authorization")).contains("Bearer abc");
        assertThat(c.headers("X-FORWARDED-FOR")).containsExactly("203.0.113.7", "10.0.0.1");
        assertThat(c.header("Origin")).isEmpty();
        assertThat(c.cookie("session")).contains("s3cr3t");
        assertThat(c.cookie("Session")).isEmpty();
        assertThat(c.remoteAddress()).isEqualTo("203.0.113.7");
        assertThat(c.transportAddress()).isEqualTo("test:alice");
        assertThat(c.hostPrincipal(Principal.class).map(Principal::getName)).contains("alice@example.org");
        assertThat(c.hostPrincipal(String.class)).isEmpty();
        assertThat(c.toString()).doesNotContain("secret-token", "s3cr3t", "Bearer abc");

        answer.complete(as("alice", c));
        assertThat(alice.transport.reply(id).get("type").asText()).isEqualTo("welcome");
    }

    @Test
    void aSocketOpenedWithoutUpgradeDataHasAnEmptyContext() throws Exception {
        Node a = h.node("A");
        Client alice = a.connect("alice");
        hello(alice);
        nextAnswer().complete(AuthResult.refuse());
        AuthContext c = seen.get(0);
        assertThat(c.upgrade().headers()).isEmpty();
        assertThat(c.upgrade().cookies()).isEmpty();
        assertThat(c.hostPrincipal()).isEmpty();
        assertThat(c.remoteAddress()).isEqualTo("test:alice");
    }

    @Test
    void theSimpleFormIsUnchangedAndAThrowIsStillARefusal() {
        h.authenticator = ContextAuthenticator.of((token, device) -> {
            if (token.equals("boom")) {
                throw new IllegalStateException("host bug (test)");
            }
            return token.equals("ok") ? Optional.of(new dev.vicinity.gateway.Principal(UserId.of("alice"),
                    DeviceId.of(device))) : Optional.empty();
        });
        Node a = h.node("A");
        Client bad = a.connect("bad");
        JsonNode refused = bad.request("hello", "v", 1, "token", "boom", "device", "d");
        assertThat(refused.get("code").asText()).isEqualTo("auth_failed");
        assertThat(refused.get("message").asText()).isEqualTo("authentication failed");
        assertThat(bad.transport.closedWith).isEqualTo(4203);
        assertThat(a.connect("good").request("hello", "v", 1, "token", "ok", "device", "d").get("type").asText())
                .isEqualTo("welcome");
    }

    @Test
    void refusalReasonsAreShortSingleLineText() {
        assertThat(((AuthResult.Refused) AuthResult.refuse("unknown user")).reason()).isEqualTo("unknown user");
        assertThatThrownBy(() -> AuthResult.refuse(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reason");
        assertThatThrownBy(() -> AuthResult.refuse("x".repeat(201))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AuthResult.refuse("bad\ntoken")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AuthResult.refuse(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> AuthResult.accept(null)).isInstanceOf(NullPointerException.class);
    }

    /**
     * The answer completing on one thread while the socket closes on another: whichever wins, nothing
     * is left behind (no lease after a clean close, no indexed connection), and every module that was
     * told the connection attached is told it left, exactly once.
     */
    @Test
    void anAnswerRacingTheCloseLeavesNothingBehind() throws Exception {
        AtomicInteger attached = new AtomicInteger();
        AtomicInteger left = new AtomicInteger();
        h.extraModules.add(new FrameModule() {
            @Override
            public String name() {
                return "count";
            }

            @Override
            public Map<String, FrameHandler> handlers() {
                return Map.of();
            }

            @Override
            public void onAttached(ClientContext client, com.fasterxml.jackson.databind.node.ObjectNode welcome) {
                attached.incrementAndGet();
            }

            @Override
            public void onDetached(ClientContext client) {
                left.incrementAndGet();
            }

            @Override
            public void onClosed(ClientContext client) {
                left.incrementAndGet();
            }
        });
        Node a = h.node("A");
        for (int i = 0; i < 300; i++) {
            UserId user = UserId.of("u" + i);
            Client c = a.connect("u" + i);
            hello(c);
            CompletableFuture<AuthResult> answer = nextAnswer();
            AuthContext context = seen.get(i);
            CountDownLatch go = new CountDownLatch(1);
            Future<?> complete = threads.submit(() -> {
                go.await();
                return answer.complete(AuthResult.accept(new dev.vicinity.gateway.Principal(user, context.device())));
            });
            Future<?> close = threads.submit(() -> {
                go.await();
                a.gateway.onClosed(c.connection, 1000, "bye");
                return null;
            });
            go.countDown();
            complete.get(5, TimeUnit.SECONDS);
            close.get(5, TimeUnit.SECONDS);

            assertThat(h.presenceStore.leasesOf(user)).as("leases of %s", user).isEmpty();
            assertThat(a.gateway.localConnections(user)).isEmpty();
            assertThat(a.gateway.connection(c.connection.connection())).isEmpty();
            assertThat(left.get()).as("modules told of leaving, iteration %d", i).isEqualTo(attached.get());
        }
        assertThat(a.gateway.connections().connections()).isEmpty();
    }
}
