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
 * @param leaseTtl presence lease time-to-live ({@code --lease-ttl}, a duration, default 30 s; 1 s..1 h)
 * @param offlineGrace presence offline grace ({@code --offline-grace}, a duration, default 10 s; 0..1 h)
 * @param timings the protocol's and the services' timings ({@link Timings})
 * @param guards the bounds that keep one client or one backend from taking the node down ({@link Guards})
 * @param cursorSecret the nearby-cursor signing secret shared by every node ({@code --cursor-secret},
 *     {@code VICINITY_CURSOR_SECRET}, at least 16 characters); required with {@code postgres+redis} so a
 *     page cursor from one node works on another; null elsewhere means a random per-process secret
 */
public record ServerConfig(String host, int port, Backend backend, NodeId node, Path dataDir, String pgUrl,
                           String pgUser, String pgPassword, String pgSchema, String redisUrl, String redisPrefix,
                           int simulate, double centerLat, double centerLon, Duration leaseTtl,
                           Duration offlineGrace, Timings timings, Guards guards, String cursorSecret) {

    /**
     * Timings of the protocol and the services. Durations are given as a number of seconds or with a
     * unit: {@code 500ms}, {@code 90s}, {@code 2m}, {@code 1h}, {@code 7d}.
     *
     * @param authDeadline an unauthenticated socket is closed after this ({@code --auth-deadline}, default 10 s)
     * @param heartbeat the ping interval clients are told ({@code heartbeatSeconds}); silence of three
     *     intervals detaches ({@code --heartbeat}, default 15 s but at most a third of the lease TTL)
     * @param resumeWindow a detached connection can be resumed for this long ({@code --resume-window}, default 2 min)
     * @param locationMaxAge an older location is not matched and is swept ({@code --location-max-age}, default 30 min)
     * @param inviteTimeout an unanswered chat invite expires after this ({@code --invite-timeout}, default 2 min)
     * @param ratingWindow an ended chat can be rated for this long ({@code --rating-window}, default 7 d)
     */
    public record Timings(Duration authDeadline, Duration heartbeat, Duration resumeWindow, Duration locationMaxAge,
                          Duration inviteTimeout, Duration ratingWindow) {
        /** Checks each timing on its own; {@link ServerConfig} checks them against the presence timings. */
        public Timings {
            within("--auth-deadline", authDeadline, Duration.ofSeconds(1), Duration.ofMinutes(10));
            within("--heartbeat", heartbeat, Duration.ofSeconds(1), Duration.ofMinutes(10));
            if (heartbeat.getNano() != 0) {
                throw new InvalidInputException("invalid_argument",
                        "--heartbeat must be whole seconds (clients are told heartbeatSeconds), got " + heartbeat);
            }
            within("--resume-window", resumeWindow, Duration.ofSeconds(1), Duration.ofDays(1));
            within("--location-max-age", locationMaxAge, Duration.ofSeconds(10), Duration.ofDays(30));
            within("--invite-timeout", inviteTimeout, Duration.ofSeconds(1), Duration.ofDays(1));
            within("--rating-window", ratingWindow, Duration.ofSeconds(1), Duration.ofDays(365));
        }
    }

    /**
     * Bounds that keep one client, or one slow backend, from taking the node down.
     *
     * @param backendTimeout the longest wait for PostgreSQL or Redis per operation: Redis commands, the
     *     JDBC socket and query timeouts, getting a pooled connection and each health probe
     *     ({@code --backend-timeout}, default 2 s; 100 ms..60 s)
     * @param headerTimeout an HTTP request (a WebSocket upgrade included) whose header is not complete
     *     after this is cut ({@code --header-timeout}, default 10 s; 1 s..5 min)
     * @param maxConnectionsPerAddress TCP connections one client address may hold at once; further ones
     *     are closed at once ({@code --max-connections-per-address}, default 1000; 0 = no cap)
     */
    public record Guards(Duration backendTimeout, Duration headerTimeout, int maxConnectionsPerAddress) {
        /** Checks each bound. */
        public Guards {
            within("--backend-timeout", backendTimeout, Duration.ofMillis(100), Duration.ofSeconds(60));
            within("--header-timeout", headerTimeout, Duration.ofSeconds(1), Duration.ofMinutes(5));
            if (maxConnectionsPerAddress < 0 || maxConnectionsPerAddress > 1_000_000) {
                throw new InvalidInputException("invalid_argument",
                        "--max-connections-per-address must be 0..1000000, got " + maxConnectionsPerAddress);
            }
        }
    }

    private static void within(String flag, Duration d, Duration min, Duration max) {
        Objects.requireNonNull(d, flag);
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new InvalidInputException("invalid_argument",
                    flag + " must be within " + human(min) + ".." + human(max) + ", got " + human(d));
        }
    }

    private static String human(Duration d) {
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        long s = d.toSeconds();
        if (s == 0) {
            return "0s";
        }
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }

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
                "pg-schema", "redis-url", "redis-prefix", "simulate", "center", "lease-ttl", "offline-grace",
                "auth-deadline", "heartbeat", "resume-window", "location-max-age", "invite-timeout", "rating-window",
                "backend-timeout", "header-timeout", "max-connections-per-address", "cursor-secret")) {
            m.put(f, "VICINITY_" + f.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
        return Map.copyOf(m);
    }

    /**
     * Validates every component, and the timings against each other: three heartbeat intervals fit
     * in the lease TTL (a client that pings on time never loses its lease), the resume window is at
     * least one heartbeat interval. {@link InvalidInputException} ({@code invalid_argument}) names
     * the flags.
     */
    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(timings, "timings");
        Objects.requireNonNull(guards, "guards");
        // At least 3 s, so that the derived heartbeat (a third of it, whole seconds, at least 1 s) fits.
        within("--lease-ttl", leaseTtl, Duration.ofSeconds(3), Duration.ofHours(1));
        within("--offline-grace", offlineGrace, Duration.ZERO, Duration.ofHours(1));
        if (timings.heartbeat().multipliedBy(3).compareTo(leaseTtl) > 0) {
            throw new InvalidInputException("invalid_argument", "--heartbeat " + human(timings.heartbeat())
                    + " is more than a third of --lease-ttl " + human(leaseTtl)
                    + ": a client pinging on time would lose its presence lease; use --heartbeat "
                    + human(leaseTtl.dividedBy(3)) + " or less, or a longer --lease-ttl");
        }
        if (timings.resumeWindow().compareTo(timings.heartbeat()) < 0) {
            throw new InvalidInputException("invalid_argument", "--resume-window " + human(timings.resumeWindow())
                    + " is shorter than --heartbeat " + human(timings.heartbeat()));
        }
        if (port < 0 || port > 65_535) {
            throw new InvalidInputException("invalid_argument", "--port must be 0..65535, got " + port);
        }
        if (simulate < 0 || simulate > 1000) {
            throw new InvalidInputException("invalid_argument", "--simulate must be 0..1000, got " + simulate);
        }
        if (cursorSecret != null && cursorSecret.length() < 16) {
            throw new InvalidInputException("invalid_argument", "--cursor-secret must have at least 16 characters");
        }
        if (backend == Backend.POSTGRES_REDIS && (pgUrl == null || redisUrl == null)) {
            throw new InvalidInputException("invalid_argument",
                    "--backend postgres+redis needs --pg-url (VICINITY_PG_URL) and --redis-url (VICINITY_REDIS_URL)");
        }
        if (backend == Backend.POSTGRES_REDIS && cursorSecret == null) {
            throw new InvalidInputException("invalid_argument", "--backend postgres+redis needs --cursor-secret "
                    + "(VICINITY_CURSOR_SECRET), the same on every node, so that a nearby page cursor from one node "
                    + "is valid on the others");
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
                redisPrefix, simulate, centerLat, centerLon, leaseTtl, offlineGrace, timings, guards, cursorSecret);
    }

    /**
     * What a command-line entry point does with its arguments: {@code --help} prints the usage and
     * returns null (the caller returns); invalid flags print the reason and the usage and exit the
     * process with status 2; otherwise the parsed configuration (environment variables included).
     */
    @SuppressWarnings("java:S106") // a command-line entry point prints its usage
    static @org.jspecify.annotations.Nullable ServerConfig fromCommandLine(String[] args) {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.print(usage());
            return null;
        }
        try {
            return parse(args, System.getenv());
        } catch (InvalidInputException e) {
            System.err.println(e.getMessage());
            System.err.print(usage());
            System.exit(2);
            return null;
        }
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
        Duration leaseTtl = duration(given, "lease-ttl", Duration.ofSeconds(30));
        Duration heartbeat = duration(given, "heartbeat",
                min(Duration.ofSeconds(15), Duration.ofSeconds(Math.max(1, leaseTtl.toSeconds() / 3))));
        Timings timings = new Timings(duration(given, "auth-deadline", Duration.ofSeconds(10)), heartbeat,
                duration(given, "resume-window", Duration.ofMinutes(2)),
                duration(given, "location-max-age", Duration.ofMinutes(30)),
                duration(given, "invite-timeout", Duration.ofMinutes(2)),
                duration(given, "rating-window", Duration.ofDays(7)));
        Guards guards = new Guards(duration(given, "backend-timeout", Duration.ofSeconds(2)),
                duration(given, "header-timeout", Duration.ofSeconds(10)),
                integer(given, "max-connections-per-address", 1000));
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
                leaseTtl,
                duration(given, "offline-grace", Duration.ofSeconds(10)),
                timings, guards, given.get("cursor-secret"));
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
        b.append("  --cursor-secret <16+ chars>   nearby cursor secret, the same on every node (required with postgres+redis)\n");
        b.append("  --simulate 0             number of simulated neighbours (move, chat back, rate)\n");
        b.append("  --center 52.52,13.405    where simulated neighbours live\n");
        b.append("  --lease-ttl 30 --offline-grace 10   presence timings in seconds\n");
        b.append("Timings (a number of seconds, or 500ms, 90s, 2m, 1h, 7d):\n");
        b.append("  --auth-deadline 10s      close sockets that have not signed in after this\n");
        b.append("  --heartbeat 10s          ping interval told to clients; at most a third of --lease-ttl\n");
        b.append("                           (default: 15s or a third of --lease-ttl, whichever is shorter)\n");
        b.append("  --resume-window 2m       how long a dropped connection can be resumed\n");
        b.append("  --location-max-age 30m   older locations are not matched\n");
        b.append("  --invite-timeout 2m      unanswered chat invites expire\n");
        b.append("  --rating-window 7d       how long an ended chat can be rated\n");
        b.append("Guards:\n");
        b.append("  --backend-timeout 2s     longest wait for PostgreSQL/Redis per operation and health probe\n");
        b.append("  --header-timeout 10s     cut HTTP/WebSocket-upgrade requests whose header is not complete by then\n");
        b.append("  --max-connections-per-address 1000   TCP connections per client address (0 = no cap)\n");
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

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** A duration flag: a number of seconds, or a number with ms, s, m, h or d. */
    static Duration duration(Map<String, String> given, String flag, Duration dflt) {
        String v = given.get(flag);
        if (v == null) {
            return dflt;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m|h|d)?").matcher(v.trim());
        if (!m.matches()) {
            throw new InvalidInputException("invalid_argument",
                    "--" + flag + " must be a duration (seconds, or e.g. 500ms, 90s, 2m, 1h, 7d), got " + v);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofSeconds(n);
        };
    }

    private static double decimal(String flag, String v) {
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new InvalidInputException("invalid_argument", "--" + flag + " must be numbers, got " + v);
        }
    }
}
