package dev.vicinity.jdbc;

import dev.vicinity.core.UserId;
import dev.vicinity.geo.spi.BlockList;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * {@link BlockList} on any SQL database: a {@code <schema>.user_block (blocker, blocked)} table whose
 * primary key is the pair, with an index in each direction. {@link #block} is the dialect's
 * insert-if-absent and {@link #unblock} a {@code DELETE}, both idempotent single statements; every
 * read is one indexed query returning an immutable snapshot ({@link #isBlocked} and
 * {@link #blockedEitherWay} one query each). Costs O(blocks of the user) per read. Thread-safe.
 * Adapters bind it with a subclass that only names the backend.
 */
public abstract class JdbcBlockList implements BlockList {
    private final Jdbc jdbc;
    private final String block;
    private final String unblock;
    private final String blocking;
    private final String blockedBy;
    private final String either;
    private final String isBlocked;

    /** A block list over {@code <schema>.user_block}; {@code schema} is already quoted. */
    protected JdbcBlockList(Jdbc jdbc, String schema) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
        String t = schema + ".user_block";
        block = jdbc.dialect().insertIfAbsent("INSERT INTO " + t + " (blocker, blocked) VALUES (?, ?)", "blocker, blocked");
        unblock = "DELETE FROM " + t + " WHERE blocker = ? AND blocked = ?";
        blocking = "SELECT blocked FROM " + t + " WHERE blocker = ?";
        blockedBy = "SELECT blocker FROM " + t + " WHERE blocked = ?";
        either = "SELECT blocked FROM " + t + " WHERE blocker = ? UNION SELECT blocker FROM " + t + " WHERE blocked = ?";
        isBlocked = "SELECT EXISTS (SELECT 1 FROM " + t + " WHERE (blocker = ? AND blocked = ?)"
                + " OR (blocker = ? AND blocked = ?))";
    }

    @Override
    public boolean block(UserId blocker, UserId blocked) {
        return write("block", block, true, blocker, blocked);
    }

    @Override
    public boolean unblock(UserId blocker, UserId blocked) {
        return write("unblock", unblock, false, blocker, blocked);
    }

    @Override
    public Set<UserId> blocking(UserId user) {
        return users("blocking", blocking, user, 1);
    }

    @Override
    public Set<UserId> blockedBy(UserId user) {
        return users("blocked by", blockedBy, user, 1);
    }

    @Override
    public Set<UserId> blockedEitherWay(UserId user) {
        return users("blocked either way", either, user, 2);
    }

    @Override
    public boolean isBlocked(UserId a, UserId b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        return jdbc.autoCommit("is blocked", c -> {
            try (PreparedStatement ps = c.prepareStatement(isBlocked)) {
                ps.setString(1, a.value());
                ps.setString(2, b.value());
                ps.setString(3, b.value());
                ps.setString(4, a.value());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getBoolean(1);
                }
            }
        });
    }

    private boolean write(String op, String sql, boolean insertIfAbsent, UserId blocker, UserId blocked) {
        Objects.requireNonNull(blocker, "blocker");
        Objects.requireNonNull(blocked, "blocked");
        return jdbc.autoCommit(op, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, blocker.value());
                ps.setString(2, blocked.value());
                return insertIfAbsent ? jdbc.dialect().executeInsertIfAbsent(ps) : ps.executeUpdate() == 1;
            }
        });
    }

    private Set<UserId> users(String op, String sql, UserId user, int params) {
        Objects.requireNonNull(user, "user");
        return jdbc.autoCommit(op, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 1; i <= params; i++) {
                    ps.setString(i, user.value());
                }
                Set<UserId> out = new HashSet<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(UserId.of(rs.getString(1)));
                    }
                }
                return Set.copyOf(out);
            }
        });
    }
}
