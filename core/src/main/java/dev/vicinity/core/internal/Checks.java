package dev.vicinity.core.internal;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Argument checks for builders and constructors: the one style every Vicinity module uses for
 * configuration mistakes. A missing value is a {@link NullPointerException} naming it (as
 * {@link Objects#requireNonNull}); a value out of range is an {@link IllegalArgumentException} whose
 * message names the setting, the allowed range and the value given. Request-time input from clients
 * is not checked here: it gets a typed {@code VicinityException} with a stable code.
 *
 * <p>Stateless and thread-safe. Not API.
 */
public final class Checks {
    private Checks() {}

    /** @return {@code value}; @throws NullPointerException naming {@code name} if it is null */
    public static <T> T notNull(String name, @Nullable T value) {
        return Objects.requireNonNull(value, name);
    }

    /** @return {@code d}; @throws IllegalArgumentException unless {@code d} is non-null and &gt; 0 */
    public static Duration positive(String name, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
        return d;
    }

    /** @return {@code d}; @throws IllegalArgumentException unless {@code d} is non-null and &gt;= 0 */
    public static Duration notNegative(String name, Duration d) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be zero or positive, got " + d);
        }
        return d;
    }

    /** @return {@code d}; @throws IllegalArgumentException unless {@code min <= d <= max} */
    public static Duration between(String name, Duration d, Duration min, Duration max) {
        if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " must be within " + min + " .. " + max + ", got " + d);
        }
        return d;
    }

    /** @return {@code v}; @throws IllegalArgumentException unless {@code v >= min} */
    public static long atLeast(String name, long v, long min) {
        if (v < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", got " + v);
        }
        return v;
    }

    /** @return {@code v}; @throws IllegalArgumentException unless {@code v >= min} */
    public static int atLeast(String name, int v, int min) {
        if (v < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", got " + v);
        }
        return v;
    }

    /** @return {@code v}; @throws IllegalArgumentException unless {@code min <= v <= max} */
    public static int between(String name, int v, int min, int max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(name + " must be within " + min + ".." + max + ", got " + v);
        }
        return v;
    }

    /** @return {@code v}; @throws IllegalArgumentException unless {@code v} is finite and &gt; 0 */
    public static double finitePositive(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + v);
        }
        return v;
    }

    /** @return {@code v}; @throws IllegalArgumentException unless {@code min <= v <= max} (and not NaN) */
    public static double between(String name, double v, double min, double max) {
        if (!(v >= min && v <= max)) {
            throw new IllegalArgumentException(name + " must be within " + min + " .. " + max + ", got " + v);
        }
        return v;
    }

    /** @throws IllegalArgumentException with {@code message} unless {@code condition} holds */
    public static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
