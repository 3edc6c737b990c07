package dev.vicinity.h2gis;

import dev.vicinity.core.VicinityException;
import dev.vicinity.jdbc.Jdbc;
import dev.vicinity.jdbc.SchemaScripts;
import dev.vicinity.jdbc.SchemaScripts.Script;
import org.jspecify.annotations.Nullable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.h2gis.functions.factory.H2GISFunctions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates or upgrades the adapter's tables from the versioned SQL resources
 * {@code dev/vicinity/h2gis/V<n>__<description>.sql}, and (optionally) registers the H2GIS spatial
 * functions in the database. Obtain one from {@link H2gisVicinity#schemaInstaller()}.
 *
 * <p>Guarantees: {@link #install()} is idempotent. H2 commits every DDL statement by itself, so a
 * version cannot be applied in one transaction as on PostgreSQL; instead every statement of the
 * scripts is idempotent ({@code IF NOT EXISTS}, {@code MERGE}) and a version is recorded in
 * {@code <schema>.vicinity_schema_history} only after its last statement succeeded: an install that
 * failed half way is completed by the next call. An installed version whose script changed, or a
 * version newer than this release knows, fails with {@code schema_mismatch} before anything is
 * changed. Calls on one installer are serialised; two JVMs cannot open the same file database
 * anyway (unless the host enables H2's AUTO_SERVER, in which case the idempotent statements still
 * converge).
 *
 * <p>The H2GIS functions ({@code ST_*}, about 300 aliases) are registered once per database when
 * {@link H2gisVicinity.Builder#loadH2gisFunctions(boolean)} is on (the default; it takes a few
 * seconds the first time and is persisted in the database). The adapter's own statements do not
 * need them (it binds JTS geometries directly); they are there for the host's spatial SQL and GIS
 * tools. Thread-safe.
 *
 * <p>Hosts that run DDL through their own migration tool can take the text of each version from
 * {@link #script(int)}, or run the resources {@code dev/vicinity/h2gis/V<n>__*.sql} with Flyway
 * (placeholder {@code schema} set to the quoted schema name, Flyway's {@code schemas} set to the Vicinity
 * schema so that its {@code flyway_schema_history} lives there): the installer counts the versions Flyway
 * applied there ({@link #installedVersion()}), and {@link #install()} records them in its own history and
 * applies only what is missing.
 */
public final class H2gisSchemaInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(H2gisSchemaInstaller.class);

    private static final SchemaScripts SCRIPTS = new SchemaScripts(H2gisSchemaInstaller.class, List.of(
            new Script(1, "V1__chat_and_ratings.sql", "chat sessions, message history, ratings"),
            new Script(2, "V2__geo.sql", "locations, proximity index (spatial R-tree), block list"),
            new Script(3, "V3__rating_count_once.sql", "ratings count once per (rater, ratee) and window")));

    /** The highest schema version this release installs. */
    public static final int LATEST_VERSION = SCRIPTS.latestVersion();

    private final Jdbc jdbc;
    private final String schema;
    private final boolean loadH2gis;

    H2gisSchemaInstaller(Jdbc jdbc, String schema, boolean loadH2gis) {
        this.jdbc = jdbc;
        this.schema = schema;
        this.loadH2gis = loadH2gis;
    }

    /**
     * Brings the schema to {@link #LATEST_VERSION}, creating the schema itself if needed, and
     * registers the H2GIS functions if configured and missing.
     *
     * @return the versions applied by this call, ascending (empty if everything was installed)
     * @throws VicinityException {@code schema_mismatch} (nothing changed) or
     *     {@code backend_unavailable} (retryable; a later call completes the install)
     */
    public synchronized List<Integer> install() {
        return jdbc.autoCommit("schema install", c -> {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE SCHEMA IF NOT EXISTS " + quoted());
                st.execute("CREATE TABLE IF NOT EXISTS " + history() + " (version INTEGER PRIMARY KEY,"
                        + " description VARCHAR NOT NULL, checksum VARCHAR NOT NULL,"
                        + " installed_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL)");
            }
            Map<Integer, String> installed = new HashMap<>(SCRIPTS.installed(c, history()));
            List<Integer> adopted = SCRIPTS.adoptFlywayVersions(c, flywayVersions(c), installed,
                    "MERGE INTO " + history() + " (version, description, checksum) KEY (version) VALUES (?, ?, ?)");
            if (!adopted.isEmpty()) {
                LOG.info("Vicinity schema {}: versions {} were applied by Flyway; recorded them in {}", schema,
                        adopted, history());
            }
            SCRIPTS.verify(schema, installed);
            if (loadH2gis && !h2gisLoaded(c)) {
                long t0 = System.nanoTime();
                H2GISFunctions.load(c);
                LOG.info("H2GIS spatial functions registered in {} ms", (System.nanoTime() - t0) / 1_000_000);
            }
            List<Integer> applied = new ArrayList<>();
            for (Script s : SCRIPTS.scripts()) {
                if (installed.containsKey(s.version())) {
                    continue;
                }
                try (Statement st = c.createStatement()) {
                    for (String sql : statements(substitute(SCRIPTS.raw(s)))) {
                        st.execute(sql);
                    }
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "MERGE INTO " + history() + " (version, description, checksum) KEY (version) VALUES (?, ?, ?)")) {
                    ps.setInt(1, s.version());
                    ps.setString(2, s.description());
                    ps.setString(3, SCRIPTS.checksum(s));
                    ps.executeUpdate();
                }
                applied.add(s.version());
            }
            if (!applied.isEmpty()) {
                LOG.info("Vicinity schema {} upgraded to version {} (applied {})", schema, LATEST_VERSION, applied);
            }
            warnIfCommitsAreDelayed(c);
            return List.copyOf(applied);
        });
    }

    /**
     * A file database whose commits reach the file late ({@code WRITE_DELAY} > 0, e.g. a host data
     * source without {@code ;WRITE_DELAY=0}) loses acknowledged writes on a crash: say so at install.
     */
    private static void warnIfCommitsAreDelayed(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")) {
            // An in-memory database reports 0.
            if (rs.next() && !"0".equals(rs.getString(1))) {
                LOG.warn("the H2 database writes commits up to {} ms late (WRITE_DELAY): a crash of the process loses"
                        + " writes that were already acknowledged; add ;WRITE_DELAY=0 to its URL", rs.getString(1));
            }
        }
    }

    /**
     * The highest installed version (by this installer, or by Flyway running the same scripts), or 0 if
     * the schema or its history tables do not exist.
     */
    public int installedVersion() {
        return jdbc.autoCommit("schema version", c -> {
            int ours = tableName(c, "VICINITY_SCHEMA_HISTORY") == null ? 0
                    : SCRIPTS.installed(c, history()).keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
            return Math.max(ours, flywayVersions(c).stream().mapToInt(Integer::intValue).max().orElse(0));
        });
    }

    /** The name, as stored, of the table {@code upperCaseName} (any case) in this schema, or null. */
    private @Nullable String tableName(Connection c, String upperCaseName) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES"
                + " WHERE TABLE_SCHEMA = ? AND UPPER(TABLE_NAME) = ?")) {
            ps.setString(1, schema);
            ps.setString(2, upperCaseName);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /**
     * Versions of this release's scripts that Flyway applied successfully in this schema (its
     * {@code flyway_schema_history} table in the Vicinity schema); empty without such a table.
     */
    private List<Integer> flywayVersions(Connection c) throws SQLException {
        String table = tableName(c, "FLYWAY_SCHEMA_HISTORY");
        return table == null ? List.of() : SCRIPTS.appliedByFlyway(c, quoted() + "." + jdbc.dialect().quote(table));
    }

    /** Whether the H2GIS functions are registered in this database. */
    public boolean h2gisFunctionsLoaded() {
        return jdbc.autoCommit("h2gis check", H2gisSchemaInstaller::h2gisLoaded);
    }

    /**
     * The SQL of {@code version} with this installer's schema name filled in, for hosts that apply
     * DDL themselves (they must also create the history table or never mix both ways).
     *
     * @throws IllegalArgumentException for an unknown version
     */
    public String script(int version) {
        return SCRIPTS.text(version, this::substitute);
    }

    private static boolean h2gisLoaded(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.ROUTINES"
                     + " WHERE ROUTINE_NAME = 'ST_MAKEENVELOPE'")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    /** Splits a script at semicolons that end a line; drops comment lines. */
    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            if (trimmed.endsWith(";")) {
                current.append(trimmed, 0, trimmed.length() - 1);
                out.add(current.toString());
                current.setLength(0);
            } else {
                current.append(line).append('\n');
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString());
        }
        return out;
    }

    private String quoted() {
        return jdbc.dialect().quote(schema);
    }

    private String history() {
        return quoted() + ".vicinity_schema_history";
    }

    private String substitute(String sql) {
        return sql.replace("${schema}", quoted());
    }
}
