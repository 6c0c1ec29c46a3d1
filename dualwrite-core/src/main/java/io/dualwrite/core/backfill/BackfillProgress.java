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
 * @param partitions how far the key ranges of a partitioned copy are, null when the copy is not partitioned (or not
 *     split yet); {@code rowsPerSecond} and {@code leaseOwner} then sum up the workers copying
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
        @Nullable Throttle throttle,
        @Nullable Partitions partitions) {

    /**
     * The key ranges of a partitioned copy.
     *
     * @param total how many ranges the copy is split into
     * @param completed how many are copied
     * @param copying how many a worker holds now
     */
    public record Partitions(int total, int completed, int copying) {}

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
                null,
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
                current,
                partitions);
    }

    /** This progress with the state of its key ranges, their workers' summed rate and their owners. */
    public BackfillProgress withPartitions(Partitions summary, double summedRate, @Nullable String owners) {
        return new BackfillProgress(
                migration,
                state,
                upperKey,
                lastKey,
                rowsCopied,
                rowsEstimated,
                summedRate,
                startedAt,
                updatedAt,
                completedAt,
                owners,
                leaseUntil,
                failure,
                throttle,
                summary);
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
