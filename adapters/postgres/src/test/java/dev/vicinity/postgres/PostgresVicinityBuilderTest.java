package dev.vicinity.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.sql.Connection;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Builder validation and the installer's script text; needs no database (the data source is never asked). */
class PostgresVicinityBuilderTest {

    /** A data source that fails the test if anything asks it for a connection. */
    private static final DataSource UNUSED = new DataSource() {
        @Override
        public Connection getConnection() {
            throw new AssertionError("build() must not touch the database");
        }

        @Override
        public Connection getConnection(String user, String password) {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {}

        @Override
        public void setLoginTimeout(int seconds) {}

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getGlobal();
        }

        @Override
        public <T> T unwrap(Class<T> iface) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    };

    @Test
    void defaultsAreVicinityAndPublic() {
        PostgresVicinity pg = PostgresVicinity.builder(UNUSED).build();
        assertThat(pg.schema()).isEqualTo("vicinity");
        assertThat(pg.postgisSchema()).isEqualTo("public");
        assertThat(pg.tables()).allSatisfy(t -> assertThat(t).startsWith("\"vicinity\"."));
    }

    @Test
    void schemaNamesMustBePlainIdentifiers() {
        for (String bad : new String[] {"", "Vicinity", "1abc", "a-b", "x;drop table y", "a\"b", "a".repeat(64)}) {
            assertThatThrownBy(() -> PostgresVicinity.builder(UNUSED).schema(bad).build())
                    .as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("schema");
        }
        assertThatThrownBy(() -> PostgresVicinity.builder(UNUSED).schema(null).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PostgresVicinity.builder(UNUSED).postgisSchema("Public").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("postgisSchema");
        assertThat(PostgresVicinity.builder(UNUSED).schema("_tenant_42").build().schema()).isEqualTo("_tenant_42");
    }

    @Test
    void pageSizeIsBounded() {
        assertThatThrownBy(() -> PostgresVicinity.builder(UNUSED).maxPageSize(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxPageSize");
        assertThatThrownBy(() -> PostgresVicinity.builder(UNUSED).maxPageSize(100_001).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PostgresVicinity.builder(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void queryTimeoutIsBounded() {
        PostgresVicinity.builder(UNUSED).queryTimeout(java.time.Duration.ZERO).build();
        PostgresVicinity.builder(UNUSED).queryTimeout(java.time.Duration.ofHours(1)).build();
        for (java.time.Duration bad : new java.time.Duration[] {null, java.time.Duration.ofSeconds(-1),
                java.time.Duration.ofHours(1).plusSeconds(1)}) {
            assertThatThrownBy(() -> PostgresVicinity.builder(UNUSED).queryTimeout(bad).build())
                    .as(String.valueOf(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("queryTimeout");
        }
    }

    @Test
    void scriptsAreQualifiedWithTheConfiguredSchemaAndHaveNoPlaceholderLeft() {
        SchemaInstaller installer = PostgresVicinity.builder(UNUSED).schema("tenant_a").build().schemaInstaller();
        for (int v = 1; v <= SchemaInstaller.LATEST_VERSION; v++) {
            String sql = installer.script(v);
            assertThat(sql).doesNotContain("${").contains("\"tenant_a\".");
            assertThat(sql).doesNotContainPattern("(?i)CREATE TABLE (?!\"tenant_a\"\\.)");
        }
        assertThatThrownBy(() -> installer.script(SchemaInstaller.LATEST_VERSION + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
