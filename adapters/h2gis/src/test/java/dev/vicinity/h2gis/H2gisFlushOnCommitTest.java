package dev.vicinity.h2gis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An owned pool writes every commit to the file before the commit returns ({@code WRITE_DELAY=0})
 * unless told otherwise; what that buys against {@code kill -9} is shown by the reliability module's
 * {@code EmbeddedCrashIT}.
 */
class H2gisFlushOnCommitTest {
    @TempDir
    Path dir;

    private static int writeDelay(H2gisVicinity db) throws SQLException {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(
                     "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")) {
            assertThat(rs.next()).isTrue();
            return Integer.parseInt(rs.getString(1));
        }
    }

    @Test
    void commitsAreFlushedByDefault() throws SQLException {
        try (H2gisVicinity db = H2gisVicinity.builder("jdbc:h2:file:" + dir.resolve("a").toAbsolutePath())
                .loadH2gisFunctions(false).build()) {
            assertThat(writeDelay(db)).isZero();
        }
    }

    @Test
    void flushOnCommitCanBeTurnedOffOrSetByTheUrl() throws SQLException {
        try (H2gisVicinity db = H2gisVicinity.builder("jdbc:h2:file:" + dir.resolve("b").toAbsolutePath())
                .flushOnCommit(false).loadH2gisFunctions(false).build()) {
            assertThat(writeDelay(db)).isEqualTo(500);
        }
        try (H2gisVicinity db = H2gisVicinity.builder("jdbc:h2:file:" + dir.resolve("c").toAbsolutePath()
                + ";WRITE_DELAY=100").loadH2gisFunctions(false).build()) {
            assertThat(writeDelay(db)).isEqualTo(100);
        }
    }

    @Test
    void aUserWithoutAdminRightsStillConnects() throws SQLException {
        String url = "jdbc:h2:file:" + dir.resolve("d").toAbsolutePath();
        try (Connection admin = java.sql.DriverManager.getConnection(url, "sa", "");
             Statement st = admin.createStatement()) {
            st.execute("CREATE USER APP PASSWORD 'secret'");
            st.execute("CREATE SCHEMA IF NOT EXISTS APPDATA AUTHORIZATION APP");
        }
        // Admin rights are needed for SET WRITE_DELAY; without them the pool still works (a warning is logged).
        try (H2gisVicinity db = H2gisVicinity.builder(url).credentials("APP", "secret").loadH2gisFunctions(false)
                .build(); Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT 1")) {
            assertThat(rs.next()).isTrue();
        }
    }
}
