package dev.vicinity.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness test of docs/examples.md ("Testing your host code") is real: read from the page at test
 * time, compiled verbatim into a class with the imports the page lists, and run.
 */
class HarnessExampleTest {
    @TempDir
    Path classes;

    @Test
    void theDocumentedHarnessTestCompilesVerbatimAndPasses() throws Exception {
        List<String> blocks = DocSnippets.blocks("docs/examples.md", "harness", "test");
        assertThat(blocks).as("one harness:test block in docs/examples.md").hasSize(1);
        String test = blocks.get(0);
        assertThat(DocSnippets.lines(test)).as("lines of the documented test").isBetween(10, 15);

        String source = """
                package examples;

                import static org.assertj.core.api.Assertions.assertThat;

                import com.fasterxml.jackson.databind.JsonNode;
                import dev.vicinity.node.testing.*;
                import java.time.Duration;
                import java.util.List;
                import org.junit.jupiter.api.Test;

                public class HarnessExample {
                %s
                }
                """.formatted(test);
        Class<?> compiled = DocSnippets.compile(classes, "examples.HarnessExample", source);
        List<Method> tests = List.of(compiled.getDeclaredMethods()).stream()
                .filter(m -> m.isAnnotationPresent(Test.class)).toList();
        assertThat(tests).as("the block is one @Test method").hasSize(1);
        Method method = tests.get(0);
        method.setAccessible(true);
        Object instance = compiled.getDeclaredConstructor().newInstance();
        try {
            method.invoke(instance);
        } catch (InvocationTargetException e) {
            throw new AssertionError("the documented harness test failed", e.getCause());
        }
    }
}
