package io.dualwrite.core;

/**
 * The write to the second side failed under {@link SecondaryFailurePolicy#FAIL}; the write to the source of
 * truth was rolled back with it.
 */
public class SecondaryWriteException extends DualWriteException {

    public SecondaryWriteException(String migration, Side side, Throwable cause) {
        super(
                "Migration '" + migration + "': the write to the " + side
                        + " side failed, so the whole write was rolled"
                        + " back (policy FAIL; choose RECORD_FOR_REPAIR to keep serving while that side is down)",
                cause);
    }
}
