package dev.vicinity.spring.boot.autoconfigure;

import dev.vicinity.node.Vicinity;
import java.util.List;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistration;

/**
 * The node's WebSocket endpoint at {@code vicinity.websocket.path} (default {@code /vicinity}) through
 * Spring's servlet WebSocket support. Cross-origin sockets are refused unless their origin matches
 * {@code vicinity.websocket.allowed-origin-patterns} (a page on another origin could otherwise open a socket
 * with the visitor's cookies). Backs off when the application defines its own
 * {@link VicinityWebSocketHandler}.
 */
@AutoConfiguration(after = VicinityAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(WebSocketConfigurer.class)
@ConditionalOnBean(Vicinity.class)
@EnableWebSocket
public class VicinityWebSocketAutoConfiguration {

    /** Forwards sessions and frames to the node. */
    @Bean
    @ConditionalOnMissingBean
    public VicinityWebSocketHandler vicinityWebSocketHandler(Vicinity vicinity, VicinityProperties properties) {
        return new VicinityWebSocketHandler(vicinity, properties.getWebsocket().getSendThreads());
    }

    /** Registers the handler at the configured path. */
    @Bean
    @ConditionalOnMissingBean(name = "vicinityWebSocketConfigurer")
    public WebSocketConfigurer vicinityWebSocketConfigurer(VicinityWebSocketHandler handler,
            VicinityProperties properties) {
        String path = properties.getWebsocket().getPath();
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("Invalid value of vicinity.websocket.path (" + path
                    + "): must start with /");
        }
        List<String> origins = properties.getWebsocket().getAllowedOriginPatterns();
        return registry -> {
            WebSocketHandlerRegistration r = registry.addHandler(handler, path);
            if (!origins.isEmpty()) {
                r.setAllowedOriginPatterns(origins.toArray(String[]::new));
            }
        };
    }
}
