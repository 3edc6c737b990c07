package dev.vicinity.geo.archfixture;

import dev.vicinity.chat.archfixture.ChatThing;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vicinity.gateway.GatewayErrorCodes;
import java.sql.Connection;

/**
 * Test fixture: a "geo" class that imports chat, JDBC, Jackson and the gateway, which the architecture rules forbid. The
 * architecture test checks that its rules reject this class, proving they can fail. Never shipped.
 */
public final class GeoThatBreaksTheRules {
    public int bad(Connection connection) throws Exception {
        connection.close();
        System.out.println("printing from library code");
        return ChatThing.value();
    }

    public String frameField(JsonNode frame) {
        return frame.path(GatewayErrorCodes.class.getSimpleName()).asText();
    }
}
