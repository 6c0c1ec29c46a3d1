package io.dualwrite.core.verify;

/** Where a migration's latest full verification stands. */
public enum VerificationState {
    /** Never run. */
    IDLE,
    /** Walking the key range; resumes from its checkpoint if interrupted. */
    RUNNING,
    /** Walked every key. */
    COMPLETED,
    /** Stopped on an error; the reason is recorded. */
    FAILED
}
