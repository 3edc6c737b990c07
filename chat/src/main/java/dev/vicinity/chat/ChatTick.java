package dev.vicinity.chat;

/**
 * What one {@link ChatService#tick()} did.
 *
 * @param invitesExpired sessions moved {@code INVITED → EXPIRED} by this call
 * @param idleEnded sessions moved {@code ACTIVE → ENDED{idle_timeout}} by this call
 * @param deadlinesExtended active sessions whose idle deadline moved because they had traffic
 */
public record ChatTick(int invitesExpired, int idleEnded, int deadlinesExtended) {}
