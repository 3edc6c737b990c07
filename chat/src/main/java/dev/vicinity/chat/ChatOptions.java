package dev.vicinity.chat;

import dev.vicinity.chat.spi.ChatSessionStore;
import dev.vicinity.chat.spi.MessageStore;
import dev.vicinity.core.LocalRateLimitStore;
import dev.vicinity.core.RateLimit;
import dev.vicinity.core.VicinityListener;
import dev.vicinity.core.internal.Checks;
import dev.vicinity.core.spi.EventBus;
import dev.vicinity.core.spi.RateLimitStore;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The state of a {@link ChatService.Builder}: every option with its default, checked with
 * {@link Checks} by {@link #check()} and turned into a {@link ChatConfig}. Not thread-safe.
 */
final class ChatOptions {
    final ChatSessionStore sessions;
    final MessageStore messages;
    final EventBus bus;
    final ChatRecipients recipients;
    BlockRecorder blocks = BlockRecorder.NONE;
    BlockCheck blockCheck = BlockCheck.NONE;
    int invitesPerMinute = 10;
    int inviteBurst = 10;
    int maxPendingInvites = 20;
    @Nullable RateLimitStore rateLimitStore;
    Clock clock = Clock.systemUTC();
    VicinityListener listener = VicinityListener.NO_OP;
    Duration inviteTimeout = Duration.ofMinutes(2);
    Duration idleTimeout = Duration.ofMinutes(30);
    int maxParticipants = 2;
    int maxMessageLength = 4000;
    double ratePerSecond = 5;
    int rateBurst = 20;
    int historyLimit = 10_000;
    int replayPageSize = 200;
    Duration typingThrottle = Duration.ofSeconds(2);
    Duration typingTtl = Duration.ofSeconds(6);
    int sweepLimit = 500;
    /** Null: the default (see {@link #deliveryExecutor()}). */
    @Nullable Executor deliveryExecutor;

    ChatOptions(ChatSessionStore sessions, MessageStore messages, EventBus bus, ChatRecipients recipients) {
        this.sessions = Checks.notNull("sessions", sessions);
        this.messages = Checks.notNull("messages", messages);
        this.bus = Checks.notNull("bus", bus);
        this.recipients = Checks.notNull("recipients", recipients);
    }

    /** Checks every option; @throws IllegalArgumentException naming the first bad one */
    void check() {
        Checks.positive("inviteTimeout", inviteTimeout);
        Checks.positive("idleTimeout", idleTimeout);
        Checks.positive("typingTtl", typingTtl);
        Checks.notNegative("typingThrottle", typingThrottle);
        Checks.check(typingTtl.compareTo(typingThrottle) > 0, "typingTtl (" + typingTtl
                + ") must be longer than typingThrottle (" + typingThrottle + ") or indicators would flicker");
        Checks.between("maxParticipants", maxParticipants, 2, 64);
        Checks.between("maxMessageLength", maxMessageLength, 1, 1_000_000);
        Checks.between("invitesPerMinute", invitesPerMinute, 1, 1_000_000);
        Checks.between("inviteBurst", inviteBurst, 1, 1_000_000);
        Checks.between("maxPendingInvites", maxPendingInvites, 1, 1_000_000);
        Checks.between("replayPageSize", replayPageSize, 1, 10_000);
        Checks.between("sweepLimit", sweepLimit, 1, 100_000);
        Checks.atLeast("historyLimit", historyLimit, 0);
        Checks.check(ratePerSecond == 0 || (ratePerSecond > 0 && !Double.isInfinite(ratePerSecond) && rateBurst >= 1),
                "messageRate needs perSecond > 0 and burst >= 1 (or unlimitedMessageRate()), got "
                        + ratePerSecond + "/s burst " + rateBurst);
    }

    /**
     * The executor bus events are handled on; null to handle them on the bus's thread. Unless the
     * host chose one: none for a bus that delivers on the publisher's own thread
     * ({@link EventBus#deliversOnPublisherThread()}, e.g. the in-memory bus) (a hand-off would only make in-process tests racy), and a pool this service owns for
     * any other bus, whose shared dispatch thread must not wait for store reads.
     */
    @Nullable Executor deliveryExecutor() {
        if (deliveryExecutor != null) {
            return deliveryExecutor;
        }
        return bus.deliversOnPublisherThread() ? null : ownedPool();
    }

    /** A fixed pool of daemon threads, shut down by {@link ChatService#close()}. */
    private static ExecutorService ownedPool() {
        AtomicInteger n = new AtomicInteger();
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "vicinity-chat-delivery-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    ChatConfig toConfig(@Nullable Executor executor) {
        return new ChatConfig(sessions, messages, bus, recipients, blocks, blockCheck, clock,
                VicinityListener.isolating(listener), rateLimitStore != null ? rateLimitStore : new LocalRateLimitStore(),
                executor, inviteTimeout, idleTimeout, maxParticipants, maxMessageLength,
                ratePerSecond > 0 ? new RateLimit(ratePerSecond, rateBurst) : null, invitesPerMinute / 60.0,
                inviteBurst, maxPendingInvites, historyLimit, replayPageSize, typingThrottle, typingTtl, sweepLimit);
    }
}
