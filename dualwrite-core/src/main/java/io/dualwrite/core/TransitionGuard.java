package io.dualwrite.core;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.model.GateResult;
import io.dualwrite.core.model.PhaseTransition;
import java.util.List;

/**
 * Decides whether an allowed move is safe now, by evidence: each guard returns the gates it checks for the move,
 * passed or failed. A move is refused when any gate fails, unless an operator forces it with a reason.
 *
 * <p>Guards are consulted only for moves that {@link PhaseTransition} allows.
 */
@FunctionalInterface
public interface TransitionGuard {

    /** The gates this guard checks for the move; empty when it has nothing to say about it. */
    List<GateResult> evaluate(Migration<?, ?, ?> migration, PhaseTransition transition);
}
