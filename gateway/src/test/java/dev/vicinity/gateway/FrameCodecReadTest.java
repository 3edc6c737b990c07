package dev.vicinity.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link FrameCodec#readFrame} (the streaming read of inbound frames) against {@code readTree} of a
 * mapper configured as the gateway's was: the same tree with the same node classes, or an error for
 * both, for a corpus of edge cases and for seeded random mutations of real frames.
 */
class FrameCodecReadTest {
    private final FrameCodec codec = new FrameCodec(64 * 1024);
    private final ObjectMapper reference = new ObjectMapper(codec.mapper().getFactory())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\":\"chat.send\",\"id\":\"1\",\"session\":\"s\",\"clientId\":\"c\",\"text\":\"hi\"}",
        "{}", " { } ", "{\"a\":1,\"a\":2}", "{\"a\":[1,2],\"a\":\"x\"}", "{\"a\":\"x\",\"a\":{\"b\":null}}",
        "{\"i\":2147483647,\"l\":2147483648,\"b\":123456789012345678901234567890,\"n\":-0,\"f\":-0.0}",
        "{\"e\":1e400,\"d\":1.5E-3,\"t\":true,\"u\":false,\"z\":null}",
        "{\"s\":\"h\\u00e9llo \\ud83d\\udc4b \\\"q\\\"\",\"nested\":{\"x\":[{\"y\":[]}],\"w\":{}}}",
        "{\"chat\":{\"sessions\":{\"a\":1,\"b\":2}},\"to\":[\"bob\",\"carol\"]}",
        // malformed: each must fail for both
        "", " ", "nul", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{\"a\":1} x", "{\"a\":1} {}", "{\"a\":1}]",
        "{a:1}", "{'a':1}", "{\"a\":01}", "{\"a\":NaN}", "{\"a\":\"unterminated}", "{\"a\":[1,2}", "{\"a\":1 \"b\":2}",
        // not objects: the same tree (or null) for both
        "[]", "[1]", "1", "\"s\"", "null", "true",
    })
    void readsEveryFrameAsReadTreeDoes(String text) {
        assertSameAsReference(text);
    }

    @Test
    void aFrameOfManyFieldsKeepsOrderAndTheLastDuplicate() throws Exception {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < 1000; i++) {
            b.append(i == 0 ? "" : ",").append("\"f").append(i % 700).append("\":").append(i);
        }
        String text = b.append('}').toString();
        assertSameAsReference(text);
        JsonNode read = codec.readFrame(text);
        assertThat(read.size()).isEqualTo(700);
        assertThat(read.get("f5").asInt()).isEqualTo(705);
        List<String> names = new ArrayList<>();
        read.fieldNames().forEachRemaining(names::add);
        assertThat(names.subList(0, 3)).containsExactly("f0", "f1", "f2");
    }

    @Test
    void theFieldMapBehavesAsALinkedHashMap() {
        ObjectNode small = new ObjectNode(codec.mapper().getNodeFactory(), new SmallFieldMap());
        ObjectNode linked = codec.mapper().createObjectNode();
        for (ObjectNode o : List.of(small, linked)) {
            o.put("a", 1).put("b", 2).put("c", 3).put("a", 4);
            o.remove("b");
            o.put("d", 5);
            Iterator<Map.Entry<String, JsonNode>> it = o.fields();
            it.next();
            it.next();
            it.remove(); // "c"
        }
        assertThat(small).isEqualTo(linked);
        assertThat(small.toString()).isEqualTo(linked.toString()).isEqualTo("{\"a\":4,\"d\":5}");
        assertThat(small.hashCode()).isEqualTo(linked.hashCode());
        small.removeAll();
        assertThat(small.isEmpty()).isTrue();
    }

    /** Fixed seeds, as in {@code GatewayFuzzProperties}: reproducible run to run; a failure names its seed and frame. */
    static Stream<Long> seeds() {
        return Stream.of(1L, 2L, 3L, 4L, 5L);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomMutationsOfRealFramesReadAsReadTreeDoes(long seed) {
        Random random = new Random(seed);
        String[] real = {
            "{\"type\":\"chat.send\",\"id\":\"17\",\"session\":\"0198f1c2-aaaa-7bbb-8ccc-0123456789ab\",\"clientId\":\"c-1\",\"text\":\"hé 👋\"}",
            "{\"type\":\"resume\",\"id\":\"1\",\"v\":1,\"resume\":\"tok\",\"chat\":{\"sessions\":{\"s1\":4,\"s2\":0}}}",
            "{\"type\":\"geo.location\",\"id\":\"2\",\"lat\":52.52,\"lon\":13.405,\"accuracy\":10,\"at\":1765000000000}",
            "{\"type\":\"chat.invite\",\"id\":\"3\",\"to\":[\"bob\",\"carol\"]}",
        };
        String alphabet = "{}[]\":,0123456789.-+eE\\ u\"nulltruefalse";
        for (int n = 0; n < 2_000; n++) {
            StringBuilder b = new StringBuilder(real[random.nextInt(real.length)]);
            for (int edits = 1 + random.nextInt(3); edits > 0 && b.length() > 0; edits--) {
                int at = random.nextInt(b.length());
                switch (random.nextInt(3)) {
                    case 0 -> b.deleteCharAt(at);
                    case 1 -> b.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    default -> b.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            String text = b.toString();
            try {
                assertSameAsReference(text);
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ", frame " + text + ": " + e.getMessage(), e);
            }
        }
    }

    private void assertSameAsReference(String text) {
        JsonNode expected;
        try {
            expected = reference.readTree(text);
        } catch (Exception e) {
            assertThatThrownBy(() -> codec.readFrame(text)).as("readTree refused %s", text).isInstanceOf(Exception.class);
            return;
        }
        JsonNode actual;
        try {
            actual = codec.readFrame(text);
        } catch (Exception e) {
            throw new AssertionError("readTree read " + text + " but readFrame failed: " + e, e);
        }
        assertThat(actual).as(text).isEqualTo(expected);
        if (expected != null) {
            assertThat(sameClasses(actual, expected)).as("node classes of %s", text).isTrue();
        }
    }

    private static boolean sameClasses(JsonNode a, JsonNode b) {
        if (a.getClass() != b.getClass() || a.size() != b.size()) {
            return false;
        }
        if (a.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> x = a.fields();
            Iterator<Map.Entry<String, JsonNode>> y = b.fields();
            while (x.hasNext()) {
                Map.Entry<String, JsonNode> ex = x.next();
                Map.Entry<String, JsonNode> ey = y.next();
                if (!ex.getKey().equals(ey.getKey()) || !sameClasses(ex.getValue(), ey.getValue())) {
                    return false;
                }
            }
        } else if (a.isArray()) {
            for (int i = 0; i < a.size(); i++) {
                if (!sameClasses(a.get(i), b.get(i))) {
                    return false;
                }
            }
        }
        return true;
    }

    @Test
    void aMapperReconfiguredByTheHostIsHonoured() throws Exception {
        FrameCodec strict = new FrameCodec(64 * 1024);
        strict.mapper().enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY, DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        assertThatThrownBy(() -> strict.readFrame("{\"a\":1,\"a\":2}")).isInstanceOf(Exception.class);
        assertThat(strict.readFrame("{\"f\":1.50}").get("f").isBigDecimal()).isTrue();
        assertThat(codec.readFrame("{\"f\":1.50}").get("f").isDouble()).isTrue();
    }

    @Test
    void anEntryHandedOutEarlierStillSetsItsOwnKey() {
        SmallFieldMap small = new SmallFieldMap();
        Map<String, JsonNode> linked = new java.util.LinkedHashMap<>();
        var nodes = codec.mapper().getNodeFactory();
        for (Map<String, JsonNode> m : List.of(small, linked)) {
            m.put("a", nodes.numberNode(1));
            m.put("b", nodes.numberNode(2));
            m.put("c", nodes.numberNode(3));
            Map.Entry<String, JsonNode> c = null;
            for (Map.Entry<String, JsonNode> e : m.entrySet()) {
                if (e.getKey().equals("c")) {
                    c = e;
                }
            }
            m.remove("a"); // shifts the arrays of the small map
            c.setValue(nodes.numberNode(30));
        }
        assertThat(small).isEqualTo(linked);
        assertThat(small.get("c").asInt()).isEqualTo(30);
        assertThat(small.get("b").asInt()).isEqualTo(2);
    }
}
