package io.dualwrite.core.model;

/**
 * This instance refuses writes of a migration because it could not report to the instance registry for too long:
 * the other instances stop waiting for an instance that does not report, so its writes could be routed by a phase
 * the others have left. Nothing was written; writes resume once the registry's database answers again.
 */
public class WriteFenceException extends DualWriteException {

    public WriteFenceException(String message) {
        super(message);
    }
}
