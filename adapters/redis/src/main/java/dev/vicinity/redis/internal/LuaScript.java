package dev.vicinity.redis.internal;

import dev.vicinity.core.BackendUnavailableException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One Lua script shipped as a class-path resource (optionally prefixed by a shared library script),
 * run with EVALSHA and loaded on demand after a NOSCRIPT reply (e.g. after a server restart).
 * Immutable and thread-safe.
 */
public final class LuaScript {
    private final String name;
    private final String source;
    private final String sha;
    /** Whether {@link #run(RedisClusterAsyncCommands, long, ScriptOutputType, String[], String...)} loaded it once. */
    private volatile boolean loadedAsync;

    private LuaScript(String name, String source) {
        this.name = name;
        this.source = source;
        this.sha = sha1(source);
    }

    /** Loads {@code resources} (relative to {@code anchor}'s package) and concatenates them in order. */
    public static LuaScript load(Class<?> anchor, String... resources) {
        StringBuilder sb = new StringBuilder();
        for (String r : resources) {
            try (InputStream in = anchor.getResourceAsStream(r)) {
                if (in == null) {
                    throw new IllegalStateException("missing script resource " + r);
                }
                sb.append(new String(in.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new LuaScript(resources[resources.length - 1], sb.toString());
    }

    /** Runs the script; connection problems become {@link BackendUnavailableException}. */
    @SuppressWarnings("TypeParameterUnusedInFormals") // as Lettuce's eval: the output type decides T
    public <T> T run(RedisClusterCommands<String, String> redis, ScriptOutputType type, String[] keys, String... args) {
        try {
            try {
                return redis.evalsha(sha, type, keys, args);
            } catch (RedisNoScriptException e) {
                redis.scriptLoad(source);
                return redis.evalsha(sha, type, keys, args);
            }
        } catch (RedisCommandExecutionException e) {
            throw e; // a script error is a bug or a refused request, not an outage
        } catch (RedisConnectionException | RedisCommandTimeoutException e) {
            throw new BackendUnavailableException("Redis unavailable running " + name, e);
        } catch (RedisException e) {
            throw new BackendUnavailableException("Redis failed running " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs the script through the asynchronous commands and waits at most {@code timeoutMillis} for
     * each round trip (a SCRIPT LOAD on first use, the EVALSHA, and after a NOSCRIPT reply the SCRIPT
     * LOAD and the second EVALSHA), whatever timeout the host's connection has: an unreachable, stalled or paused server
     * becomes {@link BackendUnavailableException} within that bound. A script error is rethrown as
     * the {@link RedisCommandExecutionException} it is (a bug or a refused request, not an outage).
     */
    @SuppressWarnings("TypeParameterUnusedInFormals") // as Lettuce's eval: the output type decides T
    public <T> T run(RedisClusterAsyncCommands<String, String> redis, long timeoutMillis, ScriptOutputType type,
                     String[] keys, String... args) {
        try {
            if (!loadedAsync) {
                // Loaded before the first EVALSHA (one round trip, once), and again after a NOSCRIPT.
                RedisSupport.awaitRaw(redis.scriptLoad(source), timeoutMillis);
                loadedAsync = true;
            }
            return RedisSupport.awaitRaw(redis.<T>evalsha(sha, type, keys, args), timeoutMillis);
        } catch (RedisNoScriptException e) {
            awaitOrUnavailable(redis.scriptLoad(source), timeoutMillis);
            return awaitOrUnavailable(redis.<T>evalsha(sha, type, keys, args), timeoutMillis);
        } catch (RedisCommandExecutionException e) {
            throw e;
        } catch (RedisException e) {
            throw new BackendUnavailableException("Redis unavailable running " + name, e);
        }
    }

    private <T> T awaitOrUnavailable(io.lettuce.core.RedisFuture<T> f, long timeoutMillis) {
        try {
            return RedisSupport.awaitRaw(f, timeoutMillis);
        } catch (RedisCommandExecutionException e) {
            throw e;
        } catch (RedisException e) {
            throw new BackendUnavailableException("Redis unavailable running " + name, e);
        }
    }

    /**
     * Loads the script into the server's cache (idempotent) and returns its SHA1, for callers that
     * pipeline many {@code EVALSHA} calls asynchronously (a later restart makes them fail with
     * NOSCRIPT; call this again and retry).
     */
    public String ensureLoaded(RedisClusterCommands<String, String> redis) {
        try {
            redis.scriptLoad(source);
            return sha;
        } catch (RedisException e) {
            throw new BackendUnavailableException("Redis unavailable loading " + name, e);
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
