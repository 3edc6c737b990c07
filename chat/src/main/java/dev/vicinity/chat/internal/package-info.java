/**
 * Implementation detail of vicinity-chat (the bus codec and the serial per-session event queue); not API, may change without notice.
 */
package dev.vicinity.chat.internal;
