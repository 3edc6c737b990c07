package dev.vicinity.h2gis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.chat.ChatSession;
import dev.vicinity.chat.ChatSessionState;
import dev.vicinity.chat.EndReason;
import dev.vicinity.chat.MemberState;
import dev.vicinity.chat.Participant;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.rating.RatingKey;
import dev.vicinity.rating.RatingRejection;
import dev.vicinity.rating.RatingResult;
import dev.vicinity.rating.RatingService;
import dev.vicinity.rating.StarHistogram;
import dev.vicinity.core.MutableClock;
import dev.vicinity.testkit.rating.Race;
import dev.vicinity.testkit.rating.TestSessions;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Races on a persistent file database, each thread on its own pooled connection: concurrent double
 * submits of one rating store exactly one and count it once; concurrent compare-and-sets of one chat
 * session from the same version let exactly one win, also when repeated round after round.
 */
class H2gisConcurrencyTest {
    private static final int THREADS = 12;
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static final UserId ALICE = UserId.of("alice");
    private static final UserId BOB = UserId.of("bob");

    @TempDir
    Path dir;

    private H2gisVicinity db;

    @BeforeEach
    void open() {
        db = H2gisVicinity.builder("jdbc:h2:file:" + dir.resolve("race").toAbsolutePath())
                .loadH2gisFunctions(false).maxConnections(THREADS + 2).build();
        db.schemaInstaller().install();
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    @Timeout(60)
    void concurrentDoubleSubmitsStoreExactlyOneRatingAndCountItOnce() throws Exception {
        TestSessions sessions = new TestSessions();
        MutableClock clock = new MutableClock(T0);
        // One pair in 5 sessions, each counted: the count-once rule (its own contract tests) is off here.
        RatingService service = RatingService.builder(db.ratingStore(), sessions).clock(clock)
                .countOncePer(java.time.Duration.ZERO).build();
        for (int round = 0; round < 5; round++) {
            SessionId s = sessions.ended(SessionId.of("s-" + round), T0, ALICE, BOB);
            service.submit(s, BOB, ALICE, 4); // revealed as soon as alice rates
            List<RatingResult> results = Race.run(THREADS, i -> service.submit(s, ALICE, BOB, 1 + i % 5));
            assertThat(results).filteredOn(RatingResult::accepted).hasSize(1);
            assertThat(results).filteredOn(r -> !r.accepted())
                    .allSatisfy(r -> assertThat(r).isEqualTo(new RatingResult.Rejected(RatingRejection.ALREADY_RATED)));
            int stars = db.ratingStore().find(RatingKey.of(s, ALICE, BOB)).orElseThrow().stars();
            assertThat(((RatingResult.Accepted) results.stream().filter(RatingResult::accepted).findFirst()
                    .orElseThrow()).rating().stars()).isEqualTo(stars);
        }
        assertThat(db.ratingStore().aggregate(BOB).count()).isEqualTo(5);
        assertThat(db.ratingStore().aggregate(ALICE)).isEqualTo(StarHistogram.of(0, 0, 0, 5, 0));
        assertThat(db.ratingStore().platformAggregate().count()).isEqualTo(10);
        assertThat(db.ratingStore().snapshot(BOB).ratings()).hasSize(5);
    }

    @Test
    @Timeout(60)
    void concurrentCompareAndSetsOfOneSessionLetExactlyOneWinPerVersion() throws Exception {
        ChatSession v1 = new ChatSession(SessionId.of("race"), ChatSessionState.INVITED, null, ALICE,
                List.of(new Participant(ALICE, MemberState.JOINED, 0, T0), new Participant(BOB, MemberState.INVITED, 0, T0)),
                T0, null, null, T0.plusSeconds(60), 1);
        assertThat(db.chatSessionStore().insert(v1)).isTrue();
        List<Boolean> inserts = Race.run(THREADS, i -> db.chatSessionStore().insert(v1));
        assertThat(inserts).containsOnly(false);

        ChatSession current = v1;
        for (int round = 0; round < 10; round++) {
            ChatSession base = current;
            // Every thread proposes a different successor of the same version.
            List<ChatSession> proposals = Race.run(THREADS, i -> {
                ChatSession next = i % 2 == 0
                        ? base.withTimeoutAt(T0.plusSeconds(1000L * i + base.version()))
                        : base.withParticipant(BOB, p -> new Participant(BOB, MemberState.JOINED, i, T0.plusSeconds(i)));
                return db.chatSessionStore().compareAndSet(base.version(), next) ? next : null;
            });
            List<ChatSession> winners = proposals.stream().filter(p -> p != null).toList();
            assertThat(winners).as("round %d", round).hasSize(1);
            current = db.chatSessionStore().find(base.id()).orElseThrow();
            assertThat(current).isEqualTo(winners.get(0));
            assertThat(current.version()).isEqualTo(base.version() + 1);
        }
        ChatSession ended = current.next(ChatSessionState.ENDED, EndReason.LEFT, T0, T0.plusSeconds(5), null);
        assertThat(db.chatSessionStore().compareAndSet(current.version(), ended)).isTrue();
        assertThat(db.chatSessionStore().openSessionsOf(ALICE)).isEmpty();
    }

    /**
     * Two threads move overlapping sets of 3,000 users at once, in batches of 300 and one by one, with
     * removals: every write lands (no lock timeout, no deadlock between batches, which lock rows in user
     * order) and a query covering everyone finds each indexed user exactly once.
     */
    @Test
    @Timeout(120)
    void concurrentOverlappingMovesAllLandAndTheIndexStaysConsistent() throws Exception {
        H2gisProximityIndex index = db.proximityIndex();
        int users = 3_000;
        int rounds = 40;
        List<dev.vicinity.geo.spi.Candidate> initial = new java.util.ArrayList<>();
        for (int i = 0; i < users; i++) {
            initial.add(new dev.vicinity.geo.spi.Candidate(UserId.of("u" + i),
                    dev.vicinity.geo.GeoPoint.ofLatLon(52.5 + (i % 60) * 0.0002, 13.4 + (i / 60) * 0.0002), T0));
        }
        index.upsertAll(initial);
        List<Integer> done = Race.run(2, t -> {
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(31L + t);
            for (int r = 0; r < rounds; r++) {
                List<dev.vicinity.geo.spi.Candidate> batch = new java.util.ArrayList<>();
                for (int k = 0; k < 300; k++) {
                    UserId u = UserId.of("u" + rnd.nextInt(users));
                    batch.add(new dev.vicinity.geo.spi.Candidate(u, dev.vicinity.geo.GeoPoint.ofLatLon(
                            52.5 + rnd.nextDouble() * 0.01, 13.4 + rnd.nextDouble() * 0.01), T0));
                }
                index.upsertAll(batch);
                UserId one = UserId.of("u" + rnd.nextInt(users));
                index.upsert(one, dev.vicinity.geo.GeoPoint.ofLatLon(52.5 + rnd.nextDouble() * 0.01, 13.4), T0);
                if (r % 10 == 0) {
                    index.remove(UserId.of("u" + rnd.nextInt(users)));
                }
            }
            return rounds;
        });
        assertThat(done).containsExactly(rounds, rounds);
        // Every indexed user is found exactly once by a query covering them all.
        List<dev.vicinity.geo.spi.Candidate> all = index.candidates(dev.vicinity.geo.GeoPoint.ofLatLon(52.505, 13.405),
                5_000, Integer.MAX_VALUE);
        assertThat(all).extracting(c -> c.user().value()).doesNotHaveDuplicates();
        assertThat(all.size()).isEqualTo(index.size()).isPositive();
    }
}
