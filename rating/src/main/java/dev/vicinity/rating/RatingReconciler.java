package dev.vicinity.rating;

import dev.vicinity.core.UserId;
import dev.vicinity.core.VicinityListener;
import dev.vicinity.rating.spi.RatingAuditStore;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The aggregate audit of a {@link RatingService}: recounts a user's histogram from one consistent
 * snapshot of their ratings, reports drift, and repairs it by compare-and-set when asked. Thread-safe;
 * no lock is held. Not API.
 */
final class RatingReconciler {
    private static final Logger LOG = LoggerFactory.getLogger(RatingService.class);
    private static final int MAX_RECONCILE_ATTEMPTS = 5;

    /** Null when neither configured nor implemented by the store: then reconcile is refused. */
    private final @Nullable RatingAuditStore audit;
    private final VicinityListener listener;

    RatingReconciler(@Nullable RatingAuditStore audit, VicinityListener listener) {
        this.audit = audit;
        this.listener = listener;
    }

    /** See {@link RatingService#reconcile}. */
    ReconcileReport reconcile(UserId user, boolean repair) {
        if (audit == null) {
            throw new IllegalStateException("reconcile needs a RatingAuditStore; configure one with "
                    + "RatingService.builder(...).audit(...)");
        }
        ReconcileReport report = null;
        for (int attempt = 0; attempt < MAX_RECONCILE_ATTEMPTS; attempt++) {
            RatingAuditStore.Snapshot snapshot = audit.snapshot(user);
            StarHistogram recounted = StarHistogram.recount(
                    snapshot.ratings().stream().filter(r -> r.key().ratee().equals(user)).toList());
            report = new ReconcileReport(user, snapshot.stored(), recounted, false);
            if (!report.drifted()) {
                return report;
            }
            if (!repair) {
                break;
            }
            if (audit.replaceAggregate(user, snapshot.stored(), recounted)) {
                report = new ReconcileReport(user, snapshot.stored(), recounted, true);
                break;
            }
        }
        LOG.warn("rating aggregate drift: user={} countDrift={} sumDrift={} repaired={}", user,
                Objects.requireNonNull(report).countDrift(), report.sumDrift(), report.repaired()); // set by the first attempt
        listener.onAggregateDrift(user, report.countDrift(), report.sumDrift());
        return report;
    }
}
