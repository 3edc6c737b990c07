/**
 * PostgreSQL/PostGIS backend of Vicinity over a host-supplied {@link javax.sql.DataSource}: the
 * entry point {@link dev.vicinity.postgres.PostgresVicinity}, its stores and the idempotent
 * {@link dev.vicinity.postgres.SchemaInstaller}.
 */
package dev.vicinity.postgres;
