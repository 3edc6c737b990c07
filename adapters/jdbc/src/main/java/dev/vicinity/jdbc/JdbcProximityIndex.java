package dev.vicinity.jdbc;

import dev.vicinity.core.ErrorCodes;
import dev.vicinity.core.InvalidInputException;
import dev.vicinity.core.UserId;
import dev.vicinity.geo.spi.Candidate;
import dev.vicinity.geo.spi.ProximityIndex;
import java.sql.PreparedStatement;
import java.util.Collection;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The little that SQL proximity indexes share: a {@code <schema>.proximity} table keyed by
 * {@code user_id}, removal by key, argument checks and the last-entry-wins batch rule. Upserts and
 * {@link #candidates} are each database's own (spatial SQL differs by design), so subclasses write
 * them. Thread-safe if the subclass is.
 */
public abstract class JdbcProximityIndex implements ProximityIndex {
    private final Jdbc jdbc;
    private final String remove;

    /** An index over {@code <schema>.proximity}; {@code schema} is already quoted. */
    protected JdbcProximityIndex(Jdbc jdbc, String schema) {
        this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
        remove = "DELETE FROM " + schema + ".proximity WHERE user_id = ?";
    }

    /** The template, for subclasses' statements. */
    protected final Jdbc jdbc() {
        return jdbc;
    }

    /** One primary-key {@code DELETE}; true if the user was indexed. */
    @Override
    public boolean remove(UserId user) {
        Objects.requireNonNull(user, "user");
        return jdbc.autoCommit("proximity remove", c -> {
            try (PreparedStatement ps = c.prepareStatement(remove)) {
                ps.setString(1, user.value());
                return ps.executeUpdate() == 1;
            }
        });
    }

    /**
     * The entries of a batch keyed and ordered by user id, the last entry of a user winning (as if
     * upserted in order); writing in this order makes concurrent batches lock rows in one order.
     */
    protected static SortedMap<String, Candidate> lastWins(Collection<Candidate> entries) {
        Objects.requireNonNull(entries, "entries");
        SortedMap<String, Candidate> last = new TreeMap<>();
        for (Candidate e : entries) {
            last.put(Objects.requireNonNull(e, "entry").user().value(), e);
        }
        return last;
    }

    /**
     * Checks the arguments of a candidates query.
     *
     * @throws InvalidInputException {@code invalid_argument} for a negative, NaN or infinite radius or a limit below 1
     */
    protected static void checkQuery(double radiusMeters, int limit) {
        if (!(radiusMeters >= 0) || Double.isInfinite(radiusMeters)) {
            throw new InvalidInputException(ErrorCodes.INVALID_ARGUMENT, "radius must be a finite number >= 0");
        }
        if (limit < 1) {
            throw new InvalidInputException(ErrorCodes.INVALID_ARGUMENT, "limit must be >= 1");
        }
    }
}
