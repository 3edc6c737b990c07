/**
 * Storage primitives that chat backends implement: {@link dev.vicinity.chat.spi.ChatSessionStore} (sessions with compare-and-set on a version) and {@link dev.vicinity.chat.spi.MessageStore} (gap-free, idempotent history).
 */
package dev.vicinity.chat.spi;
