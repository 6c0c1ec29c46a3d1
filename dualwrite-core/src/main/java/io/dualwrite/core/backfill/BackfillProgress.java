package io.dualwrite.core.backfill;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The durable progress of a migration's backfill, as any instance reads it.
 *
 * @param upperKey the greatest OLD key when the backfill started (encoded); rows above it were dual-written
 * @param lastKey the last key copied (encoded), the checkpoint a restart resumes after
 * @param rowsPerSecond the recent copy rate of the instance holding the lease
 * @param leaseOwner the instance copying now, if any
 * @param throttle what holds the copy back now, as the copying instance knows it (not stored: null as read from the
 *     store and on other instances)
 */
public record BackfillProgress(
        String migration,
        BackfillState state,
        @Nullable String upperKey,
        @Nullable String lastKey,
        long rowsCopied,
        long rowsEstimated,
        double rowsPerSecond,
        @Nullable Instant startedAt,
        Instant updatedAt,
        @Nullable Instant completedAt,
        @Nullable String leaseOwner,
        @Nullable Instant leaseUntil,
        @Nullable String failure,
        @Nullable Throttle throttle) {

    /** Progress without a throttle, as a {@link BackfillStore} reads it. */
    public BackfillProgress(
            String migration,
            BackfillState state,
            @Nullable String upperKey,
            @Nullable String lastKey,
            long rowsCopied,
            long rowsEstimated,
            double rowsPerSecond,
            @Nullable Instant startedAt,
            Instant updatedAt,
            @Nullable Instant completedAt,
            @Nullable String leaseOwner,
            @Nullable Instant leaseUntil,
            @Nullable String failure) {
        this(
                migration,
                state,
                upperKey,
                lastKey,
                rowsCopied,
                rowsEstimated,
                rowsPerSecond,
                startedAt,
                updatedAt,
                completedAt,
                leaseOwner,
                leaseUntil,
                failure,
                null);
    }

    /** This progress with what holds the copy back. */
    public BackfillProgress withThrottle(@Nullable Throttle current) {
        return new BackfillProgress(
                migration,
                state,
                upperKey,
                lastKey,
                rowsCopied,
                rowsEstimated,
                rowsPerSecond,
                startedAt,
                updatedAt,
                completedAt,
                leaseOwner,
                leaseUntil,
                failure,
                current);
    }

    /** The progress of a backfill that never started. */
    public static BackfillProgress idle(String migration, Instant now) {
        return new BackfillProgress(
                migration, BackfillState.IDLE, null, null, 0, 0, 0, null, now, null, null, null, null);
    }

    /** The estimated time left at the recent rate, if it can be estimated. */
    public Optional<Duration> eta() {
        if (state == BackfillState.COMPLETED) {
            return Optional.of(Duration.ZERO);
        }
        if (state != BackfillState.RUNNING || rowsPerSecond <= 0) {
            return Optional.empty();
        }
        long left = Math.max(0, rowsEstimated - rowsCopied);
        return Optional.of(Duration.ofMillis((long) (left * 1000 / rowsPerSecond)));
    }

    /** Copied rows as a fraction of the estimate, between 0 and 1 (1 once completed). */
    public double fractionDone() {
        if (state == BackfillState.COMPLETED) {
            return 1;
        }
        return rowsEstimated <= 0 ? 0 : Math.min(1, (double) rowsCopied / rowsEstimated);
    }
}
