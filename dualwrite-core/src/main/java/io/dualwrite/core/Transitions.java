package io.dualwrite.core;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.internal.runtime.PhaseCache;
import io.dualwrite.core.model.ConcurrentTransitionException;
import io.dualwrite.core.model.GateResult;
import io.dualwrite.core.model.IllegalPhaseTransitionException;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.PhaseTransition;
import io.dualwrite.core.model.TransitionRefusedException;
import io.dualwrite.core.phase.AuditEntry;
import io.dualwrite.core.phase.PhaseState;
import io.dualwrite.core.phase.PhaseStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transition protocol: a move is previewed against its evidence gates, then (across two databases) fences the
 * side being left, drains the keys only that side holds, evaluates the handover rules and the gates again, and
 * commits with a compare-and-set on the phase version, audited with every gate's result. A refused move is audited
 * too and changes nothing (its fences are lowered). See docs/safety.md, "The handover protocol".
 */
final class Transitions {

    private static final Logger log = LoggerFactory.getLogger(Transitions.class);

    private final PhaseStore store;
    private final PhaseCache phases;
    private final Handover handover;
    private final EvidenceGates evidence;
    private final List<TransitionGuard> guards;
    private final InstanceBarrier barrier;
    private final MoveEffects effects;
    private final Clock clock;

    Transitions(
            PhaseStore store,
            PhaseCache phases,
            Handover handover,
            EvidenceGates evidence,
            List<TransitionGuard> guards,
            InstanceBarrier barrier,
            MoveEffects effects,
            Clock clock) {
        this.store = store;
        this.phases = phases;
        this.handover = handover;
        this.evidence = evidence;
        this.guards = List.copyOf(guards);
        this.barrier = barrier;
        this.effects = effects;
        this.clock = clock;
    }

    /** What every gate says now about the move to {@code target}; a preview: nothing is drained or changed. */
    List<GateResult> gates(Migration<?, ?, ?> migration, MigrationPhase target) {
        PhaseState current = phases.refresh(migration.name());
        PhaseTransition transition = PhaseTransition.between(migration.name(), current.phase(), target);
        List<GateResult> gates = new ArrayList<>(handover.evaluate(migration, transition, false));
        gates.addAll(evaluate(migration, transition, current));
        return gates;
    }

    /** The move to {@code target}, as {@link ManagedMigration#transition} describes it. */
    PhaseState transition(Migration<?, ?, ?> migration, MigrationPhase target, TransitionRequest request) {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(request, "request");
        PhaseState current = phases.refresh(migration.name());
        refuseIfFinished(migration.name(), current, target);
        PhaseTransition transition = PhaseTransition.between(migration.name(), current.phase(), target);
        // Evidence first, so that a move its gates refuse does not fence anything (the ledger is drained below).
        List<GateResult> preview = evaluate(migration, transition, current);
        boolean previewFails =
                preview.stream().anyMatch(g -> !g.passed() && !g.name().equals(EvidenceGates.LEDGER_EMPTY));
        if (previewFails && !request.force()) {
            List<GateResult> evidence = new ArrayList<>(handover.evaluate(migration, transition, false));
            evidence.addAll(preview);
            throw refusal(current, target, transition, request, evidence);
        }
        HandoverFences fences = HandoverFences.raise(migration, transition, current);
        try {
            List<GateResult> rules = new ArrayList<>(fences.evidence());
            rules.addAll(handover.evaluate(migration, transition, true));
            List<GateResult> evidence = new ArrayList<>(rules);
            evidence.addAll(evaluate(migration, transition, current));
            boolean rulesFail = rules.stream().anyMatch(g -> !g.passed());
            boolean gatesFail = evidence.stream().anyMatch(g -> !g.passed());
            if (rulesFail ? !request.acceptDataLoss() : gatesFail && !request.force()) {
                lowerUnlessMovedMeanwhile(fences, current);
                throw refusal(current, target, transition, request, evidence);
            }
            if (rulesFail) {
                evidence.add(handover.giveUp(migration, transition));
                log.warn(
                        "Migration '{}': {} accepted data loss: {}",
                        migration.name(),
                        request.actor(),
                        evidence.get(evidence.size() - 1).detail());
            }
            return commit(current, target, transition, request, evidence, fences);
        } catch (ConcurrentTransitionException e) {
            // Another move committed from the same version and needs the fences this one raised: keep them.
            throw e;
        } catch (RuntimeException e) {
            lowerUnlessMovedMeanwhile(fences, current); // a no-op once the move committed
            throw e;
        }
    }

    /** The gate a finished migration shows: nothing moves any more. */
    static final String FINISHED_GATE = "finished";

    /** The gate of finishing itself, which says what it means. */
    static final String POINT_OF_NO_RETURN_GATE = "point-of-no-return";

    /**
     * Finishes the migration in DROP_OLD: the point of no return, audited as {@link AuditEntry.Event#FINISHED} with a
     * new phase version (so every instance reports it), after which no move is allowed. With an instance registry,
     * every live instance must apply DROP_OLD first (a forced request overrides that, audited).
     */
    PhaseState finish(Migration<?, ?, ?> migration, TransitionRequest request) {
        Objects.requireNonNull(request, "request");
        String name = migration.name();
        PhaseState current = phases.refresh(name);
        refuseIfFinished(name, current, MigrationPhase.DROP_OLD);
        if (current.phase() != MigrationPhase.DROP_OLD) {
            throw new IllegalPhaseTransitionException(
                    name,
                    current.phase(),
                    MigrationPhase.DROP_OLD,
                    "Migration '" + name + "' can be finished only in DROP_OLD, but it is in " + current.phase()
                            + "; move it forward first");
        }
        List<GateResult> evidence = new ArrayList<>();
        if (barrier.knowsInstances()) {
            evidence.add(barrier.gate(name));
        }
        evidence.addAll(this.evidence.finishing(migration, current));
        evidence.add(GateResult.pass(
                POINT_OF_NO_RETURN_GATE,
                "finishing cannot be undone: no move back to READ_NEW is allowed afterwards, so the old side may be"
                        + " dropped; the migration keeps reading and writing NEW only"));
        boolean gatesFail = evidence.stream().anyMatch(g -> !g.passed());
        if (gatesFail && !request.force()) {
            store.audit(entry(
                    current, MigrationPhase.DROP_OLD, AuditEntry.Event.REFUSED, current.version(), request, evidence));
            throw TransitionRefusedException.finishing(
                    name, evidence.stream().filter(g -> !g.passed()).toList());
        }
        PhaseState next = store.transition(
                current,
                entry(
                        current,
                        MigrationPhase.DROP_OLD,
                        AuditEntry.Event.FINISHED,
                        current.version() + 1,
                        request,
                        evidence));
        phases.accept(next);
        barrier.moved(next);
        log.info("Migration '{}' finished by {}: {}", name, request.actor(), request.reason());
        return next;
    }

    /**
     * What the gates of finishing say now, a preview: the barrier (with a registry) and the old side's use; empty
     * before DROP_OLD.
     */
    List<GateResult> finishingGates(Migration<?, ?, ?> migration) {
        PhaseState current = phases.refresh(migration.name());
        if (current.phase() != MigrationPhase.DROP_OLD) {
            return List.of();
        }
        List<GateResult> gates = new ArrayList<>();
        if (barrier.knowsInstances()) {
            gates.add(barrier.gate(migration.name()));
        }
        gates.addAll(evidence.finishing(migration, current));
        return gates;
    }

    /** A finished migration moves no more: the point of no return was passed. */
    private void refuseIfFinished(String name, PhaseState current, MigrationPhase target) {
        store.finished(name).ifPresent(finished -> {
            throw new IllegalPhaseTransitionException(
                    name,
                    current.phase(),
                    target,
                    "Migration '" + name + "' was finished by " + finished.actor() + " at " + finished.occurredAt()
                            + ": the point of no return; it reads and writes NEW only and no move is allowed."
                            + " Remove its bean and use the NEW store directly (docs/finishing.md)");
        });
    }

    /** Audits a move that a component (the autopilot) decided not to make, with its reason; changes nothing. */
    void refuse(String name, MigrationPhase target, TransitionRequest request, List<GateResult> evidence) {
        PhaseState current = phases.refresh(name);
        store.audit(entry(current, target, AuditEntry.Event.REFUSED, current.version(), request, evidence));
    }

    /** Lowers a refused move's fences, unless another move committed meanwhile and needs them. */
    private void lowerUnlessMovedMeanwhile(HandoverFences fences, PhaseState current) {
        if (store.find(current.migration()).map(PhaseState::version).orElse(-1L) == current.version()) {
            fences.lower();
        }
    }

    /** Audits a refused move and returns the exception that says why. */
    private TransitionRefusedException refusal(
            PhaseState current,
            MigrationPhase target,
            PhaseTransition transition,
            TransitionRequest request,
            List<GateResult> evidence) {
        store.audit(entry(current, target, AuditEntry.Event.REFUSED, current.version(), request, evidence));
        return new TransitionRefusedException(
                current.migration(),
                transition,
                evidence.stream().filter(g -> !g.passed()).toList());
    }

    private PhaseState commit(
            PhaseState current,
            MigrationPhase target,
            PhaseTransition transition,
            TransitionRequest request,
            List<GateResult> evidence,
            HandoverFences fences) {
        AuditEntry.Event event = request.force()
                ? AuditEntry.Event.FORCED
                : transition.isRollback() ? AuditEntry.Event.ROLLED_BACK : AuditEntry.Event.ADVANCED;
        PhaseState next =
                store.transition(current, entry(current, target, event, current.version() + 1, request, evidence));
        fences.committed(next.version()); // they stay raised: writes of the previous phase must not commit any more
        phases.accept(next);
        barrier.moved(next);
        effects.apply(transition, next);
        this.evidence.moved(next);
        log.info(
                "Migration '{}' moved from {} to {} by {} ({}): {}",
                current.migration(),
                current.phase(),
                target,
                request.actor(),
                event,
                request.reason());
        return next;
    }

    private AuditEntry entry(
            PhaseState current,
            MigrationPhase target,
            AuditEntry.Event event,
            long version,
            TransitionRequest request,
            List<GateResult> evidence) {
        return new AuditEntry(
                current.migration(),
                event,
                current.phase(),
                target,
                version,
                request.actor(),
                request.reason(),
                evidence,
                clock.instant());
    }

    private List<GateResult> evaluate(Migration<?, ?, ?> migration, PhaseTransition transition, PhaseState current) {
        List<GateResult> results = new ArrayList<>();
        if (barrier.knowsInstances() && !transition.isRollback()) {
            results.add(barrier.gate(migration.name()));
        }
        results.addAll(evidence.evaluate(migration, transition, current));
        for (TransitionGuard guard : guards) {
            try {
                results.addAll(guard.evaluate(migration, transition));
            } catch (RuntimeException e) {
                log.warn("Guard {} failed to evaluate {} of '{}'", guard, transition, migration.name(), e);
                results.add(GateResult.fail(guard.getClass().getSimpleName(), "could not be evaluated: " + e));
            }
        }
        return results;
    }
}
