package io.dualwrite.core.backfill;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Where backfill progress and the copy lease are kept, shared by every instance. Every change made by a copying
 * instance is fenced by its lease: once another instance took the lease over, or an operator paused or cancelled
 * the backfill, the former holder's checkpoints are refused and it stops.
 */
public interface BackfillStore {

    Optional<BackfillProgress> find(String migration);

    /**
     * Stores a RUNNING backfill with its upper key and row estimate, unless one is stored already; returns the
     * stored progress either way.
     */
    BackfillProgress startIfAbsent(String migration, @Nullable String upperKey, long rowsEstimated, Instant now);

    /** Replaces whatever is stored by a fresh RUNNING backfill. */
    BackfillProgress restart(String migration, @Nullable String upperKey, long rowsEstimated, Instant now);

    /**
     * Takes the lease when the backfill is RUNNING and the lease is free, expired, or the owner's already.
     *
     * @return whether the owner holds the lease afterwards
     */
    boolean acquireLease(String migration, String owner, Instant now, Instant leaseUntil);

    /**
     * Records a copied chunk and extends the lease, if the owner still holds the lease of a RUNNING backfill.
     *
     * @return false when the owner lost the lease or the backfill stopped running: the owner must stop copying
     */
    boolean checkpoint(
            String migration,
            String owner,
            String lastKey,
            long rowsCopiedDelta,
            double rowsPerSecond,
            Instant now,
            Instant leaseUntil);

    /** Marks the backfill COMPLETED and frees the lease, if the owner holds it. */
    boolean complete(String migration, String owner, Instant now);

    /** Marks the backfill FAILED with a reason and frees the lease, if the owner holds it. */
    boolean fail(String migration, String owner, String reason, Instant now);

    /** Moves the backfill from one of the {@code from} states to {@code to}, freeing the lease; true if moved. */
    boolean changeState(String migration, Set<BackfillState> from, BackfillState to, Instant now);

    /** Frees the lease if the owner holds it. */
    void releaseLease(String migration, String owner);

    // Partitioned backfills (BackfillOptions.partitions > 1). The whole backfill keeps its row above (state, upper
    // key, rows copied in total); each key range has a row of its own with its checkpoint and its lease. Every change
    // to a range is fenced by the range's lease and by the whole being RUNNING, so a pause or cancel stops every
    // worker at its next checkpoint.

    /**
     * Stores the plan of a RUNNING backfill whose upper key is {@code upperKey} and whose checkpoint is the first
     * range's lower key, in one transaction, unless a plan is stored already or the backfill changed (restarted, or
     * not running). A restart waits for a plan being stored and deletes it.
     *
     * @return whether this call stored the plan
     */
    default boolean planPartitions(
            String migration, @Nullable String upperKey, List<BackfillPartition.Range> ranges, Instant now) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not store partitions");
    }

    /** The stored ranges, in key order; empty when the backfill is not partitioned (or not planned yet). */
    default List<BackfillPartition> partitions(String migration) {
        return List.of();
    }

    /**
     * Takes the lease of a range that is not completed and whose lease is free or expired, if the backfill is
     * RUNNING; ranges are tried in key order, and a range another worker is claiming at the same moment is skipped.
     */
    default Optional<BackfillPartition> claimPartition(
            String migration, String owner, Instant now, Instant leaseUntil) {
        return Optional.empty();
    }

    /**
     * Records a copied chunk of a range (its checkpoint and the whole's rows copied, in one transaction) and extends
     * the range's lease, if the owner still holds it and the backfill is RUNNING.
     *
     * @return false when the owner must stop copying the range
     */
    default boolean checkpointPartition(
            String migration,
            int number,
            String owner,
            String lastKey,
            long rowsCopiedDelta,
            double rowsPerSecond,
            Instant now,
            Instant leaseUntil) {
        return false;
    }

    /** Extends the lease of a range the owner holds while the backfill is RUNNING; false otherwise. */
    default boolean renewPartition(String migration, int number, String owner, Instant now, Instant leaseUntil) {
        return false;
    }

    /** Marks a range completed and frees its lease, if the owner holds it and the backfill is RUNNING. */
    default boolean completePartition(String migration, int number, String owner, Instant now) {
        return false;
    }

    /** Frees a range's lease if the owner holds it. */
    default void releasePartition(String migration, int number, String owner) {}

    /** Marks a RUNNING backfill COMPLETED if it has a plan and every range of it is completed. */
    default boolean completeIfAllPartitionsDone(String migration, Instant now) {
        return false;
    }

    /** Marks a RUNNING backfill FAILED with a reason, whoever copies it. */
    default boolean failRunning(String migration, String reason, Instant now) {
        return false;
    }
}
