package io.dualwrite.core.shadow;

/** How one sampled read compared with the other side. */
public enum ShadowResult {
    /** Both sides agree (or both have no value). */
    MATCH,
    /** Both sides have a value, and they are not equivalent, on both looks. */
    MISMATCH,
    /** The source of truth has a value, the candidate none, on both looks. */
    MISSING_IN_CANDIDATE,
    /** The candidate has a value, the source of truth none, on both looks. */
    UNEXPECTED_IN_CANDIDATE,
    /** The candidate's read failed or timed out. The caller never sees this. */
    CANDIDATE_ERROR,
    /**
     * The comparison was dropped: the shadow-read executor was full, the comparison budget spent, or the
     * candidate's circuit breaker open.
     */
    SKIPPED,
    /** The candidate lacks a key the backfill has not reached yet: expected, not divergence. */
    NOT_YET_BACKFILLED;

    /** Whether this result found the sides different: a mismatch, a value missing or unexpected in the candidate. */
    public boolean isMismatch() {
        return this == MISMATCH || this == MISSING_IN_CANDIDATE || this == UNEXPECTED_IN_CANDIDATE;
    }
}
