package io.dualwrite.core;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.internal.runtime.InFlightWrites;
import io.dualwrite.core.internal.runtime.PhaseCache;
import io.dualwrite.core.model.DualWriteException;
import io.dualwrite.core.model.InvalidMigrationException;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.SecondaryFailurePolicy;
import io.dualwrite.core.model.SecondaryWriteException;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.model.StoreException;
import io.dualwrite.core.phase.PhaseState;
import io.dualwrite.core.shadow.ShadowReader;
import io.dualwrite.core.store.DivergenceLedger;
import io.dualwrite.core.store.DivergenceLedger.DivergenceCause;
import io.dualwrite.core.store.KeyCodec;
import io.dualwrite.core.store.MigrationStore;
import io.dualwrite.core.store.Transactions;
import io.dualwrite.core.verify.Repairer;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one entry point through which application code reads, writes and deletes a migrated entity. Every call
 * looks up the migration's current phase and does what that phase prescribes (see {@link MigrationPhase}).
 *
 * <p>Writes take the old representation, which is mapped to the new one; reads return the new representation,
 * mapped from the old one while old is the source of truth. The application so needs only the OLD -> NEW mapping.
 *
 * <p>When both sides live in one database, a dual write is one transaction (the caller's, if one is open). When
 * they live in two, the source of truth is written first, together with an intent entry in its database's
 * divergence ledger, in one transaction (the caller's, if one is open on that database). Only once that transaction
 * has committed is the key's committed value copied to the other side (under a shared lock on the source of truth's
 * row) and the intent cleared; a caller that rolls back leaves nothing on either side, and a process that dies in
 * between leaves the intent for the repairer. If the copy fails or outlasts the time limit, the migration's
 * {@link SecondaryFailurePolicy} says whether the caller hears of it; the key stays in the ledger either way. With
 * circuit breakers configured, an outage of the other database opens its breaker and the policy applies at once.
 *
 * @param <K> the key type
 * @param <O> the old representation, which writes take
 * @param <N> the new representation, which reads return
 */
public final class DualRepository<K, O, N> {

    private static final Logger log = LoggerFactory.getLogger(DualRepository.class);

    private final Migration<K, O, N> migration;
    private final PhaseCache phases;
    private final ShadowReader<K, O, N> shadow;
    private final Map<Side, CircuitBreaker> breakers;
    private final SecondaryWrites secondaryWrites;
    private final InFlightWrites inFlight;
    private final Repairer<K, O, N> repairer;
    private final WriteFence fence;
    private final java.util.concurrent.atomic.LongAdder secondaryAttempts = new java.util.concurrent.atomic.LongAdder();
    private final Map<Side, java.util.concurrent.atomic.LongAdder> written = counters();
    private final Map<Side, java.util.concurrent.atomic.LongAdder> failed = counters();
    private final java.util.concurrent.atomic.LongAdder secondaryFailures = new java.util.concurrent.atomic.LongAdder();

    DualRepository(
            Migration<K, O, N> migration,
            PhaseCache phases,
            ShadowReader<K, O, N> shadow,
            Map<Side, CircuitBreaker> breakers,
            SecondaryWrites secondaryWrites,
            InFlightWrites inFlight,
            Repairer<K, O, N> repairer,
            WriteFence fence) {
        this.migration = migration;
        this.phases = phases;
        this.shadow = shadow;
        this.breakers = Map.copyOf(breakers);
        this.secondaryWrites = secondaryWrites;
        this.inFlight = inFlight;
        this.repairer = repairer;
        this.fence = fence;
    }

    public Migration<K, O, N> migration() {
        return migration;
    }

    /**
     * Writes and deletes of one side that succeeded ({@code true}) or failed since this instance started; a write
     * of the other database recorded for repair counts as failed for that side.
     */
    public long writes(Side side, boolean succeeded) {
        return (succeeded ? written : failed).get(side).sum();
    }

    private static Map<Side, java.util.concurrent.atomic.LongAdder> counters() {
        Map<Side, java.util.concurrent.atomic.LongAdder> counters = new java.util.EnumMap<>(Side.class);
        for (Side side : Side.values()) {
            counters.put(side, new java.util.concurrent.atomic.LongAdder());
        }
        return Map.copyOf(counters);
    }

    /** Writes to the second database of a cross-database dual write since this instance started. */
    public long secondaryWriteAttempts() {
        return secondaryAttempts.sum();
    }

    /** Those of {@link #secondaryWriteAttempts()} that failed, timed out or were refused by an open breaker. */
    public long secondaryWriteFailures() {
        return secondaryFailures.sum();
    }

    /** The phase this instance currently applies to the migration. */
    public MigrationPhase phase() {
        return phases.current(migration.name()).phase();
    }

    /**
     * Reads the value under a key from the source of truth of the current phase. A sample of reads is compared with
     * the other side afterwards, off the caller's thread (see {@link ShadowReader}).
     */
    public Optional<N> read(K key) {
        PhaseState state = phases.current(migration.name());
        MigrationPhase phase = state.phase();
        long started = System.nanoTime();
        Optional<N> value = phase.sourceOfTruth() == Side.OLD
                ? migration.oldStore().read(key).map(migration::toNew)
                : migration.newStore().read(key);
        try {
            shadow.observe(key, phase, state.version(), value, System.nanoTime() - started);
        } catch (RuntimeException e) {
            log.debug("Shadow read of '{}' could not be scheduled", migration.name(), e);
        }
        return value;
    }

    /**
     * Declares a routed read that answers at most one value, such as a finder by e-mail address: an OLD and a NEW
     * implementation of the same question, routed by phase as {@link #read} is and answering in the NEW
     * representation in every phase, with a sample of runs compared with the other side (see {@link RoutedQuery}).
     * Declare each query once and keep the object (a field, a bean): its name tags its meters and samples.
     *
     * <pre>{@code
     * RoutedQuery<String, PersonName> byEmail = people.query("by-email", oldPeople::findByEmail, newPeople::findByEmail);
     * }</pre>
     *
     * @param name the query's name, unique within the migration: 1 to 100 letters, digits, '.', '_' or '-'
     * @param oldSide answers on the OLD side, in the OLD representation
     * @param newSide answers on the NEW side, in the NEW representation
     * @throws IllegalArgumentException if the name is invalid or already declared for this migration
     */
    public <P> RoutedQuery<P, N> query(
            String name,
            Function<? super P, ? extends Optional<? extends O>> oldSide,
            Function<? super P, ? extends Optional<? extends N>> newSide) {
        Objects.requireNonNull(oldSide, "oldSide");
        Objects.requireNonNull(newSide, "newSide");
        return new RoutedQuery<>(migration, phases, shadow.declareQuery(name), oldSide, newSide);
    }

    /**
     * Declares a routed read that answers a list, such as the subscriptions of a customer: an OLD and a NEW
     * implementation of the same question, routed by phase as {@link #read} is and answering in the NEW
     * representation in every phase, with a sample of runs compared with the other side element by element, by key
     * (see {@link RoutedListQuery}; {@link RoutedListQuery#inOrder()} when both promise an order). Declare each query
     * once and keep the object (a field, a bean): its name tags its meters and samples.
     *
     * @param name the query's name, unique within the migration: 1 to 100 letters, digits, '.', '_' or '-'
     * @param oldSide answers on the OLD side, in the OLD representation
     * @param newSide answers on the NEW side, in the NEW representation
     * @throws IllegalArgumentException if the name is invalid or already declared for this migration
     */
    public <P> RoutedListQuery<P, N> listQuery(
            String name,
            Function<? super P, ? extends List<? extends O>> oldSide,
            Function<? super P, ? extends List<? extends N>> newSide) {
        Objects.requireNonNull(oldSide, "oldSide");
        Objects.requireNonNull(newSide, "newSide");
        return new RoutedListQuery<>(migration, phases, shadow.declareQuery(name), oldSide, newSide);
    }

    /**
     * Inserts or replaces a value on every side the current phase writes, the source of truth first.
     *
     * @throws InvalidMigrationException if the mapping changes the value's key; nothing is written then
     * @throws SecondaryWriteException if the second side failed under {@link SecondaryFailurePolicy#FAIL}
     */
    public void write(O value) {
        K key = migration.oldStore().keyOf(value);
        N mapped = migration.toNew(value);
        refuseNewOnly(mapped);
        KeptColumns kept = new KeptColumns();
        onEachSide(List.of(key), List.of(key), kept::reset, side -> {
            if (side == Side.OLD) {
                kept.write(List.of(value));
                migration.oldStore().upsert(value);
            } else {
                migration.newStore().upsert(mapped);
                kept.writeWithNew(List.of(value));
            }
        });
    }

    /**
     * The columns of OLD's rows that the migration does not move but the application writes through it in every
     * phase ({@link MigrationStore#keepsColumns()}). They are written in OLD's transaction where the routed write
     * opens one: OLD's own write, or NEW's where both sides share a database. Across two databases, while NEW is
     * written first (READ_NEW, DROP_OLD), they are written once NEW's transaction committed, in a transaction of
     * OLD's database, before the copy of the migrated columns to OLD (which then finds the row); a failure there
     * leaves NEW written and is thrown, and writing again is safe.
     */
    private final class KeptColumns {
        private boolean written;

        /** Each attempt at the routed write starts afresh: a fenced attempt wrote nothing. */
        void reset(PhaseState routedBy) {
            written = false;
        }

        /** In OLD's transaction: the kept columns with the migrated ones. */
        void write(List<O> values) {
            once(() -> migration.oldStore().upsertKept(values));
        }

        /** In NEW's transaction, as its first side. */
        void writeWithNew(List<O> values) {
            withNew(() -> migration.oldStore().upsertKept(values));
        }

        /** In OLD's transaction: the rows go whole. */
        void deleteRows(Collection<K> keys) {
            once(() -> migration.oldStore().deleteRows(keys));
        }

        /** In NEW's transaction, as its first side. */
        void deleteRowsWithNew(Collection<K> keys) {
            withNew(() -> migration.oldStore().deleteRows(keys));
        }

        private void once(Runnable write) {
            if (!written && migration.oldStore().keepsColumns()) {
                write.run();
                written = true;
            }
        }

        private void withNew(Runnable write) {
            if (migration.sidesShareTransactions()) {
                once(write);
            } else if (!written && migration.oldStore().keepsColumns()) {
                Transactions oldTransactions = migration.oldStore().transactions();
                migration.newStore().transactions().afterCommit(() -> oldTransactions.inTransaction(write));
                written = true;
            }
        }
    }

    /**
     * A key never handed out before, drawn from the migration's key source ({@code Migration.Builder.keys}), the
     * same one in every phase (docs/generated-keys.md): build the value with it and {@link #write} it.
     *
     * @throws InvalidMigrationException if the migration declares no key source
     */
    public K nextKey() {
        return GeneratedKeys.draw(migration);
    }

    /**
     * Creates a value under a generated key, in every phase: draws the key as {@link #nextKey()} does, builds the
     * value with it and writes it as {@link #write} does.
     *
     * <pre>{@code
     * Customer saved = customers.create(id -> new Customer(id, "Ada Lovelace"));
     * }</pre>
     *
     * @return the value written, with its key
     * @throws InvalidMigrationException if the migration declares no key source, the value does not carry the key it
     *     was built with, or a side the phase writes holds that key already; nothing is written then
     */
    public O create(Function<? super K, ? extends O> valueWithKey) {
        O value = GeneratedKeys.build(migration, phase(), valueWithKey, migration.oldStore()::keyOf);
        write(value);
        return value;
    }

    /**
     * Creates a value given in the NEW representation under a generated key, as {@link #create} does, written as
     * {@link #writeNew} does.
     *
     * @return the value written, with its key
     */
    public N createNew(Function<? super K, ? extends N> valueWithKey) {
        N value = GeneratedKeys.build(migration, phase(), valueWithKey, migration.newStore()::keyOf);
        writeNew(value);
        return value;
    }

    /**
     * Inserts or replaces values on every side the current phase writes, as {@link #write} does each, in one
     * transaction per side and one statement batch per side where the stores batch ({@link MigrationStore#upsertAll}):
     * the same phase, order and failure policy for all of them. Across two databases the source of truth is written
     * in one transaction with an intent per key, and each key is then copied to the other side as a single write's
     * is.
     *
     * @throws IllegalArgumentException if two values have the same key; nothing is written then
     * @throws InvalidMigrationException if the mapping changes a value's key; nothing is written then
     * @throws SecondaryWriteException if the second side failed under {@link SecondaryFailurePolicy#FAIL}
     */
    public void writeAll(List<O> values) {
        if (values.isEmpty()) {
            return;
        }
        List<O> olds = inKeyOrder(values, migration.oldStore()::keyOf);
        List<K> keys = new ArrayList<>(olds.size());
        List<N> mapped = new ArrayList<>(olds.size());
        for (O value : olds) {
            keys.add(migration.oldStore().keyOf(value));
            N mappedValue = migration.toNew(value);
            refuseNewOnly(mappedValue);
            mapped.add(mappedValue);
        }
        requireDistinct(keys, "writeAll");
        KeptColumns kept = new KeptColumns();
        onEachSide(keys, keys, kept::reset, side -> {
            if (side == Side.OLD) {
                kept.write(olds);
                migration.oldStore().upsertAll(olds);
            } else {
                migration.newStore().upsertAll(mapped);
                kept.writeWithNew(olds);
            }
        });
    }

    /**
     * The values sorted by their keys' codec text: every batch takes its intents and row locks in one global order
     * that every instance agrees on, so that two batches of the same keys never wait for each other in a cycle (in
     * one database, or across two at the intents). Any total order serves; this one needs no {@code Comparable} key.
     */
    private <T> List<T> inKeyOrder(List<T> values, Function<T, K> keyOf) {
        KeyCodec<K> codec = migration.keyCodec();
        List<T> sorted = new ArrayList<>(values);
        sorted.sort(java.util.Comparator.comparing(value -> codec.encode(keyOf.apply(value))));
        return List.copyOf(sorted);
    }

    /**
     * Inserts or replaces a value given in the NEW representation, so that application code can move to the new
     * model while both sides are kept: NEW gets the value, OLD (in the phases that write it) what the migration's
     * reverse mapping makes of it, the source of truth first, as {@link #write} does. Across two databases the
     * other side receives a copy of the source of truth's committed value: while OLD is the source of truth, NEW
     * then holds {@code toNew(toOld(value))}, so the mappings must round-trip for such values (as a rollback needs).
     *
     * @throws InvalidMigrationException if the migration declares no reverse mapping ({@code toOld}), or a mapping
     *     changes the key; nothing is written then
     * @throws SecondaryWriteException if the second side failed under {@link SecondaryFailurePolicy#FAIL}
     */
    public void writeNew(N value) {
        writeNewAll(List.of(value));
    }

    /**
     * Inserts or replaces values given in the NEW representation, as {@link #writeNew} does each and as
     * {@link #writeAll} batches them.
     *
     * @throws IllegalArgumentException if two values have the same key; nothing is written then
     * @throws InvalidMigrationException if the migration declares no reverse mapping, a mapping changes a key, or
     *     OLD keeps columns ({@link MigrationStore#keepsColumns()}) that NEW values do not carry
     */
    public void writeNewAll(List<N> values) {
        if (values.isEmpty()) {
            return;
        }
        if (migration.oldStore().keepsColumns()) {
            // The NEW representation does not carry the kept columns: a row created from it could not be brought
            // back to OLD (a rollback's re-sync would need values for them), and an update could not keep them.
            throw new InvalidMigrationException("Migration '" + migration.name() + "': its OLD store keeps columns"
                    + " the migration does not move, which values in the NEW representation do not carry; write the"
                    + " OLD representation with write(...) or writeAll(...); nothing was written");
        }
        List<N> news = inKeyOrder(values, migration.newStore()::keyOf);
        List<K> keys = new ArrayList<>(news.size());
        List<K> copied = new ArrayList<>(news.size());
        List<O> olds = new ArrayList<>(news.size());
        List<K> onlyInNew = new ArrayList<>();
        for (N value : news) {
            K key = migration.newStore().keyOf(value);
            keys.add(key);
            if (migration.onlyInNew(value)) {
                onlyInNew.add(key); // OLD does not hold it by design: NEW only, no reverse mapping
            } else {
                copied.add(key);
                olds.add(migration.toOld(value)); // before anything is written: no reverse mapping, nothing written
            }
        }
        requireDistinct(keys, "writeNewAll");
        java.util.concurrent.atomic.AtomicReference<PhaseState> routedBy =
                new java.util.concurrent.atomic.AtomicReference<>();
        boolean callers = migration.newStore().transactions().hasOpenTransaction();
        Consumer<PhaseState> newOnlyNeedsNewAsSourceOfTruth = state -> {
            routedBy.set(state);
            if (!onlyInNew.isEmpty() && state.phase().sourceOfTruth() == Side.OLD) {
                throw new DualWriteException("Migration '" + migration.name() + "': values only NEW holds (keys "
                        + encoded(onlyInNew) + ") can be written once NEW is the source of truth (READ_NEW), not in "
                        + state.phase() + "; nothing was written");
            }
        };
        onEachSide(keys, copied, newOnlyNeedsNewAsSourceOfTruth, side -> {
            if (side == Side.OLD) {
                if (!olds.isEmpty()) {
                    migration.oldStore().upsertAll(olds);
                }
                return;
            }
            if (!onlyInNew.isEmpty()) {
                requireNewOnlyWritable(onlyInNew, routedBy.get(), callers);
            }
            migration.newStore().upsertAll(news);
        });
    }

    /**
     * In the NEW side's transaction, before values only NEW holds are written: a move making OLD the source of truth
     * again may be looking for such values (it fenced NEW, see {@code HandoverFences}), and OLD must not hold their
     * keys (it would keep a stale value there that no repair could reconcile).
     */
    private void requireNewOnlyWritable(List<K> onlyInNew, PhaseState state, boolean callers) {
        if (!HandoverFence.passes(migration, Side.NEW, state.version())) {
            throw new HandoverFence.Fenced(
                    "Migration '" + migration.name() + "': phase version " + state.version() + " is fenced on the"
                            + " NEW side by a move that makes OLD the source of truth again",
                    callers);
        }
        Map<K, O> heldByOld = migration.oldStore().readAll(onlyInNew);
        if (!heldByOld.isEmpty()) {
            throw new InvalidMigrationException("Migration '" + migration.name() + "': keys "
                    + encoded(List.copyOf(heldByOld.keySet())) + " are declared values only NEW holds, but OLD holds"
                    + " them; nothing was written. Give values only NEW holds keys OLD never uses (a separate range or"
                    + " sequence)");
        }
    }

    private List<String> encoded(List<K> keys) {
        return keys.stream().limit(10).map(migration.keyCodec()::encode).toList();
    }

    /**
     * Deletes the value under a key on every side the current phase writes, the source of truth first. Where OLD
     * keeps columns ({@link MigrationStore#keepsColumns()}), its row is deleted whole, in every phase.
     */
    public void delete(K key) {
        deleteAll(List.of(key));
    }

    /**
     * Deletes the values under keys on every side the current phase writes, as {@link #delete} does each, one
     * statement batch per side where the stores batch ({@link MigrationStore#deleteAll}).
     *
     * @throws IllegalArgumentException if a key is given twice; nothing is deleted then
     */
    public void deleteAll(Collection<K> keys) {
        if (keys.isEmpty()) {
            return;
        }
        List<K> distinct = inKeyOrder(List.copyOf(keys), key -> key);
        requireDistinct(distinct, "deleteAll");
        KeptColumns kept = new KeptColumns();
        List<Side> deleted = new ArrayList<>();
        onEachSide(
                distinct,
                distinct,
                state -> {
                    kept.reset(state);
                    deleted.clear();
                },
                side -> {
                    if (side == Side.OLD && migration.oldStore().keepsColumns()) {
                        kept.deleteRows(distinct); // the application's row goes whole
                    } else {
                        deleteOn(side, distinct);
                        if (side == Side.NEW) {
                            kept.deleteRowsWithNew(distinct); // after NEW's, in the order of this phase's writes
                        }
                    }
                    Side first = deleted.isEmpty() ? side : deleted.get(0);
                    if (migration.sidesShareTransactions()
                            && first != side
                            && !(first == Side.OLD && migration.oldStore().keepsColumns())) {
                        // A key the first side lacked took no lock there (READ COMMITTED locks no gap): a copy of the
                        // second side's value (the bypass-write drain, a backfill chunk routed by the phase before)
                        // may have created it since, and committed before this delete could lock the second side:
                        // this delete is the later write, so it deletes that copy too. A row another transaction
                        // holds is passed over, never waited for (its writer writes or checks the second side after
                        // this delete, and wins or follows it; docs/capture.md).
                        List<K> recreated = migration.store(first).deleteUnlessLocked(distinct);
                        if (!recreated.isEmpty()
                                && !(side == Side.OLD && migration.oldStore().keepsColumns())) {
                            // A dual write that created such a row may have written this side only after this
                            // delete passed it (and committed since): delete those keys here again too, so that
                            // both sides end without them.
                            migration.store(side).deleteUnlessLocked(recreated);
                        }
                    }
                    deleted.add(side);
                });
    }

    /** Deletes the keys from one side's store (OLD's rows whole where it keeps columns). */
    private void deleteOn(Side side, List<K> keys) {
        if (side == Side.OLD && migration.oldStore().keepsColumns()) {
            migration.oldStore().deleteRows(keys);
        } else if (keys.size() == 1) {
            migration.store(side).delete(keys.get(0));
        } else {
            migration.store(side).deleteAll(keys);
        }
    }

    /** An OLD value never maps to a value only NEW holds: OLD would hold what it cannot hold by declaration. */
    private void refuseNewOnly(N mapped) {
        if (migration.onlyInNew(mapped)) {
            throw new InvalidMigrationException("Migration '" + migration.name() + "': toNew(...) maps an OLD value to"
                    + " one declared only in NEW (key "
                    + migration.keyCodec().encode(migration.newStore().keyOf(mapped))
                    + "); nothing was written. Write such values with writeNew(...), or correct onlyInNew(...)");
        }
    }

    private void requireDistinct(List<K> keys, String operation) {
        Set<K> seen = new HashSet<>();
        for (K key : keys) {
            if (!seen.add(key)) {
                throw new IllegalArgumentException("Migration '" + migration.name() + "': " + operation + " was given"
                        + " key " + migration.keyCodec().encode(key) + " twice; nothing was written. Give each key"
                        + " once (the last value of a key is the one to write)");
            }
        }
    }

    /** How long a write waits for a move that hands the source of truth over before it gives up. */
    static final java.time.Duration HANDOVER_WAIT = java.time.Duration.ofSeconds(5);

    private void onEachSide(List<K> keys, Consumer<Side> operation) {
        onEachSide(keys, keys, state -> {}, operation);
    }

    /**
     * Writes on each side the phase writes, as {@link #write} describes.
     *
     * @param copied the keys whose value goes to both sides (across two databases, each gets an intent and a copy);
     *     the others are written on the source of truth only
     * @param guard runs with the phase the write is routed by, before anything is written; it may refuse the write
     */
    private void onEachSide(List<K> keys, List<K> copied, Consumer<PhaseState> guard, Consumer<Side> operation) {
        long deadline = System.nanoTime() + HANDOVER_WAIT.toNanos();
        boolean callers = migration.oldStore().transactions().hasOpenTransaction()
                || migration.newStore().transactions().hasOpenTransaction();
        int victims = 0;
        while (true) {
            try {
                onEachSideOnce(keys, copied, guard, operation);
                return;
            } catch (StoreException e) {
                // The database chose this write as a deadlock victim (while a move switches the order in which the
                // sides are written, two writes routed by the two phases lock the sides in opposite orders) and
                // rolled its transaction back: nothing was written. A transaction of dualwrite's own is run again;
                // a caller's is the caller's to retry.
                if (callers || victims >= DEADLOCK_RETRIES || !rolledBackByTheDatabase(e)) {
                    throw e;
                }
                victims++;
                log.debug("Migration '{}': a write was a deadlock victim; writing it again", migration.name(), e);
                sleepBriefly();
                phases.refresh(migration.name());
            } catch (HandoverFence.Fenced fenced) {
                // A move is handing the source of truth over: nothing was written; route again by the new phase,
                // unless this write joined the caller's transaction, which must be retried as a whole (writing the
                // other database now would commit outside it).
                if (fenced.inCallersTransaction()) {
                    throw new DualWriteException(
                            "Migration '" + migration.name() + "': the source of truth is being"
                                    + " handed over; nothing was written, and this write is part of your transaction, so"
                                    + " roll it back and retry it",
                            fenced);
                }
                if (System.nanoTime() > deadline) {
                    throw new DualWriteException(
                            "Migration '" + migration.name() + "': the source of truth is being"
                                    + " handed over and the move did not complete within " + HANDOVER_WAIT
                                    + "; nothing was"
                                    + " written, write again",
                            fenced);
                }
                sleepBriefly();
                phases.refresh(migration.name());
            }
        }
    }

    /** How many times a write of dualwrite's own transaction is run again after the database rolled it back. */
    private static final int DEADLOCK_RETRIES = 3;

    /** Whether the database rolled the transaction back (SQLSTATE class 40: a deadlock or serialization failure). */
    private static boolean rolledBackByTheDatabase(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql
                    && sql.getSQLState() != null
                    && sql.getSQLState().startsWith("40")) {
                return true;
            }
        }
        return false;
    }

    private void onEachSideOnce(List<K> keys, List<K> copied, Consumer<PhaseState> guard, Consumer<Side> operation) {
        fence.check(migration.name());
        PhaseState state = inFlight.enter(migration.name(), () -> phases.current(migration.name()));
        List<Side> sides = state.phase().writeOrder();
        // The other side's outcome is counted apart when it lives in another database (see routeWrite).
        List<Side> inOneTransaction =
                sides.size() == 2 && !migration.sidesShareTransactions() ? sides.subList(0, 1) : sides;
        try {
            guard.accept(state);
            routeWrite(copied, state, operation);
            inOneTransaction.forEach(side -> written.get(side).add(keys.size()));
        } catch (HandoverFence.Fenced e) {
            throw e;
        } catch (RuntimeException e) {
            inOneTransaction.forEach(side -> failed.get(side).add(keys.size()));
            throw e;
        } finally {
            inFlight.exit(migration.name(), state.version());
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DualWriteException("interrupted while waiting for a move to complete", e);
        }
    }

    private void routeWrite(List<K> keys, PhaseState state, Consumer<Side> operation) {
        MigrationPhase phase = state.phase();
        List<Side> sides = phase.writeOrder();
        Side primary = sides.get(0);
        MigrationStore<K, ?> primaryStore = migration.store(primary);
        if (sides.size() == 1) {
            primaryStore.transactions().inTransaction(() -> operation.accept(primary));
            return;
        }
        Side secondary = sides.get(1);
        if (migration.sidesShareTransactions()) {
            primaryStore.transactions().inTransaction(() -> {
                operation.accept(primary);
                operation.accept(secondary);
            });
            return;
        }
        if (!keys.isEmpty()) {
            refuseWhileTheOtherSideIsKnownDown(secondary); // nothing is copied when every value stays on one side
        }
        boolean callers = primaryStore.transactions().hasOpenTransaction();
        boolean passed = primaryStore.transactions().inTransaction(() -> {
            // Refused before anything is written once a move handing the source of truth over fenced this phase;
            // told by a value, not an exception, so that a caller's transaction this joins stays usable.
            if (!HandoverFence.passes(migration, primary, state.version())) {
                return false;
            }
            // The intent commits or rolls back with the write: the other side is written only after the commit,
            // and if this process dies first, the repairer finds the key here and completes the copy. It is written
            // before the row: every copy of the key locks the intent first (see Repairer#copy), so a write and a
            // copy of one key always meet there, in that order, and never deadlock. A batch takes its keys in key
            // order (see inKeyOrder), so that two batches never wait for each other in a cycle.
            DivergenceLedger ledger = ledger(primary, secondary);
            for (K key : keys) {
                ledger.record(
                        migration.name(),
                        migration.keyCodec().encode(key),
                        primary,
                        DivergenceCause.WRITE_IN_PROGRESS,
                        "committed on " + primary + "; copy to " + secondary + " pending");
            }
            operation.accept(primary);
            for (K key : keys) {
                primaryStore
                        .transactions()
                        .afterCommit(() -> copyAfterCommit(key, primary, secondary, state.version()));
            }
            return true;
        });
        if (!passed) {
            throw new HandoverFence.Fenced(
                    "Migration '" + migration.name() + "': phase version " + state.version() + " is fenced on the "
                            + primary + " side by a move handing the source of truth over",
                    callers);
        }
    }

    /**
     * Under {@link SecondaryFailurePolicy#FAIL}, refuses a write before anything is written while the other side's
     * circuit breaker is open: that side is known to be unreachable, so the write could not reach it.
     */
    private void refuseWhileTheOtherSideIsKnownDown(Side secondary) {
        CircuitBreaker breaker = breakers.get(secondary);
        if (migration.failurePolicy() == SecondaryFailurePolicy.FAIL
                && breaker != null
                && breaker.getState() == CircuitBreaker.State.OPEN) {
            secondaryFailures.increment();
            failed.get(secondary).increment();
            throw SecondaryWriteException.refused(
                    migration.name(),
                    secondary,
                    new StoreException("the circuit breaker of the " + secondary + " side is open", null));
        }
    }

    /** Copies the key's committed value from the side written first to the other side, and clears the intent. */
    private void copyAfterCommit(K key, Side primary, Side secondary, long version) {
        secondaryAttempts.increment();
        java.util.concurrent.atomic.AtomicBoolean fenced = new java.util.concurrent.atomic.AtomicBoolean();
        try {
            boolean agree = repairer.copy(
                    key,
                    primary,
                    (side, transactions, write) -> secondaryWrites.run(
                            transactions,
                            () -> {
                                // A copy routed by a fenced phase is left to the handover's drain; told by a flag,
                                // not an exception, so that the side's circuit breaker does not count it as failed.
                                if (HandoverFence.passes(migration, side, version)) {
                                    write.run();
                                } else {
                                    fenced.set(true);
                                }
                            },
                            breakers.get(side)));
            if (fenced.get()) {
                log.debug("Migration '{}': the copy of key {} was fenced by a handover", migration.name(), key);
                return;
            }
            written.get(secondary).increment();
            if (!agree) {
                log.warn(
                        "Migration '{}': key {} still differs after its write reached the {} side; it stays in the"
                                + " ledger (do the mappings round-trip?)",
                        migration.name(),
                        migration.keyCodec().encode(key),
                        secondary);
            }
        } catch (RuntimeException e) {
            secondaryFailures.increment();
            failed.get(secondary).increment();
            recordFailure(key, primary, secondary, e);
            if (migration.failurePolicy() == SecondaryFailurePolicy.FAIL) {
                throw SecondaryWriteException.committed(migration.name(), primary, secondary, e);
            }
            log.warn(
                    "Migration '{}': write of key {} to the {} side failed; recorded for repair: {}",
                    migration.name(),
                    migration.keyCodec().encode(key),
                    secondary,
                    e.toString());
        }
    }

    /** Turns the key's intent into a record of the failure, for operators; the intent alone would do for repair. */
    private void recordFailure(K key, Side primary, Side secondary, RuntimeException failure) {
        try {
            migration.store(primary).transactions().inNewTransaction(() -> ledger(primary, secondary)
                    .record(
                            migration.name(),
                            migration.keyCodec().encode(key),
                            primary,
                            DivergenceCause.SECONDARY_WRITE_FAILED,
                            failure.toString()));
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private DivergenceLedger ledger(Side primary, Side secondary) {
        return migration
                .ledger(primary)
                .orElseThrow(() -> new InvalidMigrationException("Migration '" + migration.name()
                        + "' has no divergence ledger for " + primary + ", which a write across two databases needs"
                        + " to write " + secondary + " safely; declare one with ledger(side, ledger)"));
    }
}
