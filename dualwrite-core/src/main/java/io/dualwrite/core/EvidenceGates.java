package io.dualwrite.core;

import io.dualwrite.core.backfill.BackfillProgress;
import io.dualwrite.core.backfill.BackfillState;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.model.GateResult;
import io.dualwrite.core.model.PhaseTransition;
import io.dualwrite.core.phase.PhaseState;
import io.dualwrite.core.shadow.ShadowReadStats;
import io.dualwrite.core.verify.VerificationProgress;
import io.dualwrite.core.verify.VerificationState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * The evidence dualwrite itself requires before a move, each gate reported with its current value and threshold:
 * to READ_NEW, a completed backfill, a clean verification since, an empty ledger and few shadow-read mismatches;
 * to DROP_OLD, a READ_NEW soak, an empty ledger and few mismatches; back from DROP_OLD, a reverse mapping and a
 * readable old side.
 */
final class EvidenceGates {

    static final String BACKFILL_COMPLETED = "backfill-completed";
    static final String VERIFIED = "verified-after-backfill";
    static final String LEDGER_EMPTY = "ledger-empty";
    static final String SHADOW_READS = "shadow-mismatch-rate";
    static final String SOAKED = "read-new-soaked";
    static final String REVERSE_MAPPING = "reverse-mapping";
    static final String OLD_SIDE_READABLE = "old-side-readable";

    private final Function<String, GateOptions> options;
    private final Function<String, Optional<BackfillProgress>> backfill;
    private final Function<String, Optional<VerificationProgress>> verification;
    private final ToLongFunction<String> ledgerSize;
    private final BiFunction<String, Long, Optional<ShadowReadStats>> shadowReads;
    private final Function<PhaseState, Instant> enteredEverywhereAt;
    private final Clock clock;
    private final OldSideGates oldSide;

    EvidenceGates(
            Function<String, GateOptions> options,
            Function<String, Optional<BackfillProgress>> backfill,
            Function<String, Optional<VerificationProgress>> verification,
            ToLongFunction<String> ledgerSize,
            BiFunction<String, Long, Optional<ShadowReadStats>> shadowReads,
            Function<PhaseState, Instant> enteredEverywhereAt,
            OldSideGates oldSide,
            Clock clock) {
        this.oldSide = oldSide;
        this.options = options;
        this.backfill = backfill;
        this.verification = verification;
        this.ledgerSize = ledgerSize;
        this.shadowReads = shadowReads;
        this.enteredEverywhereAt = enteredEverywhereAt;
        this.clock = clock;
    }

    List<GateResult> evaluate(Migration<?, ?, ?> migration, PhaseTransition transition, PhaseState current) {
        String name = migration.name();
        GateOptions thresholds = options.apply(name);
        List<GateResult> gates = new ArrayList<>();
        switch (transition) {
            case BACKFILL_TO_READ_NEW -> {
                if (thresholds.enabled()) {
                    Optional<BackfillProgress> copy = backfill.apply(name);
                    gates.add(backfillCompleted(copy));
                    gates.add(verified(name, copy, current));
                    gates.add(ledgerEmpty(name));
                    gates.add(shadowReads(name, current, thresholds));
                    gates.addAll(oldSide.readNew(migration, current));
                }
            }
            case READ_NEW_TO_DROP_OLD -> {
                if (thresholds.enabled()) {
                    gates.add(soaked(current, thresholds));
                    gates.add(ledgerEmpty(name));
                    gates.add(shadowReads(name, current, thresholds));
                    gates.addAll(oldSide.dropOld(migration));
                }
            }
            case DROP_OLD_TO_READ_NEW -> {
                gates.add(
                        migration.hasReverseMapping()
                                ? GateResult.pass(REVERSE_MAPPING, "a NEW -> OLD mapping is declared")
                                : GateResult.fail(
                                        REVERSE_MAPPING,
                                        "no NEW -> OLD mapping is declared, so the old side cannot be brought up to"
                                                + " date; declare one with toOld(...)"));
                gates.add(oldSideReadable(migration));
            }
            default -> {}
        }
        return gates;
    }

    /** After a committed move: opens the old side's window of the phase entered (its counters' baseline). */
    void moved(PhaseState next) {
        oldSide.opened(next.migration(), next);
    }

    /** The evidence gates of finishing in DROP_OLD: nothing uses the old side any more. */
    List<GateResult> finishing(Migration<?, ?, ?> migration, PhaseState current) {
        return options.apply(migration.name()).enabled() ? oldSide.finish(migration, current) : List.of();
    }

    private static GateResult backfillCompleted(Optional<BackfillProgress> copy) {
        if (copy.isEmpty()) {
            return GateResult.fail(BACKFILL_COMPLETED, "this instance has no backfill store to read the copy from");
        }
        BackfillProgress p = copy.get();
        if (p.state() == BackfillState.COMPLETED) {
            return GateResult.pass(
                    BACKFILL_COMPLETED, "completed at " + p.completedAt() + " (" + p.rowsCopied() + " rows copied)");
        }
        return GateResult.fail(
                BACKFILL_COMPLETED,
                "the backfill is " + p.state() + ": " + p.rowsCopied() + " of about " + p.rowsEstimated()
                        + " rows copied; it must be COMPLETED");
    }

    /**
     * A clean verification counts only if it started in the current phase version, after every live instance
     * applied that phase (its COMPLETED audit entry; entry into the phase without an instance registry) and after
     * the backfill completed: evidence gathered before a move, or before the copy ended, says nothing about now.
     */
    private GateResult verified(String name, Optional<BackfillProgress> copy, PhaseState current) {
        Optional<VerificationProgress> latest = verification.apply(name);
        if (latest.isEmpty()) {
            return GateResult.fail(VERIFIED, "this instance has no verification store; verification cannot be read");
        }
        VerificationProgress v = latest.get();
        Instant notBefore = enteredEverywhereAt.apply(current);
        String since = "every instance applied " + current.phase();
        if (copy.isPresent()
                && copy.get().completedAt() != null
                && copy.get().completedAt().isAfter(notBefore)) {
            notBefore = copy.get().completedAt();
            since = "the backfill completed";
        }
        if (v.state() != VerificationState.COMPLETED || v.completedAt() == null) {
            return GateResult.fail(
                    VERIFIED, "the latest verification is " + v.state() + "; run a full verification (action verify)");
        }
        if (v.phaseVersion() == null
                || v.phaseVersion() != current.version()
                || v.startedAt() == null
                || v.startedAt().isBefore(notBefore)) {
            return GateResult.fail(
                    VERIFIED,
                    "the latest verification started at " + v.startedAt() + " in phase version " + v.phaseVersion()
                            + ", not after " + since + " (version " + current.version()
                            + (notBefore.equals(Instant.MAX) ? ", not yet" : ", " + notBefore)
                            + "); run a full verification now");
        }
        if (v.divergences() > 0) {
            return GateResult.fail(
                    VERIFIED,
                    "the verification completed at " + v.completedAt() + " found " + v.divergences()
                            + " divergent keys; repair them and verify again");
        }
        return GateResult.pass(
                VERIFIED, "completed at " + v.completedAt() + ": " + v.rowsChecked() + " keys compared, 0 divergences");
    }

    private GateResult ledgerEmpty(String name) {
        long size;
        try {
            size = ledgerSize.applyAsLong(name);
        } catch (RuntimeException e) {
            return GateResult.fail(LEDGER_EMPTY, "the divergence ledger cannot be read: " + e.getMessage());
        }
        return size == 0
                ? GateResult.pass(LEDGER_EMPTY, "0 keys wait for repair")
                : GateResult.fail(LEDGER_EMPTY, size + " keys wait for repair; it must be 0 (action repair)");
    }

    private GateResult shadowReads(String name, PhaseState current, GateOptions thresholds) {
        Duration running = Duration.between(current.changedAt(), clock.instant());
        Optional<ShadowReadStats> stats = shadowReads.apply(name, current.version());
        long compared = stats.map(ShadowReadStats::compared).orElse(0L);
        long mismatches = stats.map(ShadowReadStats::mismatches).orElse(0L);
        double rate = compared == 0 ? 0 : (double) mismatches / compared;
        String evidence = mismatches + " mismatches in " + compared + " comparisons (rate " + rate + ", at most "
                + thresholds.maxMismatchRate() + ") over " + round(running) + " in " + current.phase();
        if (compared < thresholds.minShadowSamples()) {
            return GateResult.fail(
                    SHADOW_READS, evidence + "; needs at least " + thresholds.minShadowSamples() + " comparisons");
        }
        if (running.compareTo(thresholds.minShadowTime()) < 0) {
            return GateResult.fail(SHADOW_READS, evidence + "; needs at least " + thresholds.minShadowTime());
        }
        if (rate > thresholds.maxMismatchRate()) {
            return GateResult.fail(SHADOW_READS, evidence + "; the rate is above the threshold");
        }
        return GateResult.pass(SHADOW_READS, evidence);
    }

    private GateResult soaked(PhaseState current, GateOptions thresholds) {
        Duration running = Duration.between(current.changedAt(), clock.instant());
        String evidence = "READ_NEW has run " + round(running) + " of the " + thresholds.readNewSoak() + " soak";
        return running.compareTo(thresholds.readNewSoak()) >= 0
                ? GateResult.pass(SOAKED, evidence)
                : GateResult.fail(SOAKED, evidence);
    }

    private static GateResult oldSideReadable(Migration<?, ?, ?> migration) {
        try {
            migration.oldStore().maxKey();
            return GateResult.pass(OLD_SIDE_READABLE, migration.oldStore().description() + " can be read");
        } catch (RuntimeException e) {
            return GateResult.fail(
                    OLD_SIDE_READABLE,
                    migration.oldStore().description() + " cannot be read (was it dropped?): " + e.getMessage());
        }
    }

    private static Duration round(Duration duration) {
        return Duration.ofSeconds(duration.getSeconds());
    }
}
