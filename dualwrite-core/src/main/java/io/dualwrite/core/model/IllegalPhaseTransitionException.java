package io.dualwrite.core.model;

import java.util.stream.Collectors;

/** A move between two phases that the phase model does not allow, such as skipping a phase. */
public class IllegalPhaseTransitionException extends DualWriteException {

    private final String migration;
    private final MigrationPhase from;
    private final MigrationPhase to;

    public IllegalPhaseTransitionException(String migration, MigrationPhase from, MigrationPhase to) {
        super("Migration '" + migration + "' cannot move from " + from + " to " + to + "; allowed from " + from + ": "
                + allowedFrom(from) + " (phases move one step at a time, forward or back)");
        this.migration = migration;
        this.from = from;
        this.to = to;
    }

    /** A refused move with a message of its own, such as advancing past the last phase. */
    public IllegalPhaseTransitionException(String migration, MigrationPhase from, MigrationPhase to, String message) {
        super(message);
        this.migration = migration;
        this.from = from;
        this.to = to;
    }

    private static String allowedFrom(MigrationPhase from) {
        return java.util.Arrays.stream(PhaseTransition.values())
                .filter(t -> t.from() == from)
                .map(t -> t.to().name())
                .collect(Collectors.joining(", "));
    }

    public String migration() {
        return migration;
    }

    public MigrationPhase from() {
        return from;
    }

    public MigrationPhase to() {
        return to;
    }
}
