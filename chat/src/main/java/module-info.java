/**
 * Vicinity chat. See docs/architecture.md, "Java modules", for what is exported and why.
 */
module dev.vicinity.chat {
    requires transitive dev.vicinity.core;
    requires org.slf4j;
    requires static org.jspecify;

    exports dev.vicinity.chat;
    exports dev.vicinity.chat.spi;
    exports dev.vicinity.chat.memory;
    // dev.vicinity.chat.internal is not exported: no other module uses it.
}
