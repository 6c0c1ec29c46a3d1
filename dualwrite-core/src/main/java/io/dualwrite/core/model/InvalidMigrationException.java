package io.dualwrite.core.model;

/**
 * A migration definition or registration that cannot work: a missing part, a duplicate name, a mapping that
 * changes the key. The message names the migration and what to fix.
 */
public class InvalidMigrationException extends DualWriteException {

    public InvalidMigrationException(String message) {
        super(message);
    }
}
