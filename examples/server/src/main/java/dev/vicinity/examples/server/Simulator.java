package dev.vicinity.examples.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vicinity.core.UserId;
import dev.vicinity.gateway.Gateway;
import dev.vicinity.gateway.GatewayConnection;
import dev.vicinity.gateway.Transport;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Simulated neighbours for the demo ({@code --simulate N}): N users who speak the real protocol to
 * the node's gateway (in process, no sockets), live around a centre, walk about, go offline and come
 * back, accept most invites, type, chat back, leave after a few messages, rate each other, and now and
 * then invite each other, so one person trying the demo sees a living neighbourhood.
 *
 * <p>Every simulated user's state is touched only on one scheduler thread (frames pushed to them are
 * queued onto it), so the simulator needs no locks and hands the gateway one frame at a time per
 * connection, as a WebSocket server would. Behaviour is driven by a seeded {@link Random}.
 */
public final class Simulator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Simulator.class);
    private static final String[] NAMES = {"Mila", "Theo", "Noor", "Jonas", "Aiko", "Luca", "Zeynep", "Finn",
        "Amara", "Oskar", "Ines", "Ravi", "Lena", "Mateo", "Yara", "Emil", "Sofia", "Kenji", "Hana", "Milan",
        "Clara", "Dario", "Freya", "Omar", "Greta", "Tariq", "Ivy", "Bruno", "Selin", "Anton"};
    private static final String[] OPENERS = {"Hi! 👋", "Hey there, neighbour!", "Hello! Nice weather today.",
        "Hi :) new around here?"};
    private static final String[] REPLIES = {"Ha, same here.", "Sounds good!", "I know a great café nearby ☕",
        "Really? Tell me more.", "I'm just walking the dog 🐕", "Have you tried the market on Saturday?",
        "Nice to meet you!", "Totally agree.", "Interesting 🙂", "I'm new in the area too."};
    private static final String[] GOODBYES = {"Gotta run, bye! 👋", "Talk later!", "See you around!"};
    private static final int MAX_REPLIES = 5;

    private final Gateway gateway;
    private final ObjectMapper json;
    private final ScheduledExecutorService exec;
    private final Random random;
    private final List<SimUser> users = new ArrayList<>();
    private final Clock clock;
    private final double centerLat;
    private final double centerLon;

    /** Starts {@code count} simulated users around ({@code centerLat}, {@code centerLon}) on {@code node}. */
    public Simulator(VicinityNode node, int count, double centerLat, double centerLon, Clock clock, long seed) {
        this.gateway = node.gateway();
        this.json = gateway.mapper();
        this.clock = clock;
        this.random = new Random(seed);
        this.centerLat = centerLat;
        this.centerLon = centerLon;
        this.exec = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vicinity-simulator");
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < count; i++) {
            String name = NAMES[i % NAMES.length] + (i < NAMES.length ? "" : "-" + (i / NAMES.length + 1));
            SimUser u = new SimUser(name);
            node.simulated().add(u.id);
            users.add(u);
        }
        exec.execute(() -> users.forEach(SimUser::comeOnline));
        exec.scheduleWithFixedDelay(this::step, 1, 1, TimeUnit.SECONDS);
        LOG.info("simulating {} neighbours around {},{}", count, centerLat, centerLon);
    }

    private void step() {
        try {
            for (SimUser u : users) {
                u.step();
            }
        } catch (RuntimeException e) {
            LOG.warn("simulator step failed", e);
        }
    }

    private void later(double minSeconds, double maxSeconds, Runnable r) {
        long ms = (long) ((minSeconds + random.nextDouble() * (maxSeconds - minSeconds)) * 1000);
        exec.schedule(() -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("simulated action failed", e);
            }
        }, ms, TimeUnit.MILLISECONDS);
    }

    private static String pick(Random r, String[] options) {
        return options[r.nextInt(options.length)];
    }

    /** Stops every simulated user (their connections close normally). */
    @Override
    public void close() {
        try {
            exec.submit(() -> users.forEach(SimUser::goOffline)).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("simulator shutdown", e);
        }
        // No interrupts: a simulated user may be inside a store call, and H2 closes its file when
        // a thread is interrupted during I/O.
        exec.shutdown();
        try {
            exec.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One simulated person; touched only on the simulator thread. */
    private final class SimUser {
        final String name;
        final UserId id;
        double lat;
        double lon;
        GatewayConnection conn;
        int requests;
        int idleSeconds;
        final Map<String, Integer> replies = new HashMap<>();
        final Set<String> rated = new HashSet<>();
        final Set<String> answered = new HashSet<>();
        String chattingIn;

        SimUser(String name) {
            this.name = name;
            this.id = UserId.of(name);
            double r = 2500 * Math.sqrt(random.nextDouble());
            double a = random.nextDouble() * 2 * Math.PI;
            lat = centerLat + r * Math.cos(a) / 111_320.0;
            lon = centerLon + r * Math.sin(a) / (111_320.0 * Math.cos(Math.toRadians(centerLat)));
        }

        boolean online() {
            return conn != null;
        }

        void comeOnline() {
            GatewayConnection[] self = new GatewayConnection[1];
            self[0] = gateway.open(new Transport() {
                @Override
                public CompletionStage<?> send(String text) {
                    exec.execute(() -> onFrame(self[0], text));
                    return CompletableFuture.completedFuture(null);
                }

                @Override
                public void close(int status, String reason) {
                    exec.execute(() -> {
                        gateway.onClosed(self[0], status, reason);
                        if (conn == self[0]) {
                            conn = null;
                        }
                    });
                }

                @Override
                public String remoteAddress() {
                    return "simulated:" + name;
                }
            });
            conn = self[0];
            request("hello", o -> o.put("v", 1).put("token", DemoAuthenticator.PREFIX + name).put("device", "sim"));
            sendLocation();
        }

        void goOffline() {
            if (conn != null) {
                GatewayConnection c = conn;
                conn = null;
                chattingIn = null;
                gateway.onClosed(c, 1000, "bye");
            }
        }

        void step() {
            if (!online()) {
                if (random.nextInt(40) == 0) {
                    comeOnline();
                }
                return;
            }
            idleSeconds++;
            if (idleSeconds % 10 == 0) {
                request("ping", o -> { });
            }
            if (random.nextInt(25) == 0) {
                double step = 30 + random.nextDouble() * 90;
                double a = random.nextDouble() * 2 * Math.PI;
                lat += step * Math.cos(a) / 111_320.0;
                lon += step * Math.sin(a) / (111_320.0 * Math.cos(Math.toRadians(lat)));
                sendLocation();
            }
            if (chattingIn == null && random.nextInt(600) == 0) {
                goOffline();
                return;
            }
            if (chattingIn == null && random.nextInt(400) == 0) {
                List<SimUser> others = users.stream().filter(o -> o != this && o.online() && o.chattingIn == null)
                        .toList();
                if (!others.isEmpty()) {
                    SimUser peer = others.get(random.nextInt(others.size()));
                    request("chat.invite", o -> o.putArray("to").add(peer.name));
                }
            }
        }

        void sendLocation() {
            request("geo.location", o -> o.put("lat", lat).put("lon", lon).put("accuracy", 15)
                    .put("source", "precise").put("at", clock.millis()));
        }

        void request(String type, java.util.function.Consumer<ObjectNode> fields) {
            if (conn == null) {
                return;
            }
            ObjectNode o = json.createObjectNode().put("type", type).put("id", Integer.toString(++requests));
            fields.accept(o);
            gateway.onText(conn, o.toString());
        }

        void onFrame(GatewayConnection from, String text) {
            if (from != conn) {
                return; // a frame for an older connection of this user
            }
            JsonNode f;
            try {
                f = json.readTree(text);
            } catch (java.io.IOException e) {
                return;
            }
            switch (f.path("type").asText()) {
                case "chat.session" -> onSession(f);
                case "ok" -> {
                    if (f.path("session").isTextual() && f.has("state")) {
                        onSession(f);
                    }
                }
                case "chat.message" -> onMessage(f);
                default -> { }
            }
        }

        void onSession(JsonNode s) {
            String sid = s.path("session").asText();
            String state = s.path("state").asText();
            List<String> others = new ArrayList<>();
            String myState = "";
            for (JsonNode p : s.path("participants")) {
                if (p.path("user").asText().equals(name)) {
                    myState = p.path("state").asText();
                } else {
                    others.add(p.path("user").asText());
                }
            }
            boolean iInvited = s.path("inviter").asText().equals(name);
            boolean fromHuman = users.stream().noneMatch(u -> u.name.equals(s.path("inviter").asText()));
            if ("INVITED".equals(state) && "INVITED".equals(myState) && answered.add(sid)) {
                // A person trying the demo is always welcome; other neighbours get a yes 9 times in 10.
                if (fromHuman || (chattingIn == null && random.nextInt(10) < 9)) {
                    chattingIn = sid;
                    later(1, 3, () -> request("chat.accept", o -> o.put("session", sid)));
                } else {
                    later(1, 3, () -> request("chat.decline", o -> o.put("session", sid)));
                }
            } else if ("INVITED".equals(state) && iInvited) {
                chattingIn = sid;
            } else if ("ACTIVE".equals(state) && answered.add(sid + ":open")) {
                chattingIn = sid;
                if (!iInvited || others.stream().anyMatch(o -> users.stream().noneMatch(u -> u.name.equals(o)))) {
                    // The invitee greets (and a simulated inviter greets a human).
                    later(1, 2.5, () -> say(sid, pick(random, OPENERS)));
                }
            } else if (List.of("ENDED", "DECLINED", "CANCELLED", "EXPIRED").contains(state)) {
                if (sid.equals(chattingIn)) {
                    chattingIn = null;
                }
                if ("ENDED".equals(state) && rated.add(sid)) {
                    for (String other : others) {
                        int stars = 3 + Math.min(2, random.nextInt(4));
                        later(2, 6, () -> request("rating.submit", o -> o.put("session", sid).put("ratee", other)
                                .put("stars", stars)));
                    }
                }
            }
        }

        void onMessage(JsonNode m) {
            String sid = m.path("session").asText();
            if (m.path("from").asText().equals(name) || m.path("replayed").asBoolean(false)) {
                return;
            }
            long seq = m.path("seq").asLong();
            later(0.5, 1.5, () -> request("chat.read", o -> o.put("session", sid).put("seq", seq)));
            int n = replies.merge(sid, 1, Integer::sum);
            if (n > MAX_REPLIES + 1) {
                return;
            }
            later(1, 2, () -> request("chat.typing", o -> o.put("session", sid)));
            if (n > MAX_REPLIES) {
                later(3, 4, () -> say(sid, pick(random, GOODBYES)));
                later(5, 6, () -> request("chat.leave", o -> o.put("session", sid)));
            } else {
                later(3, 5, () -> say(sid, pick(random, REPLIES)));
            }
        }

        void say(String sid, String text) {
            request("chat.send", o -> o.put("session", sid).put("clientId", "sim-" + requests).put("text", text));
        }
    }
}
