package dev.vicinity.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import org.junit.jupiter.api.Test;

/** What a dialect gets without overriding: one attempt, no unstorable text, standard identifier quoting. */
class SqlDialectDefaultsTest {
    private final SqlDialect minimal = new SqlDialect() {
        @Override
        public String name() {
            return "Minimal";
        }

        @Override
        public boolean isUniqueViolation(SQLException e) {
            return false;
        }

        @Override
        public boolean isConflict(SQLException e) {
            return false;
        }

        @Override
        public boolean isUnavailable(SQLException e) {
            return false;
        }

        @Override
        public boolean isMissingObject(SQLException e) {
            return false;
        }

        @Override
        public String insertIfAbsent(String plainInsert, String keyColumns) {
            return plainInsert;
        }

        @Override
        public boolean executeInsertIfAbsent(PreparedStatement insert) {
            return false;
        }

        @Override
        public String textArrayType() {
            return "text";
        }

        @Override
        public int binaryType() {
            return Types.BINARY;
        }
    };

    @Test
    void conflictsAreNotRetriedAndNoTextIsUnstorable() {
        assertThat(minimal.maxAttempts()).isEqualTo(1);
        assertThat(minimal.isUnstorableText(new SQLException("x", "22021"))).isFalse();
    }

    @Test
    void quotingPreservesCaseAndDoublesEmbeddedQuotes() {
        assertThat(minimal.quote("vicinity")).isEqualTo("\"vicinity\"");
        assertThat(minimal.quote("Mixed_Case")).isEqualTo("\"Mixed_Case\"");
        assertThat(minimal.quote("a\"b")).isEqualTo("\"a\"\"b\"");
        assertThat(minimal.quote("\"; DROP TABLE x; --")).isEqualTo("\"\"\"; DROP TABLE x; --\"");
    }
}
