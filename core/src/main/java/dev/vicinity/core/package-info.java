/**
 * Vicinity core: ids, errors, the listener, presence, the connection state machine and the event bus API. Depends on nothing of Vicinity's.
 */
package dev.vicinity.core;
