package dev.vicinity.chat;

import dev.vicinity.chat.spi.ChatSessionStore;
import dev.vicinity.chat.spi.MessageStore;
import dev.vicinity.core.RateLimit;
import dev.vicinity.core.VicinityListener;
import dev.vicinity.core.spi.EventBus;
import dev.vicinity.core.spi.RateLimitStore;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ChatService}'s collaborators and validated options, as {@link ChatService.Builder#build()}
 * hands them to the service's parts. Immutable.
 *
 * @param listener already wrapped as isolating
 * @param messageRate null when unlimited
 * @param deliveryExecutor where bus events are handled; null to handle them on the bus's thread
 */
record ChatConfig(
        ChatSessionStore sessions,
        MessageStore messages,
        EventBus bus,
        ChatRecipients recipients,
        BlockRecorder blocks,
        BlockCheck blockCheck,
        Clock clock,
        VicinityListener listener,
        RateLimitStore inviteLimits,
        @Nullable Executor deliveryExecutor,
        Duration inviteTimeout,
        Duration idleTimeout,
        int maxParticipants,
        int maxMessageLength,
        @Nullable RateLimit messageRate,
        double invitesPerSecond,
        int inviteBurst,
        int maxPendingInvites,
        int historyLimit,
        int replayPageSize,
        Duration typingThrottle,
        Duration typingTtl,
        int sweepLimit) {

    /** Messages appended between two trims of one session's history. */
    int trimEvery() {
        return Math.max(1, historyLimit / 8);
    }
}
