/**
 * Vicinity gateway: the WebSocket protocol over the services. geo, chat and rating are optional
 * ({@code requires static}): a gateway without one of them does not offer its frames.
 * See docs/architecture.md, "Java modules".
 */
module dev.vicinity.gateway {
    requires transitive dev.vicinity.core;
    requires transitive com.fasterxml.jackson.databind;
    requires static org.jspecify;
    requires static transitive dev.vicinity.geo;
    requires static transitive dev.vicinity.chat;
    requires static transitive dev.vicinity.rating;
    requires org.slf4j;

    exports dev.vicinity.gateway;
    exports dev.vicinity.gateway.geo;
    exports dev.vicinity.gateway.chat;
    exports dev.vicinity.gateway.rating;
}
