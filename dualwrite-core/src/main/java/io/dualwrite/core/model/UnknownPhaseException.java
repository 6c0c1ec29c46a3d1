package io.dualwrite.core.model;

import java.util.Arrays;

/** A phase name that is not one of {@link MigrationPhase}'s. */
public class UnknownPhaseException extends DualWriteException {

    public UnknownPhaseException(String text) {
        super("Unknown phase '" + text + "'; expected one of " + Arrays.toString(MigrationPhase.values()));
    }
}
