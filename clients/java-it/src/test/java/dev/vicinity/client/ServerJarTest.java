package dev.vicinity.client;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** What the tests against the server's jar share: the jar must be built; what a test started is closed after it. */
abstract class ServerJarTest {
    /** Servers, proxies and clients of the running test, closed last first after it. */
    final Closer started = new Closer();

    @BeforeEach
    void requireJar() {
        ServerJar.requireJar();
    }

    @AfterEach
    void closeStarted() throws Exception {
        started.close();
    }
}
