package dev.vicinity.examples.server;

import dev.vicinity.core.InvalidInputException;
import dev.vicinity.core.NodeId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the example server can be told, from command-line flags (which win) and environment
 * variables. Immutable; {@link #parse} validates every value and names the bad flag in its message.
 *
 * @param host address to bind ({@code --host}, {@code VICINITY_HOST}, default {@code 0.0.0.0})
 * @param port HTTP/WebSocket port ({@code --port}, {@code VICINITY_PORT}, default 8080; 0 = any free port)
 * @param backend {@code embedded} (default), {@code memory} or {@code postgres+redis}
 * @param node this node's id ({@code --node-id}, {@code VICINITY_NODE_ID}, default {@code node-1})
 * @param dataDir where the embedded backend keeps its files ({@code --data-dir}, default {@code ./data}, ignored by git)
 * @param pgUrl JDBC URL of PostgreSQL ({@code --pg-url}, {@code VICINITY_PG_URL})
 * @param pgUser PostgreSQL user ({@code --pg-user}, {@code VICINITY_PG_USER}, default {@code postgres})
 * @param pgPassword PostgreSQL password ({@code --pg-password}, {@code VICINITY_PG_PASSWORD}, default empty)
 * @param pgSchema schema of Vicinity's tables ({@code --pg-schema}, default {@code vicinity})
 * @param redisUrl Redis URI ({@code --redis-url}, {@code VICINITY_REDIS_URL})
 * @param redisPrefix prefix of every Redis key ({@code --redis-prefix}, default {@code vicinity})
 * @param simulate number of simulated users ({@code --simulate}, {@code VICINITY_SIMULATE}, default 0)
 * @param centerLat latitude around which simulated users live ({@code --center lat,lon}, default Berlin Mitte)
 * @param centerLon longitude around which simulated users live
 * @param leaseTtl presence lease time-to-live ({@code --lease-ttl}, seconds, default 30)
 * @param offlineGrace presence offline grace ({@code --offline-grace}, seconds, default 10)
 */
public record ServerConfig(String host, int port, Backend backend, NodeId node, Path dataDir, String pgUrl,
                           String pgUser, String pgPassword, String pgSchema, String redisUrl, String redisPrefix,
                           int simulate, double centerLat, double centerLon, Duration leaseTtl,
                           Duration offlineGrace) {

    /** Which stores the server runs on. */
    public enum Backend {
        /** Nothing to install: an H2GIS file database in the data directory, presence and bus in memory (single node). */
        EMBEDDED("embedded"),
        /** Nothing on disk: the in-memory reference adapter for everything (single node, state lost on exit). */
        MEMORY("memory"),
        /** PostgreSQL/PostGIS for geo, chat and rating; Redis for presence, bus and resume (multi-node). */
        POSTGRES_REDIS("postgres+redis");

        private final String flag;

        Backend(String flag) {
            this.flag = flag;
        }

        /** The value of {@code --backend}. */
        public String flag() {
            return flag;
        }

        static Backend of(String value) {
            for (Backend b : values()) {
                if (b.flag.equals(value.toLowerCase(Locale.ROOT))) {
                    return b;
                }
            }
            throw new InvalidInputException("invalid_argument",
                    "--backend must be embedded, memory or postgres+redis, got " + value);
        }
    }

    /** Flag name → environment variable name. */
    private static final Map<String, String> FLAGS = flags();

    private static Map<String, String> flags() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String f : List.of("host", "port", "backend", "node-id", "data-dir", "pg-url", "pg-user", "pg-password",
                "pg-schema", "redis-url", "redis-prefix", "simulate", "center", "lease-ttl", "offline-grace")) {
            m.put(f, "VICINITY_" + f.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
        return Map.copyOf(m);
    }

    /** Validates every component; {@link InvalidInputException} ({@code invalid_argument}) names the flag. */
    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(leaseTtl, "leaseTtl");
        Objects.requireNonNull(offlineGrace, "offlineGrace");
        if (port < 0 || port > 65_535) {
            throw new InvalidInputException("invalid_argument", "--port must be 0..65535, got " + port);
        }
        if (simulate < 0 || simulate > 1000) {
            throw new InvalidInputException("invalid_argument", "--simulate must be 0..1000, got " + simulate);
        }
        if (backend == Backend.POSTGRES_REDIS && (pgUrl == null || redisUrl == null)) {
            throw new InvalidInputException("invalid_argument",
                    "--backend postgres+redis needs --pg-url (VICINITY_PG_URL) and --redis-url (VICINITY_REDIS_URL)");
        }
        if (!(centerLat >= -85 && centerLat <= 85 && centerLon >= -180 && centerLon <= 180)) {
            throw new InvalidInputException("invalid_argument", "--center must be lat,lon within range");
        }
    }

    /** Defaults: embedded backend on port 8080, node {@code node-1}, no simulated users. */
    public static ServerConfig defaults() {
        return parse(new String[0], Map.of());
    }

    /** A copy on another port. */
    public ServerConfig withPort(int newPort) {
        return new ServerConfig(host, newPort, backend, node, dataDir, pgUrl, pgUser, pgPassword, pgSchema, redisUrl,
                redisPrefix, simulate, centerLat, centerLon, leaseTtl, offlineGrace);
    }

    /**
     * Reads {@code --flag value} / {@code --flag=value} pairs from {@code args}, falling back to the
     * {@code VICINITY_*} variables of {@code env}, then to defaults.
     *
     * @throws InvalidInputException {@code invalid_argument} for an unknown flag or a bad value
     */
    public static ServerConfig parse(String[] args, Map<String, String> env) {
        Map<String, String> given = new LinkedHashMap<>();
        for (Map.Entry<String, String> f : FLAGS.entrySet()) {
            String v = env.get(f.getValue());
            if (v != null && !v.isBlank()) {
                given.put(f.getKey(), v.trim());
            }
        }
        List<String> rest = new ArrayList<>(List.of(args));
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i);
            if (!a.startsWith("--")) {
                throw new InvalidInputException("invalid_argument", "unexpected argument " + a + " (see --help)");
            }
            String name = a.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < rest.size()) {
                value = rest.get(++i);
            } else {
                throw new InvalidInputException("invalid_argument", "--" + name + " needs a value");
            }
            if (!FLAGS.containsKey(name)) {
                throw new InvalidInputException("invalid_argument", "unknown flag --" + name + " (see --help)");
            }
            given.put(name, value);
        }
        String center = given.getOrDefault("center", "52.5200,13.4050");
        String[] ll = center.split(",");
        if (ll.length != 2) {
            throw new InvalidInputException("invalid_argument", "--center must be lat,lon, got " + center);
        }
        return new ServerConfig(
                given.getOrDefault("host", "0.0.0.0"),
                integer(given, "port", 8080),
                Backend.of(given.getOrDefault("backend", "embedded")),
                nodeId(given.getOrDefault("node-id", "node-1")),
                Path.of(given.getOrDefault("data-dir", "data")),
                given.get("pg-url"),
                given.getOrDefault("pg-user", "postgres"),
                given.getOrDefault("pg-password", ""),
                given.getOrDefault("pg-schema", "vicinity"),
                given.get("redis-url"),
                given.getOrDefault("redis-prefix", "vicinity"),
                integer(given, "simulate", 0),
                decimal("center", ll[0]), decimal("center", ll[1]),
                Duration.ofSeconds(integer(given, "lease-ttl", 30)),
                Duration.ofSeconds(integer(given, "offline-grace", 10)));
    }

    /** One line per flag, for {@code --help}. */
    public static String usage() {
        StringBuilder b = new StringBuilder("Usage: java -jar vicinity-server.jar [flags]\n");
        b.append("  --port 8080              HTTP and WebSocket port (0 = any free port)\n");
        b.append("  --host 0.0.0.0           address to bind\n");
        b.append("  --backend embedded       embedded (H2GIS file, nothing to install), memory, or postgres+redis (multi-node)\n");
        b.append("  --node-id node-1         this node's id (unique per process when scaled out)\n");
        b.append("  --data-dir data          directory of the embedded backend's files\n");
        b.append("  --pg-url jdbc:postgresql://127.0.0.1:5432/vicinity   --pg-user postgres  --pg-password ''\n");
        b.append("  --pg-schema vicinity     schema of Vicinity's tables (created if missing)\n");
        b.append("  --redis-url redis://127.0.0.1:6379   --redis-prefix vicinity\n");
        b.append("  --simulate 0             number of simulated neighbours (move, chat back, rate)\n");
        b.append("  --center 52.52,13.405    where simulated neighbours live\n");
        b.append("  --lease-ttl 30 --offline-grace 10   presence timings in seconds\n");
        b.append("Every flag can also be set as an environment variable: --pg-url = VICINITY_PG_URL, ...\n");
        return b.toString();
    }

    private static NodeId nodeId(String v) {
        try {
            return NodeId.of(v);
        } catch (RuntimeException e) {
            throw new InvalidInputException("invalid_argument", "--node-id: " + e.getMessage());
        }
    }

    private static int integer(Map<String, String> given, String flag, int dflt) {
        String v = given.get(flag);
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new InvalidInputException("invalid_argument", "--" + flag + " must be an integer, got " + v);
        }
    }

    private static double decimal(String flag, String v) {
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new InvalidInputException("invalid_argument", "--" + flag + " must be numbers, got " + v);
        }
    }
}
