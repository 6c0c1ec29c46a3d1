package io.dualwrite.core.verify;

import io.dualwrite.core.Migration;
import io.dualwrite.core.MigrationPhase;
import io.dualwrite.core.Side;
import io.dualwrite.core.store.DivergenceLedger;
import io.dualwrite.core.store.MigrationStore;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs exactly the keys in a migration's divergence ledger: copies the current value (or absence) of each key
 * from the source of truth to the other side, then compares the two sides again and removes the ledger entry only
 * if they agree.
 *
 * <p>The copy reads the source of truth's row under a shared lock and writes the other side before releasing it,
 * so a live write of the same key (which writes the source of truth first) runs entirely before or after it. A key
 * the source of truth lacks is deleted from the other side; if a live write inserts it meanwhile, the comparison
 * afterwards fails, the entry stays, and the next pass repairs it.
 */
public final class Repairer<K extends Comparable<? super K>, O, N> {

    private static final Logger log = LoggerFactory.getLogger(Repairer.class);

    /** Failed repairs in a row after which a pass ends early: the other side is most likely unreachable. */
    static final int MAX_FAILURES_IN_A_ROW = 3;

    private final Migration<K, O, N> migration;
    private final Supplier<MigrationPhase> phase;
    private final java.util.concurrent.atomic.AtomicLong totalRepaired = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong totalStillDivergent =
            new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong totalFailed = new java.util.concurrent.atomic.AtomicLong();

    public Repairer(Migration<K, O, N> migration, Supplier<MigrationPhase> phase) {
        this.migration = migration;
        this.phase = phase;
    }

    /**
     * Repairs up to {@code limit} recorded keys of each ledger of the migration.
     *
     * @throws IllegalStateException in a phase that writes one side only: there is nothing to keep in step
     */
    public RepairReport repair(int limit) {
        MigrationPhase current = phase.get();
        if (current.writeOrder().size() < 2) {
            throw new IllegalStateException("Migration '" + migration.name() + "' is in " + current
                    + ", which writes one side only; repair works in DUAL_WRITE, BACKFILL and READ_NEW");
        }
        Side source = current.sourceOfTruth();
        Set<DivergenceLedger> ledgers = new LinkedHashSet<>();
        migration.ledger(Side.OLD).ifPresent(ledgers::add);
        migration.ledger(Side.NEW).ifPresent(ledgers::add);
        int examined = 0;
        int repaired = 0;
        int still = 0;
        int failed = 0;
        int failedInARow = 0;
        pass:
        for (DivergenceLedger ledger : ledgers) {
            for (DivergenceLedger.Entry entry : ledger.entries(migration.name(), limit)) {
                if (failedInARow >= MAX_FAILURES_IN_A_ROW) {
                    // The other side looks unreachable: trying every key would hold this pass for minutes.
                    log.warn(
                            "Migration '{}': {} repairs in a row failed; ending this pass early",
                            migration.name(),
                            failedInARow);
                    break pass;
                }
                examined++;
                K key = migration.keyCodec().decode(entry.key());
                try {
                    copyFromSourceOfTruth(key, source);
                    failedInARow = 0;
                    if (agree(key)) {
                        ledger.resolve(migration.name(), entry.key(), entry.recordedAt());
                        repaired++;
                    } else {
                        still++;
                    }
                } catch (RuntimeException e) {
                    failed++;
                    failedInARow++;
                    log.warn(
                            "Migration '{}': repair of key {} failed: {}", migration.name(), entry.key(), e.toString());
                }
            }
        }
        if (examined > 0) {
            log.info(
                    "Migration '{}': repair pass examined {}, repaired {}, still divergent {}, failed {}",
                    migration.name(),
                    examined,
                    repaired,
                    still,
                    failed);
        }
        totalRepaired.addAndGet(repaired);
        totalStillDivergent.addAndGet(still);
        totalFailed.addAndGet(failed);
        return new RepairReport(examined, repaired, still, failed);
    }

    /** What every pass of this repairer did since it was created, as one report. */
    public RepairReport totals() {
        long repaired = totalRepaired.get();
        long still = totalStillDivergent.get();
        long failed = totalFailed.get();
        return new RepairReport((int) (repaired + still + failed), (int) repaired, (int) still, (int) failed);
    }

    /** Whether the migration's current phase writes both sides, so that repairing makes sense. */
    public boolean phaseWritesBothSides() {
        return phase.get().writeOrder().size() == 2;
    }

    /** How many keys the migration's ledgers hold. */
    public long ledgerSize() {
        Set<DivergenceLedger> ledgers = new LinkedHashSet<>();
        migration.ledger(Side.OLD).ifPresent(ledgers::add);
        migration.ledger(Side.NEW).ifPresent(ledgers::add);
        return ledgers.stream().mapToLong(l -> l.size(migration.name())).sum();
    }

    private void copyFromSourceOfTruth(K key, Side source) {
        MigrationStore<K, O> oldStore = migration.oldStore();
        MigrationStore<K, N> newStore = migration.newStore();
        if (source == Side.OLD) {
            oldStore.transactions().inTransaction(() -> {
                Optional<O> value = oldStore.readLocked(key);
                newStore.transactions().inTransaction(() -> {
                    if (value.isPresent()) {
                        newStore.upsert(migration.toNew(value.get()));
                    } else {
                        newStore.delete(key);
                    }
                });
            });
        } else {
            newStore.transactions().inTransaction(() -> {
                Optional<N> value = newStore.readLocked(key);
                oldStore.transactions().inTransaction(() -> {
                    if (value.isPresent()) {
                        oldStore.upsert(migration.toOld(value.get()));
                    } else {
                        oldStore.delete(key);
                    }
                });
            });
        }
    }

    private boolean agree(K key) {
        N expected = migration.oldStore().read(key).map(migration::toNew).orElse(null);
        N actual = migration.newStore().read(key).orElse(null);
        return Divergence.of(key, expected, actual, migration.equivalence()) == null;
    }
}
