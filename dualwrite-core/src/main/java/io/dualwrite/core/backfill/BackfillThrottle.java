package io.dualwrite.core.backfill;

import java.util.Optional;

/**
 * A condition that holds a backfill's copy back between chunks, as gh-ost's {@code max-load} and replica-lag checks
 * do: while {@link #check()} answers with a reason, the copy copies no chunk and checks again after the options'
 * {@link BackfillOptions#throttleCheckInterval()}. Added with {@link Backfill#addThrottle}.
 *
 * <p>Implementations: {@link io.dualwrite.core.metrics.LatencyThrottle} (a Micrometer timer's p99) and
 * {@link io.dualwrite.core.jdbc.ReplicaLagThrottle} (PostgreSQL's {@code pg_stat_replication}, a MariaDB
 * replica's status).
 */
public interface BackfillThrottle {

    /** The kind of throttle, shown in progress, metrics and the console. */
    ThrottleReason reason();

    /**
     * Why the copy should wait now, in words naming the measured value and the threshold, or empty to let it go on.
     * Called between chunks on the copying thread: it should answer quickly. An exception counts as no throttle
     * (and is logged): a broken check must not stop the backfill.
     */
    Optional<String> check();
}
