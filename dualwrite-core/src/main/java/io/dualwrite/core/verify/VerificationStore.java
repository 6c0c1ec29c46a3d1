package io.dualwrite.core.verify;

import java.time.Instant;
import java.util.Optional;

/** Where the progress of each migration's latest full verification is kept, shared by every instance. */
public interface VerificationStore {

    Optional<VerificationProgress> find(String migration);

    /** Replaces whatever is stored by a fresh RUNNING verification started in the given phase version. */
    VerificationProgress start(String migration, long phaseVersion, Instant now);

    /**
     * Records a verified chunk of a RUNNING verification.
     *
     * @return false when the verification is no longer RUNNING (it was cancelled): the caller stops
     */
    boolean checkpoint(
            String migration, String lastKey, long rowsChecked, long divergences, long inFlight, Instant now);

    /** Marks the RUNNING verification CANCELLED with a reason; true if one was running. */
    boolean cancel(String migration, String reason, Instant now);

    /** Marks the RUNNING verification COMPLETED. */
    void complete(String migration, Instant now);

    /** Marks the RUNNING verification FAILED with a reason. */
    void fail(String migration, String reason, Instant now);
}
