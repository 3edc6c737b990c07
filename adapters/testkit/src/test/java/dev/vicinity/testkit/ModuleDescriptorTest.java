package dev.vicinity.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The module descriptors of core, geo, chat, rating and the gateway, seen as a user on the module path
 * sees them: the same compiled modules (jars or class directories, as Maven built them) are put on a
 * {@code --module-path}, a small consumer module that {@code requires} them is compiled and run, and a
 * consumer that imports an {@code .internal} package does not compile.
 */
class ModuleDescriptorTest {

    private static final List<String> VICINITY = List.of(
            "dev.vicinity.core", "dev.vicinity.geo", "dev.vicinity.chat", "dev.vicinity.rating",
            "dev.vicinity.gateway");

    /** The module path: the five modules and what they require, found on this test's class path. */
    private static Map<String, Path> modulePath;

    @BeforeAll
    static void findModules() {
        Map<String, ModuleReference> explicit = new LinkedHashMap<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (!Files.exists(p)) {
                continue;
            }
            try {
                for (ModuleReference ref : ModuleFinder.of(p).findAll()) {
                    // Only explicit modules (with a module-info): automatic names depend on the file name.
                    if (!ref.descriptor().isAutomatic() && ref.location().isPresent()) {
                        explicit.putIfAbsent(ref.descriptor().name(), ref);
                    }
                }
            } catch (FindException | SecurityException e) {
                // a class path entry that is not a module (or a directory of them): not ours to put on the path
            }
        }
        modulePath = new LinkedHashMap<>();
        Deque<String> todo = new ArrayDeque<>(VICINITY);
        while (!todo.isEmpty()) {
            String name = todo.pop();
            if (modulePath.containsKey(name) || ModuleLayer.boot().findModule(name).isPresent()
                    || ModuleFinder.ofSystem().find(name).isPresent()) {
                continue;
            }
            ModuleReference ref = explicit.get(name);
            assertThat(ref).as("module %s on the test class path", name).isNotNull();
            modulePath.put(name, Path.of(ref.location().orElseThrow()));
            for (ModuleDescriptor.Requires r : ref.descriptor().requires()) {
                // Static requires are optional at run time, but a static transitive one (org.jspecify, for
                // @Nullable on the API) is needed to compile a consumer: take it when it is on the class
                // path, as it is for a Maven user (core depends on it in compile scope).
                if (!r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC) || explicit.containsKey(r.name())) {
                    todo.add(r.name());
                }
            }
        }
    }

    private static ModuleDescriptor descriptor(String name) {
        return ModuleFinder.of(modulePath.get(name)).find(name).orElseThrow().descriptor();
    }

    @ParameterizedTest
    @ValueSource(strings = {"core", "geo", "chat", "rating", "gateway"})
    void moduleExportsEveryPackageButInternalToEveryone(String module) {
        ModuleDescriptor d = descriptor("dev.vicinity." + module);

        Set<String> toEveryone = d.exports().stream().filter(e -> !e.isQualified())
                .map(ModuleDescriptor.Exports::source).collect(Collectors.toCollection(TreeSet::new));
        Set<String> notInternal = d.packages().stream().filter(p -> !p.endsWith(".internal"))
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(toEveryone).isEqualTo(notInternal).noneMatch(p -> p.endsWith(".internal"));
        assertThat(d.isAutomatic()).isFalse();
        assertThat(d.isOpen()).isFalse();
    }

    @Test
    void coreInternalIsExportedOnlyToVicinityModules() {
        ModuleDescriptor d = descriptor("dev.vicinity.core");

        ModuleDescriptor.Exports internal = d.exports().stream()
                .filter(e -> e.source().equals("dev.vicinity.core.internal")).findFirst().orElseThrow();

        assertThat(internal.isQualified()).isTrue();
        assertThat(internal.targets()).allMatch(t -> t.startsWith("dev.vicinity."))
                .contains("dev.vicinity.geo", "dev.vicinity.chat", "dev.vicinity.rating", "dev.vicinity.gateway");
    }

    @Test
    void consumerModuleRequiringTheApiCompilesAndRuns(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("src");
        write(src.resolve("module-info.java"), consumerModule("    exports app;\n"));
        write(src.resolve("app/App.java"), """
                package app;

                public final class App {
                    public static String run() {
                        Class<?>[] api = {
                            dev.vicinity.core.spi.EventBus.class, dev.vicinity.core.memory.InMemoryEventBus.class,
                            dev.vicinity.geo.GeoPoint.class, dev.vicinity.geo.spi.BlockList.class,
                            dev.vicinity.geo.memory.InMemoryBlockList.class,
                            dev.vicinity.chat.ChatService.class, dev.vicinity.chat.spi.ChatSessionStore.class,
                            dev.vicinity.chat.memory.InMemoryChatSessionStore.class,
                            dev.vicinity.rating.Rating.class, dev.vicinity.rating.spi.RatingStore.class,
                            dev.vicinity.rating.memory.InMemoryRatingStore.class,
                            dev.vicinity.gateway.Gateway.class, dev.vicinity.gateway.geo.GeoFrames.class,
                            dev.vicinity.gateway.chat.ChatFrames.class, dev.vicinity.gateway.rating.RatingFrames.class,
                            com.fasterxml.jackson.databind.JsonNode.class // read through the gateway (transitive)
                        };
                        return dev.vicinity.core.UserId.of("alice").value() + " " + api.length;
                    }
                }
                """);

        Compilation c = compile(src, dir.resolve("out"));

        assertThat(c.ok).as(c.diagnostics).isTrue();

        ModuleFinder finder = ModuleFinder.of(modulePathWith(dir.resolve("out")));
        Configuration cf = ModuleLayer.boot().configuration().resolve(finder, ModuleFinder.of(), Set.of("app"));
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
        Method run = layer.findLoader("app").loadClass("app.App").getMethod("run");

        assertThat(run.invoke(null)).isEqualTo("alice 16");
        assertThat(layer.findModule("dev.vicinity.core").orElseThrow().getDescriptor().isAutomatic()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "dev.vicinity.core.internal.Checks", "dev.vicinity.geo.internal.CursorCodec",
        "dev.vicinity.chat.internal.BusCodec", "dev.vicinity.rating.internal.RatingInput"})
    void consumerModuleCannotUseAnInternalPackage(String internalClass, @TempDir Path dir) throws Exception {
        Path src = dir.resolve("src");
        write(src.resolve("module-info.java"), consumerModule(""));
        write(src.resolve("app/App.java"), "package app;\n\npublic final class App {\n"
                + "    public static final Class<?> INTERNAL = " + internalClass + ".class;\n}\n");

        Compilation c = compile(src, dir.resolve("out"));

        String pkg = internalClass.substring(0, internalClass.lastIndexOf('.'));
        assertThat(c.ok).isFalse();
        assertThat(c.diagnostics).contains("package " + pkg + " is not visible")
                .contains("does not export it");
    }

    private record Compilation(boolean ok, String diagnostics) {}

    private static Compilation compile(Path src, Path out) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> sources;
        try (var files = Files.walk(src)) {
            sources = files.filter(f -> f.toString().endsWith(".java")).map(Path::toString).toList();
        }
        List<String> args = new ArrayList<>(List.of(
                "--release", "17", "-proc:none", "-d", out.toString(),
                // in-process javac would otherwise take this test's class path, where everything is readable
                "--class-path", out.toString(),
                "--module-path", Arrays.stream(modulePathWith()).map(Path::toString)
                        .collect(Collectors.joining(File.pathSeparator))));
        args.addAll(sources);
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, OutputStream.nullOutputStream(), diagnostics, args.toArray(String[]::new));
        return new Compilation(rc == 0, diagnostics.toString(StandardCharsets.UTF_8));
    }

    private static Path[] modulePathWith(Path... more) {
        List<Path> all = new ArrayList<>(modulePath.values());
        all.addAll(List.of(more));
        return all.toArray(Path[]::new);
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** A module {@code app} requiring every Vicinity API module, with {@code more} before its closing brace. */
    private static String consumerModule(String more) {
        return "module app {\n    requires dev.vicinity.gateway;\n    requires dev.vicinity.geo;\n"
                + "    requires dev.vicinity.chat;\n    requires dev.vicinity.rating;\n" + more + "}\n";
    }
}
