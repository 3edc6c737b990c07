package dev.vicinity.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No main-code Java file of the repository is over {@value #MAX_LINES} lines (issue 18: big classes are
 * split along their seams). Scans every module's {@code src/main/java} from the repository root.
 */
class SourceSizeTest {
    static final int MAX_LINES = 600;

    @Test
    void noMainSourceFileIsOverTheLimit() throws IOException {
        Path root = repositoryRoot();
        List<Path> mainFiles;
        try (Stream<Path> all = Files.walk(root)) {
            mainFiles = all.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> p.toString().replace('\\', '/').contains("/src/main/java/"))
                    .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/node_modules/"))
                    .collect(Collectors.toList());
        }
        assertThat(mainFiles).as("main sources found under " + root).hasSizeGreaterThan(100);
        List<String> tooLong = mainFiles.stream()
                .filter(p -> lines(p) > MAX_LINES)
                .map(p -> root.relativize(p) + " (" + lines(p) + " lines)")
                .sorted()
                .collect(Collectors.toList());
        assertThat(tooLong).as("main-code files over " + MAX_LINES + " lines").isEmpty();
    }

    private static long lines(Path p) {
        try (Stream<String> s = Files.lines(p)) {
            return s.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            if (Files.isDirectory(p.resolve("core")) && Files.isDirectory(p.resolve("gateway"))
                    && Files.exists(p.resolve("pom.xml"))) {
                return p;
            }
            p = p.getParent();
        }
        throw new IllegalStateException("repository root not found above " + Path.of("").toAbsolutePath());
    }
}
