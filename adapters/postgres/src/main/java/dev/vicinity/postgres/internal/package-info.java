/**
 * Implementation details of the PostgreSQL adapter (its SQL dialect); not for use by hosts and free to
 * change between releases.
 */
package dev.vicinity.postgres.internal;
