/**
 * Vicinity rating. See docs/architecture.md, "Java modules", for what is exported and why.
 */
module dev.vicinity.rating {
    requires transitive dev.vicinity.core;
    requires org.slf4j;
    requires static org.jspecify;

    exports dev.vicinity.rating;
    exports dev.vicinity.rating.spi;
    exports dev.vicinity.rating.memory;
    // dev.vicinity.rating.internal is not exported: no other module uses it.
}
