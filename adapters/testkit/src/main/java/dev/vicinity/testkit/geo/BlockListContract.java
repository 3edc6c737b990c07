package dev.vicinity.testkit.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.spi.BlockList;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Contract of {@link BlockList}: idempotent blocks, both directions, immutable snapshots. */
public abstract class BlockListContract {

    /** A block list (it may hold other tests' data; ids are random per test). */
    protected abstract BlockList createBlockList() throws Exception;

    /** The block list under test, created before each test. */
    protected BlockList blocks;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void setUpBlocks() throws Exception {
        blocks = createBlockList();
    }

    /** A user id named {@code name}. */
    protected UserId user(String name) {
        return UserId.of(run + "-" + name);
    }

    @Test
    void blockIsVisibleFromBothSides() {
        UserId a = user("a");
        UserId b = user("b");
        assertThat(blocks.block(a, b)).isTrue();
        assertThat(blocks.blocking(a)).containsExactly(b);
        assertThat(blocks.blockedBy(b)).containsExactly(a);
        assertThat(blocks.blocking(b)).isEmpty();
        assertThat(blocks.isBlocked(a, b)).isTrue();
        assertThat(blocks.isBlocked(b, a)).isTrue();
        assertThat(blocks.blockedEitherWay(a)).containsExactly(b);
        assertThat(blocks.blockedEitherWay(b)).containsExactly(a);
    }

    @Test
    void blockAndUnblockAreIdempotent() {
        UserId a = user("a");
        UserId b = user("b");
        assertThat(blocks.block(a, b)).isTrue();
        assertThat(blocks.block(a, b)).isFalse();
        assertThat(blocks.unblock(a, b)).isTrue();
        assertThat(blocks.unblock(a, b)).isFalse();
        assertThat(blocks.isBlocked(a, b)).isFalse();
        assertThat(blocks.blocking(a)).isEmpty();
        assertThat(blocks.blockedBy(b)).isEmpty();
    }

    @Test
    void mutualBlocksNeedTwoUnblocks() {
        UserId a = user("a");
        UserId b = user("b");
        blocks.block(a, b);
        blocks.block(b, a);
        blocks.unblock(a, b);
        assertThat(blocks.isBlocked(a, b)).isTrue();
        assertThat(blocks.blockedEitherWay(a)).containsExactly(b);
        blocks.unblock(b, a);
        assertThat(blocks.isBlocked(a, b)).isFalse();
        assertThat(blocks.blockedEitherWay(a)).isEmpty();
    }

    @Test
    void unrelatedUsersAreNotBlocked() {
        UserId a = user("a");
        blocks.block(a, user("b"));
        assertThat(blocks.isBlocked(a, user("c"))).isFalse();
        assertThat(blocks.blockedEitherWay(user("c"))).isEmpty();
    }

    @Test
    void snapshotsAreImmutableAndDetached() {
        UserId a = user("a");
        blocks.block(a, user("b"));
        var snap = blocks.blocking(a);
        assertThatThrownBy(() -> snap.add(user("x"))).isInstanceOf(UnsupportedOperationException.class);
        blocks.block(a, user("c"));
        assertThat(snap).containsExactly(user("b"));
    }
}
