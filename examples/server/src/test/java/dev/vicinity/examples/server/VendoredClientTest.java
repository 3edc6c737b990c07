package dev.vicinity.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The demo page's copy of {@code @vicinity/client} ({@code src/main/resources/public/vicinity-client/},
 * committed so that the demo works from a clone with Java and Maven alone) is the client the build just
 * compiled from {@code clients/typescript} (which this module's build runs when npm is present). When
 * it is stale: {@code cp -r clients/typescript/dist/*.js clients/typescript/dist/generated
 * examples/server/src/main/resources/public/vicinity-client/} (only the {@code .js} files).
 */
class VendoredClientTest {
    private static final Path DIST = Path.of("../../clients/typescript/dist");
    private static final Path VENDORED = Path.of("src/main/resources/public/vicinity-client");

    @Test
    void theCommittedClientOfTheDemoPageIsTheFreshlyBuiltOne() throws IOException {
        boolean built = Files.isRegularFile(DIST.resolve("index.js"));
        if (!built && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("clients/typescript/dist was not built (npm missing?) and CI=true");
        }
        Assumptions.assumeTrue(built, "clients/typescript/dist not built (no npm): the committed demo client is not checked");
        List<Path> fresh = scripts(DIST);
        assertThat(fresh).as("compiled client files").isNotEmpty();
        assertThat(scripts(VENDORED)).as("files of the committed copy").isEqualTo(fresh);
        for (Path p : fresh) {
            assertThat(Files.readString(VENDORED.resolve(p)))
                    .as("%s is stale: copy clients/typescript/dist's .js files into %s", p, VENDORED)
                    .isEqualTo(Files.readString(DIST.resolve(p)));
        }
    }

    private static List<Path> scripts(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(".js")).map(root::relativize).sorted().collect(Collectors.toList());
        }
    }
}
