package dev.vicinity.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * Test seam that makes every Lua script the adapter runs prove it is cluster-safe, on the real server.
 * It wraps a connection (a dynamic proxy, so the stores run unchanged) and, for every {@code EVALSHA}:
 * <ol>
 *   <li>checks that at least one key is declared and that all declared KEYS hash to one cluster slot
 *       ({@link SlotHash#getSlot}, what Redis Cluster and Lettuce's cluster routing compute);</li>
 *   <li>runs the script's source with a prelude that shadows {@code redis} so that every
 *       {@code redis.call}/{@code redis.pcall} asks the server which arguments are keys
 *       ({@code COMMAND GETKEYS}) and fails unless each is one of the declared KEYS.</li>
 * </ol>
 * Multi-key set and string commands outside scripts ({@code SUNION}, …) are checked for one slot too. A violation throws
 * {@link AssertionError} from the call (and is remembered in {@link #violations()}), so a test using the
 * guarded connection fails at the offending call. Every invocation is recorded by script resource name.
 * Thread-safe.
 */
final class ClusterKeyGuard {
    static final String MARKER = "VICINITY_UNDECLARED_KEY";
    private static final String PRELUDE = String.join("\n",
            "local redis = (function(real)",
            "  local declared = {}",
            "  for _, k in ipairs(KEYS) do declared[k] = true end",
            "  local function check(...)",
            "    local keys = real.pcall('COMMAND', 'GETKEYS', ...)",
            "    if type(keys) == 'table' and keys.err == nil then",
            "      for _, k in ipairs(keys) do",
            "        if not declared[k] then",
            "          error('" + MARKER + " ' .. tostring(select(1, ...)) .. ' ' .. k)",
            "        end",
            "      end",
            "    end",
            "  end",
            "  local guarded = setmetatable({}, {__index = real})",
            "  guarded.call = function(...) check(...) return real.call(...) end",
            "  guarded.pcall = function(...) check(...) return real.pcall(...) end",
            "  return guarded",
            "end)(redis)",
            "");

    /** One script run: the resource it came from, the declared keys and their slot. */
    record Invocation(String script, List<String> keys, int slot) {}

    private final Map<String, String> sourceBySha = new ConcurrentHashMap<>();
    private final Map<String, String> nameBySha = new ConcurrentHashMap<>();
    private final List<Invocation> invocations = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();

    /** Every invocation seen so far. */
    List<Invocation> invocations() {
        return List.copyOf(invocations);
    }

    /** Every violation seen so far (also thrown at the call). */
    List<String> violations() {
        return List.copyOf(violations);
    }

    /** The names of the scripts run so far. */
    Set<String> scriptsRun() {
        Set<String> names = new TreeSet<>();
        invocations.forEach(i -> names.add(i.script()));
        return names;
    }

    @SuppressWarnings("unchecked")
    StatefulRedisConnection<String, String> wrap(StatefulRedisConnection<String, String> connection) {
        RedisCommands<String, String> sync = (RedisCommands<String, String>) proxy(RedisCommands.class,
                connection.sync(), connection);
        RedisAsyncCommands<String, String> async = (RedisAsyncCommands<String, String>) proxy(RedisAsyncCommands.class,
                connection.async(), connection);
        return (StatefulRedisConnection<String, String>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {StatefulRedisConnection.class}, (p, m, a) -> switch (m.getName()) {
                    case "sync" -> sync;
                    case "async" -> async;
                    default -> invoke(connection, m, a);
                });
    }

    private Object proxy(Class<?> type, Object target, StatefulRedisConnection<String, String> connection) {
        InvocationHandler h = (p, m, a) -> {
            switch (m.getName()) {
                case "scriptLoad" -> {
                    if (a.length == 1 && a[0] instanceof String source) {
                        sourceBySha.put(sha1(source), source);
                    }
                    return invoke(target, m, a);
                }
                case "evalsha" -> {
                    return guardedEval(type == RedisCommands.class, connection, a);
                }
                case "sunion", "sinter", "sdiff", "sunionstore", "sinterstore", "mget", "mset" -> {
                    if (a.length == 1 && a[0] instanceof Object[] keys) {
                        checkSlots(m.getName(), Arrays.stream(keys).map(String::valueOf).toArray(String[]::new));
                    }
                    return invoke(target, m, a);
                }
                case "eval", "evalReadOnly", "evalshaReadOnly", "multi", "fcall", "fcallReadOnly" -> throw fail(
                        "the guard does not cover " + m.getName() + "; extend it before the adapter uses it");
                default -> {
                    return invoke(target, m, a);
                }
            }
        };
        return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, h);
    }

    /** EVALSHA(sha, type, keys, args...) checked, then run as the guarded source. */
    private Object guardedEval(boolean sync, StatefulRedisConnection<String, String> connection, Object[] a) {
        String source = sourceBySha.get((String) a[0]);
        if (source == null) {
            if (sync) {
                throw new RedisNoScriptException("NOSCRIPT (guard: load the script first)");
            }
            throw fail("async evalsha of a script the guard has not seen loaded");
        }
        String name = nameBySha.computeIfAbsent((String) a[0], sha -> scriptName(source));
        ScriptOutputType outputType = (ScriptOutputType) a[1];
        String[] keys = (String[]) a[2];
        String[] args = a.length > 3 ? (String[]) a[3] : new String[0];
        checkSlots(name, keys);
        String guarded = PRELUDE + source;
        if (sync) {
            try {
                return connection.sync().eval(guarded, outputType, keys, args);
            } catch (RedisCommandExecutionException e) {
                if (String.valueOf(e.getMessage()).contains(MARKER)) {
                    throw fail(name + ": " + e.getMessage());
                }
                throw e;
            }
        }
        RedisFuture<Object> f = connection.async().eval(guarded, outputType, keys, args);
        f.whenComplete((v, t) -> {
            if (t != null && String.valueOf(t.getMessage()).contains(MARKER)) {
                violations.add(name + ": " + t.getMessage());
            }
        });
        return f;
    }

    private void checkSlots(String name, String[] keys) {
        if (keys.length == 0) {
            throw fail(name + ": no key declared, so a cluster cannot route it");
        }
        int slot = SlotHash.getSlot(keys[0]);
        for (String k : keys) {
            if (SlotHash.getSlot(k) != slot) {
                throw fail(name + ": keys in different slots: " + Arrays.toString(keys));
            }
        }
        invocations.add(new Invocation(name, List.of(keys), slot));
    }

    private AssertionError fail(String message) {
        violations.add(message);
        return new AssertionError("not cluster-safe: " + message);
    }

    private static Object invoke(Object target, Method m, Object[] a) throws Throwable {
        try {
            return m.invoke(target, a);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** The script resource (the last one concatenated) a source was loaded from. */
    static String scriptName(String source) {
        for (Map.Entry<String, String> e : Scripts.TEXTS.entrySet()) {
            if (source.endsWith(e.getValue() + "\n")) {
                return e.getKey();
            }
        }
        return "<unknown script>";
    }

    /** Every script resource of the adapter ({@code *.lua} next to the store classes), libraries included. */
    static List<String> scriptResources() {
        return List.copyOf(Scripts.TEXTS.keySet());
    }

    /** The script resources, listed once (from the classes directory or the jar failsafe runs on). */
    private static final class Scripts {
        static final Map<String, String> TEXTS = load();

        private static Map<String, String> load() {
            try {
                URI dir = RedisPresenceStore.class.getResource("geo-upsert.lua").toURI();
                List<String> names;
                if ("jar".equals(dir.getScheme())) {
                    try (FileSystem fs = FileSystems.newFileSystem(dir, Map.of())) {
                        names = list(fs.provider().getPath(dir).getParent());
                    }
                } else {
                    names = list(Path.of(dir).getParent());
                }
                Map<String, String> texts = new java.util.TreeMap<>();
                names.forEach(n -> texts.put(n, resource(n)));
                return java.util.Collections.unmodifiableMap(texts);
            } catch (URISyntaxException | IOException e) {
                throw new IllegalStateException("cannot list the script resources", e);
            }
        }
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".lua")).sorted().toList();
        }
    }

    static String resource(String name) {
        try (InputStream in = RedisPresenceStore.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
