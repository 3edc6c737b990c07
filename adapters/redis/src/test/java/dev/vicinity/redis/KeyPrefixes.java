package dev.vicinity.redis;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The key prefixes one test used, deleted after it ({@code @RegisterExtension} on an instance field):
 * {@link #next(String)} gives a prefix no other test uses (and, through {@link RedisTestSupport#connection()},
 * fails with CI=true or skips with one line when Redis is not reachable).
 */
final class KeyPrefixes implements AfterEachCallback {
    private final List<String> used = new CopyOnWriteArrayList<>();

    /** A new prefix for {@code what}, deleted with every key under it after the test. */
    String next(String what) {
        RedisTestSupport.connection();
        String prefix = RedisTestSupport.newPrefix(what);
        used.add(prefix);
        return prefix;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        used.forEach(RedisTestSupport::deleteKeys);
        used.clear();
    }
}
