/**
 * PostgreSQL/PostGIS backend (JDBC, host-supplied DataSource). Not implemented yet: filled by the PostgreSQL adapter issue.
 */
package dev.vicinity.postgres;
