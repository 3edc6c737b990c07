/**
 * Implementation detail of vicinity-chat (bus codec, rate limiter, per-node session state); not API, may change without notice.
 */
package dev.vicinity.chat.internal;
