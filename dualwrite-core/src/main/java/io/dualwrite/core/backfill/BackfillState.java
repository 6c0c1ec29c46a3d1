package io.dualwrite.core.backfill;

/** Where a migration's backfill stands. */
public enum BackfillState {
    /** Not started. */
    IDLE,
    /** Copying, or waiting for an instance to take the lease and copy. */
    RUNNING,
    /** Stopped by an operator; resumes from its checkpoint. */
    PAUSED,
    /** Every row up to the upper key fixed at the start was copied. */
    COMPLETED,
    /** Gave up after repeated errors; the reason is recorded. Resumes from its checkpoint. */
    FAILED,
    /** Stopped for good by an operator; a restart starts afresh. */
    CANCELLED
}
