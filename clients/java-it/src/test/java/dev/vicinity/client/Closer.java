package dev.vicinity.client;

import java.util.ArrayList;
import java.util.List;

/** What a test started (servers, proxies, clients), closed last first. Not thread-safe. */
final class Closer implements AutoCloseable {
    private final List<AutoCloseable> started = new ArrayList<>();

    /** Registers {@code c} to be closed and returns it. */
    <T extends AutoCloseable> T add(T c) {
        started.add(c);
        return c;
    }

    boolean isEmpty() {
        return started.isEmpty();
    }

    @Override
    public void close() throws Exception {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).close();
        }
        started.clear();
    }
}
