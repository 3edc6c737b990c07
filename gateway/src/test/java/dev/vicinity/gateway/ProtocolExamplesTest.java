package dev.vicinity.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every JSON frame example of docs/protocol.md validates against protocol/schema/: the {@code ```json}
 * blocks, the {@code →}/{@code ←} lines of the example session and the inline {@code `{"type":…}`}
 * examples. A frame with an {@code id} and no {@code re} is a request (client schema); anything else a
 * server frame, and an {@code ok} also against the answer schema of its request (the request with the
 * same id in the same block or line, else the request type the section is about).
 *
 * <p>Elisions: {@code …} inside a string is a placeholder value (read as {@code x}); outside strings
 * it stands for left-out fields or elements, which are removed, and such an example is excused only
 * for fields it does not show (the {@code required} keyword), never for a wrong value.
 */
class ProtocolExamplesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ELLIPSIS = "\u2026";

    /** One frame example: where it is, its JSON, whether it elides fields, and the request type it answers. */
    record Example(String where, JsonNode frame, boolean elided, String answers) {}

    private static String document() throws IOException {
        Path p = Path.of("../docs/protocol.md");
        return Files.readString(Files.exists(p) ? p : Path.of("docs/protocol.md"));
    }

    /** The top-level JSON objects in {@code text}, by brace matching outside strings. */
    static List<String> objects(String text) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = -1;
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (inString) {
                if (ch == '\\') {
                    i++;
                } else if (ch == '"') {
                    inString = false;
                }
            } else if (ch == '"') {
                inString = true;
            } else if (ch == '{') {
                if (depth++ == 0) {
                    start = i;
                }
            } else if (ch == '}' && depth > 0 && --depth == 0) {
                out.add(text.substring(start, i + 1));
            }
        }
        return out;
    }

    /** {@code text} with elisions resolved (see the class comment). */
    static String resolveElisions(String text) {
        StringBuilder b = new StringBuilder();
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (inString && ch == '\\') {
                b.append(ch).append(text.charAt(++i));
                continue;
            }
            if (ch == '"') {
                inString = !inString;
            }
            b.append(inString && ch == ELLIPSIS.charAt(0) ? 'x' : ch);
        }
        String s = b.toString();
        s = s.replaceAll(",\\s*\"\\w+\"\\s*:\\s*" + ELLIPSIS, ""); // "at":… (a value left out)
        s = s.replace("[" + ELLIPSIS + "]", "[]");
        s = s.replaceAll(",\\s*" + ELLIPSIS, "");
        s = s.replaceAll(ELLIPSIS + "\\s*,", "");
        return s;
    }

    static List<Example> examples(String doc) throws IOException {
        List<Example> out = new ArrayList<>();
        String section = "";
        String sectionRequest = null;
        boolean inJson = false;
        boolean inSession = false;
        StringBuilder block = new StringBuilder();
        String blockStart = "";
        Map<String, String> requestsOfBlock = new HashMap<>();
        Pattern heading = Pattern.compile("^#+ (.*)$");
        Pattern headingRequest = Pattern.compile("`([a-z]+(?:\\.[a-z]+)?)`");
        Pattern inline = Pattern.compile("`(\\{\"type\":[^`]*\\})`");
        String[] lines = doc.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n];
            String where = "docs/protocol.md:" + (n + 1);
            Matcher h = heading.matcher(line);
            if (!inJson && !inSession && h.matches()) {
                section = h.group(1);
                Matcher r = headingRequest.matcher(section);
                sectionRequest = r.find() && FrameSchemas.exists("client/" + r.group(1) + ".json") ? r.group(1) : null;
                continue;
            }
            if (line.startsWith("```")) {
                if (inJson) {
                    for (String o : objects(block.toString())) {
                        out.add(example(blockStart + " (json block in " + section + ")", o, requestsOfBlock, sectionRequest));
                    }
                    inJson = false;
                } else if (inSession) {
                    inSession = false;
                } else if (line.equals("```json")) {
                    inJson = true;
                    blockStart = where;
                    block.setLength(0);
                    requestsOfBlock.clear();
                } else if (section.equals("Example session")) {
                    inSession = true;
                    requestsOfBlock.clear();
                }
                continue;
            }
            if (inJson) {
                block.append(line).append('\n');
            } else if (inSession) {
                if (line.startsWith("\u2192 ") || line.startsWith("\u2190 ")) {
                    for (String o : objects(line)) {
                        out.add(example(where, o, requestsOfBlock, null));
                    }
                }
            } else {
                Map<String, String> requestsOfLine = new HashMap<>();
                Matcher m = inline.matcher(line);
                while (m.find()) {
                    out.add(example(where, m.group(1), requestsOfLine, sectionRequest));
                }
            }
        }
        return out;
    }

    private static Example example(String where, String text, Map<String, String> requests, String sectionRequest)
            throws IOException {
        boolean elided = text.contains(ELLIPSIS) && !text.replaceAll("\"[^\"]*\"", "").isEmpty()
                && text.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"").contains(ELLIPSIS);
        JsonNode frame;
        try {
            frame = JSON.readTree(resolveElisions(text));
        } catch (IOException e) {
            throw new AssertionError(where + ": example is not JSON even with its elisions resolved: " + text, e);
        }
        String answers = null;
        if (frame.has("id") && !frame.has("re")) {
            requests.put(frame.get("id").asText(), frame.path("type").asText());
        } else if (frame.hasNonNull("re")) {
            answers = requests.getOrDefault(frame.get("re").asText(), sectionRequest);
        }
        return new Example(where, frame, elided, answers);
    }

    private static List<String> violations(Example e) {
        boolean request = e.frame().has("id") && !e.frame().has("re");
        List<String> paths = new ArrayList<>();
        paths.add(request ? "client-frame.json" : "server-frame.json");
        if (!request && "ok".equals(e.frame().path("type").asText()) && e.answers() != null
                && FrameSchemas.exists("server/ok/" + e.answers() + ".json")) {
            paths.add("server/ok/" + e.answers() + ".json");
        }
        List<String> out = new ArrayList<>();
        for (String path : paths) {
            for (Error err : FrameSchemas.validate(path, e.frame())) {
                if (!(e.elided() && "required".equals(err.getKeyword()))) {
                    out.add(e.where() + " " + e.frame() + " against " + path + ": " + err.getInstanceLocation() + " "
                            + err.getMessage());
                }
            }
        }
        return out;
    }

    @Test
    void everyFrameExampleOfTheProtocolDocumentValidatesAgainstTheSchema() throws Exception {
        List<Example> examples = examples(document());
        List<String> violations = new ArrayList<>();
        examples.forEach(e -> violations.addAll(violations(e)));
        assertThat(violations).isEmpty();
        long requests = examples.stream().filter(e -> e.frame().has("id") && !e.frame().has("re")).count();
        long okAnswers = examples.stream().filter(e -> e.answers() != null && "ok".equals(e.frame().path("type").asText())).count();
        // Floors near today's counts, so that an extraction that silently stops finding examples fails.
        assertThat(examples).as("examples found").hasSizeGreaterThanOrEqualTo(35);
        assertThat(requests).as("requests found").isGreaterThanOrEqualTo(10);
        assertThat(okAnswers).as("ok answers matched to their request").isGreaterThanOrEqualTo(6);
        assertThat(examples.stream().filter(e -> !e.elided())).as("examples shown whole").hasSizeGreaterThanOrEqualTo(20);
    }

    @Test
    void theExtractionFindsBlocksSessionLinesAndInlineExamplesAndCatchesAWrongOne() throws Exception {
        String doc = "## Conventions\n```json\n{\"type\":\"error\",\"re\":\"1\",\"code\":\"no_such_code\",\"message\":\"m\"}\n```\n"
                + "### `chat.send`\nAnswer: `{\"type\":\"ok\",\"re\":\"5\",\"seq\":1,\"duplicate\":\"no\"}`.\n"
                + "## Example session\n```\n\u2192 {\"type\":\"ping\",\"id\":\"9\"}\n"
                + "\u2190 {\"type\":\"ok\",\"re\":\"4\",\"session\":\"S\",\"state\":\"INVITED\",\"version\":1,\u2026}\n```\n";
        List<Example> found = examples(doc);
        assertThat(found).hasSize(4);
        assertThat(found.get(1).answers()).isEqualTo("chat.send");
        assertThat(found.get(3).elided()).isTrue();
        assertThat(violations(found.get(0))).isNotEmpty(); // unknown code
        assertThat(violations(found.get(1))).isNotEmpty(); // duplicate is not a boolean
        assertThat(violations(found.get(2))).isEmpty();
        assertThat(violations(found.get(3))).isEmpty(); // elided: missing fields excused
        assertThat(resolveElisions("{\"a\":\"x\u2026\",\"b\":[\u2026],\u2026,\"at\":\u2026}")).isEqualTo("{\"a\":\"xx\",\"b\":[]}");
    }
}
