/**
 * Implementation details shared by the SQL adapters (time encoding); not for use by hosts and free
 * to change between releases.
 */
package dev.vicinity.jdbc.internal;
