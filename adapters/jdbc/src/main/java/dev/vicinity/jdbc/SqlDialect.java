package dev.vicinity.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * The seam between the SQL that is the same on every JDBC backend and what one database does its own
 * way. Only differences the shared stores need live here: how a backend reports its error classes,
 * whether a conflicted unit of work is retried, how an identifier is quoted, how an insert-if-absent
 * is spelled and how a few column types are named. Statements that differ more (upserts, the chat
 * session compare-and-set with participants, spatial queries) are not squeezed into a generic form:
 * each adapter writes them in its own store subclass. Implementations are stateless and thread-safe.
 */
public interface SqlDialect {

    /** Short backend name for messages, e.g. {@code "PostgreSQL"}. */
    String name();

    /** Whether {@code e} is a unique-key violation (the loser of an insert-if-absent). */
    boolean isUniqueViolation(SQLException e);

    /**
     * Whether {@code e} is a write-write conflict that the database resolved by aborting this
     * transaction (deadlock, serialization failure, concurrent update). Such a unit of work is retried
     * up to {@link #maxAttempts()} times, then reported as unavailable.
     */
    boolean isConflict(SQLException e);

    /** Whether the database is unreachable, closed or overloaded: a retry later may succeed. */
    boolean isUnavailable(SQLException e);

    /** Whether a table, schema or function is missing (the schema was not installed). */
    boolean isMissingObject(SQLException e);

    /** Whether {@code e} says a text value cannot be stored (bad input rather than a backend failure). */
    default boolean isUnstorableText(SQLException e) {
        return false;
    }

    /** How often {@link Jdbc} runs a unit of work that ended in a {@linkplain #isConflict conflict} (≥ 1). */
    default int maxAttempts() {
        return 1;
    }

    /** {@code identifier} quoted for this database (case preserved). */
    default String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /**
     * The text of an insert that must not fail when the key exists, made from a plain
     * {@code INSERT … VALUES (…)} and the key columns it may collide on (comma-separated). Run it with
     * {@link #executeInsertIfAbsent}.
     */
    String insertIfAbsent(String plainInsert, String keyColumns);

    /**
     * Executes a bound statement made by {@link #insertIfAbsent}: true if the row was inserted, false
     * if the key existed (only this statement's effect is undone; the transaction stays usable).
     */
    boolean executeInsertIfAbsent(PreparedStatement insert) throws SQLException;

    /** The type name of a text array for {@link java.sql.Connection#createArrayOf}. */
    String textArrayType();

    /** The {@link java.sql.Types} constant for a NULL byte-string parameter. */
    int binaryType();
}
