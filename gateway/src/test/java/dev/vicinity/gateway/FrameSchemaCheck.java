package dev.vicinity.gateway;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test if any {@link ScriptedTransport} saw a frame that violates the protocol schema during
 * it, even if the test never read that frame. Registered for every test of this module through
 * extension auto-detection (src/test/resources/junit-platform.properties). Tests run one at a time.
 */
public final class FrameSchemaCheck implements BeforeEachCallback, AfterEachCallback {
    @Override
    public void beforeEach(ExtensionContext context) {
        ScriptedTransport.VIOLATIONS.clear();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!ScriptedTransport.VIOLATIONS.isEmpty()) {
            String all = String.join("\n", ScriptedTransport.VIOLATIONS);
            ScriptedTransport.VIOLATIONS.clear();
            throw new AssertionError("frames violating protocol/schema/ during " + context.getDisplayName() + ":\n" + all);
        }
    }
}
