package dev.vicinity.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vicinity.chat.ChatSession;
import dev.vicinity.chat.ChatSessionState;
import dev.vicinity.chat.EndReason;
import dev.vicinity.chat.MemberState;
import dev.vicinity.chat.Participant;
import dev.vicinity.core.ErrorCodes;
import dev.vicinity.core.InvalidInputException;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.geo.GeoPoint;
import dev.vicinity.geo.spi.Candidate;
import dev.vicinity.jdbc.internal.Nanos;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** The helpers the shared stores give their subclasses: batch order, query checks, session instants and binding. */
class SharedStoreLogicTest {
    private static final Instant T0 = Instant.parse("2026-03-01T12:00:00.123456789Z");
    private static final UserId ALICE = UserId.of("alice");
    private static final UserId BOB = UserId.of("bob");

    private static Candidate at(String user, double lat, Instant when) {
        return new Candidate(UserId.of(user), GeoPoint.ofLatLon(lat, 13.4), when);
    }

    @Test
    void aBatchIsOrderedByUserAndTheLastEntryOfAUserWins() {
        SortedMap<String, Candidate> batch = JdbcProximityIndex.lastWins(List.of(
                at("carol", 1, T0), at("alice", 2, T0), at("carol", 3, T0.plusSeconds(1)), at("bob", 4, T0),
                at("alice", 5, T0.minusSeconds(9))));
        assertThat(batch.keySet()).containsExactly("alice", "bob", "carol");
        assertThat(batch.get("carol").point().lat()).isEqualTo(3);
        assertThat(batch.get("alice").point().lat()).as("last in the batch, not newest by time").isEqualTo(5);
        assertThat(JdbcProximityIndex.lastWins(List.of())).isEmpty();
        assertThatThrownBy(() -> JdbcProximityIndex.lastWins(Arrays.asList(at("a", 1, T0), null)))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void aCandidatesQueryNeedsAFiniteNonNegativeRadiusAndAPositiveLimit() {
        assertThatCode(() -> JdbcProximityIndex.checkQuery(0, 1)).doesNotThrowAnyException();
        assertThatCode(() -> JdbcProximityIndex.checkQuery(5_000, Integer.MAX_VALUE)).doesNotThrowAnyException();
        for (double radius : new double[] {-0.001, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
                    () -> JdbcProximityIndex.checkQuery(radius, 10));
            assertThat(e.code()).as("radius %s", radius).isEqualTo(ErrorCodes.INVALID_ARGUMENT);
        }
        InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> JdbcProximityIndex.checkQuery(10, 0));
        assertThat(e.code()).isEqualTo(ErrorCodes.INVALID_ARGUMENT);
        assertThat(e.getMessage()).contains("limit");
    }

    private static ChatSession invited() {
        return new ChatSession(SessionId.of("s-1"), ChatSessionState.INVITED, null, ALICE,
                List.of(new Participant(ALICE, MemberState.JOINED, 0, T0),
                        new Participant(BOB, MemberState.INVITED, 0, T0.plusMillis(7))),
                T0, null, null, T0.plusSeconds(60), 1);
    }

    @Test
    void sessionInstantsAreNanosWithAbsentOnesMarked() {
        ChatSession s = invited();
        long[] t = JdbcChatSessionStore.times(s);
        assertThat(t).containsExactly(Nanos.of(T0), Long.MIN_VALUE, Long.MIN_VALUE, Nanos.of(T0.plusSeconds(60)),
                Nanos.of(T0), Nanos.of(T0.plusMillis(7)));

        ChatSession ended = s.next(ChatSessionState.ACTIVE, null, T0.plusSeconds(5), null, T0.plusSeconds(1800))
                .next(ChatSessionState.ENDED, EndReason.LEFT, T0.plusSeconds(5), T0.plusSeconds(9), null);
        assertThat(JdbcChatSessionStore.times(ended))
                .startsWith(Nanos.of(T0), Nanos.of(T0.plusSeconds(5)), Nanos.of(T0.plusSeconds(9)), Long.MIN_VALUE);
    }

    @Test
    void anUnstorableSessionInstantFailsBeforeAnyConnectionIsTaken() {
        ChatSession far = new ChatSession(SessionId.of("s-2"), ChatSessionState.INVITED, null, ALICE,
                List.of(new Participant(ALICE, MemberState.JOINED, 0, Instant.parse("2300-01-01T00:00:00Z"))),
                T0, null, null, T0.plusSeconds(60), 1);
        InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> JdbcChatSessionStore.times(far));
        assertThat(e.code()).isEqualTo(ErrorCodes.INVALID_ARGUMENT);
    }

    @Test
    void sessionColumnsAreBoundInTableOrderWithSqlNullForAbsentInstants() throws SQLException {
        JdbcDataSource ds = TestDatabases.fresh();
        TestDatabases.exec(ds, "CREATE TABLE s (pad INT, state VARCHAR, end_reason VARCHAR, inviter VARCHAR,"
                + " created BIGINT, activated BIGINT, ended BIGINT, timeout BIGINT)");
        ChatSession active = invited().next(ChatSessionState.ACTIVE, null, T0.plusSeconds(5), null, T0.plusSeconds(1800));
        ChatSession ended = active.next(ChatSessionState.ENDED, EndReason.IDLE_TIMEOUT, T0.plusSeconds(9),
                T0.plusSeconds(9), null);
        try (Connection c = ds.getConnection()) {
            for (ChatSession s : List.of(active, ended)) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO s VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                    ps.setInt(1, (int) s.version());
                    JdbcChatSessionStore.bindSessionColumns(ps, s, JdbcChatSessionStore.times(s), 2);
                    ps.executeUpdate();
                }
            }
            try (ResultSet rs = c.createStatement().executeQuery("SELECT * FROM s ORDER BY pad")) {
                rs.next();
                assertThat(rs.getString(2)).isEqualTo(ChatSessionState.ACTIVE.wireName());
                assertThat(rs.getString(3)).isNull();
                assertThat(rs.getString(4)).isEqualTo("alice");
                assertThat(rs.getLong(5)).isEqualTo(Nanos.of(T0));
                assertThat(rs.getLong(6)).isEqualTo(Nanos.of(T0.plusSeconds(5)));
                assertThat(rs.getObject(7)).as("ended: SQL NULL, not Long.MIN_VALUE").isNull();
                assertThat(rs.getLong(8)).isEqualTo(Nanos.of(T0.plusSeconds(1800)));
                rs.next();
                assertThat(rs.getString(2)).isEqualTo(ChatSessionState.ENDED.wireName());
                assertThat(rs.getString(3)).isEqualTo("idle_timeout");
                assertThat(rs.getLong(7)).isEqualTo(Nanos.of(T0.plusSeconds(9)));
                assertThat(rs.getObject(8)).isNull();
            }
        }
        assertThat(JdbcChatSessionStore.memberState(invited().participants().get(1))).isEqualTo("invited");
    }
}
