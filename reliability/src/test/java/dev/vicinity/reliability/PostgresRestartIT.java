package dev.vicinity.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vicinity.chat.ChatMessage;
import dev.vicinity.chat.spi.AppendResult;
import dev.vicinity.chat.spi.MessageStore;
import dev.vicinity.core.BackendUnavailableException;
import dev.vicinity.core.MessageId;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.postgres.PostgresVicinity;
import dev.vicinity.rating.RatableSession;
import dev.vicinity.rating.RatingKey;
import dev.vicinity.rating.RatingResult;
import dev.vicinity.rating.RatingService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * PostgreSQL restart during rating and message traffic, on a private cluster this test creates with
 * initdb (the machine's server is untouched). While the server is down every operation fails with the
 * retryable {@code backend_unavailable} (nothing else escapes); afterwards everything acknowledged
 * before, during or after the restart is there, message sequences have no gap, and every rating
 * aggregate equals a recount (nothing half-written).
 */
class PostgresRestartIT {

    @Test
    void aCrashAndRestartLosesNothingAcknowledgedAndLeavesNothingHalfWritten() throws Exception {
        try (PrivatePostgres server = PrivatePostgres.start()) {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setURL(server.jdbcUrl());
            ds.setUser("postgres");
            PostgresVicinity pg = PostgresVicinity.builder(ds).schema("reliability").build();
            pg.schemaInstaller().install();
            MessageStore messages = pg.messageStore();
            Instant ended = Instant.now().minusSeconds(60);
            RatingService ratings = RatingService.builder(pg.ratingStore(),
                    s -> Optional.of(RatableSession.ended(s, Set.of(UserId.of("a-" + s.value()), UserId.of("b")), ended)))
                    .clock(Clock.systemUTC()).build();

            SessionId chat = SessionId.of("restart-chat");
            Map<MessageId, Long> acknowledgedMessages = new ConcurrentHashMap<>();
            List<RatingKey> acknowledgedRatings = new CopyOnWriteArrayList<>();
            AtomicInteger retryable = new AtomicInteger();
            List<Throwable> unexpected = new CopyOnWriteArrayList<>();
            // Each client writes again at once after a success and backs off 20 ms after a retryable failure.
            int[] nextMessage = {0};
            Traffic messageTraffic = Traffic.start("messages", () -> {
                int i = nextMessage[0]++;
                MessageId id = MessageId.of("m" + i);
                try {
                    AppendResult r = messages.append(chat, UserId.of("b"), id, "message " + i, Instant.now());
                    acknowledgedMessages.put(id, r.message().sequence());
                } catch (BackendUnavailableException e) {
                    retryable.incrementAndGet();
                    return Duration.ofMillis(20);
                } catch (Throwable t) {
                    unexpected.add(t);
                }
                return Duration.ZERO;
            });
            int[] nextRating = {0};
            Traffic ratingTraffic = Traffic.start("ratings", () -> {
                int i = nextRating[0]++;
                SessionId s = SessionId.of("s" + i);
                try {
                    RatingResult r = ratings.submit(s, UserId.of("b"), UserId.of("a-s" + i), 1 + i % 5);
                    if (r instanceof RatingResult.Accepted) {
                        acknowledgedRatings.add(RatingKey.of(s, UserId.of("b"), UserId.of("a-s" + i)));
                    }
                } catch (BackendUnavailableException e) {
                    retryable.incrementAndGet();
                    return Duration.ofMillis(20);
                } catch (Throwable t) {
                    unexpected.add(t);
                }
                return Duration.ZERO;
            });
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> acknowledgedMessages.size() >= 50 && acknowledgedRatings.size() >= 20);
            int beforeCrash = acknowledgedMessages.size();
            server.stopServer(true); // crash: no checkpoint, in-flight transactions die
            await().atMost(Duration.ofSeconds(30)).until(() -> retryable.get() >= 10); // both sides failing, retryably
            int retryableWhileDown = retryable.get();
            server.startServer();
            int afterRestart = acknowledgedMessages.size();
            int ratingsAfterRestart = acknowledgedRatings.size();
            await().atMost(Duration.ofSeconds(30)).until(() -> acknowledgedMessages.size() >= afterRestart + 50
                    && acknowledgedRatings.size() >= ratingsAfterRestart + 20); // traffic resumed by itself
            messageTraffic.close();
            ratingTraffic.close();
            messageTraffic.done().get(30, java.util.concurrent.TimeUnit.SECONDS);
            ratingTraffic.done().get(30, java.util.concurrent.TimeUnit.SECONDS);

            assertThat(unexpected).as("only retryable errors may escape").isEmpty();
            assertThat(beforeCrash).isPositive();
            assertThat(retryableWhileDown).as("operations failed as retryable while down").isPositive();
            assertThat(acknowledgedMessages.size()).as("traffic resumed after the restart").isGreaterThan(beforeCrash);

            long top = messages.bounds(chat).top();
            List<ChatMessage> all = new java.util.ArrayList<>();
            long after = 0;
            while (after < top) {
                List<ChatMessage> page = messages.range(chat, after, 500);
                all.addAll(page);
                after = page.get(page.size() - 1).sequence();
            }
            assertThat(all).extracting(ChatMessage::sequence).as("gap-free sequences")
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, top).boxed().toList());
            Map<MessageId, Long> stored = new ConcurrentHashMap<>();
            all.forEach(m -> stored.put(m.clientId(), m.sequence()));
            acknowledgedMessages.forEach((id, seq) -> assertThat(stored).as("acknowledged message %s", id)
                    .containsEntry(id, seq));

            for (RatingKey key : acknowledgedRatings) {
                assertThat(ratings.find(key)).as("acknowledged rating %s", key).isPresent();
            }
            for (RatingKey key : acknowledgedRatings.subList(0, Math.min(200, acknowledgedRatings.size()))) {
                var report = ratings.reconcile(key.ratee(), false);
                assertThat(report.recounted()).as("aggregate of %s equals a recount", key.ratee())
                        .isEqualTo(report.stored());
            }
        }
    }
}
