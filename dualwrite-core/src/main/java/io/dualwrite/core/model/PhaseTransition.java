package io.dualwrite.core.model;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every move between phases that a migration may make: each step forward and each step back.
 *
 * <p>Whether an allowed move is also <em>safe</em> at a given moment is decided separately, by the
 * {@link TransitionGuard}s of the {@link DualWrite} instance.
 */
public enum PhaseTransition {
    OLD_ONLY_TO_DUAL_WRITE(MigrationPhase.OLD_ONLY, MigrationPhase.DUAL_WRITE),
    DUAL_WRITE_TO_BACKFILL(MigrationPhase.DUAL_WRITE, MigrationPhase.BACKFILL),
    BACKFILL_TO_READ_NEW(MigrationPhase.BACKFILL, MigrationPhase.READ_NEW),
    READ_NEW_TO_DROP_OLD(MigrationPhase.READ_NEW, MigrationPhase.DROP_OLD),
    DUAL_WRITE_TO_OLD_ONLY(MigrationPhase.DUAL_WRITE, MigrationPhase.OLD_ONLY),
    BACKFILL_TO_DUAL_WRITE(MigrationPhase.BACKFILL, MigrationPhase.DUAL_WRITE),
    READ_NEW_TO_BACKFILL(MigrationPhase.READ_NEW, MigrationPhase.BACKFILL),
    /** Straight back to dual writes from READ_NEW: the old side was kept current, nothing needs copying. */
    READ_NEW_TO_DUAL_WRITE(MigrationPhase.READ_NEW, MigrationPhase.DUAL_WRITE),
    DROP_OLD_TO_READ_NEW(MigrationPhase.DROP_OLD, MigrationPhase.READ_NEW);

    private final MigrationPhase from;
    private final MigrationPhase to;

    PhaseTransition(MigrationPhase from, MigrationPhase to) {
        this.from = from;
        this.to = to;
    }

    public MigrationPhase from() {
        return from;
    }

    public MigrationPhase to() {
        return to;
    }

    /** Whether this move goes back towards {@link MigrationPhase#OLD_ONLY}. */
    public boolean isRollback() {
        return to.order() < from.order();
    }

    /** The allowed move between two phases, if there is one. */
    public static Optional<PhaseTransition> find(MigrationPhase from, MigrationPhase to) {
        return Arrays.stream(values()).filter(t -> t.from == from && t.to == to).findFirst();
    }

    /**
     * The allowed move between two phases of the named migration.
     *
     * @throws IllegalPhaseTransitionException if the move is not allowed
     */
    public static PhaseTransition between(String migration, MigrationPhase from, MigrationPhase to) {
        return find(from, to).orElseThrow(() -> new IllegalPhaseTransitionException(migration, from, to));
    }
}
