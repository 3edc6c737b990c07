package dev.vicinity.testkit;

import org.jspecify.annotations.Nullable;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that opens one resource (a database, a schema, a connection) before the tests of
 * a class and closes it after them, replacing a {@code @BeforeAll}/{@code @AfterAll} pair:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ClassResource<PostgresVicinity> PG = ClassResource.of(PgTestDatabase::freshSchema, PgTestDatabase::drop);
 * }</pre>
 *
 * <p>{@code open} runs before the class's own {@code @BeforeAll} methods; when it fails or aborts (for
 * example through {@link TestServers#requirePostgres()}: a failure with {@code CI=true}, a skip with one
 * line otherwise) the class's tests fail or are skipped as they would be from a {@code @BeforeAll} method,
 * and {@code close} is not called. Register it on a {@code static} field.
 *
 * <p>Thread-safety: {@link #get()} may be called from any thread once the class's tests run; opening and
 * closing happen on JUnit's thread before and after them.
 *
 * @param <T> the resource
 */
public final class ClassResource<T> implements BeforeAllCallback, AfterAllCallback {
    private final Supplier<? extends T> open;
    private final Consumer<? super T> close;
    private volatile @Nullable T resource;

    private ClassResource(Supplier<? extends T> open, Consumer<? super T> close) {
        this.open = open;
        this.close = close;
    }

    /**
     * The extension for a resource {@code open} creates and {@code close} releases.
     *
     * @param open creates the resource (and fails or aborts when it cannot)
     * @param close releases it
     * @param <T> the resource
     * @return the extension, to register on a static field
     */
    public static <T> ClassResource<T> of(Supplier<? extends T> open, Consumer<? super T> close) {
        return new ClassResource<>(java.util.Objects.requireNonNull(open, "open"),
                java.util.Objects.requireNonNull(close, "close"));
    }

    /**
     * The open resource.
     *
     * @return the resource {@code open} created
     * @throws IllegalStateException outside the tests of the class (before it was opened or after it was closed)
     */
    public T get() {
        T r = resource;
        if (r == null) {
            throw new IllegalStateException("not open: register ClassResource with @RegisterExtension on a static field");
        }
        return r;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        resource = open.get();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        T r = resource;
        resource = null;
        if (r != null) {
            close.accept(r);
        }
    }
}
