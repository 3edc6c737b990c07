package dev.vicinity.h2gis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.rating.RatingKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The H2 scripts run by Flyway, as a host with its own migrations would (placeholder {@code schema},
 * Flyway's history in the Vicinity schema): the installer reports the right version and {@code install()}
 * neither re-runs a script nor fails on its tables.
 */
class H2gisSchemaInstallerFlywayTest {
    private final List<H2gisVicinity> open = new ArrayList<>();

    @AfterEach
    void close() {
        open.forEach(H2gisVicinity::close);
    }

    private H2gisVicinity adapter(String url) {
        H2gisVicinity db = H2gisVicinity.builder(url).loadH2gisFunctions(false).build();
        open.add(db);
        return db;
    }

    private static Flyway flyway(H2gisVicinity db, String target) {
        return Flyway.configure()
                .dataSource(db.dataSource())
                .schemas(db.schema())
                .createSchemas(true)
                .locations("classpath:dev/vicinity/h2gis")
                .placeholders(Map.of("schema", "\"" + db.schema() + "\""))
                .target(target)
                .load();
    }

    private static String newDatabase() {
        return "jdbc:h2:mem:flyway-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    @Test
    void aSchemaMigratedByFlywayIsRecognisedAndInstallChangesNothing() {
        H2gisVicinity db = adapter(newDatabase());

        flyway(db, "latest").migrate();

        assertThat(db.schemaInstaller().installedVersion()).isEqualTo(H2gisSchemaInstaller.LATEST_VERSION);
        assertThat(db.schemaInstaller().install()).isEmpty();
        assertThat(db.schemaInstaller().install()).isEmpty();
        assertThat(db.schemaInstaller().installedVersion()).isEqualTo(H2gisSchemaInstaller.LATEST_VERSION);
        assertThat(db.ratingStore().find(RatingKey.of(SessionId.of("s"), UserId.of("a"), UserId.of("b")))).isEmpty();
    }

    @Test
    void theInstallerAppliesOnlyTheVersionsFlywayHasNotApplied() {
        H2gisVicinity db = adapter(newDatabase());

        flyway(db, "2").migrate();

        assertThat(db.schemaInstaller().installedVersion()).isEqualTo(2);
        assertThat(db.schemaInstaller().install()).containsExactly(3);
        assertThat(db.schemaInstaller().installedVersion()).isEqualTo(H2gisSchemaInstaller.LATEST_VERSION);
    }

    @Test
    void withoutFlywayAFreshDatabaseIsAtVersionZeroAndInstallAppliesEverything() {
        H2gisVicinity db = adapter(newDatabase());

        assertThat(db.schemaInstaller().installedVersion()).isZero();
        assertThat(db.schemaInstaller().install()).hasSize(H2gisSchemaInstaller.LATEST_VERSION).startsWith(1);
        assertThat(db.schemaInstaller().installedVersion()).isEqualTo(H2gisSchemaInstaller.LATEST_VERSION);
    }
}
