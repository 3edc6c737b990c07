/**
 * Chat: session state machine, membership, ordered exactly-once messages, delivery, history and resume. Depends on core only.
 */
package dev.vicinity.chat;
