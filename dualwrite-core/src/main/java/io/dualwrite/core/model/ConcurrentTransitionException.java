package io.dualwrite.core.model;

/** Another transition of the same migration committed first; reload the phase and decide again. */
public class ConcurrentTransitionException extends DualWriteException {

    public ConcurrentTransitionException(String migration, long expectedVersion, long actualVersion) {
        super("Migration '" + migration + "' changed while this transition was prepared: expected version "
                + expectedVersion + ", but was " + actualVersion + "; reload the status and try again");
    }
}
