package io.dualwrite.core.model;

import java.util.List;
import java.util.stream.Collectors;

/** An allowed move that gates refused; every failing gate is listed with its evidence. Nothing changed. */
public class TransitionRefusedException extends DualWriteException {

    private final String migration;
    private final PhaseTransition transition;
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

    public String migration() {
        return migration;
    }

    public PhaseTransition transition() {
        return transition;
    }

    public List<GateResult> failedGates() {
        return failedGates;
    }
}
