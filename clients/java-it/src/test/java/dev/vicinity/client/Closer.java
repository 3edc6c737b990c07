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

    /** Closes everything, even when one fails; then throws the first failure (the others suppressed). */
    @Override
    public void close() throws Exception {
        Throwable first = null;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception | AssertionError e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        started.clear();
        if (first instanceof Exception e) {
            throw e;
        }
        if (first != null) {
            throw (AssertionError) first;
        }
    }
}
