package dev.vicinity.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.vicinity.chat.spi.AppendResult;
import dev.vicinity.core.BackendUnavailableException;
import dev.vicinity.core.MessageId;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.VicinityException;
import dev.vicinity.rating.Rating;
import dev.vicinity.rating.RatingKey;
import dev.vicinity.rating.RatingState;
import dev.vicinity.rating.StarHistogram;
import dev.vicinity.rating.spi.RatingStore.InsertResult;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Connection loss in the middle of a transaction (the server process of the connection is killed
 * between two statements, as a PostgreSQL restart would do) and an unreachable server: every operation
 * fails with the retryable {@code backend_unavailable}, nothing is half-written, and the retry on a
 * healthy connection applies the change exactly once.
 */
class PostgresFailureIT {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private static HikariDataSource faultyPool;
    private static FaultyDataSource faulty;
    private static PostgresVicinity healthy;
    private static PostgresVicinity broken;

    @BeforeAll
    static void setUp() {
        PgTestDatabase.require();
        healthy = PgTestDatabase.freshSchema(PgTestDatabase.dataSource());
        faultyPool = PgTestDatabase.newPool("vicinity-it-faulty", 2);
        faulty = new FaultyDataSource(faultyPool);
        broken = PostgresVicinity.builder(faulty).schema(healthy.schema()).build();
    }

    @AfterAll
    static void tearDown() {
        PgTestDatabase.drop(healthy);
        if (faultyPool != null) {
            faultyPool.close();
        }
    }

    @BeforeEach
    void empty() {
        PgTestDatabase.truncate(healthy);
    }

    private static Rating rating(RatingKey key, int stars, RatingState state) {
        return Rating.create(key, stars, Set.of(), null, null, state, T0, T0.plusSeconds(3600));
    }

    private static void assertRetryable(Throwable e) {
        assertThat(e).isInstanceOf(BackendUnavailableException.class);
        assertThat(((VicinityException) e).code()).isEqualTo("backend_unavailable");
        assertThat(((VicinityException) e).retryable()).isTrue();
    }

    @Test
    void ratingInsertCutAfterTheRowWritesNeitherRowNorAggregate() {
        RatingKey key = RatingKey.of(SessionId.of("s1"), UserId.of("alice"), UserId.of("bob"));
        Rating r = rating(key, 5, RatingState.REVEALED);
        int killsBefore = faulty.kills();
        faulty.killAfter("\".rating (");

        assertThatThrownBy(() -> broken.ratingStore().insertIfAbsent(r)).satisfies(PostgresFailureIT::assertRetryable);
        assertThat(faulty.kills()).isEqualTo(killsBefore + 1);

        assertThat(healthy.ratingStore().find(key)).isEmpty();
        assertThat(healthy.ratingStore().aggregate(UserId.of("bob"))).isEqualTo(StarHistogram.EMPTY);
        assertThat(healthy.ratingStore().platformAggregate()).isEqualTo(StarHistogram.EMPTY);

        // The retry (through the same, now reconnected, pool) applies it exactly once.
        assertThat(broken.ratingStore().insertIfAbsent(r)).isEqualTo(new InsertResult.Inserted(r));
        assertThat(healthy.ratingStore().aggregate(UserId.of("bob"))).isEqualTo(StarHistogram.EMPTY.plus(5));
        assertThat(healthy.ratingStore().platformAggregate()).isEqualTo(StarHistogram.EMPTY.plus(5));
    }

    @Test
    void revealCutAfterTheRowUpdateLeavesTheRatingSealedAndUncounted() {
        RatingKey key = RatingKey.of(SessionId.of("s2"), UserId.of("carol"), UserId.of("dave"));
        Rating sealed = rating(key, 3, RatingState.SEALED);
        healthy.ratingStore().insertIfAbsent(sealed);
        Rating revealed = sealed.withState(RatingState.REVEALED, T0.plusSeconds(10));
        faulty.killAfter("UPDATE \"" + healthy.schema() + "\".rating SET");

        assertThatThrownBy(() -> broken.ratingStore().compareAndSet(1, revealed))
                .satisfies(PostgresFailureIT::assertRetryable);

        assertThat(healthy.ratingStore().find(key)).contains(sealed);
        assertThat(healthy.ratingStore().aggregate(UserId.of("dave"))).isEqualTo(StarHistogram.EMPTY);
        assertThat(broken.ratingStore().compareAndSet(1, revealed)).isTrue();
        assertThat(healthy.ratingStore().aggregate(UserId.of("dave"))).isEqualTo(StarHistogram.EMPTY.plus(3));
    }

    @Test
    void appendCutAfterTheSequenceIncrementLeavesNoGap() {
        SessionId s = SessionId.of("chat-1");
        healthy.messageStore().append(s, UserId.of("alice"), MessageId.of("m1"), "one", T0);
        faulty.killAfter(".chat_history AS h");

        assertThatThrownBy(() -> broken.messageStore().append(s, UserId.of("bob"), MessageId.of("m2"), "two", T0))
                .satisfies(PostgresFailureIT::assertRetryable);

        assertThat(healthy.messageStore().bounds(s).top()).isEqualTo(1);
        AppendResult retry = broken.messageStore().append(s, UserId.of("bob"), MessageId.of("m2"), "two", T0);
        assertThat(retry.created()).isTrue();
        assertThat(retry.message().sequence()).isEqualTo(2);
    }

    @Test
    void anUnreachableServerIsARetryableErrorForReadsAndWrites() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:postgresql://127.0.0.1:1/test?connectTimeout=1");
        config.setUsername("postgres");
        config.setConnectionTimeout(250);
        config.setInitializationFailTimeout(-1);
        config.setMaximumPoolSize(1);
        try (HikariDataSource nowhere = new HikariDataSource(config)) {
            PostgresVicinity pg = PostgresVicinity.builder(nowhere).schema(healthy.schema()).build();
            RatingKey key = RatingKey.of(SessionId.of("s"), UserId.of("a"), UserId.of("b"));
            assertThatThrownBy(() -> pg.ratingStore().find(key)).satisfies(PostgresFailureIT::assertRetryable);
            assertThatThrownBy(() -> pg.ratingStore().insertIfAbsent(rating(key, 4, RatingState.SEALED)))
                    .satisfies(PostgresFailureIT::assertRetryable);
            assertThatThrownBy(() -> pg.chatSessionStore().find(SessionId.of("x")))
                    .satisfies(PostgresFailureIT::assertRetryable);
            assertThatThrownBy(() -> pg.schemaInstaller().install()).satisfies(PostgresFailureIT::assertRetryable);
        }
    }
}
