package dev.vicinity.jdbc;

import dev.vicinity.core.VicinityException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The shape every SQL adapter's versioned installer shares: an ordered list of versioned scripts
 * ({@code V<n>__<description>.sql} resources next to an anchor class), their checksums, the
 * {@code vicinity_schema_history} table's contents and the check that what is installed is what this
 * release ships. How scripts are applied (one transaction with an advisory lock on PostgreSQL,
 * idempotent statements on H2) stays in each adapter's installer. Immutable and thread-safe.
 */
public final class SchemaScripts {

    /** One versioned script: its version (1, 2, …), resource name next to the anchor class and description. */
    public record Script(int version, String resource, String description) {
        /** Validates the parts. */
        public Script {
            if (version < 1) {
                throw new IllegalArgumentException("version must be >= 1, got " + version);
            }
            Objects.requireNonNull(resource, "resource");
            Objects.requireNonNull(description, "description");
        }
    }

    private final Class<?> anchor;
    private final List<Script> scripts;

    /**
     * Scripts loaded as resources relative to {@code anchor}, in ascending version order.
     *
     * @throws IllegalArgumentException if {@code scripts} is empty or not strictly ascending
     */
    public SchemaScripts(Class<?> anchor, List<Script> scripts) {
        this.anchor = Objects.requireNonNull(anchor, "anchor");
        this.scripts = List.copyOf(scripts);
        if (this.scripts.isEmpty()) {
            throw new IllegalArgumentException("no scripts");
        }
        for (int i = 1; i < this.scripts.size(); i++) {
            if (this.scripts.get(i).version() <= this.scripts.get(i - 1).version()) {
                throw new IllegalArgumentException("script versions must ascend: " + this.scripts);
            }
        }
    }

    /** The scripts, ascending by version (immutable). */
    public List<Script> scripts() {
        return scripts;
    }

    /** The highest version shipped. */
    public int latestVersion() {
        return scripts.get(scripts.size() - 1).version();
    }

    /** The unsubstituted text of {@code s} (placeholders such as {@code ${schema}} left in). */
    public String raw(Script s) {
        try (InputStream in = anchor.getResourceAsStream(s.resource())) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + s.resource());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The checksum recorded in the history table for {@code s}: 32 hex digits of the SHA-256 of its raw text. */
    public String checksum(Script s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(raw(s).getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The text of {@code version} passed through {@code substitute} (which fills in schema names).
     *
     * @throws IllegalArgumentException for an unknown version
     */
    public String text(int version, UnaryOperator<String> substitute) {
        for (Script s : scripts) {
            if (s.version() == version) {
                return substitute.apply(raw(s));
            }
        }
        throw new IllegalArgumentException("no schema version " + version + " (1.." + latestVersion() + ")");
    }

    /** Installed version → checksum, read from {@code historyTable} (quoted and qualified); ascending. */
    public Map<Integer, String> installed(Connection c, String historyTable) throws SQLException {
        Map<Integer, String> versions = new TreeMap<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version, checksum FROM " + historyTable)) {
            while (rs.next()) {
                versions.put(rs.getInt(1), rs.getString(2));
            }
        }
        return versions;
    }

    /**
     * Versions of these scripts that Flyway applied successfully, read from its history table
     * {@code flywayHistoryTable} (quoted and qualified; the caller checks that it exists): rows whose
     * {@code script} is one of our resource file names, with {@code success} and the matching
     * {@code version}. Columns are found by label in any case (Flyway quotes them; H2 keeps them lower case).
     */
    public List<Integer> appliedByFlyway(Connection c, String flywayHistoryTable) throws SQLException {
        Map<String, Integer> byFile = new HashMap<>();
        for (Script s : scripts) {
            byFile.put(s.resource(), s.version());
        }
        List<Integer> versions = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM " + flywayHistoryTable)) {
            while (rs.next()) {
                Integer v = byFile.get(rs.getString("script"));
                if (v != null && rs.getBoolean("success") && String.valueOf(v).equals(rs.getString("version"))) {
                    versions.add(v);
                }
            }
        }
        return versions;
    }

    /**
     * Records in our history the versions Flyway applied ({@code byFlyway}) that {@code installed} does
     * not list yet, so that an installer neither re-runs them nor fails on their tables; adds them to
     * {@code installed} and returns them.
     *
     * @param insertSql the statement writing one history row, with parameters version, description and checksum
     */
    public List<Integer> adoptFlywayVersions(Connection c, List<Integer> byFlyway, Map<Integer, String> installed,
            String insertSql) throws SQLException {
        List<Integer> adopted = new ArrayList<>();
        for (Script s : scripts) {
            if (installed.containsKey(s.version()) || !byFlyway.contains(s.version())) {
                continue;
            }
            String checksum = checksum(s);
            try (PreparedStatement ps = c.prepareStatement(insertSql)) {
                ps.setInt(1, s.version());
                ps.setString(2, s.description() + " (applied by Flyway)");
                ps.setString(3, checksum);
                ps.executeUpdate();
            }
            installed.put(s.version(), checksum);
            adopted.add(s.version());
        }
        return adopted;
    }

    /**
     * Checks that every installed version is one this release ships, with the same checksum.
     *
     * @throws VicinityException {@code schema_mismatch} naming {@code schema} otherwise
     */
    public void verify(String schema, Map<Integer, String> installed) {
        for (Map.Entry<Integer, String> e : installed.entrySet()) {
            Script known = scripts.stream().filter(s -> s.version() == e.getKey()).findFirst().orElse(null);
            if (known == null) {
                throw new VicinityException(JdbcErrorCodes.SCHEMA_MISMATCH, "schema " + schema + " has version "
                        + e.getKey() + ", newer than this release (" + latestVersion() + ")");
            }
            if (!checksum(known).equals(e.getValue())) {
                throw new VicinityException(JdbcErrorCodes.SCHEMA_MISMATCH, "schema " + schema + " version "
                        + known.version() + " was installed from a different script");
            }
        }
    }
}
