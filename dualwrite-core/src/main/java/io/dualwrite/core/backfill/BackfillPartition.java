package io.dualwrite.core.backfill;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One key range of a partitioned backfill, as stored: keys in ({@code lowerKey}, {@code upperKey}] (encoded), its own
 * checkpoint and its own lease.
 *
 * @param number the range's place in key order, from 0
 * @param lowerKey the greatest key below the range, exclusive; null for the first range
 * @param upperKey the greatest key of the range, inclusive
 * @param lastKey the last key copied in the range, the checkpoint a worker resumes after; null before the first chunk
 * @param completed whether every row of the range is copied
 * @param rowsPerSecond the recent copy rate of the worker holding the range
 * @param leaseOwner the worker copying the range now, if any
 */
public record BackfillPartition(
        String migration,
        int number,
        @Nullable String lowerKey,
        String upperKey,
        @Nullable String lastKey,
        boolean completed,
        long rowsCopied,
        double rowsPerSecond,
        Instant updatedAt,
        @Nullable String leaseOwner,
        @Nullable Instant leaseUntil) {

    /** Where the range's copy resumes: after its checkpoint, or after its lower bound before the first chunk. */
    public @Nullable String resumeAfter() {
        return lastKey != null ? lastKey : lowerKey;
    }

    /** Whether a worker holds the range's lease at {@code now}. */
    public boolean leasedAt(Instant now) {
        return leaseOwner != null && leaseUntil != null && leaseUntil.isAfter(now);
    }

    /** A range to store in a new plan. */
    public record Range(@Nullable String lowerKey, String upperKey) {}
}
