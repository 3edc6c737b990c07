/**
 * Implementation details of the PostgreSQL adapter (transaction template, error translation, time
 * encoding); not for use by hosts and free to change between releases.
 */
package dev.vicinity.postgres.internal;
