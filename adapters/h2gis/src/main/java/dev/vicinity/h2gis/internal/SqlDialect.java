package dev.vicinity.h2gis.internal;

import java.sql.SQLException;

/**
 * The seam between SQL that is the same on every JDBC backend and what one database does its own
 * way. Only the differences that matter to the stores live here: how a backend reports its error
 * classes, how an identifier is quoted. Statement texts that differ (upserts, insert-if-absent,
 * spatial predicates) stay in the store classes of each adapter rather than being squeezed into
 * one generic form. Implementations are stateless and thread-safe.
 */
public interface SqlDialect {

    /** Short backend name for messages, e.g. {@code "H2"}. */
    String name();

    /** Whether {@code e} is a unique-key violation (the loser of an insert-if-absent). */
    boolean isUniqueViolation(SQLException e);

    /**
     * Whether {@code e} is a write-write conflict that the database resolved by aborting this
     * transaction (deadlock, concurrent update, lock timeout): the whole unit of work may be retried.
     */
    boolean isConflict(SQLException e);

    /** Whether the database is unreachable or closed: a retry later, not now, may succeed. */
    boolean isUnavailable(SQLException e);

    /** Whether a table, schema or function is missing (the schema was not installed). */
    boolean isMissingObject(SQLException e);

    /** {@code identifier} quoted for this database (case preserved). */
    default String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
