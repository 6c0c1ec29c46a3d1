package io.dualwrite.core;

import io.dualwrite.core.model.GateResult;
import io.dualwrite.core.model.IllegalPhaseTransitionException;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.model.TransitionRefusedException;
import io.dualwrite.core.phase.AuditEntry;
import io.dualwrite.core.phase.PhaseState;
import io.dualwrite.core.shadow.ShadowReadStats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the migrations whose {@link AutopilotOptions} are enabled, one step per tick: rolls back one phase when a
 * rate crosses its threshold (and then stops until an operator moves the migration), otherwise does what the next
 * move's gates wait for (a verification once the copy is done, a repair of the ledger) and advances once every
 * gate has held for the soak time. Several instances may run it: a move is a compare-and-set, so only one wins.
 */
final class Autopilot {

    private static final Logger log = LoggerFactory.getLogger(Autopilot.class);

    private final Function<String, ManagedMigration<?, ?, ?>> migrations;
    private final Map<String, AutopilotOptions> options;
    private final ExecutorService maintenance;
    private final Clock clock;
    private final Map<String, Passing> passing = new ConcurrentHashMap<>();
    private final Map<String, Baseline> baselines = new ConcurrentHashMap<>();
    private final Map<String, Future<?>> verifications = new ConcurrentHashMap<>();

    Autopilot(
            Function<String, ManagedMigration<?, ?, ?>> migrations,
            Map<String, AutopilotOptions> options,
            ExecutorService maintenance,
            Clock clock) {
        this.migrations = migrations;
        this.options = Map.copyOf(options);
        this.maintenance = maintenance;
        this.clock = clock;
    }

    void tick() {
        options.forEach((name, settings) -> {
            try {
                step(name, settings);
            } catch (RuntimeException e) {
                log.warn("Autopilot of migration '{}': {}", name, e.toString());
            }
        });
    }

    /** Whether the autopilot is enabled for the migration. */
    boolean drives(String name) {
        return options.containsKey(name);
    }

    /**
     * Whether the autopilot stopped itself (it rolled the migration back, or decided it must not roll back) and no
     * one moved the migration since.
     */
    boolean halted(String name) {
        return migrations.apply(name).auditTrail(20).stream()
                .filter(e -> e.event().movesPhase() || stoppedItself(e))
                .findFirst()
                .map(e -> stoppedItself(e)
                        || (e.event() == AuditEntry.Event.ROLLED_BACK && AutopilotOptions.ACTOR.equals(e.actor())))
                .orElse(false);
    }

    /** A rollback the autopilot refused itself, or that the handover rules refused it. */
    private static boolean stoppedItself(AuditEntry entry) {
        return entry.event() == AuditEntry.Event.REFUSED
                && AutopilotOptions.ACTOR.equals(entry.actor())
                && entry.to().order() < entry.from().order();
    }

    private void step(String name, AutopilotOptions settings) {
        if (halted(name)) {
            return;
        }
        PhaseState state = migrations.apply(name).state();
        Optional<Alarm> alarm = alarm(name, state, settings);
        if (alarm.isPresent() && state.phase().previous().isPresent()) {
            rollBackOrStop(name, state, alarm.get());
            return;
        }
        if (state.phase().order() >= settings.finalPhase().order()) {
            return;
        }
        MigrationPhase next = state.phase().next().orElseThrow();
        if (state.phase().writeOrder().size() == 2 && migrations.apply(name).ledgerSize() > 0) {
            migrations.apply(name).repair(1_000);
        }
        List<GateResult> gates = migrations.apply(name).gates(next);
        verifyIfTheGateWaitsForIt(name, gates);
        if (!gates.stream().allMatch(GateResult::passed)) {
            passing.remove(name);
            return;
        }
        Instant now = clock.instant();
        Passing since = passing.compute(
                name, (n, p) -> p != null && p.version() == state.version() ? p : new Passing(state.version(), now));
        if (Duration.between(since.since(), now).compareTo(settings.soak()) < 0) {
            return;
        }
        passing.remove(name);
        migrations
                .apply(name)
                .transition(
                        next,
                        TransitionRequest.by(
                                AutopilotOptions.ACTOR,
                                "every gate held for " + settings.soak() + ": "
                                        + gates.stream().map(GateResult::name).collect(Collectors.joining(", "))));
    }

    /**
     * Rolls back one phase, unless the rollback would hand the source of truth to the side whose writes are failing
     * (an outage there is a reason to stop, not to move towards it), or the handover rules refuse it; either way the
     * autopilot stops until an operator moves the migration.
     */
    private void rollBackOrStop(String name, PhaseState state, Alarm alarm) {
        MigrationPhase target = state.phase().previous().orElseThrow();
        TransitionRequest request = TransitionRequest.by(
                AutopilotOptions.ACTOR,
                alarm.reason() + "; the autopilot stops here until an operator moves the migration");
        if (alarm.failingSide() != null && target.sourceOfTruth() == alarm.failingSide()) {
            String why = "a rollback to " + target + " would make the " + alarm.failingSide() + " side the source of"
                    + " truth, and writes to it are failing: " + alarm.reason()
                    + "; the autopilot stops instead of rolling back";
            log.warn("Autopilot of migration '{}' stops in {}: {}", name, state.phase(), why);
            migrations
                    .apply(name)
                    .refuse(
                            target,
                            TransitionRequest.by(AutopilotOptions.ACTOR, why),
                            List.of(GateResult.fail("autopilot-rollback", why)));
            return;
        }
        log.warn("Autopilot of migration '{}' rolls back from {}: {}", name, state.phase(), alarm.reason());
        try {
            migrations.apply(name).transition(target, request);
        } catch (TransitionRefusedException | IllegalPhaseTransitionException refused) {
            log.warn(
                    "Autopilot of migration '{}' stops in {}: its rollback was refused: {}",
                    name,
                    state.phase(),
                    refused.getMessage());
        }
    }

    /**
     * Starts a full verification when the move's gates wait for one once the copy is complete (the verification
     * gate, evaluated by the gates themselves, fails while the backfill gate passes), unless one is running.
     */
    private void verifyIfTheGateWaitsForIt(String name, List<GateResult> gates) {
        boolean copied = gates.stream().anyMatch(g -> g.name().equals(EvidenceGates.BACKFILL_COMPLETED) && g.passed());
        boolean unverified = gates.stream().anyMatch(g -> g.name().equals(EvidenceGates.VERIFIED) && !g.passed());
        Future<?> running = verifications.get(name);
        if (copied && unverified && migrations.apply(name).hasVerification() && (running == null || running.isDone())) {
            log.info("Autopilot of migration '{}' starts a full verification: the copy is complete", name);
            verifications.put(
                    name, maintenance.submit(() -> migrations.apply(name).verify()));
        }
    }

    /** Why the autopilot wants to roll back, and the side whose writes fail, if that is the reason. */
    private record Alarm(String reason, @org.jspecify.annotations.Nullable Side failingSide) {}

    /** A reason to roll back now, if a rate in the current phase crossed its threshold. */
    private Optional<Alarm> alarm(String name, PhaseState state, AutopilotOptions settings) {
        ShadowReadStats shadow = migrations.apply(name).shadowReads().phaseStats(state.version());
        if (shadow.compared() >= settings.minSamples() && shadow.mismatchRate() > settings.rollbackMismatchRate()) {
            return Optional.of(new Alarm(
                    "shadow-read mismatch rate " + shadow.mismatchRate() + " (" + shadow.mismatches()
                            + " of " + shadow.compared() + " comparisons in " + state.phase() + ") is above "
                            + settings.rollbackMismatchRate(),
                    null));
        }
        DualRepository<?, ?, ?> repository = migrations.apply(name).repository();
        Baseline baseline = baselines.compute(
                name,
                (n, b) -> b != null && b.version() == state.version()
                        ? b
                        : new Baseline(
                                state.version(),
                                repository.secondaryWriteAttempts(),
                                repository.secondaryWriteFailures()));
        long attempts = repository.secondaryWriteAttempts() - baseline.attempts();
        long failures = repository.secondaryWriteFailures() - baseline.failures();
        if (attempts >= settings.minSamples() && (double) failures / attempts > settings.rollbackWriteErrorRate()) {
            return Optional.of(new Alarm(
                    "error rate of writes to the other database " + ((double) failures / attempts) + " ("
                            + failures + " of " + attempts + " in " + state.phase() + ") is above "
                            + settings.rollbackWriteErrorRate(),
                    state.phase().writeOrder().get(1)));
        }
        return Optional.empty();
    }

    private record Passing(long version, Instant since) {}

    private record Baseline(long version, long attempts, long failures) {}
}
