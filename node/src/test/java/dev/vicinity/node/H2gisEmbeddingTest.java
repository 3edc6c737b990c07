package dev.vicinity.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vicinity.core.MutableClock;
import dev.vicinity.core.NodeId;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedding flow on the H2GIS bundle, in memory and on a file that survives a restart. */
class H2gisEmbeddingTest {

    @TempDir
    Path dir;

    @Test
    void theWholeFlowRunsOnAnInMemoryH2gisDatabase() {
        MutableClock clock = new MutableClock(Instant.parse("2025-06-01T10:00:00Z"));
        H2gisBackend backend = H2gisBackend.inMemory("flow_" + UUID.randomUUID().toString().replace("-", ""));
        try (Vicinity vicinity = Vicinity.builder(backend).node(NodeId.of("node-1"))
                .authenticator(EmbeddingFlow::verify).clock(clock).build()) {
            assertThat(vicinity.backend().distributed()).isFalse();
            EmbeddingFlow.run(vicinity, clock);
        }
    }

    @Test
    void aFileDatabaseKeepsTheRatingsAcrossARestartAndCloseShutsItDown() {
        MutableClock clock = new MutableClock(Instant.parse("2025-06-01T10:00:00Z"));
        Path file = dir.resolve("data").resolve("vicinity");
        try (Vicinity vicinity = Vicinity.builder(Backends.h2gis(file)).node(NodeId.of("node-1"))
                .authenticator(EmbeddingFlow::verify).clock(clock).build()) {
            vicinity.start();
            EmbeddingFlow.run(vicinity, clock);
        }
        // close() closed the backend: the file can be opened again, and the revealed ratings are there.
        try (Vicinity again = Vicinity.builder(H2gisBackend.file(file)).node(NodeId.of("node-1"))
                .authenticator(EmbeddingFlow::verify).clock(clock).build()) {
            again.backend().checkStore();
            assertThat(again.ratings().summary(dev.vicinity.core.UserId.of("bob")).count()).isEqualTo(1);
        }
    }
}
