package dev.vicinity.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.core.VicinityException;
import dev.vicinity.rating.RatingKey;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The installer against the real server: idempotent, concurrent-safe, versioned, and guarded. */
class SchemaInstallerIT {
    private final List<PostgresVicinity> created = new ArrayList<>();

    @BeforeAll
    static void server() {
        PgTestDatabase.require();
    }

    @AfterEach
    void dropSchemas() {
        created.forEach(PgTestDatabase::drop);
    }

    private PostgresVicinity adapter(String schema) {
        PostgresVicinity pg = PostgresVicinity.builder(PgTestDatabase.dataSource()).schema(schema).build();
        created.add(pg);
        return pg;
    }

    private PostgresVicinity adapter() {
        PostgresVicinity pg = PostgresVicinity.builder(PgTestDatabase.dataSource())
                .schema(PgTestDatabase.randomSchema()).build();
        created.add(pg);
        return pg;
    }

    @Test
    void installsEveryVersionOnceAndIsIdempotent() {
        PostgresVicinity pg = adapter();
        assertThat(pg.schemaInstaller().installedVersion()).isZero();

        List<Integer> first = pg.schemaInstaller().install();
        assertThat(first).hasSize(SchemaInstaller.LATEST_VERSION).startsWith(1).isSorted();
        assertThat(pg.schemaInstaller().installedVersion()).isEqualTo(SchemaInstaller.LATEST_VERSION);
        assertThat(pg.schemaInstaller().install()).isEmpty();
        assertThat(pg.schemaInstaller().install()).isEmpty();
        // The stores work on the installed schema.
        assertThat(pg.ratingStore().find(RatingKey.of(SessionId.of("s"), UserId.of("a"), UserId.of("b")))).isEmpty();
    }

    @Test
    void concurrentInstallersOnSeveralNodesApplyEachVersionExactlyOnce() throws Exception {
        String schema = PgTestDatabase.randomSchema();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<Integer>>> fs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                PostgresVicinity pg = PostgresVicinity.builder(PgTestDatabase.dataSource()).schema(schema).build();
                created.add(pg);
                Callable<List<Integer>> install = () -> pg.schemaInstaller().install();
                fs.add(pool.submit(install));
            }
            List<Integer> all = new ArrayList<>();
            for (Future<List<Integer>> f : fs) {
                all.addAll(f.get(60, TimeUnit.SECONDS));
            }
            assertThat(all).hasSize(SchemaInstaller.LATEST_VERSION).doesNotHaveDuplicates();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aVersionNewerThanThisReleaseIsRefusedWithoutChangingAnything() {
        PostgresVicinity pg = adapter();
        pg.schemaInstaller().install();
        PgTestDatabase.exec(pg, "INSERT INTO \"" + pg.schema() + "\".vicinity_schema_history (version, description,"
                + " checksum) VALUES (" + (SchemaInstaller.LATEST_VERSION + 1) + ", 'from the future', 'x')");
        assertThatThrownBy(() -> pg.schemaInstaller().install())
                .isInstanceOf(VicinityException.class)
                .hasFieldOrPropertyWithValue("code", PostgresErrorCodes.SCHEMA_MISMATCH)
                .hasMessageContaining("newer");
    }

    @Test
    void anAlteredScriptIsDetected() {
        PostgresVicinity pg = adapter();
        pg.schemaInstaller().install();
        PgTestDatabase.exec(pg, "UPDATE \"" + pg.schema() + "\".vicinity_schema_history SET checksum = 'edited'"
                + " WHERE version = 1");
        assertThatThrownBy(() -> pg.schemaInstaller().install())
                .isInstanceOf(VicinityException.class)
                .hasFieldOrPropertyWithValue("code", PostgresErrorCodes.SCHEMA_MISMATCH);
    }

    @Test
    void version3StartsTheCountOnceWindowFromRatingsRevealedBeforeIt() {
        PostgresVicinity pg = adapter();
        pg.schemaInstaller().install();
        java.time.Instant t = java.time.Instant.parse("2026-03-01T12:00:00Z");
        UserId alice = UserId.of("alice");
        UserId bob = UserId.of("bob");
        pg.ratingStore().insertIfAbsent(dev.vicinity.rating.Rating.create(RatingKey.of(SessionId.of("s1"), alice, bob),
                5, java.util.Set.of(), null, null, dev.vicinity.rating.RatingState.REVEALED, t, t));
        // Back to a version-2 database holding that counted rating.
        String q = "\"" + pg.schema() + "\"";
        PgTestDatabase.exec(pg, "DROP TABLE " + q + ".rating_pair; ALTER TABLE " + q + ".rating DROP COLUMN duplicate;"
                + " DELETE FROM " + q + ".vicinity_schema_history WHERE version = 3");

        assertThat(pg.schemaInstaller().install()).containsExactly(3);

        java.time.Instant later = t.plus(java.time.Duration.ofDays(1));
        dev.vicinity.rating.Rating repeat = dev.vicinity.rating.Rating.create(RatingKey.of(SessionId.of("s2"), alice, bob),
                1, java.util.Set.of(), null, null, dev.vicinity.rating.RatingState.REVEALED, later, later);
        assertThat(pg.ratingStore().insertIfAbsent(repeat, java.time.Duration.ofDays(7)).rating().duplicate()).isTrue();
        assertThat(pg.ratingStore().find(RatingKey.of(SessionId.of("s1"), alice, bob)).orElseThrow().counted()).isTrue();
        assertThat(pg.ratingStore().aggregate(bob).count()).isEqualTo(1);
    }

    @Test
    void storesOnAMissingSchemaFailWithSchemaNotInstalled() {
        PostgresVicinity pg = adapter();
        assertThatThrownBy(() -> pg.ratingStore().aggregate(UserId.of("a")))
                .isInstanceOf(VicinityException.class)
                .hasFieldOrPropertyWithValue("code", PostgresErrorCodes.SCHEMA_NOT_INSTALLED)
                .satisfies(e -> assertThat(((VicinityException) e).retryable()).isFalse());
    }

    // ---- the scripts run by Flyway, as a host with its own migrations would (placeholders schema and
    // postgis, Flyway's history in the Vicinity schema): the installer reports the right version and
    // install() neither re-runs a script nor fails on its tables.

    private static Flyway flyway(String schema, String target) {
        return Flyway.configure()
                .dataSource(PgTestDatabase.dataSource())
                .schemas(schema)
                .createSchemas(true)
                .locations("classpath:dev/vicinity/postgres")
                .placeholders(Map.of("schema", PostgresVicinity.quote(schema), "postgis", PostgresVicinity.quote("public")))
                .target(target)
                .load();
    }

    @Test
    void aSchemaMigratedByFlywayIsRecognisedAndInstallChangesNothing() {
        String schema = PgTestDatabase.randomSchema();
        PostgresVicinity pg = adapter(schema);

        flyway(schema, "latest").migrate();

        assertThat(pg.schemaInstaller().installedVersion()).isEqualTo(SchemaInstaller.LATEST_VERSION);
        assertThat(pg.schemaInstaller().install()).isEmpty();
        assertThat(pg.schemaInstaller().install()).isEmpty();
        assertThat(pg.schemaInstaller().installedVersion()).isEqualTo(SchemaInstaller.LATEST_VERSION);
        assertThat(pg.ratingStore().find(RatingKey.of(SessionId.of("s"), UserId.of("a"), UserId.of("b")))).isEmpty();
    }

    @Test
    void theInstallerAppliesOnlyTheVersionsFlywayHasNotApplied() {
        String schema = PgTestDatabase.randomSchema();
        PostgresVicinity pg = adapter(schema);

        flyway(schema, "2").migrate();

        assertThat(pg.schemaInstaller().installedVersion()).isEqualTo(2);
        assertThat(pg.schemaInstaller().install()).containsExactly(3);
        assertThat(pg.schemaInstaller().installedVersion()).isEqualTo(SchemaInstaller.LATEST_VERSION);
    }
}
