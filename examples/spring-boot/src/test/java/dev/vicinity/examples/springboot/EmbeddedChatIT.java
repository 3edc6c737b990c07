package dev.vicinity.examples.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.node.H2gisBackend;
import dev.vicinity.node.VicinityBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/** The example on its default (embedded H2GIS) configuration, only the database file moved to a temp dir. */
class EmbeddedChatIT {

    @Test
    void twoSocketsChatOnTheEmbeddedDefault(@TempDir Path dir) throws Exception {
        try (ConfigurableApplicationContext context = ChatScenario.start(
                "--vicinity.h2gis.path=" + dir.resolve("vicinity"))) {
            assertThat(context.getBean(VicinityBackend.class)).isInstanceOf(H2gisBackend.class);
            ChatScenario.run(context);
        }
        assertThat(Files.exists(dir.resolve("vicinity.mv.db"))).isTrue();
    }
}
