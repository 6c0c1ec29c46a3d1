package io.dualwrite.core;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.model.GateResult;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.PhaseTransition;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.phase.PhaseState;
import io.dualwrite.core.phase.PhaseStore;
import io.dualwrite.core.phase.Resync;
import io.dualwrite.core.verify.RepairReport;
import io.dualwrite.core.verify.Repairer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules by which the source of truth changes hands, which no forced move overrides (only a request that
 * accepts data loss does):
 *
 * <ul>
 *   <li>{@value #HANDOVER}: a move into a phase never leaves a key whose acknowledged write only the other side
 *       holds (a ledger entry ahead on the side that is not the new phase's source of truth). Before such a move
 *       the entries are drained, copied to the side taking over; the move is refused while any is left (that side
 *       is down, say). Checked on every move that changes the source of truth or stops writing a side.
 *   <li>{@value #RESYNCED}: after DROP_OLD -> READ_NEW, no move back from READ_NEW until the old side's re-sync
 *       completed for the current phase version (see {@link Resync}).
 *   <li>{@value #REGISTRY}: a move that changes the source of truth needs an instance registry, so that the barrier
 *       and fencing know every instance, or the declaration that this is the only instance; reported only when it
 *       fails.
 * </ul>
 */
final class Handover {

    static final String HANDOVER = "source-of-truth-handover";
    static final String RESYNCED = "old-side-resynced";
    static final String REGISTRY = "instance-registry";

    /** How many keys a move drains before it decides; more than this and the operator repairs first. */
    static final int DRAIN_LIMIT = 10_000;

    /** How many given-up keys an audit entry lists; the count is always complete. */
    static final int KEYS_LISTED = 100;

    private static final Logger log = LoggerFactory.getLogger(Handover.class);

    private final Function<String, Repairer<?, ?, ?>> repairers;
    private final PhaseStore store;
    private final boolean instancesKnown;

    /**
     * @param instancesKnown whether an instance registry is configured, or this was declared the only instance
     */
    Handover(Function<String, Repairer<?, ?, ?>> repairers, PhaseStore store, boolean instancesKnown) {
        this.repairers = repairers;
        this.store = store;
        this.instancesKnown = instancesKnown;
    }

    /** Whether the move changes the source of truth or stops writing a side, so that the handover rule applies. */
    static boolean handsOver(PhaseTransition transition) {
        MigrationPhase from = transition.from();
        MigrationPhase to = transition.to();
        return from.sourceOfTruth() != to.sourceOfTruth()
                || from.writeOrder().stream().anyMatch(side -> !to.writes(side));
    }

    /** The side that must hold no key ahead once the move commits: the one that is not the target's truth. */
    static Side leaving(PhaseTransition transition) {
        return transition.to().sourceOfTruth().other();
    }

    /**
     * The handover gates of the move; with {@code drain}, the keys ahead on the side being left are first copied
     * to the other side (what a move does; a preview of the gates does not).
     */
    List<GateResult> evaluate(Migration<?, ?, ?> migration, PhaseTransition transition, boolean drain) {
        List<GateResult> gates = new ArrayList<>();
        if (!instancesKnown
                && transition.from().sourceOfTruth() != transition.to().sourceOfTruth()) {
            gates.add(GateResult.fail(
                    REGISTRY,
                    "this move changes the source of truth, and without an instance registry nothing knows whether"
                            + " another instance still routes by the previous phase; configure"
                            + " instanceRegistry(...) (the Spring Boot starter does by default), or declare"
                            + " singleInstance() if this is the only instance"));
        }
        if (handsOver(transition)) {
            gates.add(handover(migration, transition, drain));
        }
        if (transition.from() == MigrationPhase.READ_NEW && transition.isRollback()) {
            gates.add(resynced(migration.name()));
        }
        if (transition.from().sourceOfTruth() == Side.NEW
                && transition.to().sourceOfTruth() == Side.OLD
                && migration.declaresValuesOnlyInNew()) {
            gates.add(noValuesOnlyInNew(migration));
        }
        return gates;
    }

    /** The rule that keeps the source of truth away from OLD while NEW holds values OLD cannot hold. */
    static final String ONLY_IN_NEW = "values-only-in-new";

    /** The most NEW-only keys a refusal names. */
    private static final int NAMED_KEYS = 10;

    /**
     * Whether NEW holds values OLD does not hold by design ({@code Migration.onlyInNew}): OLD as the source of truth
     * would not serve them. Walks NEW in its key order until it has found a few (a full walk when there are none).
     */
    private static <K, N> GateResult noValuesOnlyInNew(Migration<K, ?, N> migration) {
        List<String> found = new ArrayList<>();
        long walked = 0;
        try {
            K after = null;
            while (found.size() < NAMED_KEYS) {
                List<N> chunk = migration.newStore().scan(after, null, 1_000);
                if (chunk.isEmpty()) {
                    break;
                }
                for (N value : chunk) {
                    walked++;
                    if (migration.onlyInNew(value) && found.size() < NAMED_KEYS) {
                        found.add(
                                migration.keyCodec().encode(migration.newStore().keyOf(value)));
                    }
                }
                after = migration.newStore().keyOf(chunk.get(chunk.size() - 1));
            }
        } catch (RuntimeException e) {
            return GateResult.fail(ONLY_IN_NEW, "NEW could not be read to look for values only NEW holds: " + e);
        }
        if (found.isEmpty()) {
            return GateResult.pass(ONLY_IN_NEW, "NEW holds no value that OLD cannot hold (" + walked + " read)");
        }
        return GateResult.fail(
                ONLY_IN_NEW,
                "NEW holds values that OLD does not hold by design (keys " + found
                        + (found.size() == NAMED_KEYS ? " and maybe more" : "")
                        + "): with OLD as the source of truth they would no longer be"
                        + " served. Delete them (or move them into values OLD can hold) first, or accept the data loss"
                        + " with a request that says so");
    }

    private GateResult handover(Migration<?, ?, ?> migration, PhaseTransition transition, boolean drain) {
        Side leaving = leaving(transition);
        Side taking = leaving.other();
        Repairer<?, ?, ?> repairer = repairers.apply(migration.name());
        String failure = "";
        if (drain) {
            try {
                if (repairer.ledgerSize(leaving) > 0) {
                    RepairReport drained = repairer.drain(leaving, DRAIN_LIMIT);
                    log.info(
                            "Migration '{}': before {} drained {} of {} keys ahead on {} to {}",
                            migration.name(),
                            transition,
                            drained.repaired(),
                            drained.examined(),
                            leaving,
                            taking);
                }
            } catch (RuntimeException e) {
                failure = "; copying them failed: " + e.getMessage();
            }
        }
        long ahead;
        try {
            ahead = repairer.ledgerSize(leaving);
        } catch (RuntimeException e) {
            return GateResult.fail(
                    HANDOVER,
                    "the ledger of the " + leaving + " side cannot be read, so it is unknown whether that side holds"
                            + " writes the " + taking + " side lacks: " + e.getMessage());
        }
        if (ahead == 0) {
            return GateResult.pass(
                    HANDOVER,
                    "no key has writes that only the " + leaving + " side holds; " + taking + " has them all");
        }
        if (!drain) {
            return GateResult.pass(
                    HANDOVER,
                    ahead + " keys have writes that only the " + leaving + " side holds (first: "
                            + repairer.keysAhead(leaving, 5) + "); the move copies them to the " + taking
                            + " side first, and is refused if it cannot");
        }
        return GateResult.fail(
                HANDOVER,
                ahead + " keys have acknowledged writes that only the " + leaving + " side holds (first: "
                        + repairer.keysAhead(leaving, 5) + ")" + failure + "; the move copies them to the " + taking
                        + " side first, so repair once " + taking + " answers and move again (forcing does not"
                        + " override this; only a request that accepts data loss does)");
    }

    private GateResult resynced(String name) {
        PhaseState current = store.find(name).orElseThrow();
        if (!OldSideResync.enteredFromDropOld(store, current)) {
            return GateResult.pass(RESYNCED, "READ_NEW was not entered from DROP_OLD: the old side was kept current");
        }
        Optional<Resync> resync = store.findResync(name).filter(r -> r.phaseVersion() == current.version());
        if (resync.isPresent() && resync.get().state() == Resync.State.COMPLETED) {
            Resync done = resync.get();
            return GateResult.pass(
                    RESYNCED,
                    "the old side was re-synced at " + done.completedAt() + " (" + done.keysFound()
                            + " keys copied from the new side)");
        }
        return GateResult.fail(
                RESYNCED,
                "READ_NEW was entered from DROP_OLD, and the re-sync of the old side "
                        + resync.map(r -> "is " + r.state() + (r.detail() == null ? "" : " (" + r.detail() + ")"))
                                .orElse("has not started yet")
                        + "; until it completes the old side lacks the writes made during DROP_OLD, so no move back"
                        + " is allowed (going forward to DROP_OLD is)");
    }

    /**
     * Gives up the keys the failing handover rule protects, for a request that accepts data loss.
     *
     * @return the evidence to audit: the keys given up
     */
    GateResult giveUp(Migration<?, ?, ?> migration, PhaseTransition transition) {
        if (!handsOver(transition)) {
            return GateResult.fail("data-loss-accepted", "no keys were given up");
        }
        Side leaving = leaving(transition);
        Repairer<?, ?, ?> repairer = repairers.apply(migration.name());
        List<String> listed = new ArrayList<>();
        long count = 0;
        List<String> batch;
        try {
            for (int batches = 0;
                    batches < 1_000 && !(batch = repairer.keysAhead(leaving, 1_000)).isEmpty();
                    batches++) {
                for (String key : batch) {
                    if (repairer.giveUp(key, leaving)) {
                        count++;
                        if (listed.size() < KEYS_LISTED) {
                            listed.add(key);
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            return GateResult.fail(
                    "data-loss-accepted",
                    "gave up " + count + " keys " + listed + "; the rest of the " + leaving
                            + " side's ledger could not be read (" + e.getMessage()
                            + "); its entries stay and are repaired from the " + leaving + " side later");
        }
        return GateResult.fail(
                "data-loss-accepted",
                "gave up " + count + " keys whose writes only the " + leaving + " side held"
                        + (count > listed.size() ? " (first " + listed.size() + "): " : ": ") + listed);
    }
}
