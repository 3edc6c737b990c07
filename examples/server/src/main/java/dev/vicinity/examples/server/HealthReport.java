package dev.vicinity.examples.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vicinity.core.spi.BusHealth;

/**
 * The body of {@code GET /health}, shared by both example hosts. Reads the background probes' last
 * results: never waits for a backend.
 *
 * @param up whether the store, presence and bus are all healthy (HTTP 200, else 503)
 * @param json the JSON body
 */
record HealthReport(boolean up, String json) {

    static HealthReport of(VicinityNode node, ServerConfig config, int sockets) {
        String storeProblem = node.storeProblem();
        String presenceProblem = node.presenceProblem();
        BusHealth bus = node.busHealth();
        boolean ok = storeProblem == null && presenceProblem == null && bus.healthy();
        ObjectNode body = node.gateway().mapper().createObjectNode();
        body.put("status", ok ? "UP" : "DOWN").put("node", config.node().value()).put("backend", node.backendName());
        body.putObject("store").put("healthy", storeProblem == null)
                .put("detail", storeProblem == null ? "ok" : storeProblem);
        body.putObject("presence").put("healthy", presenceProblem == null)
                .put("detail", presenceProblem == null ? "ok" : presenceProblem);
        body.putObject("bus").put("healthy", bus.healthy()).put("detail", bus.detail())
                .put("since", bus.since().toEpochMilli());
        body.put("sockets", sockets);
        return new HealthReport(ok, body.toString());
    }
}
