package dev.vicinity.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VicinityClientTest {
    static final String LIMITS = "{\"maxFrameBytes\":16384,\"framesPerSecond\":20.0,\"frameBurst\":40,\"maxConnectionsPerUser\":5,"
            + "\"authTimeoutSeconds\":10,\"maxRadiusMeters\":50000.0,\"maxNearbyPage\":100,\"locationMaxAgeSeconds\":7200,"
            + "\"maxMessageLength\":4000,\"messageLengthUnit\":\"codePoints\",\"maxClientIdLength\":128,\"maxParticipants\":2,"
            + "\"inviteTimeoutSeconds\":120,\"idleTimeoutSeconds\":1800,\"maxHistoryPage\":200,\"maxReplay\":200,\"maxPageText\":131072,"
            + "\"maxCommentLength\":500,\"commentLengthUnit\":\"codePoints\",\"maxTags\":8,\"ratingWindowSeconds\":604800}";
    static final String S = "s1";

    final ManualScheduler clock = new ManualScheduler();
    final FakeTransport transport = new FakeTransport();
    final RecordingListener recorded = new RecordingListener();
    final List<ConnectionState> states = recorded.states;
    final List<ChatMessage> messages = recorded.messages;
    final List<OutboxEntry> outbox = recorded.outbox;
    final AtomicInteger ids = new AtomicInteger();
    VicinityClient client;

    @BeforeEach
    void setUp() {
        client = VicinityClient.builder(() -> URI.create("ws://test/ws"), () -> "demo:alice", "phone")
                .transport(transport).scheduler(clock).random(() -> 1.0).newId(() -> "m" + ids.incrementAndGet())
                .backoff(500, 30_000).build();
        client.addListener(recorded);
    }

    static String welcome(String type, String re, String resume, String chat) {
        return "{\"type\":\"" + type + "\",\"re\":\"" + re + "\",\"v\":1,\"connection\":\"conn1\",\"user\":\"alice\",\"device\":\"phone\","
                + "\"resume\":\"" + resume + "\",\"resumeWindowSeconds\":120,\"heartbeatSeconds\":10,\"limits\":" + LIMITS
                + (chat == null ? "" : ",\"chat\":" + chat) + "}";
    }

    static String view(long top) {
        return "[{\"session\":\"" + S + "\",\"state\":\"ACTIVE\",\"inviter\":\"alice\",\"version\":3,"
                + "\"participants\":[{\"user\":\"alice\",\"state\":\"JOINED\",\"lastRead\":0},{\"user\":\"bob\",\"state\":\"JOINED\",\"lastRead\":0}],"
                + "\"top\":" + top + ",\"lastRead\":0,\"unread\":0}]";
    }

    static String message(long seq, String from, String clientId) {
        return "{\"type\":\"chat.message\",\"session\":\"" + S + "\",\"seq\":" + seq + ",\"from\":\"" + from + "\",\"clientId\":\"" + clientId
                + "\",\"text\":\"t" + seq + "\",\"at\":1700000000000}";
    }

    static String msgBody(long seq, String from, String clientId) {
        return message(seq, from, clientId).replace("\"type\":\"chat.message\",", "");
    }

    /** Connects: accepts the socket and answers the handshake with a welcome listing session s1 at {@code top}. */
    FakeTransport.Socket connect(String resumeToken, long top) {
        client.connect();
        clock.runDue();
        FakeTransport.Socket s = transport.last();
        s.accept();
        clock.runDue();
        JsonNode hello = s.lastSent();
        assertThat(hello.path("type").asText()).isEqualTo("hello");
        s.push(welcome("welcome", hello.path("id").asText(), resumeToken, view(top)));
        clock.runDue();
        assertThat(client.state().status()).isEqualTo(ConnectionState.Status.CONNECTED);
        return s;
    }

    @Test
    void helloThenResumeWithLastSeqAfterADropWithBackoffAndJitter() {
        FakeTransport.Socket s = connect("tok1", 0);
        assertThat(s.lastSent().path("token").asText()).isEqualTo("demo:alice");
        s.push(message(1, "bob", "b1"));
        s.push(message(2, "bob", "b2"));
        clock.runDue();
        assertThat(messages).extracting(ChatMessage::seq).containsExactly(1L, 2L);

        s.serverClose(4000, "transport_lost");
        clock.runDue();
        ConnectionState st = client.state();
        assertThat(st.status()).isEqualTo(ConnectionState.Status.RECONNECTING);
        assertThat(st.attempt()).isEqualTo(1);
        assertThat(st.retryInMs()).isEqualTo(500); // random 1.0: the cap of attempt 1
        clock.advance(499);
        assertThat(transport.sockets).hasSize(1);
        clock.advance(1);
        assertThat(transport.sockets).hasSize(2);
        // the second attempt fails too: the cap doubles
        transport.last().listener.onError(new RuntimeException("refused"));
        clock.runDue();
        assertThat(client.state().retryInMs()).isEqualTo(1000);
        clock.advance(1000);
        FakeTransport.Socket s3 = transport.last();
        assertThat(transport.sockets).hasSize(3);
        s3.accept();
        clock.runDue();
        JsonNode resume = s3.lastSent();
        assertThat(resume.path("type").asText()).isEqualTo("resume");
        assertThat(resume.path("resume").asText()).isEqualTo("tok1");
        assertThat(resume.path("chat").path("sessions").path(S).asLong()).isEqualTo(2);
        s3.push(welcome("resumed", resume.path("id").asText(), "tok2", view(2)));
        clock.runDue();
        assertThat(client.state().resumed()).isTrue();
        assertThat(client.state().attempt()).isZero();
    }

    @Test
    void jitterStaysBetweenHalfAndFullCap() {
        VicinityClient c = VicinityClient.builder(() -> URI.create("ws://x"), () -> "t", "d").transport(transport)
                .scheduler(clock).random(() -> 0.0).backoff(500, 4000).build();
        assertThat(c.backoffDelay(1)).isEqualTo(250);
        assertThat(c.backoffDelay(3)).isEqualTo(1000);
        assertThat(c.backoffDelay(10)).isEqualTo(2000); // capped at max 4000, half of it
    }

    @Test
    void stopCodesStopAndResumeExpiredSaysHelloAgain() {
        FakeTransport.Socket s = connect("tok1", 0);
        s.serverClose(4101, "resume_expired");
        clock.runDue();
        clock.advance(500);
        FakeTransport.Socket s2 = transport.last();
        s2.accept();
        clock.runDue();
        assertThat(s2.lastSent().path("type").asText()).isEqualTo("hello");
        s2.push(welcome("welcome", s2.lastSent().path("id").asText(), "tok2", view(0)));
        clock.runDue();

        s2.serverClose(4200, "replaced");
        clock.runDue();
        assertThat(client.state().status()).isEqualTo(ConnectionState.Status.STOPPED);
        assertThat(client.state().closeCode()).isEqualTo(4200);
        clock.advance(120_000);
        assertThat(transport.sockets).hasSize(2);
    }

    @Test
    void resumeRefusedAsExpiredSaysHelloAtOnce() {
        FakeTransport.Socket s = connect("tok1", 0);
        s.serverClose(1001, "server_shutdown");
        clock.runDue();
        clock.advance(500);
        FakeTransport.Socket s2 = transport.last();
        s2.accept();
        clock.runDue();
        JsonNode resume = s2.lastSent();
        assertThat(resume.path("type").asText()).isEqualTo("resume");
        s2.push("{\"type\":\"error\",\"re\":\"" + resume.path("id").asText() + "\",\"code\":\"resume_expired\",\"message\":\"gone\"}");
        clock.runDue();
        assertThat(s2.closedWith).isEqualTo(4000);
        FakeTransport.Socket s3 = transport.last();
        assertThat(s3).isNotSameAs(s2);
        s3.accept();
        clock.runDue();
        assertThat(s3.lastSent().path("type").asText()).isEqualTo("hello");
    }

    @Test
    void silenceAfterAPingDropsTheSocketWith4000AndReconnects() {
        FakeTransport.Socket s = connect("tok1", 0);
        clock.advance(10_000);
        assertThat(s.lastSent().path("type").asText()).isEqualTo("ping");
        // any frame proves the socket alive
        s.push("{\"type\":\"pong\",\"re\":\"" + s.lastSent().path("id").asText() + "\"}");
        clock.advance(9_999);
        assertThat(client.state().status()).isEqualTo(ConnectionState.Status.CONNECTED);
        clock.advance(1); // the second ping
        clock.advance(9_999);
        assertThat(client.state().status()).isEqualTo(ConnectionState.Status.CONNECTED);
        clock.advance(1); // no frame within the pong timeout
        assertThat(client.state().status()).isEqualTo(ConnectionState.Status.RECONNECTING);
        assertThat(client.state().reason()).isEqualTo("pong_timeout");
        assertThat(s.closedWith).isEqualTo(4000);
    }

    @Test
    void outboxRetriesWithTheSameClientIdAndAcksExactlyOnce() {
        FakeTransport.Socket s = connect("tok1", 0);
        VicinityClient.Send first = client.sendMessage(S, "hi");
        VicinityClient.Send second = client.sendMessage(S, "there");
        clock.runDue();
        List<JsonNode> sends = s.sentOfType("chat.send");
        assertThat(sends).hasSize(1); // one in flight per session
        assertThat(sends.get(0).path("clientId").asText()).isEqualTo(first.clientId());

        s.serverClose(4000, "transport_lost"); // the answer is lost
        clock.runDue();
        clock.advance(500);
        FakeTransport.Socket s2 = transport.last();
        s2.accept();
        clock.runDue();
        s2.push(welcome("resumed", s2.lastSent().path("id").asText(), "tok2", view(0)));
        clock.runDue();
        List<JsonNode> retry = s2.sentOfType("chat.send");
        assertThat(retry).hasSize(1);
        assertThat(retry.get(0).path("clientId").asText()).isEqualTo(first.clientId());
        // the server had stored the first attempt: it answers duplicate
        s2.push("{\"type\":\"ok\",\"re\":\"" + retry.get(0).path("id").asText() + "\",\"seq\":1,\"duplicate\":true}");
        clock.runDue();
        SendResult r = first.result().toCompletableFuture().getNow(null);
        assertThat(r).isEqualTo(new SendResult(first.clientId(), 1, true));
        // then the second message goes, and seeing it in the stream acks it before its ok arrives
        JsonNode next = s2.sentOfType("chat.send").get(1);
        assertThat(next.path("clientId").asText()).isEqualTo(second.clientId());
        s2.push(message(1, "alice", first.clientId()));
        s2.push(message(2, "alice", second.clientId()));
        clock.runDue();
        assertThat(second.result().toCompletableFuture().getNow(null).seq()).isEqualTo(2);
        s2.push("{\"type\":\"ok\",\"re\":\"" + next.path("id").asText() + "\",\"seq\":2,\"duplicate\":false}");
        clock.runDue();
        assertThat(outbox.stream().filter(e -> e.state() == OutboxEntry.State.ACKED).map(OutboxEntry::clientId))
                .containsExactly(first.clientId(), second.clientId());
        CompletableFuture<List<OutboxEntry>> left = client.outbox().toCompletableFuture();
        clock.runDue();
        assertThat(left.getNow(null)).isEmpty();
    }

    @Test
    void rateLimitedSendWaitsRetryAfterThenRetriesTheSameId() {
        FakeTransport.Socket s = connect("tok1", 0);
        VicinityClient.Send send = client.sendMessage(S, "hi");
        clock.runDue();
        JsonNode a1 = s.sentOfType("chat.send").get(0);
        s.push("{\"type\":\"error\",\"re\":\"" + a1.path("id").asText() + "\",\"code\":\"rate_limited\",\"message\":\"slow\",\"retryAfterMs\":700}");
        clock.runDue();
        clock.advance(699);
        assertThat(s.sentOfType("chat.send")).hasSize(1);
        clock.advance(1);
        assertThat(s.sentOfType("chat.send")).hasSize(2);
        assertThat(s.sentOfType("chat.send").get(1).path("clientId").asText()).isEqualTo(send.clientId());
    }

    @Test
    void typedErrorsCarryCodeAndRetryAfter() {
        FakeTransport.Socket s = connect("tok1", 0);
        CompletionStage<ChatSession> r = client.accept("nope");
        clock.runDue();
        s.push("{\"type\":\"error\",\"re\":\"" + s.lastSent().path("id").asText() + "\",\"code\":\"rate_limited\",\"message\":\"x\",\"retryAfterMs\":250}");
        clock.runDue();
        CompletableFuture<ChatSession> f = r.toCompletableFuture();
        assertThat(f).isCompletedExceptionally();
        VicinityClientException e = (VicinityClientException) f.handle((v, t) -> t).join();
        assertThat(e.code()).isEqualTo("rate_limited");
        assertThat(e.retryAfterMs()).hasValue(250);
        assertThat(e.requestType()).isEqualTo("chat.accept");
        assertThat(e.retryable()).isTrue();
    }

    @Test
    void aGapIsFilledFromHistoryAndDuplicatesAreDropped() {
        FakeTransport.Socket s = connect("tok1", 0);
        s.push(message(1, "bob", "b1"));
        s.push(message(4, "bob", "b4")); // 2 and 3 missing
        clock.runDue();
        assertThat(messages).extracting(ChatMessage::seq).containsExactly(1L);
        JsonNode h = s.sentOfType("chat.history").get(0);
        assertThat(h.path("after").asLong()).isEqualTo(1);
        s.push(message(1, "bob", "b1")); // a duplicate while filling
        s.push("{\"type\":\"ok\",\"re\":\"" + h.path("id").asText() + "\",\"messages\":[" + msgBody(2, "bob", "b2") + ","
                + msgBody(3, "bob", "b3") + "],\"top\":4,\"complete\":true}");
        clock.runDue();
        assertThat(messages).extracting(ChatMessage::seq).containsExactly(1L, 2L, 3L, 4L);
        assertThat(messages).extracting(ChatMessage::replayed).containsExactly(false, true, true, false);
        s.push(message(4, "bob", "b4"));
        clock.runDue();
        assertThat(messages).hasSize(4);
    }

    @Test
    void requestsQueuedWhileDisconnectedGoOutOnConnectAndFailWithStoppedOnClose() {
        CompletionStage<JsonNode> early = client.request("geo.nearby", java.util.Map.of("radius", 100, "limit", 10));
        FakeTransport.Socket s = connect("tok1", 0);
        assertThat(s.sentOfType("geo.nearby")).hasSize(1);
        client.close();
        clock.runDue();
        assertThat(s.sentOfType("bye")).hasSize(1);
        assertThat(s.closedWith).isEqualTo(1000);
        VicinityClientException e = (VicinityClientException) early.toCompletableFuture().handle((v, t) -> t).join();
        assertThat(e.code()).isEqualTo("stopped");
    }

    @ParameterizedTest
    @CsvSource({"1000,normal,stop", "4200,replaced,stop", "4201,kicked,stop", "4202,protocol_violation,stop",
            "4203,auth_failed,stop", "4204,policy_violation,stop", "1001,server_shutdown,resume", "4000,transport_lost,resume",
            "4001,heartbeat_timeout,resume", "4002,slow_consumer,resume", "4100,auth_timeout,hello", "4101,resume_expired,hello"})
    void everyCloseCodeOfTheTableHasItsAction(int code, String reason, String action) {
        FakeTransport.Socket s = connect("tok1", 0);
        s.serverClose(code, reason);
        clock.runDue();
        if (action.equals("stop")) {
            assertThat(client.state().status()).isEqualTo(ConnectionState.Status.STOPPED);
            assertThat(client.state().closeCode()).isEqualTo(code);
            clock.advance(60_000);
            assertThat(transport.sockets).hasSize(1);
            return;
        }
        assertThat(client.state().status()).isEqualTo(ConnectionState.Status.RECONNECTING);
        clock.advance(500);
        transport.last().accept();
        clock.runDue();
        assertThat(transport.last().lastSent().path("type").asText()).isEqualTo(action);
    }

    @Test
    void aMessageFailsAfterMaxSendAttemptsAndRetryMessageSendsItAgainWithTheSameId() {
        client = VicinityClient.builder(() -> URI.create("ws://test/ws"), () -> "demo:alice", "phone")
                .transport(transport).scheduler(clock).random(() -> 1.0).newId(() -> "m" + ids.incrementAndGet())
                .maxSendAttempts(2).build();
        FakeTransport.Socket s = connect("tok1", 0);
        VicinityClient.Send send = client.sendMessage(S, "hi");
        clock.runDue();
        for (int i = 0; i < 2; i++) {
            List<JsonNode> sends = s.sentOfType("chat.send");
            s.push("{\"type\":\"error\",\"re\":\"" + sends.get(sends.size() - 1).path("id").asText()
                    + "\",\"code\":\"backend_unavailable\",\"message\":\"down\"}");
            clock.advance(500); // the backoff before the second attempt (random 1.0: the cap)
        }
        assertThat(s.sentOfType("chat.send")).hasSize(2);
        VicinityClientException e = (VicinityClientException) send.result().toCompletableFuture().handle((v, t) -> t).join();
        assertThat(e.code()).isEqualTo("backend_unavailable");
        client.retryMessage(send.clientId());
        clock.runDue();
        assertThat(s.sentOfType("chat.send")).hasSize(3);
        assertThat(s.sentOfType("chat.send")).extracting(f -> f.path("clientId").asText()).containsOnly(send.clientId());
    }

    @Test
    void discardingANeverSentMessageFailsItsStageWithDiscarded() {
        VicinityClient.Send send = client.sendMessage(S, "never");
        clock.runDue();
        client.discardMessage(send.clientId());
        clock.runDue();
        VicinityClientException e = (VicinityClientException) send.result().toCompletableFuture().handle((v, t) -> t).join();
        assertThat(e.code()).isEqualTo("discarded");
        FakeTransport.Socket s = connect("tok1", 0);
        assertThat(s.sentOfType("chat.send")).isEmpty();
    }

    @Test
    void submitRatingRetriesALostAnswerWithTheSameIdempotencyKey() {
        FakeTransport.Socket s = connect("tok1", 0);
        CompletionStage<JsonNode> r = client.submitRating(Map.of("session", S, "ratee", "bob", "stars", 5), 3);
        clock.runDue();
        JsonNode first = s.sentOfType("rating.submit").get(0);
        s.push("{\"type\":\"error\",\"re\":\"" + first.path("id").asText() + "\",\"code\":\"rate_limited\",\"message\":\"x\",\"retryAfterMs\":100}");
        clock.advance(100);
        JsonNode second = s.sentOfType("rating.submit").get(1);
        assertThat(second.path("idempotencyKey").asText()).isEqualTo(first.path("idempotencyKey").asText()).isNotEmpty();
        assertThat(r.toCompletableFuture()).isNotDone();
    }

    @Test
    void aFrameOverMaxFrameBytesIsRefusedLocally() {
        FakeTransport.Socket s = connect("tok1", 0);
        CompletionStage<JsonNode> r = client.request("chat.typing", Map.of("session", "x".repeat(17_000)));
        clock.runDue();
        VicinityClientException e = (VicinityClientException) r.toCompletableFuture().handle((v, t) -> t).join();
        assertThat(e.code()).isEqualTo("frame_too_large");
        assertThat(s.sentOfType("chat.typing")).isEmpty();
    }

    @Test
    void anUnansweredRequestTimesOutAndAThrowingListenerIsReportedNotFatal() {
        List<Throwable> errors = new ArrayList<>();
        client.addListener(new VicinityClientListener() {
            @Override
            public void onMessage(ChatMessage m) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void onError(Throwable e) {
                errors.add(e);
            }
        });
        FakeTransport.Socket s = connect("tok1", 0);
        CompletionStage<ChatSession> r = client.leave(S);
        clock.advance(15_000);
        VicinityClientException e = (VicinityClientException) r.toCompletableFuture().handle((v, t) -> t).join();
        assertThat(e.code()).isEqualTo("timeout");
        s.push(message(1, "bob", "b1"));
        s.push(message(2, "bob", "b2"));
        clock.runDue();
        assertThat(messages).hasSize(2);
        assertThat(errors).hasSize(2).allMatch(t -> t instanceof IllegalStateException);
    }

    @Test
    void thePushesArriveTypedAtTheirOwnListenerMethods() {
        List<ServerPush> pushes = recorded.pushes;
        FakeTransport.Socket s = connect("tok1", 0);
        s.push("{\"type\":\"chat.typing\",\"session\":\"s1\",\"user\":\"bob\",\"until\":1700000005000}");
        s.push("{\"type\":\"chat.read\",\"session\":\"s1\",\"user\":\"bob\",\"seq\":4}");
        s.push("{\"type\":\"chat.presence\",\"session\":\"s1\",\"user\":\"bob\",\"state\":\"away\"}");
        s.push("{\"type\":\"chat.presence\",\"session\":\"s1\",\"user\":\"bob\",\"state\":\"online\"}");
        s.push("{\"type\":\"rating.revealed\",\"session\":\"s1\",\"rater\":\"bob\",\"ratee\":\"alice\"}");
        clock.runDue();
        assertThat(pushes).hasSize(5);
        assertThat(pushes.get(0)).isEqualTo(new ServerPush.Typing("s1", "bob", 1700000005000L, pushes.get(0).frame()));
        assertThat(pushes.get(1)).isEqualTo(new ServerPush.Read("s1", "bob", 4, pushes.get(1).frame()));
        assertThat(pushes.get(2)).isEqualTo(new ServerPush.Presence("s1", "bob", false, pushes.get(2).frame()));
        assertThat(pushes.get(3)).isEqualTo(new ServerPush.Presence("s1", "bob", true, pushes.get(3).frame()));
        assertThat(pushes.get(4)).isEqualTo(new ServerPush.RatingRevealed("s1", "bob", "alice", pushes.get(4).frame()));
        assertThat(pushes.get(0).frame().path("type").asText()).isEqualTo("chat.typing");
    }

    private String answer(FakeTransport.Socket s, String fields) {
        String id = s.lastSent().path("id").asText();
        s.push("{\"type\":\"ok\",\"re\":\"" + id + "\"" + fields + "}");
        clock.runDue();
        return id;
    }

    @Test
    void theRequestsAnswerTypedRecordsThatKeepTheFrame() {
        FakeTransport.Socket s = connect("tok1", 0);
        CompletionStage<ChatSession> invited = client.invite(List.of("carol"));
        clock.runDue();
        assertThat(s.lastSent().path("to").get(0).asText()).isEqualTo("carol");
        answer(s, ",\"session\":\"s2\",\"state\":\"INVITED\",\"inviter\":\"alice\",\"version\":1,\"timeoutAt\":1700000120000,"
                + "\"participants\":[{\"user\":\"alice\",\"state\":\"JOINED\",\"lastRead\":0},{\"user\":\"carol\",\"state\":\"INVITED\",\"lastRead\":0}]");
        ChatSession session = invited.toCompletableFuture().join();
        assertThat(session.session()).isEqualTo("s2");
        assertThat(session.state()).isEqualTo("INVITED");
        assertThat(session.endReason()).isNull();
        assertThat(session.timeoutAt()).isEqualTo(1700000120000L);
        assertThat(session.participants()).containsExactly(new ChatSession.Participant("alice", "JOINED", 0),
                new ChatSession.Participant("carol", "INVITED", 0));

        CompletionStage<NearbyPage> near = client.nearby(Map.of("radius", 1000, "limit", 20));
        clock.runDue();
        answer(s, ",\"users\":[{\"user\":\"bob\",\"distance\":\"< 500 m\",\"bucket\":0,\"online\":true,\"score\":0.5},"
                + "{\"user\":\"carol\",\"distance\":\"1-2 km\",\"bucket\":2,\"online\":false}],\"cursor\":\"c1\"");
        NearbyPage page = near.toCompletableFuture().join();
        assertThat(page.users()).containsExactly(new NearbyPage.User("bob", "< 500 m", 0, true, 0.5),
                new NearbyPage.User("carol", "1-2 km", 2, false, null));
        assertThat(page.cursor()).isEqualTo("c1");

        CompletionStage<LocationResult> located = client.updateLocation(52.52, 13.405, Map.of("accuracy", 10));
        clock.runDue();
        answer(s, ",\"accepted\":false,\"reason\":\"superseded\"");
        assertThat(located.toCompletableFuture().join()).extracting(LocationResult::accepted, LocationResult::reason)
                .containsExactly(false, "superseded");

        CompletionStage<HistoryPage> history = client.history("s1", 0, 50);
        clock.runDue();
        answer(s, ",\"messages\":[" + msgBody(1, "bob", "b1") + "],\"top\":1,\"complete\":true");
        HistoryPage h = history.toCompletableFuture().join();
        assertThat(h.messages()).containsExactly(new ChatMessage("s1", 1, "bob", "b1", "t1", 1700000000000L, true));
        assertThat(h.top()).isEqualTo(1);
        assertThat(h.complete()).isTrue();
        assertThat(messages).as("history pages are not delivered to onMessage").isEmpty();

        CompletionStage<ChatSession> read = client.markRead("s1", 1);
        clock.runDue();
        assertThat(s.lastSent().path("seq").asLong()).isEqualTo(1);
        answer(s, ",\"session\":\"s1\",\"state\":\"ACTIVE\",\"inviter\":\"alice\",\"version\":4,"
                + "\"participants\":[{\"user\":\"alice\",\"state\":\"JOINED\",\"lastRead\":1},{\"user\":\"bob\",\"state\":\"JOINED\",\"lastRead\":0}]");
        assertThat(read.toCompletableFuture().join().participants().get(0).lastRead()).isEqualTo(1);

        CompletionStage<Boolean> typing = client.typing("s1");
        clock.runDue();
        answer(s, ",\"sent\":false");
        assertThat(typing.toCompletableFuture().join()).isFalse();

        CompletionStage<JsonNode> raw = client.request("demo.profiles", Map.of("users", List.of("bob")));
        clock.runDue();
        answer(s, ",\"profiles\":[]");
        assertThat(raw.toCompletableFuture().join().path("profiles").isArray()).isTrue();
    }
}
