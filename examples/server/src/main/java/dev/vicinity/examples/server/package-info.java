/**
 * The example web server: a nearby-chat web app wiring Vicinity behind a real WebSocket server.
 */
package dev.vicinity.examples.server;
