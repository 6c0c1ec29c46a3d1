package io.dualwrite.core.model;

/**
 * Under {@link SecondaryFailurePolicy#FAIL}, a write across two databases did not reach its second side: either it
 * was refused before anything was written (that side's circuit breaker is open), or it committed on the source of
 * truth and its copy to the second side failed, in which case the key waits in the divergence ledger for repair.
 * {@link #committed()} tells which.
 */
public class SecondaryWriteException extends DualWriteException {

    private final boolean committed;

    private SecondaryWriteException(String message, boolean committed, Throwable cause) {
        super(message, cause);
        this.committed = committed;
    }

    /** The write was refused and nothing was written. */
    public static SecondaryWriteException refused(String migration, Side side, Throwable cause) {
        return new SecondaryWriteException(
                "Migration '" + migration + "': the " + side + " side is unavailable, so the write was refused and"
                        + " nothing was written (policy FAIL; choose RECORD_FOR_REPAIR to keep serving while that"
                        + " side is down)",
                false,
                cause);
    }

    /** The write committed on {@code primary} and waits in the ledger for its copy to {@code side}. */
    public static SecondaryWriteException committed(String migration, Side primary, Side side, Throwable cause) {
        return new SecondaryWriteException(
                "Migration '" + migration + "': the write committed on the " + primary + " side (the source of"
                        + " truth), but the copy to the " + side + " side failed; the key waits in the divergence"
                        + " ledger and the repairer copies it once that side answers (policy FAIL reports this;"
                        + " RECORD_FOR_REPAIR only logs it)",
                true,
                cause);
    }

    /** Whether the write committed on the source of truth (and only its copy to the other side failed). */
    public boolean committed() {
        return committed;
    }
}
