package dev.vicinity.redis.internal;

import dev.vicinity.core.BackendUnavailableException;
import dev.vicinity.core.internal.Checks;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Checks and calls shared by the Redis stores. Stateless. */
public final class RedisSupport {

    private RedisSupport() {}

    /**
     * Checks a key prefix: 1 or more of {@code [A-Za-z0-9._:-]} (no braces: prefixes must not carry a
     * hash tag of their own).
     *
     * @return the prefix
     * @throws IllegalArgumentException otherwise
     */
    public static String checkKeyPrefix(String keyPrefix) {
        // A null prefix is a bad value here (IAE), as it always was, not a missing one (NPE).
        Checks.check(keyPrefix != null && keyPrefix.matches("[A-Za-z0-9._:-]+"),
                "keyPrefix must match [A-Za-z0-9._:-]+, got " + keyPrefix);
        return keyPrefix;
    }

    /**
     * Checks a stripe or shard count: 1..1024.
     *
     * @return the count
     * @throws IllegalArgumentException otherwise
     */
    public static int checkSlots(String name, int count) {
        return Checks.between(name, count, 1, 1024);
    }

    /**
     * Checks a command timeout: positive.
     *
     * @return the timeout
     * @throws IllegalArgumentException otherwise
     */
    public static java.time.Duration checkTimeout(java.time.Duration commandTimeout) {
        return Checks.positive("commandTimeout", commandTimeout);
    }

    /** The default command timeout of the stores and the bus: 2 s. */
    public static final java.time.Duration DEFAULT_TIMEOUT = java.time.Duration.ofSeconds(2);

    /**
     * Waits at most {@code timeoutMillis} for an asynchronous command, rethrowing what Redis answered
     * as the Lettuce exception it is (a script error stays a {@link io.lettuce.core.RedisCommandExecutionException},
     * NOSCRIPT a {@link io.lettuce.core.RedisNoScriptException}); a timeout is a
     * {@link io.lettuce.core.RedisCommandTimeoutException} and the command is cancelled.
     *
     * @throws BackendUnavailableException (retryable) on an interrupt
     */
    public static <T> T awaitRaw(RedisFuture<T> f, long timeoutMillis) {
        try {
            return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendUnavailableException("interrupted while waiting for Redis", e);
        } catch (TimeoutException e) {
            f.cancel(false);
            throw new io.lettuce.core.RedisCommandTimeoutException("no answer from Redis within " + timeoutMillis + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RedisException re) {
                throw re;
            }
            throw new RedisException(String.valueOf(cause), cause);
        }
    }

    /**
     * Waits for a pipelined command.
     *
     * @throws BackendUnavailableException (retryable) on a timeout, an interrupt or a Redis failure
     */
    public static <T> T await(RedisFuture<T> f, long timeoutMillis, String doing) {
        try {
            return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendUnavailableException("interrupted while " + doing, e);
        } catch (ExecutionException | TimeoutException | RedisException e) {
            throw new BackendUnavailableException("Redis unavailable " + doing, e);
        }
    }
}
