package dev.vicinity.spring.boot.autoconfigure;

import dev.vicinity.node.Backends;
import dev.vicinity.node.H2gisBackend;
import dev.vicinity.node.PostgresBackend;
import dev.vicinity.node.RedisBundle;
import dev.vicinity.node.VicinityBackend;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.util.ClassUtils;

/**
 * Opens the backend bundle {@code vicinity.backend} names. Each branch touches only the adapter it needs,
 * after checking that it is on the class path (a missing one fails with the Maven coordinates to add).
 * Stateless.
 */
final class BackendFactory {
    static final String DEFAULT_REDIS_URI = "redis://127.0.0.1:6379";

    private BackendFactory() {}

    static VicinityBackend open(VicinityProperties p, @Nullable DataSource dataSource, @Nullable String springRedisUrl,
            @Nullable ClassLoader loader) {
        switch (p.getBackend()) {
            case MEMORY:
                return Backends.inMemory();
            case H2GIS:
                require("dev.vicinity.h2gis.H2gisVicinity", "h2gis", "dev.vicinity:vicinity-h2gis", loader);
                return h2gis(p.getH2gis().getPath());
            case POSTGRES:
            case POSTGRES_REDIS:
                boolean redis = p.getBackend() == VicinityProperties.Backend.POSTGRES_REDIS;
                String name = redis ? "postgres+redis" : "postgres";
                require("dev.vicinity.postgres.PostgresVicinity", name, "dev.vicinity:vicinity-postgres", loader);
                if (redis) {
                    require("dev.vicinity.redis.RedisEventBus", name, "dev.vicinity:vicinity-redis", loader);
                }
                if (dataSource == null) {
                    throw new IllegalStateException("vicinity.backend=" + name + " needs a DataSource bean: add"
                            + " org.springframework.boot:spring-boot-starter-jdbc and the PostgreSQL driver, and set"
                            + " spring.datasource.url (or define a DataSource bean)");
                }
                return postgres(p, dataSource, redis ? redisUri(p, springRedisUrl) : null);
            default:
                throw new IllegalStateException("unknown vicinity.backend " + p.getBackend());
        }
    }

    static String redisUri(VicinityProperties p, @Nullable String springRedisUrl) {
        if (p.getRedis().getUri() != null && !p.getRedis().getUri().isBlank()) {
            return p.getRedis().getUri();
        }
        return springRedisUrl != null && !springRedisUrl.isBlank() ? springRedisUrl : DEFAULT_REDIS_URI;
    }

    private static VicinityBackend h2gis(String path) {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("vicinity.h2gis.path must not be empty");
        }
        if (path.startsWith("mem:")) {
            return H2gisBackend.inMemory(path.substring(4));
        }
        return H2gisBackend.file(Path.of(path));
    }

    private static VicinityBackend postgres(VicinityProperties p, DataSource dataSource, @Nullable String redisUri) {
        VicinityProperties.Postgres pg = p.getPostgres();
        PostgresBackend.Builder b = PostgresBackend.builder(dataSource);
        if (pg.getSchema() != null) {
            b.schema(pg.getSchema());
        }
        if (pg.getQueryTimeout() != null) {
            b.queryTimeout(pg.getQueryTimeout());
        }
        if (pg.getInstallSchema() != null) {
            b.installSchema(pg.getInstallSchema());
        }
        if (pg.getCacheRatings() != null) {
            b.cacheRatings(pg.getCacheRatings());
        }
        if (redisUri != null) {
            RedisBundle.Builder rb = RedisBundle.builder(redisUri).keyPrefix(p.getRedis().getKeyPrefix());
            if (p.getRedis().getTimeout() != null) {
                rb.timeout(p.getRedis().getTimeout());
            }
            RedisBundle redis = rb.build();
            try {
                return b.redis(redis).build();
            } catch (RuntimeException e) {
                redis.close();
                throw e;
            }
        }
        return b.build();
    }

    private static void require(String className, String backend, String artifact, @Nullable ClassLoader loader) {
        if (!ClassUtils.isPresent(className, loader)) {
            throw new IllegalStateException("vicinity.backend=" + backend + " needs " + artifact
                    + " on the class path: add that dependency (version from dev.vicinity:vicinity-bom)");
        }
    }
}
