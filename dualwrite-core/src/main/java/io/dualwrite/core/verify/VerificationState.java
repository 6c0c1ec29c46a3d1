package io.dualwrite.core.verify;

/** Where a migration's latest full verification stands. */
public enum VerificationState {
    /** Never run. */
    IDLE,
    /** Walking the key range; resumes from its checkpoint if interrupted in the same phase version. */
    RUNNING,
    /** Walked every key. */
    COMPLETED,
    /** Stopped on an error, or because the phase moved during it; the reason is recorded. */
    FAILED,
    /** Stopped by a request; the reason is recorded. A new verification starts from the first key. */
    CANCELLED
}
