package dev.vicinity.redis;

import dev.vicinity.geo.spi.BlockList;
import dev.vicinity.testkit.geo.BlockListContract;
import org.junit.jupiter.api.AfterAll;

/**
 * The testkit's {@link BlockListContract} against {@link RedisBlockList} on the real Redis: idempotent
 * blocks visible from both sides, immutable snapshots. Tests share one key prefix (ids are random per
 * test), deleted at the end.
 */
class RedisBlockListIT extends BlockListContract {
    private static final String PREFIX = RedisTestSupport.newPrefix("block");

    @AfterAll
    static void deleteKeys() {
        RedisTestSupport.deleteKeys(PREFIX);
    }

    @Override
    protected BlockList createBlockList() {
        return RedisBlockList.builder(RedisTestSupport.connection()).keyPrefix(PREFIX).build();
    }
}
