/**
 * SQL logic shared by the PostgreSQL and H2GIS adapters: the parts of the stores that are the same
 * in both databases, parameterised by a small dialect seam. Not for hosts: use an adapter.
 */
package dev.vicinity.jdbc;
