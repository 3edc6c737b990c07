package dev.vicinity.memory.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vicinity.memory.gateway.GatewayHarness.Client;
import dev.vicinity.memory.gateway.GatewayHarness.Node;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Protocol fuzzing: random text, random JSON with known and unknown types and hostile values, and
 * mutated valid frames. Every frame is answered by at least one frame or a clean close, nothing
 * escapes {@code onText}, and a bystander connection keeps working throughout.
 */
class GatewayFuzzProperties {

    private static final List<String> TYPES = List.of("hello", "resume", "ping", "bye", "geo.location", "geo.nearby",
            "geo.block", "geo.unblock", "chat.invite", "chat.accept", "chat.decline", "chat.cancel", "chat.leave",
            "chat.block", "chat.send", "chat.typing", "chat.read", "chat.history", "rating.submit", "rating.summary",
            "nope", "", "chat.", "geo");
    private static final List<String> FIELDS = List.of("id", "type", "v", "token", "device", "resume", "lat", "lon",
            "source", "accuracy", "at", "radius", "limit", "cursor", "includeOffline", "to", "session", "user",
            "clientId", "text", "seq", "after", "stars", "ratee", "tags", "comment", "idempotencyKey", "chat");

    @Provide
    Arbitrary<List<String>> frames() {
        return frame().list().ofMinSize(1).ofMaxSize(30);
    }

    Arbitrary<String> frame() {
        Arbitrary<Object> value = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40).map(s -> (Object) s),
                Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.of(1e308, -1e308, 0.0, -0.0, 52.52, 13.405, 91.0, 181.0, Double.MIN_VALUE).map(d -> (Object) d),
                Arbitraries.of("NaN", "Infinity", "-1", "", "\u0000", "../../etc", "<script>", "a".repeat(300))
                        .map(s -> (Object) s),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.just((Object) null),
                Arbitraries.of(List.of(), List.of("bob"), List.of(1, 2, 3)).map(l -> (Object) l));
        Arbitrary<String> jsonFrame = Combinators.combine(
                        Arbitraries.of(TYPES),
                        Arbitraries.of(FIELDS).list().ofMaxSize(6),
                        value.list().ofSize(6),
                        Arbitraries.of(true, true, true, false))
                .as((type, fields, values, withId) -> {
                    ObjectNode f = GatewayHarness.JSON.createObjectNode();
                    if (withId) {
                        f.put("id", "f");
                    }
                    f.put("type", type);
                    for (int i = 0; i < fields.size(); i++) {
                        f.set(fields.get(i), GatewayHarness.JSON.valueToTree(values.get(i)));
                    }
                    return f.toString();
                });
        Arbitrary<String> mutated = Combinators.combine(jsonFrame, Arbitraries.integers().between(0, 200),
                        Arbitraries.chars())
                .as((frame, pos, ch) -> {
                    int p = Math.min(pos, frame.length());
                    return frame.substring(0, p) + ch + frame.substring(Math.min(frame.length(), p + 1));
                });
        Arbitrary<String> truncated = Combinators.combine(jsonFrame, Arbitraries.integers().between(0, 100))
                .as((frame, cut) -> frame.substring(0, Math.min(cut, frame.length())));
        Arbitrary<String> garbage = Arbitraries.strings().ofMaxLength(100);
        Arbitrary<String> huge = Arbitraries.just("{\"id\":\"h\",\"type\":\"chat.send\",\"text\":\"" + "x".repeat(40_000) + "\"}");
        Arbitrary<String> deep = Arbitraries.integers().between(30, 3000).map(n -> "[".repeat(n) + "]".repeat(n));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, jsonFrame), net.jqwik.api.Tuple.of(3, mutated),
                net.jqwik.api.Tuple.of(2, truncated), net.jqwik.api.Tuple.of(2, garbage),
                net.jqwik.api.Tuple.of(1, huge), net.jqwik.api.Tuple.of(1, deep));
    }

    @Property(tries = 300)
    void every_frame_is_answered_and_nothing_escapes(@ForAll("frames") List<String> frames,
            @ForAll boolean authenticateFirst) {
        GatewayHarness h = new GatewayHarness();
        Node node = h.node("A");
        Client bystander = node.connect("bystander");
        bystander.hello("bystander", "d");
        Client fuzzer = node.connect("fuzzer");
        if (authenticateFirst) {
            fuzzer.hello("fuzzer", "d");
        }
        for (String frame : frames) {
            if (fuzzer.transport.isClosed()) {
                break;
            }
            int before = fuzzer.transport.received.size();
            fuzzer.raw(frame); // must not throw
            assertThat(fuzzer.transport.received.size() > before || fuzzer.transport.isClosed())
                    .as("frame %s was answered", frame.length() > 200 ? frame.substring(0, 200) + "..." : frame)
                    .isTrue();
        }
        assertThat(fuzzer.transport.received).allSatisfy(f -> assertThat(f.path("type").asText()).isNotBlank());
        assertThat(bystander.request("ping").get("type").asText()).isEqualTo("pong");
        assertThat(bystander.request("geo.location", "lat", 52.5, "lon", 13.4).get("type").asText()).isEqualTo("ok");
    }
}
