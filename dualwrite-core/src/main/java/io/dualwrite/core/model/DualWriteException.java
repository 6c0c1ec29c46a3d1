package io.dualwrite.core.model;

/** The root of every exception dualwrite throws. Unchecked, like the data access exceptions it sits beside. */
public class DualWriteException extends RuntimeException {

    public DualWriteException(String message) {
        super(message);
    }

    public DualWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
