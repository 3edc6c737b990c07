/**
 * A minimal host application wiring Vicinity on the in-memory backend.
 */
package dev.vicinity.examples.quickstart;
