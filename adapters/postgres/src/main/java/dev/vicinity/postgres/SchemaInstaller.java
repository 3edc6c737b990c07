package dev.vicinity.postgres;

import dev.vicinity.core.VicinityException;
import dev.vicinity.postgres.internal.Jdbc;
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
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;
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
 * migration tool can take the text of each version from {@link #script(int)} instead.
 */
public final class SchemaInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaInstaller.class);

    /** One versioned script. */
    private record Script(int version, String resource, String description, boolean needsPostgis) {}

    private static final List<Script> SCRIPTS = List.of(
            new Script(1, "V1__chat_and_ratings.sql", "chat sessions, message history, ratings", false),
            new Script(2, "V2__geo.sql", "locations, proximity index (PostGIS), block list", true));

    /** The highest schema version this release installs. */
    public static final int LATEST_VERSION = SCRIPTS.get(SCRIPTS.size() - 1).version();

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
            Map<Integer, String> installed = installed(c);
            for (Map.Entry<Integer, String> e : installed.entrySet()) {
                Script known = SCRIPTS.stream().filter(s -> s.version() == e.getKey()).findFirst().orElse(null);
                if (known == null) {
                    throw new VicinityException(PostgresErrorCodes.SCHEMA_MISMATCH, "schema " + schema
                            + " has version " + e.getKey() + ", newer than this release (" + LATEST_VERSION + ")");
                }
                if (!checksum(raw(known)).equals(e.getValue())) {
                    throw new VicinityException(PostgresErrorCodes.SCHEMA_MISMATCH, "schema " + schema
                            + " version " + known.version() + " was installed from a different script");
                }
            }
            List<Integer> applied = new ArrayList<>();
            for (Script s : SCRIPTS) {
                if (installed.containsKey(s.version())) {
                    continue;
                }
                if (s.needsPostgis()) {
                    ensurePostgis(c);
                }
                try (Statement st = c.createStatement()) {
                    st.execute(substitute(raw(s)));
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO " + history() + " (version, description, checksum) VALUES (?, ?, ?)")) {
                    ps.setInt(1, s.version());
                    ps.setString(2, s.description());
                    ps.setString(3, checksum(raw(s)));
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
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getString(1) == null) {
                        return 0;
                    }
                }
            }
            return installed(c).keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
        });
    }

    /**
     * The SQL of {@code version} with this installer's schema names filled in, for hosts that apply
     * DDL themselves (they must also create the history table or never mix both ways).
     *
     * @throws IllegalArgumentException for an unknown version
     */
    public String script(int version) {
        for (Script s : SCRIPTS) {
            if (s.version() == version) {
                return substitute(raw(s));
            }
        }
        throw new IllegalArgumentException("no schema version " + version + " (1.." + LATEST_VERSION + ")");
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
    static String postgisNamespace(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT n.nspname FROM pg_extension e"
                     + " JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'postgis'")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private Map<Integer, String> installed(Connection c) throws SQLException {
        Map<Integer, String> versions = new TreeMap<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version, checksum FROM " + history())) {
            while (rs.next()) {
                versions.put(rs.getInt(1), rs.getString(2));
            }
        }
        return versions;
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

    private static String raw(Script s) {
        try (InputStream in = SchemaInstaller.class.getResourceAsStream(s.resource())) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + s.resource());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String checksum(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
