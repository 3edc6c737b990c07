package dev.vicinity.examples.quickstart;

import dev.vicinity.core.CloseCode;
import dev.vicinity.core.ConnectionId;
import dev.vicinity.core.ConnectionRegistry;
import dev.vicinity.core.ConnectionStateChange;
import dev.vicinity.core.DeviceId;
import dev.vicinity.core.NodeId;
import dev.vicinity.core.PresenceChange;
import dev.vicinity.core.PresenceService;
import dev.vicinity.core.ResumeResult;
import dev.vicinity.core.UserId;
import dev.vicinity.core.VicinityListener;
import dev.vicinity.memory.InMemoryEventBus;
import dev.vicinity.memory.InMemoryPresenceStore;
import dev.vicinity.memory.InMemoryResumeStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A host application in one file: wires presence and the connection registry on the in-memory
 * backend and walks one user through connect, a dropped transport, resume, a second device
 * replacing the first, and a clean close, printing what Vicinity reports at each step.
 *
 * <p>Run it with {@code mvn -B -q -pl examples/quickstart -am compile exec:java}.
 */
public final class Quickstart {

    private Quickstart() {}

    public static void main(String[] args) {
        // A clock the demo can move, so timeouts happen instantly instead of after minutes.
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-28T12:00:00Z"));
        Clock clock = new Clock() {
            @Override public Instant instant() { return now.get(); }
            @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        };
        VicinityListener log = new VicinityListener() {
            @Override public void onConnectionStateChanged(ConnectionStateChange c) {
                say("connection " + shortId(c.connection()) + ": " + c.previous() + " -> " + c.current()
                        + (c.code() == null ? "" : " (" + c.code().wireName() + ")"));
            }
            @Override public void onPresenceChanged(PresenceChange p) {
                say("presence: " + p.user() + " is " + (p.online() ? "online" : "offline"));
            }
        };

        PresenceService presence = PresenceService.builder(new InMemoryPresenceStore(), NodeId.of("node-1"))
                .clock(clock).listener(log).eventBus(new InMemoryEventBus(clock))
                .leaseTtl(Duration.ofSeconds(30)).offlineGrace(Duration.ofSeconds(10)).build();
        ConnectionRegistry connections = ConnectionRegistry.builder(presence, new InMemoryResumeStore())
                .listener(log).resumeWindow(Duration.ofMinutes(2)).build();

        UserId alice = UserId.of("alice");
        say("-- alice opens the app on her phone");
        ConnectionId phone = connections.open(code -> say("  (host closes phone transport: " + code.wireName() + ")"));
        connections.authenticate(phone, alice, DeviceId.of("phone"));
        String token = connections.resumeToken(phone).orElseThrow();

        say("-- the phone loses its network; 20 s later it reconnects and resumes");
        connections.detach(phone, CloseCode.TRANSPORT_LOST);
        now.set(now.get().plusSeconds(20));
        connections.tick();
        ResumeResult resumed = connections.resume(token, code -> say("  (host closes phone transport: " + code.wireName() + ")"));
        say("resume: " + resumed.getClass().getSimpleName() + ", online=" + presence.isOnline(alice)
                + ", leases=" + presence.liveLeases(alice).size());

        say("-- a replayed (spent) resume token is refused");
        say("replay: " + connections.resume(token, code -> { }));

        say("-- alice logs in again from the same phone (new install): the old connection is replaced");
        ConnectionId phone2 = connections.open(code -> { });
        connections.authenticate(phone2, alice, DeviceId.of("phone"));

        say("-- alice closes the app; offline is announced once, after the grace period");
        connections.close(phone2, CloseCode.NORMAL);
        for (int s = 0; s < 12; s++) {
            now.set(now.get().plusSeconds(1));
            connections.tick();
        }
        say("done: online=" + presence.isOnline(alice) + ", connections=" + connections.countByState());
    }

    private static String shortId(ConnectionId id) {
        String v = id.value();
        return v.substring(v.length() - 6);
    }

    @SuppressWarnings("java:S106") // an example application may print
    private static void say(String line) {
        System.out.println(line);
    }
}
