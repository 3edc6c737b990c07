package dev.vicinity.client;

/** Messages {@code from..to} of a session can never be delivered: history no longer holds them. */
public record GapEvent(String session, long from, long to) {}
