package dev.vicinity.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.MutableClock;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Embedding" code is real: both Java blocks are read from README.md at test time,
 * compiled verbatim (wrapped in a class and method that declare the variables the text leaves to the
 * host: {@code yourAuth}, {@code clock}, {@code transport}, {@code text}…), and the built node runs the
 * whole {@link EmbeddingFlow} on the in-memory backend with a {@link MutableClock}.
 */
class ReadmeEmbeddingTest {
    private static final Pattern BLOCK = Pattern.compile("<!-- embedding:(\\w+)[^>]*-->\\s*```java\\n(.*?)```",
            Pattern.DOTALL);

    @TempDir
    Path classes;

    @Test
    void the_readme_embedding_code_compiles_verbatim_and_runs_the_whole_flow() throws Exception {
        List<String> build = blocks("build");
        List<String> transport = blocks("transport");
        assertThat(build).as("one build block in README.md").hasSize(1);
        assertThat(transport).as("one transport block in README.md").hasSize(1);
        assertThat(lines(build.get(0)) + lines(transport.get(0))).as("README embedding lines of Java").isLessThanOrEqualTo(15);

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
        Class<?> compiled = compile("readme.ReadmeEmbedding", source);
        Method buildMethod = compiled.getMethod("build", Clock.class, BiFunction.class);

        MutableClock clock = new MutableClock(Instant.parse("2025-06-01T10:00:00Z"));
        BiFunction<String, String, ?> auth = EmbeddingFlow::verify;
        try (Vicinity vicinity = (Vicinity) buildMethod.invoke(null, clock, auth)) {
            assertThat(vicinity.backend()).isInstanceOf(InMemoryBackend.class);
            EmbeddingFlow.run(vicinity, clock);
        }
    }

    @Test
    void the_quickstart_is_the_readme_code() throws IOException {
        Path quickstart = readme().resolveSibling("examples/quickstart/src/main/java/dev/vicinity/examples/quickstart/Quickstart.java");
        List<String> code = Files.readAllLines(quickstart, StandardCharsets.UTF_8).stream().map(String::strip).toList();
        List<String> readmeLines = blocks("build").get(0).lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        int at = code.indexOf(readmeLines.get(0));
        assertThat(at).as("Quickstart.java contains the README's first line %s", readmeLines.get(0)).isNotNegative();
        assertThat(code.subList(at, at + readmeLines.size())).as("Quickstart.vicinity() is the README code")
                .isEqualTo(readmeLines);
    }

    private static int lines(String block) {
        return (int) block.lines().filter(l -> !l.isBlank()).count();
    }

    /** The Java blocks of README.md marked {@code <!-- embedding:<name> -->}, verbatim. */
    static List<String> blocks(String name) throws IOException {
        String readme = Files.readString(readme(), StandardCharsets.UTF_8);
        List<String> found = new ArrayList<>();
        Matcher m = BLOCK.matcher(readme);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                found.add(m.group(2));
            }
        }
        return found;
    }

    private static Path readme() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("node"))) {
                return dir.resolve("README.md");
            }
        }
        throw new AssertionError("README.md of the repository not found above " + Path.of("").toAbsolutePath());
    }

    private Class<?> compile(String className, String source) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK (javax.tools) is needed to compile the README").isNotNull();
        Path file = classes.resolve("src").resolve(className.replace('.', '/') + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source, StandardCharsets.UTF_8);
        Path out = Files.createDirectories(classes.resolve("out"));
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            boolean ok = javac.getTask(null, files, diagnostics,
                    List.of("-classpath", System.getProperty("java.class.path"), "-d", out.toString(), "-Xlint:none"),
                    null, files.getJavaFileObjects(file)).call();
            assertThat(ok).as("the README's code compiles:\n%s\n%s", diagnostics.getDiagnostics(), source).isTrue();
        }
        URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()}, getClass().getClassLoader());
        return loader.loadClass(className);
    }
}
