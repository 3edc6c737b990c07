package dev.vicinity.client;

import com.fasterxml.jackson.databind.JsonNode;

/** A live message waiting for the ones before it. */
record Buffered(JsonNode message, boolean replayed) {}
