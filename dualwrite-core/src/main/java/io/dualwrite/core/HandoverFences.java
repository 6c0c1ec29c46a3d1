package io.dualwrite.core;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.model.GateResult;
import io.dualwrite.core.model.PhaseTransition;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.phase.PhaseState;
import io.dualwrite.core.store.DivergenceLedger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fences one move raised (see {@link HandoverFence}): raised in both sides' databases before the move drains and
 * commits, lowered again if it does not commit. Only a move across two databases that hands the source of truth
 * over, or stops writing a side, raises any.
 */
final class HandoverFences {

    static final String FENCE = "handover-fence";

    private static final Logger log = LoggerFactory.getLogger(HandoverFences.class);

    private final Migration<?, ?, ?> migration;
    private final Map<Side, Long> previous; // cleared once the move committed or the fences were lowered
    private final List<GateResult> evidence;

    private HandoverFences(Migration<?, ?, ?> migration, Map<Side, Long> previous, List<GateResult> evidence) {
        this.migration = migration;
        this.previous = previous;
        this.evidence = evidence;
    }

    /**
     * Raises both sides' fences to the version the move will commit, when it needs them; waits for the writes that
     * passed them. A side whose fence cannot be raised (its database is down) makes the move fail its gate.
     */
    static HandoverFences raise(Migration<?, ?, ?> migration, PhaseTransition transition, PhaseState current) {
        Map<Side, Long> raised = new EnumMap<>(Side.class);
        boolean acrossDatabases = !migration.sidesShareTransactions() && Handover.handsOver(transition);
        if (!acrossDatabases && !guardsValuesOnlyInNew(migration, transition)) {
            return new HandoverFences(migration, raised, List.of());
        }
        long fence = current.version() + 1;
        // In one database only writes of values only NEW holds check a fence, NEW's: one ledger, one fence.
        List<Side> sides = acrossDatabases ? List.of(Side.values()) : List.of(Side.NEW);
        for (Side side : sides) {
            Optional<DivergenceLedger> ledger = migration.ledger(side);
            if (ledger.isEmpty()) {
                continue;
            }
            try {
                if (!ledger.get().hasFence(migration.name())) {
                    // A locking read of a missing row locks nothing, so writes under way did not hold this fence:
                    // create it, and let the move be asked again once they ended.
                    ledger.get().setFence(migration.name(), 0);
                    HandoverFences partial = new HandoverFences(migration, raised, List.of());
                    partial.lower();
                    return new HandoverFences(
                            migration,
                            new EnumMap<>(Side.class),
                            List.of(GateResult.fail(
                                    FENCE,
                                    "the " + side + " side's fence did not exist yet (it is created when the migration"
                                            + " is registered); it exists now: move again")));
                }
                long before = ledger.get().fence(migration.name());
                ledger.get().setFence(migration.name(), Math.max(before, fence));
                raised.put(side, before);
            } catch (RuntimeException e) {
                HandoverFences partial = new HandoverFences(migration, raised, List.of());
                partial.lower();
                return new HandoverFences(
                        migration,
                        new EnumMap<>(Side.class),
                        List.of(GateResult.fail(
                                FENCE,
                                "the fence in the " + side + " side's database cannot be raised, so writes routed by"
                                        + " the current phase could still commit there during the handover: "
                                        + e.getMessage() + "; move again once that database answers")));
            }
        }
        return new HandoverFences(migration, raised, List.of());
    }

    /**
     * Whether the move must keep writes of values only NEW holds out while it looks for them: it makes OLD the source
     * of truth again, and the migration declares such values ({@code Migration.onlyInNew}). Those writes check NEW's
     * fence even in one database, so that none lands after the move looked and before it committed.
     */
    static boolean guardsValuesOnlyInNew(Migration<?, ?, ?> migration, PhaseTransition transition) {
        return migration.declaresValuesOnlyInNew()
                && transition.from().sourceOfTruth() == Side.NEW
                && transition.to().sourceOfTruth() == Side.OLD;
    }

    /** A failing gate when a fence could not be raised; empty otherwise. */
    List<GateResult> evidence() {
        return new ArrayList<>(evidence);
    }

    /**
     * Records that the move committed: the fences stay raised, and {@link #lower()} does nothing any more. They are
     * set once more, in case a concurrent move that lost lowered them meanwhile.
     */
    void committed(long version) {
        previous.keySet().forEach(side -> {
            try {
                DivergenceLedger ledger = migration.ledger(side).orElseThrow();
                ledger.setFence(migration.name(), Math.max(ledger.fence(migration.name()), version));
            } catch (RuntimeException e) {
                log.warn(
                        "Migration '{}': could not re-assert the fence on the {} side: {}",
                        migration.name(),
                        side,
                        e.toString());
            }
        });
        previous.clear();
    }

    /**
     * Creates the migration's fence in each side's database (at 0) when it does not exist yet, so that every write
     * holds it shared from the start; best effort (a side that is down gets it at the first move).
     */
    static void ensure(Migration<?, ?, ?> migration) {
        if (migration.sidesShareTransactions() && !migration.declaresValuesOnlyInNew()) {
            return;
        }
        for (Side side : migration.sidesShareTransactions() ? List.of(Side.NEW) : List.of(Side.values())) {
            migration.ledger(side).ifPresent(ledger -> {
                try {
                    if (!ledger.hasFence(migration.name())) {
                        ledger.setFence(migration.name(), 0);
                    }
                } catch (RuntimeException e) {
                    log.warn(
                            "Migration '{}': could not create the fence on the {} side yet: {}",
                            migration.name(),
                            side,
                            e.toString());
                }
            });
        }
    }

    /** Puts the fences back where they were: the move did not commit, so the current phase stays writable. */
    void lower() {
        previous.forEach((side, before) -> {
            try {
                migration.ledger(side).orElseThrow().setFence(migration.name(), before);
            } catch (RuntimeException e) {
                log.warn(
                        "Migration '{}': could not lower the fence on the {} side after a move that did not commit;"
                                + " writes there wait until the next move raises it past them: {}",
                        migration.name(),
                        side,
                        e.toString());
            }
        });
        previous.clear();
    }

    /**
     * Lowers fences that a move raised and never committed nor lowered (its instance died, or lowering failed), once
     * they have stood above the committed phase version for {@link #AFTER}, by the given clock: longer than any
     * move's drain takes. Until then, writes of the fenced version wait and fail, nothing written.
     */
    static final class Abandoned {
        static final Duration AFTER = Duration.ofMinutes(2);

        private final Clock clock;
        /** Per migration and side: the raise last seen above the committed version, and since when. */
        private final Map<String, Sighting> seen = new ConcurrentHashMap<>();

        private record Sighting(long raiseId, Instant since) {}

        Abandoned(Clock clock) {
            this.clock = clock;
        }

        /**
         * Lowers each side's fence that has stood above the committed version, as the same raise, for longer than
         * {@link #AFTER}. A live move that raises the fence again (even to the same version) makes it a new raise,
         * whose age starts from zero; the lowering is a compare-and-set on the raise, so a raise that happens
         * between the look and the lowering is never undone.
         */
        void lowerIfAbandoned(Migration<?, ?, ?> migration, PhaseState committed) {
            if (migration.sidesShareTransactions()) {
                return;
            }
            for (Side side : Side.values()) {
                Optional<DivergenceLedger> ledger = migration.ledger(side);
                if (ledger.isEmpty()) {
                    continue;
                }
                String key = migration.name() + "/" + side;
                long raise = ledger.get().fenceRaise(migration.name());
                long fence = ledger.get().fence(migration.name());
                if (fence <= committed.version()) {
                    seen.remove(key);
                    continue;
                }
                Instant now = clock.instant();
                Sighting sighting = seen.compute(
                        key, (k, old) -> old != null && old.raiseId() == raise ? old : new Sighting(raise, now));
                if (sighting.since().plus(AFTER).isBefore(now)) {
                    boolean lowered = ledger.get().lowerAbandonedFence(migration.name(), raise, committed.version());
                    seen.remove(key);
                    if (lowered) {
                        log.warn(
                                "Migration '{}': the fence on the {} side stood at version {} above the committed {}"
                                        + " for {}: the move that raised it is gone; lowered it",
                                migration.name(),
                                side,
                                fence,
                                committed.version(),
                                AFTER);
                    }
                }
            }
        }
    }
}
