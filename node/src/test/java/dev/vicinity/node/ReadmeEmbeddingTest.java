package dev.vicinity.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.MutableClock;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Embedding" code is real: both Java blocks are read from README.md at test time,
 * compiled verbatim (wrapped in a class and method that declare the variables the text leaves to the
 * host: {@code yourAuth}, {@code clock}, {@code transport}, {@code text}…), and the built node runs the
 * whole {@link EmbeddingFlow} on the in-memory backend with a {@link MutableClock}.
 */
class ReadmeEmbeddingTest {
    @TempDir
    Path classes;

    @Test
    void theReadmeEmbeddingCodeCompilesVerbatimAndRunsTheWholeFlow() throws Exception {
        List<String> build = blocks("build");
        List<String> transport = blocks("transport");
        assertThat(build).as("one build block in README.md").hasSize(1);
        assertThat(transport).as("one transport block in README.md").hasSize(1);
        assertThat(DocSnippets.lines(build.get(0)) + DocSnippets.lines(transport.get(0))).as("README embedding lines of Java").isLessThanOrEqualTo(15);

        String source = """
                package readme;

                import dev.vicinity.core.*;
                import dev.vicinity.gateway.*;
                import dev.vicinity.node.*;
                import java.time.Clock;
                import java.util.Optional;
                import java.util.function.BiFunction;

                public final class ReadmeEmbedding {
                    public interface YourAuth {
                        Optional<Principal> verify(String token, String device);
                    }

                    public static Vicinity build(Clock clock, BiFunction<String, String, Optional<Principal>> auth) {
                        YourAuth yourAuth = auth::apply;
                %s
                        return vicinity;
                    }

                    public static void transport(Vicinity vicinity, Transport transport, String text, int status,
                                                 String reason, Throwable error) {
                %s
                    }
                }
                """.formatted(build.get(0), transport.get(0));
        Class<?> compiled = DocSnippets.compile(classes, "readme.ReadmeEmbedding", source);
        Method buildMethod = compiled.getMethod("build", Clock.class, BiFunction.class);

        MutableClock clock = new MutableClock(Instant.parse("2025-06-01T10:00:00Z"));
        BiFunction<String, String, ?> auth = EmbeddingFlow::verify;
        try (Vicinity vicinity = (Vicinity) buildMethod.invoke(null, clock, auth)) {
            assertThat(vicinity.backend()).isInstanceOf(InMemoryBackend.class);
            EmbeddingFlow.run(vicinity, clock);
        }
    }

    @Test
    void theQuickstartIsTheReadmeCode() throws IOException {
        Path quickstart = DocSnippets.repoFile("examples/quickstart/src/main/java/dev/vicinity/examples/quickstart/Quickstart.java");
        List<String> code = Files.readAllLines(quickstart, StandardCharsets.UTF_8).stream().map(String::strip).toList();
        List<String> readmeLines = blocks("build").get(0).lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        int at = code.indexOf(readmeLines.get(0));
        assertThat(at).as("Quickstart.java contains the README's first line %s", readmeLines.get(0)).isNotNegative();
        assertThat(code.subList(at, at + readmeLines.size())).as("Quickstart.vicinity() is the README code")
                .isEqualTo(readmeLines);
    }

    /** The Java blocks of README.md marked {@code <!-- embedding:<name> -->}, verbatim. */
    static List<String> blocks(String name) throws IOException {
        return DocSnippets.blocks("README.md", "embedding", name);
    }
}
