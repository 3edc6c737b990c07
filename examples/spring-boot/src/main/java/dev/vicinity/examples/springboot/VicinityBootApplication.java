package dev.vicinity.examples.springboot;

import dev.vicinity.examples.server.DemoAuthenticator;
import dev.vicinity.examples.server.DemoFrames;
import dev.vicinity.gateway.ContextAuthenticator;
import dev.vicinity.node.VicinityBackend;
import dev.vicinity.spring.boot.autoconfigure.VicinityBuilderCustomizer;
import java.util.Set;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The Vicinity demo as a Spring Boot application: {@code vicinity-spring-boot-starter} builds the node from
 * {@code application.properties} (embedded H2GIS file by default, PostgreSQL + Redis with the {@code scaled}
 * profile or the same properties on the command line) and serves the WebSocket at {@code /ws}; the demo page
 * comes from the example server's jar ({@code public/}). The only code: the authenticator bean and the page's frame module.
 */
@SpringBootApplication
public class VicinityBootApplication {

    /** DEMO ONLY: the token {@code demo:<name>} is the user (see {@link DemoAuthenticator}). */
    @Bean
    ContextAuthenticator demoAuthenticator() {
        return new DemoAuthenticator();
    }

    /**
     * The page's {@code demo.profiles} frame (names, online state, rating summary of the people it shows),
     * added to the node through a customizer: how an application adds its own frame modules.
     */
    @Bean
    VicinityBuilderCustomizer demoFrames(VicinityBackend backend) {
        return builder -> builder.module(node -> new DemoFrames(node.presence(), node.ratings(), backend.blockList(),
                Set.of()));
    }

    public static void main(String[] args) {
        SpringApplication.run(VicinityBootApplication.class, args);
    }
}
