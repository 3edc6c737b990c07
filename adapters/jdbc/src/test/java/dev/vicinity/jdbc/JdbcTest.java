package dev.vicinity.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vicinity.core.BackendUnavailableException;
import dev.vicinity.core.ErrorCodes;
import dev.vicinity.core.InvalidInputException;
import dev.vicinity.core.VicinityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.h2.jdbcx.JdbcConnectionPool;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The transaction template on a real in-memory H2 database; failures of a unit of work are raised by the work. */
class JdbcTest {
    private static final String HINT = "run the installer first";

    private JdbcDataSource ds;

    @BeforeEach
    void database() {
        ds = TestDatabases.fresh();
        TestDatabases.exec(ds, "CREATE TABLE item (id INT PRIMARY KEY, name VARCHAR)");
    }

    private static SQLException sql(String state) {
        return new SQLException("driver says: row ('s3cret') failed", state, 4711);
    }

    private static int insert(Connection c, int id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO item (id, name) VALUES (?, 'x')")) {
            ps.setInt(1, id);
            return ps.executeUpdate();
        }
    }

    @Test
    void rejectsADialectWithoutAttemptsAndMissingParts() {
        assertThatThrownBy(() -> new Jdbc(ds, new TestDialect(0), HINT)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> new Jdbc(null, new TestDialect(1), HINT)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Jdbc(ds, null, HINT)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Jdbc(ds, new TestDialect(1), null)).isInstanceOf(NullPointerException.class);
    }

    @Nested
    class Translate {
        private final Jdbc jdbc = new Jdbc(ds(), new TestDialect(1), HINT);

        private JdbcDataSource ds() {
            return TestDatabases.fresh();
        }

        @Test
        void unavailabilityIsTheRetryableBackendUnavailable() {
            SQLException e = sql(TestDialect.UNAVAILABLE);
            VicinityException v = jdbc.translate("message append", e);
            assertThat(v).isInstanceOf(BackendUnavailableException.class).hasCause(e);
            assertThat(v.code()).isEqualTo(ErrorCodes.BACKEND_UNAVAILABLE);
            assertThat(v.retryable()).isTrue();
            assertThat(v.getMessage()).contains("TestDB", "message append", "4711", TestDialect.UNAVAILABLE)
                    .doesNotContain("s3cret");
        }

        @Test
        void aConflictThatOutlivedTheRetriesIsAlsoBackendUnavailable() {
            VicinityException v = jdbc.translate("rating insert", sql(TestDialect.CONFLICT));
            assertThat(v).isInstanceOf(BackendUnavailableException.class);
            assertThat(v.retryable()).isTrue();
        }

        @Test
        void missingTablesAreSchemaNotInstalledWithTheHint() {
            SQLException e = sql(TestDialect.MISSING);
            VicinityException v = jdbc.translate("location get", e);
            assertThat(v.code()).isEqualTo(JdbcErrorCodes.SCHEMA_NOT_INSTALLED);
            assertThat(v.retryable()).isFalse();
            assertThat(v).hasCause(e);
            assertThat(v.getMessage()).contains("location get", HINT).doesNotContain("s3cret");
        }

        @Test
        void unstorableTextIsBadInputWithoutTheDriverMessage() {
            VicinityException v = jdbc.translate("message append", sql(TestDialect.UNSTORABLE));
            assertThat(v).isInstanceOf(InvalidInputException.class);
            assertThat(v.code()).isEqualTo(ErrorCodes.INVALID_ARGUMENT);
            assertThat(v.retryable()).isFalse();
            assertThat(v.getMessage()).contains("TestDB", "message append").doesNotContain("s3cret");
        }

        @Test
        void everythingElseIsTheNonRetryableBackendError() {
            SQLException e = sql("42000");
            VicinityException v = jdbc.translate("block", e);
            assertThat(v).isNotInstanceOf(BackendUnavailableException.class).isNotInstanceOf(InvalidInputException.class);
            assertThat(v.code()).isEqualTo(JdbcErrorCodes.BACKEND_ERROR);
            assertThat(v.retryable()).isFalse();
            assertThat(v).hasCause(e);
            assertThat(v.getMessage()).contains("TestDB", "block", "4711", "42000").doesNotContain("s3cret");
        }

        @Test
        void aMissingSqlStateIsReportedAsEmpty() {
            VicinityException v = jdbc.translate("op", new SQLException("boom"));
            assertThat(v.code()).isEqualTo(JdbcErrorCodes.BACKEND_ERROR);
            assertThat(v.getMessage()).contains("error 0, SQLState )").doesNotContain("null");
        }
    }

    @Nested
    class RealErrors {
        @Test
        void aMissingTableIsSchemaNotInstalled() {
            Jdbc jdbc = new Jdbc(ds, new TestDialect(1), HINT);
            VicinityException v = catchThrowableOfType(VicinityException.class, () -> jdbc.autoCommit("read", c -> {
                try (Statement st = c.createStatement()) {
                    return st.executeQuery("SELECT * FROM no_such_table").next();
                }
            }));
            assertThat(v.code()).isEqualTo(JdbcErrorCodes.SCHEMA_NOT_INSTALLED);
        }

        @Test
        void aDisposedPoolIsBackendUnavailable() {
            JdbcConnectionPool pool = JdbcConnectionPool.create(ds);
            pool.dispose();
            Jdbc jdbc = new Jdbc(pool, new TestDialect(3), HINT);
            AtomicInteger runs = new AtomicInteger();
            VicinityException v = catchThrowableOfType(VicinityException.class,
                    () -> jdbc.autoCommit("read", c -> runs.incrementAndGet()));
            assertThat(v).isInstanceOf(BackendUnavailableException.class);
            assertThat(v.getMessage()).contains("08003");
            assertThat(runs).hasValue(0);
        }

        @Test
        void aRealLockConflictIsRetriedThenReportedAsUnavailable() throws SQLException {
            TestDatabases.exec(ds, "INSERT INTO item VALUES (1, 'a')");
            Jdbc jdbc = new Jdbc(ds, new TestDialect(3), HINT);
            AtomicInteger attempts = new AtomicInteger();
            try (Connection holder = ds.getConnection(); Statement st = holder.createStatement()) {
                holder.setAutoCommit(false);
                st.executeUpdate("UPDATE item SET name = 'held' WHERE id = 1");
                assertThatThrownBy(() -> jdbc.inTransaction("rename", c -> {
                    attempts.incrementAndGet();
                    try (Statement s = c.createStatement()) {
                        return s.executeUpdate("UPDATE item SET name = 'mine' WHERE id = 1");
                    }
                })).isInstanceOf(BackendUnavailableException.class);
                holder.rollback();
            }
            assertThat(attempts).hasValue(3);
            // Once the lock is gone the same unit of work goes through.
            int updated = jdbc.inTransaction("rename", c -> {
                try (Statement s = c.createStatement()) {
                    return s.executeUpdate("UPDATE item SET name = 'mine' WHERE id = 1");
                }
            });
            assertThat(updated).isEqualTo(1);
        }
    }

    @Nested
    class Transactions {
        @Test
        void commitsWhenTheWorkReturns() {
            Jdbc jdbc = new Jdbc(ds, new TestDialect(1), HINT);
            int inserted = jdbc.inTransaction("insert", c -> insert(c, 1) + insert(c, 2));
            assertThat(inserted).isEqualTo(2);
            assertThat(TestDatabases.count(ds, "item")).isEqualTo(2);
        }

        @Test
        void rollsBackEverythingWhenTheWorkFailsWithAnSqlException() {
            Jdbc jdbc = new Jdbc(ds, new TestDialect(1), HINT);
            assertThatThrownBy(() -> jdbc.inTransaction("insert", c -> {
                insert(c, 1);
                return insert(c, 1); // duplicate key: a real failure half way
            })).isInstanceOf(VicinityException.class);
            assertThat(TestDatabases.count(ds, "item")).isZero();
        }

        @Test
        void rollsBackAndRethrowsARuntimeExceptionUnchanged() {
            Jdbc jdbc = new Jdbc(ds, new TestDialect(5), HINT);
            IllegalStateException thrown = new IllegalStateException("bug in the work");
            AtomicInteger attempts = new AtomicInteger();
            assertThatThrownBy(() -> jdbc.inTransaction("insert", c -> {
                attempts.incrementAndGet();
                insert(c, 1);
                throw thrown;
            })).isSameAs(thrown);
            assertThat(attempts).as("only conflicts are retried").hasValue(1);
            assertThat(TestDatabases.count(ds, "item")).isZero();
        }

        @Test
        void workMayRollBackItselfAndStillReturnAValue() {
            Jdbc jdbc = new Jdbc(ds, new TestDialect(1), HINT);
            String r = jdbc.inTransaction("insert", c -> {
                insert(c, 1);
                c.rollback();
                return "undone";
            });
            assertThat(r).isEqualTo("undone");
            assertThat(TestDatabases.count(ds, "item")).isZero();
        }

        @Test
        void retriesAConflictUntilItSucceedsAndKeepsOnlyTheLastAttempt() {
            Jdbc jdbc = new Jdbc(ds, new TestDialect(3), HINT);
            AtomicInteger attempts = new AtomicInteger();
            int r = jdbc.inTransaction("insert", c -> {
                int n = attempts.incrementAndGet();
                insert(c, 1);
                if (n < 3) {
                    throw sql(TestDialect.CONFLICT);
                }
                return n;
            });
            assertThat(r).isEqualTo(3);
            assertThat(TestDatabases.count(ds, "item")).as("the failed attempts were rolled back").isEqualTo(1);
        }

        @Test
        void givesUpAfterMaxAttemptsWithTheRetryableError() {
            Jdbc jdbc = new Jdbc(ds, new TestDialect(4), HINT);
            AtomicInteger attempts = new AtomicInteger();
            VicinityException v = catchThrowableOfType(VicinityException.class, () -> jdbc.inTransaction("insert", c -> {
                attempts.incrementAndGet();
                insert(c, attempts.get());
                throw sql(TestDialect.CONFLICT);
            }));
            assertThat(attempts).hasValue(4);
            assertThat(v).isInstanceOf(BackendUnavailableException.class);
            assertThat(TestDatabases.count(ds, "item")).isZero();
        }

        @Test
        void doesNotRetryOtherErrorsNorConflictsWhenTheDialectSaysOnce() {
            AtomicInteger attempts = new AtomicInteger();
            Jdbc retrying = new Jdbc(ds, new TestDialect(5), HINT);
            assertThatThrownBy(() -> retrying.autoCommit("read", c -> {
                attempts.incrementAndGet();
                throw sql(TestDialect.UNAVAILABLE);
            })).isInstanceOf(BackendUnavailableException.class);
            assertThat(attempts).hasValue(1);

            attempts.set(0);
            Jdbc once = new Jdbc(ds, new TestDialect(1), HINT);
            assertThatThrownBy(() -> once.autoCommit("read", c -> {
                attempts.incrementAndGet();
                throw sql(TestDialect.CONFLICT);
            })).isInstanceOf(BackendUnavailableException.class);
            assertThat(attempts).hasValue(1);
        }

        @Test
        void autoCommitRetriesConflictsToo() {
            Jdbc jdbc = new Jdbc(ds, new TestDialect(2), HINT);
            AtomicInteger attempts = new AtomicInteger();
            String r = jdbc.autoCommit("read", c -> {
                if (attempts.incrementAndGet() == 1) {
                    throw sql(TestDialect.CONFLICT);
                }
                return "ok";
            });
            assertThat(r).isEqualTo("ok");
            assertThat(attempts).hasValue(2);
        }
    }

    @Nested
    class ConnectionState {
        @Test
        void inTransactionRunsWithoutAutoCommitAtTheIsolationAskedAndRestoresBoth() throws SQLException {
            try (TestDatabases.OneConnection one = new TestDatabases.OneConnection(ds)) {
                Connection real = one.real();
                real.setAutoCommit(true);
                real.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                Jdbc jdbc = new Jdbc(one, new TestDialect(1), HINT);
                jdbc.inTransaction("check", Connection.TRANSACTION_SERIALIZABLE, c -> {
                    assertThat(c.getAutoCommit()).isFalse();
                    assertThat(c.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_SERIALIZABLE);
                    return null;
                });
                assertThat(real.getAutoCommit()).isTrue();
                assertThat(real.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
                assertThat(one.closed).as("handed back once").hasValue(1);
            }
        }

        @Test
        void settingsAreRestoredAfterAFailureAndAfterEveryAttempt() throws SQLException {
            try (TestDatabases.OneConnection one = new TestDatabases.OneConnection(ds)) {
                Connection real = one.real();
                real.setAutoCommit(true);
                Jdbc jdbc = new Jdbc(one, new TestDialect(3), HINT);
                assertThatThrownBy(() -> jdbc.inTransaction("fail", Connection.TRANSACTION_REPEATABLE_READ, c -> {
                    assertThat(c.getAutoCommit()).isFalse();
                    throw sql(TestDialect.CONFLICT);
                })).isInstanceOf(BackendUnavailableException.class);
                assertThat(real.getAutoCommit()).isTrue();
                assertThat(real.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
                assertThat(one.borrowed).as("one connection per attempt").hasValue(3);
                assertThat(one.closed).hasValue(3);
            }
        }

        @Test
        void autoCommitSwitchesAutoCommitOnForTheWorkAndBackOffAfterwards() throws SQLException {
            try (TestDatabases.OneConnection one = new TestDatabases.OneConnection(ds)) {
                Connection real = one.real();
                real.setAutoCommit(false);
                Jdbc jdbc = new Jdbc(one, new TestDialect(1), HINT);
                jdbc.autoCommit("insert", c -> {
                    assertThat(c.getAutoCommit()).isTrue();
                    return insert(c, 1);
                });
                assertThat(real.getAutoCommit()).isFalse();
                real.rollback();
                // Auto-commit mode committed the insert by itself: the rollback above cannot undo it.
                assertThat(TestDatabases.count(ds, "item")).isEqualTo(1);
            }
        }
    }
}
