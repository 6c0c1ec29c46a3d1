package io.dualwrite.spring.boot;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.ManagedMigration;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.ReplicaLagThrottle;
import io.dualwrite.core.jdbc.SqlDialect;
import io.dualwrite.core.metrics.LatencyThrottle;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;

/** Adds the throttles of {@code dualwrite.backfill.throttle.*} to every migration's backfill. */
final class BackfillThrottles {

    private BackfillThrottles() {}

    /** The latency throttle's bean: what it throttles on. */
    record Latency(String timer, Duration threshold) {}

    static Latency addLatency(DualWrite dualWrite, MeterRegistry registry, DualWriteProperties.Throttle properties) {
        String timer = properties.getLatencyTimer();
        Duration threshold = properties.getLatencyThreshold();
        LatencyThrottle throttle;
        try {
            throttle = new LatencyThrottle(registry, timer, threshold);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Invalid dualwrite.backfill.throttle.latency-threshold: " + e.getMessage(), e);
        }
        for (ManagedMigration<?, ?, ?> migration : dualWrite.managedMigrations()) {
            if (migration.hasBackfill()) {
                migration.backfill().addThrottle(throttle);
            }
        }
        return new Latency(timer, threshold);
    }

    /** A PostgreSQL replica-lag throttle on the OLD database of each migration that copies from PostgreSQL. */
    static void addReplicaLag(DualWrite dualWrite, DualWriteProperties.Throttle properties, Duration checkEvery) {
        Duration maxLag = properties.getMaxReplicaLag();
        if (maxLag == null) {
            return;
        }
        for (ManagedMigration<?, ?, ?> migration : dualWrite.managedMigrations()) {
            if (migration.hasBackfill()
                    && migration.migration().oldStore() instanceof JdbcStore<?, ?> old
                    && old.transactions().dialect() == SqlDialect.POSTGRESQL) {
                migration
                        .backfill()
                        .addThrottle(ReplicaLagThrottle.postgres(
                                old.transactions().dataSource(), maxLag, checkEvery, Clock.systemUTC()));
            }
        }
    }
}
