package dev.vicinity.node;

import dev.vicinity.core.internal.Checks;
import java.nio.file.Path;
import javax.sql.DataSource;

/**
 * One-call factories of the backend bundles. Each needs only the adapter it names on the class path
 * (the others are never loaded). Stateless.
 */
public final class Backends {
    private Backends() {}

    /** Every store in this process ({@link InMemoryBackend}): tests and demos. */
    public static VicinityBackend inMemory() {
        return new InMemoryBackend();
    }

    /**
     * An embedded H2GIS file database {@code path}{@code .mv.db} for the durable data, presence and bus in
     * this process ({@link H2gisBackend#file}): one node, nothing to install.
     */
    public static VicinityBackend h2gis(Path path) {
        return H2gisBackend.file(path);
    }

    /**
     * PostgreSQL for durable data and Redis for presence, fan-out, resume tokens, rate limits and the
     * rating cache: any number of nodes. One key prefix and the default timeout (2 s) for every Redis
     * store; the schema {@code vicinity} is installed if needed. Use {@link PostgresBackend#builder} and
     * {@link RedisBundle#builder} for other options.
     *
     * @throws dev.vicinity.core.VicinityException {@link NodeErrorCodes#BACKEND_UNREACHABLE} naming the
     *     server (PostgreSQL or Redis) that did not answer
     */
    public static VicinityBackend postgresAndRedis(DataSource dataSource, String redisUri, String keyPrefix) {
        Checks.notNull("dataSource", dataSource);
        RedisBundle redis = RedisBundle.builder(redisUri).keyPrefix(keyPrefix).build();
        return PostgresBackend.builder(dataSource).redis(redis).build();
    }
}
