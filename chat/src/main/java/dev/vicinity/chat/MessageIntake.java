package dev.vicinity.chat;

import dev.vicinity.chat.internal.BusCodec;
import dev.vicinity.chat.spi.AppendResult;
import dev.vicinity.core.InvalidInputException;
import dev.vicinity.core.MessageId;
import dev.vicinity.core.RateLimitedException;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.internal.KeyedTokenBuckets;
import dev.vicinity.core.internal.TokenBucket;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The sending side of chat: message intake (checks, per-user rate limit, one idempotent append that
 * assigns the gap-free sequence, trimming, publish) and the ephemeral signals members publish
 * (typing indicators, presence). Holds no lock; the rate buckets and the typing throttle are
 * concurrent maps. Thread-safe.
 */
final class MessageIntake {
    private final ChatConfig cfg;
    private final LocalFanOut fanOut;
    private final Publisher publisher;
    private final KeyedTokenBuckets<UserId> messageBuckets = new KeyedTokenBuckets<>();
    private final Map<TypingKey, Instant> typingSent = new ConcurrentHashMap<>();

    private record TypingKey(SessionId session, UserId user) {}

    MessageIntake(ChatConfig cfg, LocalFanOut fanOut, Publisher publisher) {
        this.cfg = cfg;
        this.fanOut = fanOut;
        this.publisher = publisher;
    }

    /** See {@link ChatService#send}. */
    SendResult send(SessionId id, UserId sender, MessageId clientId, String text) {
        Objects.requireNonNull(id, "session");
        Objects.requireNonNull(sender, "sender");
        Objects.requireNonNull(clientId, "clientId");
        int max = cfg.maxMessageLength();
        if (text == null || text.isBlank()) {
            cfg.listener().onMessageRejected(id, sender, ChatErrors.EMPTY_MESSAGE);
            throw new InvalidInputException(ChatErrors.EMPTY_MESSAGE, "message text must not be empty");
        }
        int codePoints = text.length() <= max ? text.length() : text.codePointCount(0, text.length());
        if (codePoints > max) {
            cfg.listener().onMessageRejected(id, sender, ChatErrors.MESSAGE_TOO_LARGE);
            throw new InvalidInputException(ChatErrors.MESSAGE_TOO_LARGE,
                    "message has " + codePoints + " characters (code points), the limit is " + max);
        }
        Instant now = cfg.clock().instant();
        if (cfg.messageRate() != null) {
            long waitNanos = messageBuckets.tryAcquire(sender, cfg.messageRate(), TokenBucket.nanos(now));
            if (waitNanos > 0) {
                cfg.listener().onMessageRejected(id, sender, ChatErrors.RATE_LIMITED);
                throw new RateLimitedException("too many messages from this user", Duration.ofNanos(waitNanos));
            }
        }
        ChatSession s = cfg.sessions().find(id).orElse(null);
        SendResult.Refused refused = refusal(s, id, sender);
        if (refused != null) {
            Participant member = s == null ? null : s.participant(sender).orElse(null);
            if (s != null && member != null && (s.state().isTerminal() || member.state() == MemberState.LEFT)) {
                // A retry of a message stored before the session stopped taking messages (the sender
                // left, the session ended): the original, not a refusal, so that it is stored once.
                ChatMessage stored = cfg.messages().find(id, sender, clientId).orElse(null);
                if (stored != null) {
                    return new SendResult.Stored(stored, true);
                }
            }
            cfg.listener().onMessageRejected(id, sender, refused.code());
            return refused;
        }
        AppendResult r = cfg.messages().append(id, sender, clientId, text, now);
        ChatMessage m = r.message();
        if (r.created()) {
            cfg.listener().onMessageStored(id, m.sequence());
            int limit = cfg.historyLimit();
            if (limit > 0 && m.sequence() > limit && m.sequence() % cfg.trimEvery() == 0) {
                cfg.messages().trim(id, m.sequence() - limit);
            }
        }
        // refusal(...) is null only for an existing session
        publisher.publishMessage(fanOut.topic(id), Objects.requireNonNull(s).version(), m);
        return new SendResult.Stored(m, !r.created());
    }

    private static SendResult.@Nullable Refused refusal(@Nullable ChatSession s, SessionId id, UserId sender) {
        if (s == null) {
            return new SendResult.Refused(ChatErrors.UNKNOWN_SESSION, "no session " + id);
        }
        if (s.participant(sender).isEmpty()) {
            return new SendResult.Refused(ChatErrors.NOT_PARTICIPANT, "sender is not a participant");
        }
        if (s.state() != ChatSessionState.ACTIVE) {
            return new SendResult.Refused(ChatErrors.SESSION_NOT_ACTIVE, "session is " + s.state().wireName());
        }
        if (!s.isJoined(sender)) {
            return new SendResult.Refused(ChatErrors.NOT_JOINED, "sender is not joined");
        }
        return null;
    }

    /** See {@link ChatService#typing}. */
    boolean typing(SessionId id, UserId user) {
        Instant now = cfg.clock().instant();
        TypingKey key = new TypingKey(id, user);
        Instant last = typingSent.get(key);
        if (last != null && now.isBefore(last.plus(cfg.typingThrottle()))) {
            return false;
        }
        ChatSession s = cfg.sessions().find(id).orElse(null);
        if (s == null || s.state() != ChatSessionState.ACTIVE || !s.isJoined(user)) {
            return false;
        }
        typingSent.put(key, now);
        publisher.publish(fanOut.topic(id), BusCodec.typing(s.version(), user, now.plus(cfg.typingTtl())));
        return true;
    }

    /** See {@link ChatService#memberPresence}. */
    void memberPresence(UserId user, boolean away) {
        Objects.requireNonNull(user, "user");
        for (ChatSession s : cfg.sessions().openSessionsOf(user)) {
            if (s.state() == ChatSessionState.ACTIVE && s.isJoined(user)) {
                publisher.publish(fanOut.topic(s.id()), BusCodec.presence(s.version(), user, away));
            }
        }
    }

    /** Drops typing-throttle and rate-limit state that no longer matters at {@code now}. */
    void purge(Instant now) {
        typingSent.entrySet().removeIf(e -> !now.isBefore(e.getValue().plus(cfg.typingThrottle())));
        if (cfg.messageRate() != null) {
            messageBuckets.purgeFull(TokenBucket.nanos(now));
        }
    }
}
