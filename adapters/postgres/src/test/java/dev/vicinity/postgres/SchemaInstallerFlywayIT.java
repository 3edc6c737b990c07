package dev.vicinity.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.rating.RatingKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The schema scripts run under Flyway, as a host with its own migrations would run them (placeholders
 * {@code schema} and {@code postgis}, Flyway's history in the Vicinity schema): afterwards the installer
 * reports the right version and {@code install()} neither re-runs a script nor fails on its tables.
 */
class SchemaInstallerFlywayIT {
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
