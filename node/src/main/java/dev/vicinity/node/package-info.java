/**
 * The assembly of a Vicinity node: {@link dev.vicinity.node.Vicinity} wires presence, geo, chat and
 * rating behind one gateway over a {@link dev.vicinity.node.VicinityBackend} bundle (in-memory, H2GIS,
 * PostgreSQL + Redis).
 */
package dev.vicinity.node;
