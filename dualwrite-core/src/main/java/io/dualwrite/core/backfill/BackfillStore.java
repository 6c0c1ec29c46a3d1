package io.dualwrite.core.backfill;

import java.time.Instant;
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
}
