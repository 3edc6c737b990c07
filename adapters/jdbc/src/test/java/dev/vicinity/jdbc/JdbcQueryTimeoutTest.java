package dev.vicinity.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** A query timeout reaches every statement a unit of work creates; without one nothing changes. */
class JdbcQueryTimeoutTest {
    private static final String HINT = "install the schema";
    private final DataSource ds = TestDatabases.fresh();

    @Test
    void everyStatementGetsTheTimeoutRoundedUpToWholeSeconds() {
        Jdbc jdbc = new Jdbc(ds, new TestDialect(1), HINT, Duration.ofMillis(1500));
        assertThat(jdbc.queryTimeoutSeconds()).isEqualTo(2);
        int[] timeouts = jdbc.inTransaction("t", c -> {
            try (Statement st = c.createStatement(); PreparedStatement ps = c.prepareStatement("SELECT 1")) {
                return new int[] {st.getQueryTimeout(), ps.getQueryTimeout()};
            }
        });
        assertThat(timeouts).containsExactly(2, 2);
        int own = jdbc.autoCommit("a", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1")) {
                ps.setQueryTimeout(7); // a statement's own timeout is kept
                return ps.getQueryTimeout();
            }
        });
        assertThat(own).isEqualTo(7);
    }

    @Test
    void noTimeoutLeavesStatementsAlone() {
        for (Jdbc jdbc : new Jdbc[] {new Jdbc(ds, new TestDialect(1), HINT), new Jdbc(ds, new TestDialect(1), HINT,
                Duration.ZERO)}) {
            assertThat(jdbc.queryTimeoutSeconds()).isZero();
            int timeout = jdbc.autoCommit("a", c -> {
                try (Statement st = c.createStatement()) {
                    return st.getQueryTimeout();
                }
            });
            assertThat(timeout).isZero();
        }
        assertThatThrownBy(() -> new Jdbc(ds, new TestDialect(1), HINT, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
