package dev.vicinity.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.core.BackendUnavailableException;
import dev.vicinity.core.VicinityException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** Startup errors of the bundles are typed and say what to start; no server needed (nothing listens on port 1). */
class StartupErrorsTest {

    @Test
    void redisDownAtBuildIsBackendUnreachableNamingTheAddressAndWhatToStart() {
        assertThatThrownBy(() -> RedisBundle.builder("redis://127.0.0.1:1").build())
                .isInstanceOfSatisfying(VicinityException.class, e -> {
                    assertThat(e.code()).isEqualTo(NodeErrorCodes.BACKEND_UNREACHABLE);
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("Redis is not reachable at 127.0.0.1:1", "start Redis");
                });
    }

    @Test
    void postgresDownAtBuildIsBackendUnreachableSayingWhatToStart() {
        PGSimpleDataSource down = new PGSimpleDataSource();
        down.setURL("jdbc:postgresql://127.0.0.1:1/test");
        down.setUser("postgres");
        down.setConnectTimeout(2);
        assertThatThrownBy(() -> PostgresBackend.builder(down).build())
                .isInstanceOfSatisfying(VicinityException.class, e -> {
                    assertThat(e.code()).isEqualTo(NodeErrorCodes.BACKEND_UNREACHABLE);
                    assertThat(e.getMessage()).contains("PostgreSQL is not reachable", "start PostgreSQL");
                });
    }

    @Test
    void anH2FileHeldOpenByAnotherProcessIsDatabaseLocked(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("vicinity");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                HoldH2File.class.getName(), "jdbc:h2:file:" + file.toAbsolutePath()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("open");
            assertThatThrownBy(() -> H2gisBackend.file(file))
                    .isInstanceOfSatisfying(VicinityException.class, e -> {
                        assertThat(e.code()).isEqualTo(NodeErrorCodes.DATABASE_LOCKED);
                        assertThat(e.getMessage()).contains(file.toAbsolutePath().toString(), "another process");
                    });
        } finally {
            holder.getOutputStream().close();
            if (!holder.waitFor(10, TimeUnit.SECONDS)) {
                holder.destroyForcibly();
            }
        }
    }

    @Test
    void anH2FileOpenInAnotherProcessIsDatabaseLockedNamingTheFile() {
        RuntimeException h2 = new BackendUnavailableException("H2GIS: could not open the database",
                new SQLException("Database may be already in use", "90020", 90020));
        RuntimeException classified = H2gisBackend.classify(h2, "jdbc:h2:file:/srv/data/vicinity;DB_CLOSE_ON_EXIT=FALSE");
        assertThat(classified).isInstanceOfSatisfying(VicinityException.class, e -> {
            assertThat(e.code()).isEqualTo(NodeErrorCodes.DATABASE_LOCKED);
            assertThat(e.getMessage()).contains("jdbc:h2:file:/srv/data/vicinity ", "another process")
                    .doesNotContain("DB_CLOSE_ON_EXIT");
        });
        RuntimeException other = new BackendUnavailableException("down", new SQLException("x", "08000", 90067));
        assertThat(H2gisBackend.classify(other, "jdbc:h2:mem:x")).isSameAs(other);
    }
}
