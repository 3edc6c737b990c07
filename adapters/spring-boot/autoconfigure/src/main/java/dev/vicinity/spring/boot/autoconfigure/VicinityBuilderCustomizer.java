package dev.vicinity.spring.boot.autoconfigure;

import dev.vicinity.node.Vicinity;

/**
 * A bean that adjusts the node's builder after the {@code vicinity.*} properties were applied and before
 * the node is built: options without a property (a clock, frame modules, a score provider, a scheduler).
 * Every customizer bean runs, in {@code @Order}; called once, on the thread creating the node.
 */
@FunctionalInterface
public interface VicinityBuilderCustomizer {

    /** Adjusts {@code builder}; must not call {@code build()}. */
    void customize(Vicinity.Builder builder);
}
