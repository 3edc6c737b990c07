/**
 * Vicinity core: identifiers, presence, connection state, rate limits and the storage SPI the other
 * modules build on. See docs/architecture.md, "Java modules", for what is exported and why.
 */
// "module not found" for the targets of the qualified export: they depend on core, so they cannot be
// on the module path while core is compiled.
@SuppressWarnings("module")
module dev.vicinity.core {
    requires org.slf4j;
    // @Nullable on the API; annotations only, not needed at run time
    requires static transitive org.jspecify;

    exports dev.vicinity.core;
    exports dev.vicinity.core.spi;
    exports dev.vicinity.core.memory;

    // Argument checks and token buckets shared by Vicinity's own modules; not API. The domain
    // modules and the gateway have descriptors; node, redis, h2gis, postgres and micrometer are
    // automatic modules (Automatic-Module-Name), which are named modules on the module path.
    exports dev.vicinity.core.internal to
            dev.vicinity.geo,
            dev.vicinity.chat,
            dev.vicinity.rating,
            dev.vicinity.gateway,
            dev.vicinity.node,
            dev.vicinity.redis,
            dev.vicinity.h2gis,
            dev.vicinity.postgres,
            dev.vicinity.micrometer;
}
