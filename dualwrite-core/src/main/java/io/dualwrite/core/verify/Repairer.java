package io.dualwrite.core.verify;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.store.DivergenceLedger;
import io.dualwrite.core.store.Transactions;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Repairs exactly the keys in a migration's divergence ledger: copies the current value (or absence) of each key
 * from the side the entry records as ahead to the other side, compares the two sides again, and removes the entry
 * only if they agree. The side copied from is the one the entry names, never "whatever the current phase reads":
 * after a rollback the side ahead may no longer be the source of truth, and its writes must still win.
 *
 * <p>The copy reads the side ahead's row under a shared lock and writes the other side, compares and removes the
 * entry before releasing it, so a live write of the same key (which writes and records on that side first) runs
 * entirely before or after it. A key the side ahead lacks is deleted from the other side.
 */
public final class Repairer<K, O, N> {

    private static final Logger log = LoggerFactory.getLogger(Repairer.class);

    /** Failed repairs in a row after which a pass ends early: the other side is most likely unreachable. */
    static final int MAX_FAILURES_IN_A_ROW = 3;

    /** How the write to the side being brought up to date runs. */
    @FunctionalInterface
    public interface SideWriter {
        /** Runs {@code write} against {@code side}, in a transaction of {@code transactions} of its own. */
        void write(Side side, Transactions transactions, Runnable write);
    }

    /** Writes the other side on the calling thread, in a new transaction. */
    public static final SideWriter DIRECT = (side, transactions, write) -> transactions.inNewTransaction(write);

    private final Migration<K, O, N> migration;
    private final Supplier<MigrationPhase> phase;
    private final AtomicLong totalRepaired = new AtomicLong();
    private final AtomicLong totalStillDivergent = new AtomicLong();
    private final AtomicLong totalFailed = new AtomicLong();

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
        return pass(ledgers().stream()
                .flatMap(l -> l.entries(migration.name(), limit).stream())
                .toList());
    }

    /**
     * Copies up to {@code limit} keys recorded as ahead on {@code ahead} to the other side, in any phase: what a
     * move does before the side ahead stops being the source of truth or stops being written.
     */
    public RepairReport drain(Side ahead, int limit) {
        return pass(migration
                .ledger(ahead)
                .map(l -> l.entries(migration.name(), ahead, limit))
                .orElse(List.of()));
    }

    private RepairReport pass(List<DivergenceLedger.Entry> entries) {
        int examined = 0;
        int repaired = 0;
        int still = 0;
        int failed = 0;
        int failedInARow = 0;
        for (DivergenceLedger.Entry entry : entries) {
            if (failedInARow >= MAX_FAILURES_IN_A_ROW) {
                // The other side looks unreachable: trying every key would hold this pass for minutes.
                log.warn(
                        "Migration '{}': {} repairs in a row failed; ending this pass early",
                        migration.name(),
                        failedInARow);
                break;
            }
            examined++;
            try {
                if (supersededByTheOtherSide(entry)) {
                    // A later write made the other side ahead; that entry wins and is repaired on its own.
                    migration
                            .ledger(entry.ahead())
                            .ifPresent(l -> l.resolve(migration.name(), entry.key(), entry.ahead()));
                    repaired++;
                    failedInARow = 0;
                    continue;
                }
                if (copy(migration.keyCodec().decode(entry.key()), entry.ahead(), DIRECT)) {
                    repaired++;
                } else {
                    still++;
                }
                failedInARow = 0;
            } catch (RuntimeException e) {
                failed++;
                failedInARow++;
                log.warn("Migration '{}': repair of key {} failed: {}", migration.name(), entry.key(), e.toString());
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

    /**
     * Copies one key's value (or absence) from {@code from} to the other side while holding a shared lock on it on
     * {@code from}, and removes the key's entry ahead on {@code from} if both sides then agree.
     *
     * @return whether both sides agree afterwards (false when the mappings do not round-trip for this value)
     * @throws RuntimeException when either side cannot be read or written; the entry stays
     */
    public boolean copy(K key, Side from, SideWriter writer) {
        Side to = from.other();
        Transactions source = migration.store(from).transactions();
        return source.inNewTransaction(() -> {
            // The entry first: a write of the key records (and so locks) it before it writes the row, so the copy
            // reads the row either before that write began or after it committed, even when the row is absent.
            Optional<DivergenceLedger> ledger = migration.ledger(from);
            if (ledger.isPresent() && !ledger.get().lock(migration.name(), encode(key), from)) {
                return true; // another copy brought this key over and removed the entry meanwhile
            }
            Runnable write = from == Side.OLD ? copyToNew(key) : copyToOld(key);
            if (migration.sidesShareTransactions()) {
                write.run();
            } else {
                writer.write(to, migration.store(to).transactions(), write);
            }
            boolean agree = agree(key);
            if (agree) {
                migration.ledger(from).ifPresent(l -> l.resolve(migration.name(), encode(key), from));
            }
            return agree;
        });
    }

    private Runnable copyToNew(K key) {
        Optional<O> value = migration.oldStore().readLocked(key);
        return () -> {
            if (value.isPresent()) {
                migration.newStore().upsert(migration.toNew(value.get()));
            } else {
                migration.newStore().delete(key);
            }
        };
    }

    private Runnable copyToOld(K key) {
        Optional<N> value = migration.newStore().readLocked(key);
        return () -> {
            if (value.isPresent() && migration.onlyInNew(value.get())) {
                return; // OLD does not hold this value by design: nothing to copy
            }
            if (value.isPresent()) {
                migration.oldStore().upsert(migration.toOld(value.get()));
            } else {
                migration.oldStore().delete(key);
            }
        };
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
        return ledgers().stream().mapToLong(l -> l.size(migration.name())).sum();
    }

    /** How many keys the migration's ledgers hold as ahead on {@code side}. */
    public long ledgerSize(Side side) {
        return migration.ledger(side).map(l -> l.size(migration.name(), side)).orElse(0L);
    }

    /** Up to {@code limit} keys recorded as ahead on {@code side}, encoded, oldest first. */
    public List<String> keysAhead(Side side, int limit) {
        return migration
                .ledger(side)
                .map(l -> l.entries(migration.name(), side, limit).stream()
                        .map(DivergenceLedger.Entry::key)
                        .toList())
                .orElse(List.of());
    }

    /** Removes the entry of an encoded key ahead on {@code side}, without copying it: a loss an operator accepted. */
    public boolean giveUp(String encodedKey, Side side) {
        return migration
                .ledger(side)
                .map(l -> l.resolve(migration.name(), encodedKey, side))
                .orElse(false);
    }

    /**
     * Whether the other side's ledger holds a later entry for the key with the other side ahead: two sides in two
     * databases can each record a key (writes through instances a move apart, each failing to reach the other side),
     * and the later write wins.
     */
    private boolean supersededByTheOtherSide(DivergenceLedger.Entry entry) {
        if (migration.sidesShareTransactions()) {
            return false; // one ledger, one entry per key
        }
        Side other = entry.ahead().other();
        return migration
                .ledger(other)
                .flatMap(l -> l.find(migration.name(), entry.key()))
                .filter(e -> e.ahead() == other && e.recordedAt().isAfter(entry.recordedAt()))
                .isPresent();
    }

    private Set<DivergenceLedger> ledgers() {
        Set<DivergenceLedger> ledgers = new LinkedHashSet<>();
        migration.ledger(Side.OLD).ifPresent(ledgers::add);
        migration.ledger(Side.NEW).ifPresent(ledgers::add);
        return ledgers;
    }

    private String encode(K key) {
        return migration.keyCodec().encode(key);
    }

    private boolean agree(K key) {
        N expected = migration.oldStore().read(key).map(migration::toNew).orElse(null);
        N actual = migration.newStore().read(key).orElse(null);
        return Divergence.expected(migration, Divergence.of(key, expected, actual, migration.equivalence()));
    }
}
