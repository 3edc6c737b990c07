package dev.vicinity.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.core.BackendUnavailableException;
import dev.vicinity.core.MessageId;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The adapter's query timeout: a message append stuck behind a row lock another transaction holds
 * (a slow or locked server) is cancelled after the timeout and fails with the retryable
 * {@code backend_unavailable}, rolled back: once the lock is gone the next append gets the next
 * sequence, with no gap.
 */
class PostgresQueryTimeoutIT {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    private PostgresVicinity pg;

    @BeforeEach
    void setUp() {
        PgTestDatabase.require();
        pg = PgTestDatabase.freshSchema(PgTestDatabase.dataSource());
    }

    @AfterEach
    void tearDown() {
        if (pg != null) {
            PgTestDatabase.drop(pg);
        }
    }

    @Test
    void aStatementWaitingForALockIsCancelledAfterTheQueryTimeout() throws Exception {
        PostgresVicinity timed = PostgresVicinity.builder(PgTestDatabase.dataSource()).schema(pg.schema())
                .queryTimeout(Duration.ofSeconds(1)).build();
        SessionId session = SessionId.of(UUID.randomUUID().toString());
        UserId ann = UserId.of("ann");
        assertThat(timed.messageStore().append(session, ann, MessageId.of("m1"), "one", T0).message().sequence())
                .isEqualTo(1);
        try (Connection locker = PgTestDatabase.dataSource().getConnection()) {
            locker.setAutoCommit(false);
            try (PreparedStatement ps = locker.prepareStatement("SELECT top_seq FROM \"" + pg.schema()
                    + "\".chat_history WHERE session_id = ? FOR UPDATE")) {
                ps.setString(1, session.value());
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                }
            }
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> timed.messageStore().append(session, ann, MessageId.of("m2"), "two", T0))
                    .isInstanceOf(BackendUnavailableException.class).hasMessageContaining("57014");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(ms).as("cancelled after %s ms", ms).isGreaterThanOrEqualTo(900).isLessThan(4_000);
            locker.rollback();
        }
        assertThat(timed.messageStore().append(session, ann, MessageId.of("m2"), "two", T0).message().sequence())
                .as("the cancelled append left no gap").isEqualTo(2);
    }
}
