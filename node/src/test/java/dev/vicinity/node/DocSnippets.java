package dev.vicinity.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Java code of the documentation, read at test time: the blocks marked {@code <!-- <kind>:<name> … -->}
 * right before a fenced {@code java} block, verbatim, and an in-process compiler (javax.tools) on the
 * test class path.
 */
final class DocSnippets {
    private DocSnippets() {}

    /** The Java blocks of {@code doc} (a path from the repository root) marked {@code <!-- <kind>:<name> -->}. */
    static List<String> blocks(String doc, String kind, String name) throws IOException {
        Pattern block = Pattern.compile("<!-- " + Pattern.quote(kind) + ":(\\w+)[^>]*-->\\s*```java\\n(.*?)```",
                Pattern.DOTALL);
        String text = Files.readString(repoFile(doc), StandardCharsets.UTF_8);
        List<String> found = new ArrayList<>();
        Matcher m = block.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                found.add(m.group(2));
            }
        }
        return found;
    }

    /** A file of the repository (found from the working directory upwards). */
    static Path repoFile(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("node"))) {
                return dir.resolve(relative);
            }
        }
        throw new AssertionError("the repository root not found above " + Path.of("").toAbsolutePath());
    }

    /** Non-blank lines of a block. */
    static int lines(String block) {
        return (int) block.lines().filter(l -> !l.isBlank()).count();
    }

    /** Compiles {@code source} (class {@code className}) under {@code dir} and loads it. */
    static Class<?> compile(Path dir, String className, String source) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK (javax.tools) is needed to compile the documentation's code").isNotNull();
        Path file = dir.resolve("src").resolve(className.replace('.', '/') + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source, StandardCharsets.UTF_8);
        Path out = Files.createDirectories(dir.resolve("out"));
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            boolean ok = javac.getTask(null, files, diagnostics,
                    List.of("-classpath", System.getProperty("java.class.path"), "-d", out.toString(), "-Xlint:none"),
                    null, files.getJavaFileObjects(file)).call();
            assertThat(ok).as("the documentation's code compiles:\n%s\n%s", diagnostics.getDiagnostics(), source)
                    .isTrue();
        }
        URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()}, DocSnippets.class.getClassLoader());
        return loader.loadClass(className);
    }
}
