package io.dualwrite.core.verify;

import java.time.Instant;
import java.util.Optional;

/** Where the progress of each migration's latest full verification is kept, shared by every instance. */
public interface VerificationStore {

    Optional<VerificationProgress> find(String migration);

    /** Replaces whatever is stored by a fresh RUNNING verification started in the given phase version. */
    VerificationProgress start(String migration, long phaseVersion, Instant now);

    /**
     * Records a verified chunk of the RUNNING verification started at {@code run} (its {@code startedAt}).
     *
     * @return false when that run is no longer RUNNING (it was cancelled, or a newer run replaced it): the caller
     *     stops
     */
    boolean checkpoint(
            String migration,
            Instant run,
            String lastKey,
            long rowsChecked,
            long divergences,
            long inFlight,
            Instant now);

    /** Marks the RUNNING verification started at {@code run} COMPLETED. */
    void complete(String migration, Instant run, Instant now);

    /** Marks the RUNNING verification started at {@code run} FAILED with a reason. */
    void fail(String migration, Instant run, String reason, Instant now);

    /** Marks whatever verification is RUNNING CANCELLED with a reason; true if one was running. */
    boolean cancel(String migration, String reason, Instant now);
}
