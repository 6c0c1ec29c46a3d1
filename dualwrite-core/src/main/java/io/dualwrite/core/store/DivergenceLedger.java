package io.dualwrite.core.store;

import java.time.Instant;
import java.util.List;

/**
 * A durable list of keys whose two sides may disagree and must be repaired: keys whose second write failed, and
 * keys a verification found divergent. A key is recorded at most once per migration; recording it again refreshes
 * the entry.
 *
 * <p>{@link #record} joins the transaction open on the calling thread in the ledger's database, so that a key is
 * recorded if and only if the write it belongs to commits.
 */
public interface DivergenceLedger {

    /** Records a key of a migration, or refreshes its entry. */
    void record(String migration, String key, DivergenceCause cause, String detail);

    /** Up to {@code limit} entries of a migration, oldest first. */
    List<Entry> entries(String migration, int limit);

    /** How many keys of the migration are recorded. */
    long size(String migration);

    /** Removes a key's entry if it was recorded no later than {@code recordedNoLaterThan}; true if removed. */
    boolean resolve(String migration, String key, Instant recordedNoLaterThan);

    /** Why a key was recorded. */
    enum DivergenceCause {
        /** The write to the second side failed while the source of truth's write committed. */
        SECONDARY_WRITE_FAILED,
        /** A verification found the two sides different. */
        VERIFICATION
    }

    /** One recorded key. */
    record Entry(String migration, String key, DivergenceCause cause, String detail, Instant recordedAt) {}
}
