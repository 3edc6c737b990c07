package dev.vicinity.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** The test helper's schema check can fail: a server frame that breaks protocol/schema/ fails close(). */
class RecordingClientTest {

    /** A socket that opens at once and answers hello with {@code welcome} (the client's thread calls it). */
    private static ClientTransport.Factory answering(String welcome) {
        return (uri, listener) -> {
            listener.onOpen();
            return new ClientTransport() {
                @Override
                public boolean send(String text) {
                    JsonNode f = parse(text);
                    if (f.path("type").asText().equals("hello")) {
                        listener.onText(welcome.replace("ID", f.path("id").asText()));
                    }
                    return true;
                }

                @Override
                public void close(int code, String reason) {
                    listener.onClose(code, reason);
                }
            };
        };
    }

    private static JsonNode parse(String text) {
        try {
            return RawClient.JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aWelcomeThatBreaksTheSchemaFailsClose() {
        // no resume, limits, heartbeatSeconds, …: the client connects anyway, the schema check does not pass it
        RecordingClient c = RecordingClient.connect(URI.create("ws://test/ws"), "alice",
                b -> b.transport(answering("{\"type\":\"welcome\",\"re\":\"ID\",\"user\":\"alice\"}")));
        assertThat(c.schemaErrors).isNotEmpty();
        assertThatThrownBy(c::close).isInstanceOf(AssertionError.class).hasMessageContaining("protocol/schema");
    }

    @Test
    void aValidWelcomeClosesQuietly() {
        RecordingClient c = RecordingClient.connect(URI.create("ws://test/ws"), "alice",
                b -> b.transport(answering(VicinityClientTest.welcome("welcome", "ID", "tok1", null))));
        assertThat(c.user()).isEqualTo("alice");
        c.close();
        assertThat(c.schemaErrors).isEmpty();
    }
}
