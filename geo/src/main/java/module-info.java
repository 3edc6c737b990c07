/**
 * Vicinity geo. See docs/architecture.md, "Java modules", for what is exported and why.
 */
module dev.vicinity.geo {
    requires transitive dev.vicinity.core;
    requires org.slf4j;
    requires static org.jspecify;

    exports dev.vicinity.geo;
    exports dev.vicinity.geo.spi;
    exports dev.vicinity.geo.memory;
    // dev.vicinity.geo.internal is not exported: no other module uses it.
}
