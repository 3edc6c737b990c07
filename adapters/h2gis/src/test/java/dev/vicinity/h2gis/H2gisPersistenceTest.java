package dev.vicinity.h2gis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.chat.ChatMessage;
import dev.vicinity.chat.ChatSession;
import dev.vicinity.chat.ChatSessionState;
import dev.vicinity.chat.MemberState;
import dev.vicinity.chat.Participant;
import dev.vicinity.core.BackendUnavailableException;
import dev.vicinity.core.MessageId;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.LocationSource;
import dev.vicinity.geo.PublicLocation;
import dev.vicinity.geo.spi.Candidate;
import dev.vicinity.geo.spi.StoredLocation;
import dev.vicinity.rating.Rating;
import dev.vicinity.rating.RatingKey;
import dev.vicinity.rating.RatingResult;
import dev.vicinity.rating.RatingService;
import dev.vicinity.rating.StarHistogram;
import dev.vicinity.core.MutableClock;
import dev.vicinity.testkit.rating.TestSessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file database survives closing the adapter (a JVM restart as far as H2 is concerned: the database
 * is shut down and every file handle released) with all data of every store, and reopening it
 * installs nothing again. A normal close leaves no H2 trace file ({@code <name>.trace.db}, which H2
 * writes only when an error happened).
 */
class H2gisPersistenceTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00.123456789Z");
    private static final UserId ALICE = UserId.of("alice");
    private static final UserId BOB = UserId.of("bob");

    @TempDir
    Path dir;

    private String url() {
        return "jdbc:h2:file:" + dir.resolve("vicinity").toAbsolutePath();
    }

    /** Names of the files H2 left in {@link #dir}. */
    private List<String> files() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void version3StartsTheCountOnceWindowFromRatingsRevealedBeforeIt() {
        H2gisVicinity db = H2gisTestDatabase.fresh();
        try {
            UserId bob = UserId.of("bob");
            db.ratingStore().insertIfAbsent(Rating.create(RatingKey.of(SessionId.of("s1"), ALICE, bob), 5,
                    java.util.Set.of(), null, null, dev.vicinity.rating.RatingState.REVEALED, T0, T0));
            // Back to a version-2 database holding that counted rating.
            String q = "\"" + db.schema() + "\"";
            H2gisTestDatabase.exec(db, "DROP TABLE " + q + ".rating_pair; ALTER TABLE " + q + ".rating DROP COLUMN duplicate;"
                    + " DELETE FROM " + q + ".vicinity_schema_history WHERE version = 3");

            assertThat(db.schemaInstaller().install()).containsExactly(3);

            Instant later = T0.plus(java.time.Duration.ofDays(1));
            Rating repeat = Rating.create(RatingKey.of(SessionId.of("s2"), ALICE, bob), 1, java.util.Set.of(), null,
                    null, dev.vicinity.rating.RatingState.REVEALED, later, later);
            assertThat(db.ratingStore().insertIfAbsent(repeat, java.time.Duration.ofDays(7)).rating().duplicate())
                    .isTrue();
            assertThat(db.ratingStore().aggregate(bob)).isEqualTo(StarHistogram.EMPTY.plus(5));
        } finally {
            db.close();
        }
    }

    @Test
    void closeShutsTheDatabaseDownWithoutTracingAnError() throws SQLException {
        SessionId chat = SessionId.of("chat-1");
        try (H2gisVicinity db = H2gisVicinity.builder(url()).loadH2gisFunctions(false).build()) {
            db.schemaInstaller().install();
            db.blockList().block(ALICE, BOB);
            db.messageStore().append(chat, ALICE, MessageId.of("m1"), "hi", T0);
            // Connections handed back to the pool before close, as every store does.
            assertThat(db.blockList().blocking(ALICE)).containsExactly(BOB);
        }
        assertThat(files()).contains("vicinity.mv.db").noneMatch(f -> f.endsWith(".trace.db"));

        // The database really went down: a plain connection opening the existing file is its only session.
        try (Connection c = DriverManager.getConnection(url() + ";IFEXISTS=TRUE", "sa", "");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }

        try (H2gisVicinity db = H2gisVicinity.builder(url()).loadH2gisFunctions(false).build()) {
            assertThat(db.schemaInstaller().install()).isEmpty();
            assertThat(db.blockList().blocking(ALICE)).containsExactly(BOB);
            assertThat(db.messageStore().range(chat, 0, 10)).extracting(ChatMessage::text).containsExactly("hi");
        }
        assertThat(files()).noneMatch(f -> f.endsWith(".trace.db"));
    }

    @Test
    void everyStoreKeepsItsDataAcrossCloseAndReopen() {
        SessionId chat = SessionId.of("chat-1");
        SessionId rated = SessionId.of("rated-1");
        ChatSession session = new ChatSession(chat, ChatSessionState.INVITED, null, ALICE,
                List.of(new Participant(ALICE, MemberState.JOINED, 0, T0), new Participant(BOB, MemberState.INVITED, 0, T0)),
                T0, null, null, T0.plusSeconds(60), 1);
        ChatSession active = session.next(ChatSessionState.ACTIVE, null, T0.plusSeconds(5), null, T0.plusSeconds(1800));
        PublicLocation where = new PublicLocation(ALICE, GeoPoint.ofLatLon(52.52, 13.405), LocationSource.PRECISE, 20.0, T0);
        MutableClock clock = new MutableClock(T0);
        TestSessions sessions = new TestSessions();
        sessions.ended(rated, T0, ALICE, BOB);

        Rating stored;
        try (H2gisVicinity db = H2gisVicinity.builder(url()).loadH2gisFunctions(false).build()) {
            assertThat(db.schemaInstaller().install()).containsExactly(1, 2, 3);
            assertThat(db.chatSessionStore().insert(session)).isTrue();
            assertThat(db.chatSessionStore().compareAndSet(1, active)).isTrue();
            db.messageStore().append(chat, ALICE, MessageId.of("m1"), "hallo \u0000 wörld 🌍", T0);
            db.messageStore().append(chat, BOB, MessageId.of("m2"), "hi", T0.plusMillis(1));
            assertThat(db.locationStore().compareAndSet(0, where)).isPresent();
            db.proximityIndex().upsert(ALICE, where.cell(), T0);
            db.proximityIndex().upsert(BOB, GeoPoint.ofLatLon(52.521, 13.405), T0);
            db.blockList().block(BOB, UserId.of("mallory"));
            RatingService ratings = RatingService.builder(db.ratingStore(), sessions).clock(clock).build();
            ratings.submit(rated, BOB, ALICE, 5);
            RatingResult result = ratings.submit(rated, ALICE, BOB, 4);
            stored = ((RatingResult.Accepted) result).rating();
        }
        assertThat(Files.exists(dir.resolve("vicinity.mv.db"))).isTrue();
        assertThat(files()).noneMatch(f -> f.endsWith(".trace.db"));

        try (H2gisVicinity db = H2gisVicinity.builder(url()).loadH2gisFunctions(false).build()) {
            assertThat(db.schemaInstaller().install()).as("nothing to install again").isEmpty();
            assertThat(db.schemaInstaller().installedVersion()).isEqualTo(H2gisSchemaInstaller.LATEST_VERSION);
            assertThat(db.chatSessionStore().find(chat)).contains(active);
            List<ChatMessage> history = db.messageStore().range(chat, 0, 10);
            assertThat(history).extracting(ChatMessage::text).containsExactly("hallo \u0000 wörld 🌍", "hi");
            assertThat(history.get(0).storedAt()).isEqualTo(T0);
            assertThat(db.messageStore().bounds(chat).top()).isEqualTo(2);
            assertThat(db.messageStore().append(chat, ALICE, MessageId.of("m1"), "again", T0).created()).isFalse();
            assertThat(db.messageStore().append(chat, ALICE, MessageId.of("m3"), "next", T0).message().sequence()).isEqualTo(3);
            assertThat(db.locationStore().get(ALICE)).contains(new StoredLocation(where, 1));
            assertThat(db.proximityIndex().candidates(GeoPoint.ofLatLon(52.52, 13.405), 500, 10))
                    .extracting(Candidate::user).containsExactly(ALICE, BOB);
            assertThat(db.proximityIndex().candidates(GeoPoint.ofLatLon(52.52, 13.405), 500, 10).get(0).observedAt())
                    .isEqualTo(T0);
            assertThat(db.blockList().blocking(BOB)).containsExactly(UserId.of("mallory"));
            assertThat(db.ratingStore().find(RatingKey.of(rated, ALICE, BOB))).contains(stored);
            assertThat(db.ratingStore().aggregate(ALICE)).isEqualTo(StarHistogram.EMPTY.plus(5));
            assertThat(db.ratingStore().aggregate(BOB)).isEqualTo(StarHistogram.EMPTY.plus(4));
            assertThat(db.ratingStore().platformAggregate()).isEqualTo(StarHistogram.EMPTY.plus(5).plus(4));
        }
    }

    @Test
    void aClosedAdapterFailsWithTheRetryableBackendUnavailable() {
        H2gisVicinity db = H2gisVicinity.builder(url()).loadH2gisFunctions(false).build();
        db.schemaInstaller().install();
        db.close();
        db.close(); // idempotent
        assertThatThrownBy(() -> db.blockList().blocking(ALICE)).isInstanceOf(BackendUnavailableException.class);
    }

    @Test
    void openInstallsTheSchemaAndTheH2gisFunctionsOnce() {
        try (H2gisVicinity db = H2gisVicinity.open(url())) {
            assertThat(db.schemaInstaller().installedVersion()).isEqualTo(H2gisSchemaInstaller.LATEST_VERSION);
            assertThat(db.schemaInstaller().h2gisFunctionsLoaded()).isTrue();
            // The registered functions are usable on the adapter's own table.
            H2gisTestDatabase.exec(db, "INSERT INTO \"vicinity\".proximity (user_id, lat, lon, geom, observed_at_ns)"
                    + " VALUES ('x', 1, 2, ST_SetSRID(ST_MakePoint(2, 1), 4326), 0)");
            assertThat(db.proximityIndex().candidates(GeoPoint.ofLatLon(1, 2), 10, 5))
                    .extracting(Candidate::user).containsExactly(UserId.of("x"));
        }
        try (H2gisVicinity db = H2gisVicinity.open(url())) {
            assertThat(db.schemaInstaller().install()).isEmpty();
            assertThat(db.proximityIndex().size()).isEqualTo(1);
        }
        assertThat(files()).noneMatch(f -> f.endsWith(".trace.db"));
    }
}
