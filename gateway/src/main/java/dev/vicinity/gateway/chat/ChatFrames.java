package dev.vicinity.gateway.chat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vicinity.chat.ActionResult;
import dev.vicinity.chat.ChatErrors;
import dev.vicinity.chat.ChatEvent;
import dev.vicinity.chat.ChatMessage;
import dev.vicinity.chat.ChatRecipients;
import dev.vicinity.chat.ChatResume;
import dev.vicinity.chat.ChatService;
import dev.vicinity.chat.ChatSession;
import dev.vicinity.chat.Participant;
import dev.vicinity.chat.ReplayCursor;
import dev.vicinity.chat.SendResult;
import dev.vicinity.chat.SessionView;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.InvalidInputException;
import dev.vicinity.core.MessageId;
import dev.vicinity.core.SessionId;
import dev.vicinity.core.UserId;
import dev.vicinity.core.internal.Checks;
import dev.vicinity.gateway.ClientContext;
import dev.vicinity.gateway.FrameFields;
import dev.vicinity.gateway.FrameHandler;
import dev.vicinity.gateway.FrameModule;
import dev.vicinity.gateway.Gateway;
import dev.vicinity.gateway.GatewayConnection;
import dev.vicinity.gateway.GatewayErrorCodes;
import dev.vicinity.gateway.Request;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Chat in the gateway protocol: request frames {@code chat.invite}, {@code chat.accept},
 * {@code chat.decline}, {@code chat.cancel}, {@code chat.leave}, {@code chat.block}, {@code chat.send},
 * {@code chat.typing}, {@code chat.read}, {@code chat.history}, {@code chat.sessions}; pushes
 * {@code chat.session}, {@code chat.presence}, {@code chat.message}, {@code chat.typing}, {@code chat.read},
 * {@code chat.resync}, {@code chat.resumed}. A session is always shown in one shape: its id under
 * {@code session} with its state fields flattened next to it. It is also the {@link ChatRecipients} of the {@link ChatService}: build the
 * service with {@link #recipients()} and hand the module to the gateway builder.
 *
 * <p>Membership is checked by the chat service on every action, so a user can only act on sessions
 * they are a participant of ({@code not_participant} / {@code not_joined} otherwise). Thread-safe.
 *
 * <p>What each connection has been sent is one {@link ReplayCursor} per session
 * ({@link SentToConnections}): live delivery, gap fill and resume replay all go through it.
 */
public final class ChatFrames implements FrameModule {
    private static final int MAX_ID = 128;
    /** Longest string read for an id field; the id syntax (1..128 characters) is checked after, as {@code invalid_id}. */
    private static final int ID_TEXT = 64 * 1024;
    private static final int MAX_PAGE = 200;
    /**
     * Most message text (UTF-16 units) in one {@code chat.history} answer or one resume replay, so a
     * single answer stays far below the per-connection outbound bound (1 MiB by default).
     */
    static final int MAX_PAGE_TEXT = 128 * 1024;

    private final Function<ChatRecipients, ChatService> serviceFactory;
    private final int maxReplay;
    /** Per connection and session, what it has been sent (see {@link SentToConnections}). */
    private final SentToConnections sent = new SentToConnections(this::service);
    @SuppressWarnings("NullAway.Init") // set when the module is bound to its gateway, before any frame
    private volatile ChatService chat;
    @SuppressWarnings("NullAway.Init") // set when the module is bound to its gateway, before any frame
    private volatile Gateway gateway;

    /**
     * A module over {@code chat}, whose recipients must be {@link #recipients()} of this module:
     * typically {@code new ChatFrames(r -> ChatService.builder(sessions, messages, bus, r)...build())}.
     */
    public ChatFrames(Function<ChatRecipients, ChatService> serviceFactory) {
        this(serviceFactory, 200);
    }

    /**
     * As {@link #ChatFrames(Function)}, replaying at most {@code maxReplay} missed messages per session
     * on resume (default 200); a client that missed more gets {@code chat.resumed} with
     * {@code recovered: false} and reloads with {@code chat.history} pages.
     */
    public ChatFrames(Function<ChatRecipients, ChatService> serviceFactory, int maxReplay) {
        this.serviceFactory = Checks.notNull("serviceFactory", serviceFactory);
        this.maxReplay = Checks.atLeast("maxReplay", maxReplay, 1);
    }

    /** The chat service (available once the gateway is built). */
    public ChatService service() {
        ChatService s = chat;
        if (s == null) {
            throw new IllegalStateException("ChatFrames is not registered with a gateway yet");
        }
        return s;
    }

    /** The recipients view this module gives the chat service. */
    public ChatRecipients recipients() {
        return recipients;
    }

    private final ChatRecipients recipients = new ChatRecipients() {
        @Override
        public Collection<ConnectionId> localConnections(UserId user) {
            Gateway g = gateway;
            if (g == null) {
                return List.of();
            }
            List<ConnectionId> ids = new ArrayList<>();
            for (GatewayConnection c : g.localConnections(user)) {
                ids.add(c.connection());
            }
            return ids;
        }

        @Override
        public void deliver(ConnectionId connection, ChatEvent event) {
            Gateway g = gateway;
            if (g != null) {
                g.connection(connection).ifPresent(c -> deliverTo(c, event));
            }
        }

        @Override
        public int deliverToUser(UserId user, ChatEvent event) {
            Gateway g = gateway;
            if (g == null) {
                return 0;
            }
            // The user's connections as the gateway holds them: no ids to look up again, no copies.
            int n = 0;
            for (GatewayConnection c : g.localConnections(user)) {
                if (c.isAttached()) {
                    deliverTo(c, event);
                    n++;
                }
            }
            return n;
        }
    };

    private void deliverTo(GatewayConnection c, ChatEvent event) {
        if (event instanceof ChatEvent.NewMessage nm) {
            sent.message(c, nm.message(), false);
        } else if (event instanceof ChatEvent.SessionChanged sc) {
            pushSession(c, sc.snapshot());
        } else {
            pushEvent(c, event);
        }
    }

    @Override
    public String name() {
        return "chat";
    }

    @Override
    public void onStart(Gateway g) {
        this.gateway = g;
        this.chat = serviceFactory.apply(recipients);
    }

    @Override
    public Map<String, FrameHandler> handlers() {
        Map<String, FrameHandler> h = new LinkedHashMap<>();
        h.put("chat.invite", this::invite);
        h.put("chat.accept", r -> action(r, chat.accept(session(r), r.user())));
        h.put("chat.decline", r -> action(r, chat.decline(session(r), r.user())));
        h.put("chat.cancel", r -> action(r, chat.cancel(session(r), r.user())));
        h.put("chat.leave", r -> action(r, chat.leave(session(r), r.user())));
        h.put("chat.block", r -> action(r, chat.block(session(r), r.user(), user(r, "user"))));
        h.put("chat.send", this::send);
        h.put("chat.typing", r -> {
            boolean sent = chat.typing(session(r), r.user());
            r.reply(r.newObject().put("sent", sent));
        });
        h.put("chat.read", r -> action(r, chat.markRead(session(r), r.user(), r.integer("seq", 0, Long.MAX_VALUE))));
        h.put("chat.history", this::history);
        h.put("chat.sessions", r -> {
            int offset = r.frame().has("offset") ? (int) r.integer("offset", 0, 1_000_000) : 0;
            int limit = r.frame().has("limit") ? (int) r.integer("limit", 1, ChatService.MAX_ATTACH_VIEWS)
                    : ChatService.MAX_ATTACH_VIEWS;
            List<SessionView> page = chat.openSessions(r.user(), offset, limit + 1);
            boolean more = page.size() > limit;
            r.reply(r.newObject().put("more", more)
                    .set("sessions", sessions(r, more ? page.subList(0, limit) : page)));
        });
        return h;
    }

    @Override
    public void describeLimits(ObjectNode limits) {
        limits.put("maxMessageLength", chat.maxMessageLength());
        limits.put("messageLengthUnit", "codePoints");
        limits.put("maxClientIdLength", MAX_ID);
        limits.put("maxParticipants", chat.maxParticipants());
        limits.put("inviteTimeoutSeconds", chat.inviteTimeout().toSeconds());
        limits.put("idleTimeoutSeconds", chat.idleTimeout().toSeconds());
        limits.put("maxHistoryPage", MAX_PAGE);
        limits.put("maxReplay", maxReplay);
        limits.put("maxPageText", MAX_PAGE_TEXT);
    }

    @Override
    public void onAttached(ClientContext client, ObjectNode welcome) {
        List<SessionView> views = chat.attach(client.user());
        sent.attached(client, views);
        welcome.set("chat", sessions(client, views));
    }

    @Override
    public void onResuming(ClientContext client, JsonNode frame) {
        JsonNode last = frame.path("chat").path("sessions");
        if (!last.isObject()) {
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> it = last.fields();
        int count = 0;
        while (it.hasNext() && count++ < 100) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isIntegralNumber() && e.getValue().asLong() >= 0) {
                try {
                    sent.restart(client, SessionId.of(e.getKey()), e.getValue().asLong());
                } catch (InvalidInputException ignored) {
                    // not a session id: nothing to resume for it
                }
            }
        }
    }

    @Override
    public void onResumed(ClientContext client, JsonNode frame, ObjectNode resumed) {
        List<SessionView> views = chat.attach(client.user());
        resumed.set("chat", sessions(client, views));
        JsonNode last = frame.path("chat").path("sessions");
        if (!last.isObject()) {
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> it = last.fields();
        int count = 0;
        while (it.hasNext() && count++ < 100) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isIntegralNumber() || e.getValue().asLong() < 0) {
                continue;
            }
            SessionId id;
            try {
                id = SessionId.of(e.getKey());
            } catch (InvalidInputException ex) {
                continue;
            }
            replay(client, id, e.getValue().asLong());
        }
    }

    @Override
    public void onDetached(ClientContext client) {
        sent.forget(client.connection());
        chat.detach(client.user());
        Gateway g = gateway;
        if (g != null && g.localConnections(client.user()).isEmpty()) {
            chat.memberPresence(client.user(), true);
        }
    }

    @Override
    public void onClosed(ClientContext client) {
        sent.forget(client.connection());
        chat.detach(client.user());
    }

    // ---- handlers

    private void invite(Request r) {
        JsonNode to = r.frame().get("to");
        if (to == null || !to.isArray() || to.isEmpty() || to.size() > 16) {
            throw new InvalidInputException(GatewayErrorCodes.INVALID_FIELD, "to: expected an array of 1..16 user ids");
        }
        List<UserId> invitees = new ArrayList<>();
        for (JsonNode u : to) {
            if (!u.isTextual()) {
                throw new InvalidInputException(GatewayErrorCodes.INVALID_FIELD, "to: expected user ids");
            }
            invitees.add(UserId.of(u.asText()));
        }
        ChatSession s = chat.invite(r.user(), invitees);
        r.reply(sessionJson(r, s));
    }

    private void send(Request r) {
        SessionId id = session(r);
        MessageId clientId = MessageId.of(r.text("clientId", ID_TEXT));
        JsonNode raw = r.frame().get("text");
        if (raw != null && raw.isTextual() && raw.asText().isEmpty()) {
            throw new InvalidInputException(ChatErrors.EMPTY_MESSAGE, "message text must not be empty");
        }
        String text = r.text("text", 64 * 1024);
        if (hasLoneSurrogate(text)) {
            throw new InvalidInputException(GatewayErrorCodes.INVALID_FIELD,
                    "text: contains an unpaired UTF-16 surrogate (not a Unicode character)");
        }
        SendResult result = chat.send(id, r.user(), clientId, text);
        if (result instanceof SendResult.Stored stored) {
            long seq = stored.message().sequence();
            boolean duplicate = stored.duplicate();
            r.replyFields(g -> {
                g.writeNumberField("seq", seq);
                g.writeBooleanField("duplicate", duplicate);
            });
        } else {
            SendResult.Refused refused = (SendResult.Refused) result;
            r.error(refused.code(), refused.reason());
        }
    }

    private void history(Request r) {
        SessionId id = session(r);
        long after = r.integer("after", 0, Long.MAX_VALUE);
        int limit = (int) r.integer("limit", 1, MAX_PAGE);
        ChatResume resume = chat.resume(id, r.user(), after);
        if (resume instanceof ChatResume.Refused refused) {
            r.error(refused.code(), refused.reason());
            return;
        }
        ObjectNode body = r.newObject();
        ArrayNode messages = body.putArray("messages");
        if (resume instanceof ChatResume.Recovered rec) {
            ReplayCursor cursor = rec.replay();
            long chars = 0;
            page:
            while (cursor.hasNext() && messages.size() < limit) {
                for (ChatMessage m : cursor.nextPage()) {
                    if (messages.size() >= limit || (chars > 0 && chars + m.text().length() > MAX_PAGE_TEXT)) {
                        break page;
                    }
                    chars += m.text().length();
                    messages.add(messageJson(r, m, false));
                }
            }
            body.put("top", rec.top()).put("complete", true);
        } else {
            ChatResume.Reload reload = (ChatResume.Reload) resume;
            body.put("top", reload.top()).put("oldestRetained", reload.oldestRetained()).put("complete", false);
        }
        r.reply(body);
    }

    private static boolean hasLoneSurrogate(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char ch = s.charAt(i);
            if (Character.isHighSurrogate(ch)) {
                if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return true;
                }
            } else if (Character.isLowSurrogate(ch)) {
                return true;
            }
        }
        return false;
    }

    private void action(Request r, ActionResult result) {
        if (result instanceof ActionResult.Done done) {
            r.reply(sessionJson(r, done.session()));
        } else {
            ActionResult.Refused refused = (ActionResult.Refused) result;
            r.error(refused.code(), refused.reason());
        }
    }

    /**
     * The {@code chat.resumed} push of {@code id}: the session's current state (ended ones included,
     * so a client never shows an ended chat as active) plus {@code extra}.
     */
    private ObjectNode resumedJson(ClientContext c, SessionId id) {
        ChatSession s = chat.session(id).orElse(null);
        if (s != null && s.participant(c.user()).isPresent() && !chat.hiddenFrom(s, c.user())) {
            ObjectNode o = sessionJson(c, s);
            sent.versionShown(c, id, s.version());
            return o;
        }
        return c.newObject().put("session", id.value());
    }

    @SuppressWarnings("NullAway") // missed is non-null for a Recovered resume past the early return
    private void replay(ClientContext c, SessionId id, long lastSequence) {
        ChatResume resume = chat.resume(id, c.user(), lastSequence);
        List<ChatMessage> missed = null;
        if (resume instanceof ChatResume.Recovered rec && rec.top() - rec.lastSequence() <= maxReplay) {
            missed = new ArrayList<>();
            long chars = 0;
            ReplayCursor cursor = rec.replay();
            while (cursor.hasNext() && chars <= MAX_PAGE_TEXT) {
                for (ChatMessage m : cursor.nextPage()) {
                    missed.add(m);
                    chars += m.text().length();
                }
            }
            if (chars > MAX_PAGE_TEXT) {
                missed = null; // too many bytes to push at once: reload with chat.history pages
            }
        }
        if (resume instanceof ChatResume.Recovered rec && missed == null) {
            // Too much to push in one go (it would be buffered until the resumed reply and then
            // trip the slow-consumer bound): the client reloads the range with chat.history pages.
            sent.restart(c, id, rec.top());
            c.push("chat.resumed", resumedJson(c, id).put("recovered", false)
                    .put("top", rec.top()).put("reason", "too_many_missed"));
            return;
        }
        if (resume instanceof ChatResume.Recovered rec) {
            int replayed = 0;
            for (ChatMessage m : missed) {
                sent.message(c, m, true);
                replayed++;
            }
            c.push("chat.resumed", resumedJson(c, id).put("recovered", true)
                    .put("top", rec.top()).put("replayed", replayed));
        } else if (resume instanceof ChatResume.Reload reload) {
            sent.restart(c, id, reload.top());
            c.push("chat.resumed", resumedJson(c, id).put("recovered", false)
                    .put("top", reload.top()));
        } else {
            ChatResume.Refused refused = (ChatResume.Refused) resume;
            c.push("chat.resumed", resumedJson(c, id).put("recovered", false)
                    .put("code", refused.code()));
        }
    }

    // ---- JSON

    private static SessionId session(Request r) {
        return SessionId.of(r.text("session", ID_TEXT));
    }

    private static UserId user(Request r, String field) {
        return UserId.of(r.text(field, ID_TEXT));
    }

    private ArrayNode sessions(ClientContext c, List<SessionView> views) {
        ArrayNode arr = c.newObject().arrayNode();
        for (SessionView v : views) {
            ObjectNode s = sessionJson(c, v.session());
            s.put("top", v.top()).put("lastRead", v.lastRead()).put("unread", v.unread());
            arr.add(s);
        }
        return arr;
    }

    /**
     * A session as the protocol shows it to {@code c}'s user: {@code session} (the id), {@code state},
     * {@code endReason} (as shown to this viewer), {@code inviter}, {@code version},
     * {@code participants}, {@code timeoutAt}. The same shape, flattened into the frame, everywhere.
     */
    ObjectNode sessionJson(ClientContext c, ChatSession s) {
        ObjectNode o = c.newObject();
        o.put("session", s.id().value());
        o.put("state", s.state().name());
        var shownReason = chat.endReasonShownTo(s, c.user());
        if (shownReason != null) {
            o.put("endReason", shownReason.wireName());
        }
        o.put("inviter", s.inviter().value());
        o.put("version", s.version());
        ArrayNode ps = o.putArray("participants");
        for (Participant p : s.participants()) {
            ps.addObject().put("user", p.user().value()).put("state", p.state().name()).put("lastRead", p.lastRead());
        }
        Optional.ofNullable(s.timeoutAt()).ifPresent(t -> o.put("timeoutAt", t.toEpochMilli()));
        return o;
    }

    static ObjectNode messageJson(ClientContext c, ChatMessage m, boolean replayed) {
        ObjectNode o = c.newObject();
        o.put("session", m.session().value());
        o.put("seq", m.sequence());
        o.put("from", m.sender().value());
        o.put("clientId", m.clientId().value());
        o.put("text", m.text());
        o.put("at", m.storedAt().toEpochMilli());
        if (replayed) {
            o.put("replayed", true);
        }
        return o;
    }

    /**
     * The fields of {@link #messageJson}, in the same order, written straight to the push (live
     * delivery is the hottest frame: no tree is built for it).
     */
    static FrameFields messageFields(ChatMessage m, boolean replayed) {
        return new MessageFields(m, replayed);
    }

    /** A message push; the same message object pushed to the next member reuses the frame's text. */
    private record MessageFields(ChatMessage m, boolean replayed) implements FrameFields {
        @Override
        public void write(JsonGenerator g) throws IOException {
            g.writeStringField("session", m.session().value());
            g.writeNumberField("seq", m.sequence());
            g.writeStringField("from", m.sender().value());
            g.writeStringField("clientId", m.clientId().value());
            g.writeStringField("text", m.text());
            g.writeNumberField("at", m.storedAt().toEpochMilli());
            if (replayed) {
                g.writeBooleanField("replayed", true);
            }
        }

        @Override
        public boolean sameFrameAs(FrameFields previous) {
            // The very message object (one fan-out hands the same one to every member), not an equal one.
            return previous instanceof MessageFields p && p.m == m && p.replayed == replayed;
        }
    }

    /** Pushes {@code s} to {@code c} unless {@code c} already has this version (or a newer one). */
    private void pushSession(GatewayConnection c, ChatSession s) {
        if (!sent.newVersion(c, s)) {
            return;
        }
        c.push("chat.session", sessionJson(c, s));
    }

    private static void pushEvent(GatewayConnection c, ChatEvent event) {
        if (event instanceof ChatEvent.MemberPresence mp) {
            c.push("chat.presence", c.newObject().put("session", mp.session().value()).put("user", mp.user().value())
                    .put("state", mp.away() ? "away" : "online"));
        } else if (event instanceof ChatEvent.Typing t) {
            c.push("chat.typing", c.newObject().put("session", t.session().value()).put("user", t.user().value())
                    .put("until", t.expiresAt().toEpochMilli()));
        } else if (event instanceof ChatEvent.ReadMarker rm) {
            c.push("chat.read", c.newObject().put("session", rm.session().value()).put("user", rm.user().value())
                    .put("seq", rm.sequence()));
        } else if (event instanceof ChatEvent.ResyncRequired rr) {
            c.push("chat.resync", c.newObject().put("session", rr.session().value()).put("top", rr.top()));
        }
    }
}
