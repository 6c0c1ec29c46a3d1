package io.dualwrite.core.model;

import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** An allowed move that gates refused; every failing gate is listed with its evidence. Nothing changed. */
public class TransitionRefusedException extends DualWriteException {

    private final String migration;
    private final @Nullable PhaseTransition transition;
    private final List<GateResult> failedGates;

    public TransitionRefusedException(String migration, PhaseTransition transition, List<GateResult> failedGates) {
        super("Migration '" + migration + "' cannot move from " + transition.from() + " to " + transition.to()
                + " yet: "
                + failedGates.stream()
                        .map(g -> g.name() + " (" + g.detail() + ")")
                        .collect(Collectors.joining("; "))
                + ". Wait for the evidence, or force the move with a reason");
        this.migration = migration;
        this.transition = transition;
        this.failedGates = List.copyOf(failedGates);
    }

    private TransitionRefusedException(String migration, List<GateResult> failedGates, String message) {
        super(message);
        this.migration = migration;
        this.transition = null;
        this.failedGates = List.copyOf(failedGates);
    }

    /** Finishing a migration in DROP_OLD refused by its gates (see {@code ManagedMigration.finish}). */
    public static TransitionRefusedException finishing(String migration, List<GateResult> failedGates) {
        return new TransitionRefusedException(
                migration,
                failedGates,
                "Migration '" + migration + "' cannot be finished yet: "
                        + failedGates.stream()
                                .map(g -> g.name() + " (" + g.detail() + ")")
                                .collect(Collectors.joining("; "))
                        + ". Wait for the evidence, or force it with a reason");
    }

    public String migration() {
        return migration;
    }

    /** The refused move; null when finishing was refused. */
    public @Nullable PhaseTransition transition() {
        return transition;
    }

    public List<GateResult> failedGates() {
        return failedGates;
    }
}
