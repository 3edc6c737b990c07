package dev.vicinity.postgres;

import dev.vicinity.core.VicinityException;
import dev.vicinity.jdbc.Jdbc;
import dev.vicinity.jdbc.SchemaScripts;
import dev.vicinity.jdbc.SchemaScripts.Script;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates or upgrades the adapter's tables from the versioned SQL resources
 * {@code dev/vicinity/postgres/V<n>__<description>.sql}. Obtain one from
 * {@link PostgresVicinity#schemaInstaller()}.
 *
 * <p>Guarantees: {@link #install()} is idempotent and safe to call from several nodes at once (it
 * takes a transaction-scoped advisory lock per schema); all missing versions are applied in one
 * transaction together with their rows in {@code <schema>.vicinity_schema_history}, so a failure
 * leaves the schema as it was. An installed version whose script changed, or a version newer than
 * this release knows, fails with {@code schema_mismatch} and changes nothing. PostGIS is created
 * with {@code CREATE EXTENSION IF NOT EXISTS postgis SCHEMA <postgisSchema>} when a script needs it
 * and {@link PostgresVicinity.Builder#createPostgis(boolean)} allows it (needs a role allowed to
 * create extensions); otherwise its absence fails with {@code postgis_missing}.
 *
 * <p>Thread-safe (stateless apart from its configuration). Hosts that run DDL through their own
 * migration tool can take the text of each version from {@link #script(int)} instead, or run the
 * resources {@code dev/vicinity/postgres/V<n>__*.sql} with Flyway (placeholders {@code schema} and
 * {@code postgis} set to the quoted schema names, Flyway's {@code schemas} set to the Vicinity schema so
 * that its {@code flyway_schema_history} lives there): the installer counts the versions Flyway applied
 * there ({@link #installedVersion()}), and {@link #install()} records them in its own history and
 * applies only what is missing.
 */
public final class SchemaInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaInstaller.class);

    private static final SchemaScripts SCRIPTS = new SchemaScripts(SchemaInstaller.class, List.of(
            new Script(1, "V1__chat_and_ratings.sql", "chat sessions, message history, ratings"),
            new Script(2, "V2__geo.sql", "locations, proximity index (PostGIS), block list"),
            new Script(3, "V3__rating_count_once.sql", "ratings count once per (rater, ratee) and window")));
    /** Versions whose script needs PostGIS. */
    private static final Set<Integer> NEEDS_POSTGIS = Set.of(2);

    /** The highest schema version this release installs. */
    public static final int LATEST_VERSION = SCRIPTS.latestVersion();

    private final Jdbc jdbc;
    private final String schema;
    private final String postgisSchema;
    private final boolean createPostgis;

    SchemaInstaller(Jdbc jdbc, String schema, String postgisSchema, boolean createPostgis) {
        this.jdbc = jdbc;
        this.schema = schema;
        this.postgisSchema = postgisSchema;
        this.createPostgis = createPostgis;
    }

    /**
     * Brings the schema to {@link #LATEST_VERSION}, creating the schema itself if needed.
     *
     * @return the versions applied by this call, ascending (empty if everything was installed)
     * @throws VicinityException {@code schema_mismatch}, {@code postgis_missing},
     *     {@code postgis_schema_mismatch}, or {@code backend_unavailable} (retryable); nothing is
     *     changed in any of these cases
     */
    public List<Integer> install() {
        return jdbc.inTransaction("schema install", c -> {
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(" + lockKey() + ")");
                st.execute("CREATE SCHEMA IF NOT EXISTS " + PostgresVicinity.quote(schema));
                st.execute("CREATE TABLE IF NOT EXISTS " + history() + " (version integer PRIMARY KEY,"
                        + " description text NOT NULL, checksum text NOT NULL,"
                        + " installed_at timestamptz NOT NULL DEFAULT now())");
            }
            Map<Integer, String> installed = new java.util.HashMap<>(SCRIPTS.installed(c, history()));
            List<Integer> adopted = SCRIPTS.adoptFlywayVersions(c, flywayVersions(c), installed,
                    "INSERT INTO " + history() + " (version, description, checksum) VALUES (?, ?, ?)");
            if (!adopted.isEmpty()) {
                LOG.info("Vicinity schema {}: versions {} were applied by Flyway; recorded them in {}", schema,
                        adopted, history());
            }
            SCRIPTS.verify(schema, installed);
            List<Integer> applied = new ArrayList<>();
            for (Script s : SCRIPTS.scripts()) {
                if (installed.containsKey(s.version())) {
                    continue;
                }
                if (NEEDS_POSTGIS.contains(s.version())) {
                    ensurePostgis(c);
                }
                try (Statement st = c.createStatement()) {
                    st.execute(substitute(SCRIPTS.raw(s)));
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO " + history() + " (version, description, checksum) VALUES (?, ?, ?)")) {
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
            return List.copyOf(applied);
        });
    }

    /** The highest installed version, or 0 if the schema or its history table does not exist. */
    public int installedVersion() {
        return jdbc.autoCommit("schema version", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?)")) {
                ps.setString(1, history());
                boolean ourHistory;
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    ourHistory = rs.getString(1) != null;
                }
                int ours = !ourHistory ? 0
                        : SCRIPTS.installed(c, history()).keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
                return Math.max(ours, flywayVersions(c).stream().mapToInt(Integer::intValue).max().orElse(0));
            }
        });
    }

    /**
     * Versions of this release's scripts that Flyway applied successfully in this schema (its
     * {@code flyway_schema_history} table in the Vicinity schema); empty without such a table.
     */
    private List<Integer> flywayVersions(Connection c) throws SQLException {
        String table = PostgresVicinity.quote(schema) + ".flyway_schema_history";
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?)")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getString(1) == null) {
                    return List.of();
                }
            }
        }
        return SCRIPTS.appliedByFlyway(c, table);
    }

    /**
     * The SQL of {@code version} with this installer's schema names filled in, for hosts that apply
     * DDL themselves (they must also create the history table or never mix both ways).
     *
     * @throws IllegalArgumentException for an unknown version
     */
    public String script(int version) {
        return SCRIPTS.text(version, this::substitute);
    }

    private void ensurePostgis(Connection c) throws SQLException {
        String where = postgisNamespace(c);
        if (where == null) {
            if (!createPostgis) {
                throw new VicinityException(PostgresErrorCodes.POSTGIS_MISSING, "PostGIS is not installed in the"
                        + " database; run CREATE EXTENSION postgis SCHEMA " + postgisSchema + " as a privileged role");
            }
            try (Statement st = c.createStatement()) {
                st.execute("CREATE EXTENSION IF NOT EXISTS postgis SCHEMA " + PostgresVicinity.quote(postgisSchema));
            } catch (SQLException e) {
                throw new VicinityException(PostgresErrorCodes.POSTGIS_MISSING, "PostGIS could not be created (SQLState "
                        + e.getSQLState() + "); install the postgis package for this server and run CREATE"
                        + " EXTENSION postgis as a privileged role", e);
            }
            where = postgisNamespace(c);
        }
        if (!postgisSchema.equals(where)) {
            throw new VicinityException(PostgresErrorCodes.POSTGIS_SCHEMA_MISMATCH, "PostGIS is installed in schema "
                    + where + ", not " + postgisSchema + "; configure postgisSchema(\"" + where + "\")");
        }
    }

    /** The schema PostGIS is installed in, or null if it is not installed. */
    static @Nullable String postgisNamespace(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT n.nspname FROM pg_extension e"
                     + " JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'postgis'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private String history() {
        return PostgresVicinity.quote(schema) + ".vicinity_schema_history";
    }

    private long lockKey() {
        CRC32 crc = new CRC32();
        crc.update(("vicinity-schema:" + schema).getBytes(StandardCharsets.UTF_8));
        return 0x5669_6369_0000_0000L | crc.getValue();
    }

    private String substitute(String sql) {
        return sql.replace("${schema}", PostgresVicinity.quote(schema))
                .replace("${postgis}", PostgresVicinity.quote(postgisSchema));
    }
}
