package io.dualwrite.core.model;

/** A store or dualwrite's own tables could not be read or written; the cause says why. */
public class StoreException extends DualWriteException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
