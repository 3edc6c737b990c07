package dev.vicinity.h2gis;

import dev.vicinity.testkit.ClassResource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/** Fresh in-memory H2 databases for tests: one per test class, emptied before each test. */
final class H2gisTestDatabase {
    private H2gisTestDatabase() {}

    /**
     * A new, installed in-memory database of its own (H2GIS functions not registered: the stores do
     * not need them and registering takes seconds). Close it after the class.
     */
    static H2gisVicinity fresh() {
        H2gisVicinity db = H2gisVicinity.builder("jdbc:h2:mem:vicinity-" + UUID.randomUUID())
                .loadH2gisFunctions(false).maxConnections(32).build();
        db.schemaInstaller().install();
        return db;
    }

    /** {@link #fresh()} before the tests of a class, closed after them ({@code @RegisterExtension static}). */
    static ClassResource<H2gisVicinity> perClass() {
        return ClassResource.of(H2gisTestDatabase::fresh, H2gisVicinity::close);
    }

    /** Deletes every row of every table and zeroes the platform histogram stripes. */
    static void truncate(H2gisVicinity db) {
        StringBuilder sql = new StringBuilder();
        for (String t : db.tables()) {
            if (!t.endsWith(".rating_platform")) {
                sql.append("DELETE FROM ").append(t).append(";\n");
            }
        }
        sql.append("UPDATE \"").append(db.schema()).append("\".rating_platform SET n1 = 0, n2 = 0, n3 = 0, n4 = 0, n5 = 0");
        exec(db, sql.toString());
    }

    static void exec(H2gisVicinity db, String sql) {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            for (String s : H2gisSchemaInstaller.statements(sql)) {
                st.execute(s);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
