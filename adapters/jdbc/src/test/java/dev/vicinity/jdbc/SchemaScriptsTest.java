package dev.vicinity.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vicinity.core.VicinityException;
import dev.vicinity.jdbc.SchemaScripts.Script;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** Script list, checksums, history reading and the installed-versus-shipped check, on test resources next to this class. */
class SchemaScriptsTest {
    private static final Script V1 = new Script(1, "test-V1__first.sql", "first");
    private static final Script V2 = new Script(2, "test-V2__second.sql", "second");
    private static final SchemaScripts SCRIPTS = new SchemaScripts(SchemaScriptsTest.class, List.of(V1, V2));

    /** An independent spelling of the documented checksum: the first 16 bytes of SHA-256, as hex. */
    private static String sha256Prefix(String text) throws Exception {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            hex.append(String.format("%02x", d[i]));
        }
        return hex.toString();
    }

    @Test
    void scriptsMustBeNumberedFromOneAndAscend() {
        assertThatThrownBy(() -> new Script(0, "x.sql", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Script(1, null, "x")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new SchemaScripts(SchemaScriptsTest.class, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SchemaScripts(SchemaScriptsTest.class, List.of(V2, V1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ascend");
        assertThatThrownBy(() -> new SchemaScripts(SchemaScriptsTest.class, List.of(V1, new Script(1, "y.sql", "y"))))
                .isInstanceOf(IllegalArgumentException.class);
        // Gaps are allowed: only the order matters.
        assertThat(new SchemaScripts(SchemaScriptsTest.class, List.of(V1, new Script(5, "z.sql", "z"))).latestVersion())
                .isEqualTo(5);
    }

    @Test
    void listsTheScriptsInOrderImmutably() {
        assertThat(SCRIPTS.scripts()).containsExactly(V1, V2);
        assertThat(SCRIPTS.latestVersion()).isEqualTo(2);
        assertThatThrownBy(() -> SCRIPTS.scripts().add(V1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void rawIsTheResourceWithPlaceholdersLeftIn() {
        assertThat(SCRIPTS.raw(V1)).isEqualTo("-- first version\nCREATE TABLE ${schema}.a (id INT PRIMARY KEY);\n");
        assertThatThrownBy(() -> SCRIPTS.raw(new Script(3, "missing.sql", "gone")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("missing.sql");
    }

    @Test
    void checksumIs32HexDigitsOfTheSha256OfTheRawText() throws Exception {
        assertThat(SCRIPTS.checksum(V1)).hasSize(32).matches("[0-9a-f]{32}").isEqualTo(sha256Prefix(SCRIPTS.raw(V1)));
        assertThat(SCRIPTS.checksum(V2)).isEqualTo(sha256Prefix(SCRIPTS.raw(V2))).isNotEqualTo(SCRIPTS.checksum(V1));
        assertThat(HexFormat.of().parseHex(SCRIPTS.checksum(V1))).hasSize(16);
    }

    @Test
    void textSubstitutesTheRequestedVersionOnly() {
        assertThat(SCRIPTS.text(2, sql -> sql.replace("${schema}", "\"s\"")))
                .contains("CREATE TABLE \"s\".b", "ON \"s\".b (id)").doesNotContain("${schema}").doesNotContain(".a ");
        assertThatThrownBy(() -> SCRIPTS.text(3, sql -> sql))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3").hasMessageContaining("1..2");
    }

    @Test
    void installedReadsTheHistoryTableAscending() throws SQLException {
        JdbcDataSource ds = TestDatabases.fresh();
        TestDatabases.exec(ds, "CREATE SCHEMA s",
                "CREATE TABLE s.history (version INT PRIMARY KEY, description VARCHAR, checksum VARCHAR)");
        try (Connection c = ds.getConnection()) {
            assertThat(SCRIPTS.installed(c, "s.history")).isEmpty();
        }
        TestDatabases.exec(ds, "INSERT INTO s.history VALUES (2, 'second', 'bbb')", "INSERT INTO s.history VALUES (1, 'first', 'aaa')");
        try (Connection c = ds.getConnection()) {
            Map<Integer, String> installed = SCRIPTS.installed(c, "s.history");
            assertThat(installed).containsExactly(Map.entry(1, "aaa"), Map.entry(2, "bbb"));
        }
    }

    @Test
    void verifyAcceptsWhatThisReleaseShipsIncludingAPartialInstall() {
        assertThatCode(() -> SCRIPTS.verify("s", Map.of())).doesNotThrowAnyException();
        assertThatCode(() -> SCRIPTS.verify("s", Map.of(1, SCRIPTS.checksum(V1)))).doesNotThrowAnyException();
        assertThatCode(() -> SCRIPTS.verify("s", Map.of(1, SCRIPTS.checksum(V1), 2, SCRIPTS.checksum(V2))))
                .doesNotThrowAnyException();
    }

    @Test
    void verifyRejectsANewerVersion() {
        VicinityException e = catchThrowableOfType(VicinityException.class,
                () -> SCRIPTS.verify("tenant_a", Map.of(1, SCRIPTS.checksum(V1), 3, "whatever")));
        assertThat(e.code()).isEqualTo(JdbcErrorCodes.SCHEMA_MISMATCH);
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("tenant_a", "version 3", "newer");
    }

    @Test
    void verifyRejectsAVersionInstalledFromAChangedScript() {
        VicinityException e = catchThrowableOfType(VicinityException.class,
                () -> SCRIPTS.verify("tenant_a", Map.of(1, SCRIPTS.checksum(V1), 2, SCRIPTS.checksum(V1))));
        assertThat(e.code()).isEqualTo(JdbcErrorCodes.SCHEMA_MISMATCH);
        assertThat(e.getMessage()).contains("tenant_a", "version 2", "different script");
    }
}
