package io.dualwrite.core.model;

/**
 * What a dual write does when the second side's write fails and the two sides live in different databases. (In
 * one database both writes share one transaction, so they succeed or fail together.)
 */
public enum SecondaryFailurePolicy {
    /** Roll back the source of truth's write and throw {@link SecondaryWriteException}. */
    FAIL,
    /**
     * Keep the source of truth's write and record the key in the divergence ledger, in the source of truth's
     * transaction, so that it is repaired later.
     */
    RECORD_FOR_REPAIR
}
