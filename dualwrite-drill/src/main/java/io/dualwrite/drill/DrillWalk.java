package io.dualwrite.drill;

import io.dualwrite.core.DualRepository;
import io.dualwrite.core.DualWrite;
import io.dualwrite.core.TransitionRequest;
import io.dualwrite.core.backfill.BackfillState;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.internal.FieldDiffer;
import io.dualwrite.core.model.DualWriteException;
import io.dualwrite.core.model.GateResult;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.PhaseTransition;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.model.TransitionRefusedException;
import io.dualwrite.core.phase.AuditEntry;
import io.dualwrite.core.store.MigrationStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * One walk of a {@link MigrationDrill}: three in-process instances with different refresh intervals (two lag behind
 * every move), writes and deletes through either, callers that roll back after the write, outages of either side
 * where the drill can cut them, moves at random (or, for the tour, every allowed move in turn), a paused and resumed
 * backfill; then the migration is brought to READ_NEW, both sides must equal a model of every acknowledged write and
 * delete, and divergences planted behind the library's back must each be found by the verifier.
 */
final class DrillWalk<K, O, N> {

    /** The gate that a move back from READ_NEW waits on after DROP_OLD -> READ_NEW, until OLD is re-synced. */
    static final String RESYNCED_GATE = "old-side-resynced";

    /** The moves of the tour, from OLD_ONLY: every allowed move at least once, each rollback included. */
    private static final List<MigrationPhase> TOUR = List.of(
            MigrationPhase.DUAL_WRITE,
            MigrationPhase.OLD_ONLY,
            MigrationPhase.DUAL_WRITE,
            MigrationPhase.BACKFILL,
            MigrationPhase.DUAL_WRITE,
            MigrationPhase.BACKFILL,
            MigrationPhase.READ_NEW,
            MigrationPhase.BACKFILL,
            MigrationPhase.READ_NEW,
            MigrationPhase.DUAL_WRITE,
            MigrationPhase.BACKFILL,
            MigrationPhase.READ_NEW,
            MigrationPhase.DROP_OLD,
            MigrationPhase.READ_NEW,
            MigrationPhase.DROP_OLD,
            MigrationPhase.READ_NEW,
            MigrationPhase.BACKFILL);

    private final MigrationDrill.Plan<K, O, N> plan;
    private final boolean tour;
    private final SplittableRandom random;
    private final Migration<K, O, N> migration;
    private final String name;
    /** Every acknowledged write and delete: the value each key must hold, absent where it must hold none. */
    private final Map<K, O> model = new LinkedHashMap<>();
    /** Every key the walk has used, in the order first used: deletes pick among them. */
    private final List<K> keys = new ArrayList<>();

    private final Set<K> deleted = new HashSet<>();
    private final List<String> trail = new ArrayList<>();
    private DualWrite leader;
    private DualWrite lagging;
    private DualWrite slow;
    private boolean outage;
    private boolean pilotOn;
    int pausedBackfills;
    int planted;

    DrillWalk(MigrationDrill.Plan<K, O, N> plan, long seed, boolean tour) {
        this.plan = plan;
        this.tour = tour;
        this.random = new SplittableRandom(seed);
        this.name = plan.walkName();
        this.migration = plan.migration().withName(name);
    }

    /** Runs the walk; returns its committed moves, oldest first, as {@code FROM->TO vN by ACTOR}. */
    List<String> run() {
        plan.clear();
        pilotOn = !tour && plan.autopilotUpTo() != null;
        leader = plan.instance(migration, "leader", Duration.ZERO, true, pilotOn);
        lagging = plan.instance(migration, "lagging", Duration.ofMillis(40), false, false);
        slow = plan.instance(migration, "slow", Duration.ofMillis(90), false, false);
        try {
            leader.startBackgroundWork();
            for (int i = 0; i < 15; i++) {
                write(leader);
            }
            int moves = tour ? TOUR.size() : plan.moves();
            for (int move = 0; move < moves; move++) {
                Side cut = null;
                if (!tour && plan.outages() != null && random.nextInt(4) == 0) {
                    cut = random.nextBoolean() ? Side.OLD : Side.NEW;
                    plan.outages().cut(cut);
                    outage = true;
                    trail.add("cut " + cut);
                }
                operations(3 + random.nextInt(8));
                if (tour) {
                    if (leader.state(name).phase() == MigrationPhase.DROP_OLD) {
                        // Writes that reach NEW only, for the re-sync of the way back to bring to OLD.
                        write(leader);
                        write(slow);
                    }
                    move(TOUR.get(move));
                } else {
                    randomMove();
                }
                if (pilotOn && plan.autopilotUpTo() == MigrationPhase.DROP_OLD && random.nextInt(3) == 0) {
                    pause(random.nextInt(400)); // time for the autopilot to move (its soak is short)
                }
                operations(random.nextInt(4));
                if (cut != null) {
                    plan.outages().restore();
                    outage = false;
                    trail.add("restore");
                }
            }
            autopilotReachesDropOld();
            settleInReadNew();
            sidesEqualTheModel();
            plantedDivergencesAreAllFound();
            return moves();
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\nwalk trail: " + trail + "\nmoves: " + moves(), e);
        } finally {
            if (plan.outages() != null) {
                plan.outages().restore();
            }
            slow.close();
            lagging.close();
            leader.close();
        }
    }

    /** What the walk did besides its committed moves: outages, refusals, failed writes, pauses. */
    List<String> trail() {
        return List.copyOf(trail);
    }

    private void autopilotReachesDropOld() {
        if (!pilotOn || plan.autopilotUpTo() != MigrationPhase.DROP_OLD) {
            return;
        }
        awaitQuietly(() -> leader.state(name).phase() == MigrationPhase.DROP_OLD
                || !leader.managed(name).autopilotActive());
        check(
                leader.state(name).phase() == MigrationPhase.DROP_OLD,
                "the autopilot did not bring the migration to DROP_OLD once the walk stopped moving; it is in "
                        + leader.state(name).phase());
        trail.add("autopilot reached DROP_OLD");
        leader.close();
        leader = plan.instance(migration, "settler", Duration.ZERO, true, false);
        leader.startBackgroundWork();
    }

    /** The committed moves, oldest first, with who made them (the autopilot's moves show only here). */
    private List<String> moves() {
        List<String> moves = new ArrayList<>();
        try {
            List<AuditEntry> entries = new ArrayList<>(leader.auditTrail(name, 500));
            Collections.reverse(entries);
            for (AuditEntry e : entries) {
                if (e.event().movesPhase()) {
                    moves.add(e.from() + "->" + e.to() + " v" + e.version() + " by " + e.actor());
                }
            }
        } catch (RuntimeException e) {
            moves.add("audit trail unreadable: " + e);
        }
        return moves;
    }

    private void operations(int count) {
        for (int i = 0; i < count; i++) {
            int pick = random.nextInt(3);
            DualWrite through = pick == 0 ? leader : pick == 1 ? lagging : slow;
            int kind = random.nextInt(10);
            if (kind < 2 && !keys.isEmpty()) {
                delete(through, keys.get(random.nextInt(keys.size())));
            } else if (kind < 3) {
                rolledBack();
            } else {
                write(through);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private DualRepository<K, O, N> repository(DualWrite through) {
        return (DualRepository<K, O, N>) through.repository(name);
    }

    private O next() {
        O value = plan.values().apply(random);
        K key = migration.oldStore().keyOf(value);
        if (!keys.contains(key)) {
            keys.add(key);
        }
        return value;
    }

    private void write(DualWrite through) {
        O value = next();
        K key = migration.oldStore().keyOf(value);
        try {
            repository(through).write(value);
            model.put(key, value);
            deleted.remove(key);
        } catch (DualWriteException e) {
            trail.add("write " + key + " failed: " + e.getClass().getSimpleName());
        }
    }

    private void delete(DualWrite through, K key) {
        try {
            repository(through).delete(key);
            if (model.remove(key) != null) {
                deleted.add(key);
            }
        } catch (DualWriteException e) {
            trail.add("delete " + key + " failed: " + e.getClass().getSimpleName());
        }
    }

    /** A caller's transaction on the leader's source of truth that writes, then throws: nothing may remain. */
    private void rolledBack() {
        O value = next();
        K key = migration.oldStore().keyOf(value);
        Side truth = leader.phase(name).sourceOfTruth();
        try {
            migration.store(truth).transactions().inTransaction(() -> {
                repository(leader).write(value);
                throw new CallerRollback();
            });
        } catch (CallerRollback expected) {
            trail.add("rolled back " + key);
        } catch (DualWriteException e) {
            trail.add("rolled back " + key + " failed: " + e.getClass().getSimpleName());
        }
    }

    private void randomMove() {
        MigrationPhase from = leader.state(name).phase();
        List<PhaseTransition> moves = new ArrayList<>();
        for (PhaseTransition t : PhaseTransition.values()) {
            if (t.from() == from) {
                moves.add(t);
            }
        }
        move(moves.get(random.nextInt(moves.size())).to());
    }

    /** Tries a move, waiting a little for the barrier and for what the gates wait for; refusals are fine. */
    private boolean move(MigrationPhase target) {
        MigrationPhase from = leader.state(name).phase();
        if (from == target) {
            return true;
        }
        if (from == MigrationPhase.BACKFILL && target == MigrationPhase.READ_NEW && !outage) {
            awaitQuietly(this::backfillDone);
            verifyAndRepair();
        }
        for (int attempt = 0; attempt < 60; attempt++) {
            try {
                leader.transition(name, target, TransitionRequest.by("drill", "to " + target));
                trail.add(from + "->" + target);
                if (tour && from == MigrationPhase.DROP_OLD && target == MigrationPhase.READ_NEW) {
                    oldSideIsBackAfterTheResync();
                }
                if (target == MigrationPhase.BACKFILL && (tour || random.nextInt(3) == 0)) {
                    pauseAndResumeBackfill();
                }
                return true;
            } catch (TransitionRefusedException refused) {
                boolean waitable = refused.failedGates().stream()
                        .allMatch(g -> g.name().equals(DualWrite.BARRIER_GATE)
                                || g.name().equals(RESYNCED_GATE));
                if (!waitable) {
                    trail.add(from + "->" + target + " refused: "
                            + refused.failedGates().stream()
                                    .map(g -> g.name() + " (" + g.detail() + ")")
                                    .toList());
                    return false;
                }
                pause(25);
            } catch (DualWriteException e) {
                trail.add(from + "->" + target + " failed: " + e.getClass().getSimpleName());
                return false;
            }
        }
        trail.add(from + "->" + target + " gave up waiting");
        return false;
    }

    /** Pauses the backfill just started, writes meanwhile, and resumes it. */
    private void pauseAndResumeBackfill() {
        try {
            if (!leader.backfill(name).pause()) {
                trail.add("backfill not paused: "
                        + leader.backfill(name).progress().state());
                return;
            }
            trail.add("backfill paused");
            operations(1 + random.nextInt(4));
            leader.backfill(name).resume();
            pausedBackfills++;
            trail.add("backfill resumed");
        } catch (DualWriteException | IllegalStateException e) {
            trail.add("backfill pause/resume failed: " + e.getClass().getSimpleName());
        }
    }

    private boolean backfillDone() {
        return leader.backfill(name).progress().state() == BackfillState.COMPLETED;
    }

    private void verifyAndRepair() {
        for (int round = 0; round < 5; round++) {
            try {
                if (leader.ledgerSize(name) > 0) {
                    leader.repair(name, 10_000);
                }
                var verification = leader.verify(name);
                if (verification.divergences() == 0 && leader.ledgerSize(name) == 0) {
                    return;
                }
            } catch (DualWriteException | IllegalStateException e) {
                trail.add("verify/repair failed: " + e.getClass().getSimpleName());
                return;
            }
        }
    }

    /** Every side up, the migration walked to READ_NEW by the way the gates ask, every ledger drained. */
    private void settleInReadNew() {
        if (plan.outages() != null) {
            plan.outages().restore();
        }
        outage = false;
        trail.add("settle");
        for (int step = 0; step < 12 && leader.state(name).phase() != MigrationPhase.READ_NEW; step++) {
            MigrationPhase phase = leader.state(name).phase();
            MigrationPhase target = phase == MigrationPhase.DROP_OLD
                    ? MigrationPhase.READ_NEW
                    : phase.next().orElseThrow();
            if (phase.writeOrder().size() == 2 && leader.ledgerSize(name) > 0) {
                leader.repair(name, 10_000);
            }
            move(target);
        }
        MigrationPhase settled = leader.state(name).phase();
        check(
                settled == MigrationPhase.READ_NEW,
                "the drill could not bring the migration to READ_NEW (it stays in " + settled
                        + "): see the refusals in the walk trail");
        // READ_NEW entered from DROP_OLD: the re-sync must have completed (the gate of every move back says so).
        awaitQuietly(() -> leader.gates(name, MigrationPhase.BACKFILL).stream()
                .filter(g -> g.name().equals(RESYNCED_GATE))
                .allMatch(GateResult::passed));
        verifyAndRepair();
        check(leader.ledgerSize(name) == 0, "the ledger still holds " + leader.ledgerSize(name) + " keys in READ_NEW");
    }

    /**
     * Right after the re-sync of DROP_OLD -> READ_NEW, before any later write could mend it, OLD must hold what was
     * acknowledged, the values written in DROP_OLD (NEW only) included: a reverse mapping that loses something shows
     * here.
     */
    private void oldSideIsBackAfterTheResync() {
        awaitQuietly(() -> leader.gates(name, MigrationPhase.BACKFILL).stream()
                .filter(g -> g.name().equals(RESYNCED_GATE))
                .allMatch(GateResult::passed));
        List<String> problems = new ArrayList<>();
        compare(Side.OLD, model, plan.oldRows(), plan::oldEquivalent, problems);
        if (!problems.isEmpty()) {
            throw new AssertionError(problems.size() + " difference(s) between what was acknowledged and what OLD"
                    + " holds once re-synced after DROP_OLD -> READ_NEW:\n  "
                    + problems.stream().limit(10).collect(Collectors.joining("\n  ")));
        }
    }

    /** Both sides, read by the team's readers or through the stores, must hold exactly what was acknowledged. */
    private void sidesEqualTheModel() {
        List<String> problems = new ArrayList<>();
        Map<K, O> old = plan.oldRows();
        compare(Side.OLD, model, old, plan::oldEquivalent, problems);
        Map<K, N> expected = new LinkedHashMap<>();
        model.forEach((key, value) -> expected.put(key, migration.toNew(value)));
        Map<K, N> fresh = plan.newRows();
        compare(Side.NEW, expected, fresh, migration.equivalence()::equivalent, problems);
        if (!problems.isEmpty()) {
            throw new AssertionError(problems.size() + " difference(s) between what was acknowledged and what the"
                    + " sides hold in READ_NEW:\n  "
                    + problems.stream().limit(10).collect(Collectors.joining("\n  ")));
        }
    }

    private <V> void compare(Side side, Map<K, V> expected, Map<K, V> actual, Equal<V> equal, List<String> problems) {
        for (Map.Entry<K, V> e : expected.entrySet()) {
            V found = actual.get(e.getKey());
            if (found == null) {
                problems.add("lost write: " + side + " lacks key " + e.getKey() + ", acknowledged as "
                        + FieldDiffer.render(e.getValue()));
            } else if (!equal.test(e.getValue(), found)) {
                problems.add("divergence: " + side + " holds " + FieldDiffer.render(found) + " under key "
                        + e.getKey() + ", acknowledged as " + FieldDiffer.render(e.getValue()) + " ("
                        + FieldDiffer.differences(e.getValue(), found).stream()
                                .map(d -> d.field() + ": " + FieldDiffer.render(d.expected()) + " -> "
                                        + FieldDiffer.render(d.actual()))
                                .collect(Collectors.joining(", "))
                        + ")");
            }
        }
        for (Map.Entry<K, V> e : actual.entrySet()) {
            if (!expected.containsKey(e.getKey())) {
                problems.add((deleted.contains(e.getKey()) ? "resurrected delete: " : "unexpected row: ") + side
                        + " holds " + FieldDiffer.render(e.getValue()) + " under key " + e.getKey()
                        + (deleted.contains(e.getKey()) ? ", whose delete was acknowledged" : ", never written"));
            }
        }
    }

    /**
     * Changes, deletes and extra values planted in NEW through its store, behind the library's back: the verifier
     * must report each of them.
     */
    private void plantedDivergencesAreAllFound() {
        MigrationStore<K, N> store = migration.newStore();
        List<K> present = new ArrayList<>(model.keySet());
        planted = 0;
        K changed = null;
        for (int attempt = 0; attempt < 2_000 && changed == null && !present.isEmpty(); attempt++) {
            O candidate = plan.values().apply(random);
            K key = migration.oldStore().keyOf(candidate);
            O current = model.get(key);
            if (current != null
                    && !migration.equivalence().equivalent(migration.toNew(current), migration.toNew(candidate))) {
                N value = migration.toNew(candidate);
                store.transactions().inTransaction(() -> {
                    store.upsert(value);
                    return null;
                });
                changed = key;
                planted++;
            }
        }
        K removedKey = null;
        for (K key : present) {
            if (!key.equals(changed)) {
                removedKey = key;
                break;
            }
        }
        if (removedKey != null) {
            K removed = removedKey;
            store.transactions().inTransaction(() -> {
                store.delete(removed);
                return null;
            });
            planted++;
        }
        for (int attempt = 0; attempt < 2_000; attempt++) {
            O candidate = plan.values().apply(random);
            K key = migration.oldStore().keyOf(candidate);
            if (!model.containsKey(key)) {
                N value = migration.toNew(candidate);
                store.transactions().inTransaction(() -> {
                    store.upsert(value);
                    return null;
                });
                planted++;
                break;
            }
        }
        var verification = leader.verify(name);
        check(
                verification.divergences() == planted,
                "the verifier found " + verification.divergences() + " of the " + planted
                        + " divergences planted in NEW (a changed, a deleted and an extra value)");
        check(
                verification.rowsChecked() >= model.size(),
                "the verifier checked " + verification.rowsChecked() + " rows of the " + model.size() + " held");
    }

    private void awaitQuietly(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                trail.add("condition not met in 20 s");
                return;
            }
            pause(10);
        }
    }

    private static void check(boolean condition, String problem) {
        if (!condition) {
            throw new AssertionError(problem);
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Whether two values of one side are the same. */
    @FunctionalInterface
    interface Equal<V> {
        boolean test(V expected, V actual);
    }

    /** What a caller throws to roll its transaction back. */
    private static final class CallerRollback extends RuntimeException {
        CallerRollback() {
            super("the caller rolls back", null, false, false);
        }
    }
}
