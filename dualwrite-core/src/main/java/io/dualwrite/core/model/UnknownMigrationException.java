package io.dualwrite.core.model;

import java.util.Collection;
import java.util.TreeSet;

/** A migration name that no registered migration has. */
public class UnknownMigrationException extends DualWriteException {

    private final String migration;

    public UnknownMigrationException(String migration, Collection<String> known) {
        super("Unknown migration '" + migration + "'; registered migrations are " + new TreeSet<>(known));
        this.migration = migration;
    }

    public String migration() {
        return migration;
    }
}
