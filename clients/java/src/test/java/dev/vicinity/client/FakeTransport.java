package dev.vicinity.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * A scripted socket factory: records every socket opened and every frame sent (each validated against
 * the protocol's client-frame schema); the test plays the server through {@link Socket}. Not thread-safe.
 */
final class FakeTransport implements ClientTransport.Factory {
    static final ObjectMapper JSON = new ObjectMapper();
    final List<Socket> sockets = new ArrayList<>();

    @Override
    public ClientTransport open(URI uri, ClientTransport.Listener listener) {
        Socket s = new Socket(listener);
        sockets.add(s);
        return s;
    }

    Socket last() {
        return sockets.get(sockets.size() - 1);
    }

    static final class Socket implements ClientTransport {
        final ClientTransport.Listener listener;
        final List<JsonNode> sent = new ArrayList<>();
        boolean open;
        Integer closedWith;

        Socket(ClientTransport.Listener listener) {
            this.listener = listener;
        }

        @Override
        public boolean send(String text) {
            if (!open) {
                return false;
            }
            try {
                JsonNode f = JSON.readTree(text);
                assertThat(FrameSchemas.clientFrameErrors(f)).as("client frame %s", text).isEmpty();
                sent.add(f);
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            return true;
        }

        @Override
        public void close(int code, String reason) {
            open = false;
            closedWith = code;
        }

        void accept() {
            open = true;
            listener.onOpen();
        }

        /** The server sends {@code frame} (validated against the server-frame schema). */
        void push(String frame) {
            try {
                assertThat(FrameSchemas.serverFrameErrors(JSON.readTree(frame))).as("server frame %s", frame).isEmpty();
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
            listener.onText(frame);
        }

        void serverClose(int code, String reason) {
            open = false;
            listener.onClose(code, reason);
        }

        JsonNode lastSent() {
            return sent.get(sent.size() - 1);
        }

        List<JsonNode> sentOfType(String type) {
            return sent.stream().filter(f -> f.path("type").asText().equals(type)).toList();
        }
    }
}
