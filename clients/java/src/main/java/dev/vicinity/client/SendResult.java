package dev.vicinity.client;

/** A stored chat message: its sequence, and whether an earlier attempt had stored it already. */
public record SendResult(String clientId, long seq, boolean duplicate) {}
