package io.dualwrite.core.store;

import io.dualwrite.core.model.Side;
import java.time.Instant;
import java.util.List;

/**
 * A durable list of keys whose two sides may disagree, each with the side that is <em>ahead</em>: the side holding
 * the value that must win, which the repairer copies to the other side. Keys are recorded by a write across two
 * databases (an intent, in the same transaction as the write to the side that is ahead, cleared once the other side
 * has the value), by a write whose second side failed, and by a verification. A key is recorded at most once per
 * migration; recording it again replaces the entry (the later write wins).
 *
 * <p>An entry whose side ahead is {@code S} lives in the ledger of {@code S}'s database, so that it commits or rolls
 * back with the write that made {@code S} ahead. {@link #record} joins the transaction open on the calling thread
 * in the ledger's database.
 */
public interface DivergenceLedger {

    /** Records a key of a migration with the side that is ahead, or replaces its entry. */
    void record(String migration, String key, Side ahead, DivergenceCause cause, String detail);

    /** Up to {@code limit} entries of a migration, oldest first. */
    List<Entry> entries(String migration, int limit);

    /** Up to {@code limit} entries of a migration whose side ahead is {@code ahead}, oldest first. */
    List<Entry> entries(String migration, Side ahead, int limit);

    /**
     * Locks the entry of a key ahead on {@code ahead} until the transaction open on this thread in the ledger's
     * database ends, if it is recorded; false when it is not (another copy already brought the key over). A copy
     * takes this lock before it reads the key, and a write records its intent (taking the same row) before it
     * writes the key, so that a copy and a write of one key are ordered by this row even where the key's own row
     * is absent (a delete) and a locking read of it locks nothing.
     */
    boolean lock(String migration, String key, Side ahead);

    /** The entry of one key of a migration, if recorded. */
    java.util.Optional<Entry> find(String migration, String key);

    /** How many keys of the migration are recorded. */
    long size(String migration);

    /** How many keys of the migration are recorded with {@code ahead} as the side ahead. */
    long size(String migration, Side ahead);

    /**
     * Removes a key's entry if its side ahead is still {@code ahead}; true if removed. Callers hold a lock on the
     * key's row on that side, so that no write of the key can commit in between.
     */
    boolean resolve(String migration, String key, Side ahead);

    /**
     * The fence of a migration in this ledger's database: writes and copies routed by a phase version below it are
     * refused here; 0 when none was raised. Joins the transaction open on this thread and holds a shared lock on
     * the fence until it ends, so that raising the fence waits for every write that passed it.
     */
    long fence(String migration);

    /** Whether the migration's fence row exists in this ledger's database. */
    boolean hasFence(String migration);

    /**
     * Sets the fence of a migration in this ledger's database (in a transaction of its own, which waits for the
     * writes that hold the fence shared): what a move that hands the source of truth over does first.
     */
    void setFence(String migration, long belowVersion);

    /**
     * The identity of the fence's latest raise: every {@link #setFence} gives it a new one, so that a fence raised
     * again to the same version is told apart from one left raised. 0 when none was raised. Takes no lock.
     */
    long fenceRaise(String migration);

    /**
     * Lowers the fence to {@code belowVersion} only if it is still the raise {@code raiseId} found: a fence left
     * raised by a move whose instance died, which no live move has raised again since.
     *
     * @return whether it was lowered
     */
    boolean lowerAbandonedFence(String migration, long raiseId, long belowVersion);

    /** Why a key was recorded. */
    enum DivergenceCause {
        /**
         * A write across two databases committed on the side ahead and has not reached the other side yet: the
         * copy runs right after the commit, or the repairer completes it if the process died first.
         */
        WRITE_IN_PROGRESS,
        /** The write to the second side failed while the source of truth's write committed. */
        SECONDARY_WRITE_FAILED,
        /** A verification found the two sides different. */
        VERIFICATION
    }

    /** One recorded key. */
    record Entry(String migration, String key, Side ahead, DivergenceCause cause, String detail, Instant recordedAt) {}
}
