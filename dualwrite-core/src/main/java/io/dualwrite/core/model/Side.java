package io.dualwrite.core.model;

/** One of the two representations of a migrated entity. */
public enum Side {
    /** The representation the application used before the migration. */
    OLD,
    /** The representation the application moves to. */
    NEW;

    /** Returns the other side. */
    public Side other() {
        return this == OLD ? NEW : OLD;
    }
}
