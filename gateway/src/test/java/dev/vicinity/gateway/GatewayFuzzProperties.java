package dev.vicinity.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vicinity.gateway.GatewayHarness.Client;
import dev.vicinity.gateway.GatewayHarness.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Protocol fuzzing: random text, random JSON with known and unknown types and hostile values, and
 * mutated valid frames. Every frame is answered by at least one frame or a clean close, nothing
 * escapes {@code onText}, and a bystander connection keeps working throughout.
 */
class GatewayFuzzProperties {
    /** The protocol's error codes ({@code errorCode} in protocol/schema/common.json). */
    private static final java.util.Set<String> DOCUMENTED_CODES = documentedCodes();

    private static java.util.Set<String> documentedCodes() {
        try {
            java.util.Set<String> codes = new java.util.TreeSet<>();
            GatewayHarness.JSON.readTree(ProtocolSchemaTest.schemaDir().resolve("common.json").toFile())
                    .path("$defs").path("errorCode").path("enum").forEach(v -> codes.add(v.asText()));
            if (codes.isEmpty()) {
                throw new IllegalStateException("no errorCode enum in protocol/schema/common.json");
            }
            return codes;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final List<String> TYPES = List.of("hello", "resume", "ping", "bye", "geo.location", "geo.nearby",
            "geo.block", "geo.unblock", "chat.invite", "chat.accept", "chat.decline", "chat.cancel", "chat.leave",
            "chat.block", "chat.send", "chat.typing", "chat.read", "chat.history", "rating.submit", "rating.summary",
            "nope", "", "chat.", "geo");
    private static final List<String> FIELDS = List.of("id", "type", "v", "token", "device", "resume", "lat", "lon",
            "source", "accuracy", "at", "radius", "limit", "cursor", "includeOffline", "to", "session", "user",
            "clientId", "text", "seq", "after", "stars", "ratee", "tags", "comment", "idempotencyKey", "chat");

    private static final List<Double> DOUBLES =
            List.of(1e308, -1e308, 0.0, -0.0, 52.52, 13.405, 91.0, 181.0, Double.MIN_VALUE);
    private static final List<String> HOSTILE =
            List.of("NaN", "Infinity", "-1", "", "\u0000", "../../etc", "<script>", "a".repeat(300));
    private static final List<List<?>> LISTS = List.of(List.of(), List.of("bob"), List.of(1, 2, 3));
    private static final String HUGE =
            "{\"id\":\"h\",\"type\":\"chat.send\",\"text\":\"" + "x".repeat(40_000) + "\"}";

    /** Fixed seeds: one try per seed, reproducible run to run. */
    static LongStream seeds() {
        return LongStream.range(0, 300).map(i -> 0xF022_5EEDL + i * 0x9E3779B97F4A7C15L);
    }

    private static int between(Random rnd, int min, int max) {
        return min + rnd.nextInt(max - min + 1);
    }

    private static <T> T oneOf(Random rnd, List<T> values) {
        return values.get(rnd.nextInt(values.size()));
    }

    /** Any char, U+0000 to U+FFFF. */
    private static char anyChar(Random rnd) {
        return (char) rnd.nextInt(Character.MAX_VALUE + 1);
    }

    /** 0 to maxLength chars; half the strings printable ASCII-ish (0..127), half from the whole char range. */
    private static String string(Random rnd, int maxLength) {
        int length = rnd.nextInt(maxLength + 1);
        boolean ascii = rnd.nextBoolean();
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(ascii ? (char) rnd.nextInt(128) : anyChar(rnd));
        }
        return b.toString();
    }

    /** Any int, with the edge values 0, MIN_VALUE and MAX_VALUE now and then. */
    private static int anyInt(Random rnd) {
        return switch (rnd.nextInt(10)) {
            case 0 -> oneOf(rnd, List.of(0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE));
            default -> rnd.nextInt();
        };
    }

    private static long anyLong(Random rnd) {
        return switch (rnd.nextInt(10)) {
            case 0 -> oneOf(rnd, List.of(0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE));
            default -> rnd.nextLong();
        };
    }

    /** One of eight value kinds, equally likely. */
    private static Object value(Random rnd) {
        return switch (rnd.nextInt(8)) {
            case 0 -> string(rnd, 40);
            case 1 -> anyInt(rnd);
            case 2 -> anyLong(rnd);
            case 3 -> oneOf(rnd, DOUBLES);
            case 4 -> oneOf(rnd, HOSTILE);
            case 5 -> rnd.nextBoolean();
            case 6 -> null;
            default -> oneOf(rnd, LISTS);
        };
    }

    private static String jsonFrame(Random rnd) {
        String type = oneOf(rnd, TYPES);
        int fieldCount = rnd.nextInt(7); // 0..6 fields, repeats allowed
        List<String> fields = new ArrayList<>(fieldCount);
        for (int i = 0; i < fieldCount; i++) {
            fields.add(oneOf(rnd, FIELDS));
        }
        List<Object> values = new ArrayList<>(6);
        for (int i = 0; i < 6; i++) {
            values.add(value(rnd));
        }
        boolean withId = rnd.nextInt(4) != 0; // of(true, true, true, false)
        ObjectNode f = GatewayHarness.JSON.createObjectNode();
        if (withId) {
            f.put("id", "f");
        }
        f.put("type", type);
        for (int i = 0; i < fields.size(); i++) {
            f.set(fields.get(i), GatewayHarness.JSON.valueToTree(values.get(i)));
        }
        return f.toString();
    }

    /** Weights: json 6, mutated 3, truncated 2, garbage 2, huge 1, deep 1. */
    static String frame(Random rnd) {
        int w = rnd.nextInt(15);
        if (w < 6) {
            return jsonFrame(rnd);
        } else if (w < 9) {
            String frame = jsonFrame(rnd);
            int p = Math.min(between(rnd, 0, 200), frame.length());
            char ch = anyChar(rnd);
            return frame.substring(0, p) + ch + frame.substring(Math.min(frame.length(), p + 1));
        } else if (w < 11) {
            String frame = jsonFrame(rnd);
            int cut = between(rnd, 0, 100);
            return frame.substring(0, Math.min(cut, frame.length()));
        } else if (w < 13) {
            return string(rnd, 100);
        } else if (w < 14) {
            return HUGE;
        } else {
            int n = between(rnd, 30, 3000);
            return "[".repeat(n) + "]".repeat(n);
        }
    }

    /** 1 to 30 frames. */
    static List<String> frames(Random rnd) {
        int size = between(rnd, 1, 30);
        List<String> frames = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            frames.add(frame(rnd));
        }
        return frames;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyFrameIsAnsweredAndNothingEscapes(long seed) {
        Random rnd = new Random(seed);
        List<String> frames = frames(rnd);
        boolean authenticateFirst = rnd.nextBoolean();
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
        // Hostile input is refused with a documented code, never answered as a server fault.
        List<String> codes = fuzzer.transport.received.stream().filter(f -> "error".equals(f.path("type").asText()))
                .map(f -> f.path("code").asText()).toList();
        assertThat(codes).as("error codes answering fuzzed frames").doesNotContain(GatewayErrorCodes.INTERNAL_ERROR)
                .allSatisfy(c -> assertThat(DOCUMENTED_CODES).contains(c));
        assertThat(bystander.request("ping").get("type").asText()).isEqualTo("pong");
        assertThat(bystander.request("geo.location", "lat", 52.5, "lon", 13.4).get("type").asText()).isEqualTo("ok");
    }
}
