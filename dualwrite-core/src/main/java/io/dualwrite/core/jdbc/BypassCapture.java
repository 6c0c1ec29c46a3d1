package io.dualwrite.core.jdbc;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.CaptureRecords.Captured;
import io.dualwrite.core.model.InvalidMigrationException;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.model.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Captures the writes that bypass dualwrite (a legacy job, a console, another service) to a migration's OLD table, and
 * to its NEW table once NEW is the source of truth, and brings each to the other side, so that no business change
 * made beside dualwrite is lost (docs/capture.md).
 *
 * <p>Triggers ({@link CaptureDdl}) record the key of every row changed by a session dualwrite did not mark ({@link
 * WriterMarker}) in {@code dualwrite_capture}, in the changed table's database, with the side it changed. With both
 * sides in one database a key has one record, whose side is that of the latest capture (the record's row lock orders
 * the captures); across two databases each side's database has its own. {@link #drain(int)} copies each recorded key
 * taking the locks in the order the phase's dual writes take them (across two databases: the side written first in
 * one transaction, the other in a second one nested in it, committed first):
 *
 * <ul>
 *   <li>DUAL_WRITE, BACKFILL (OLD is the source of truth): OLD's row under a shared lock, then NEW's, written from OLD
 *       whichever side the capture was on (a bypass write to NEW alone is undone, as a repair would).
 *   <li>READ_NEW, latest capture on NEW: NEW's row under a shared lock, then OLD's, written from NEW (OLD stays current
 *       for a rollback).
 *   <li>READ_NEW, latest capture on OLD: NEW's row under an exclusive lock, then OLD's value; NEW is written from it
 *       only if it differs from NEW's, which after a dual write it cannot: the bypass write, later than NEW's value,
 *       wins, and a later dual write wins over it. Across two databases a dual write recorded in NEW's ledger no
 *       earlier than the capture (its copy to OLD may still be pending) leaves the key for later.
 *   <li>OLD_ONLY, DROP_OLD (one side written): the records are counted and removed, nothing copied; a bypass write to
 *       OLD in DROP_OLD is logged as a warning (NEW no longer takes OLD's values: stop the legacy writers first).
 * </ul>
 *
 * <p>Across two databases a key captured on both sides is copied from the side of the later capture (by each
 * database's clock: no lock orders two writes in two databases). After the copy committed, each record is removed only
 * if its token is still the one the drain read: a capture after that read renews the token, so the key is drained
 * again and no change is lost (a crash in between only copies the key again). Before writing, a copy in READ_NEW checks
 * that the tokens are unchanged, so that it never copies from a side a later capture has made stale. No record is
 * locked before the rows, so the drain never waits on a record while holding a row a bypass write wants.
 *
 * <p>PostgreSQL or MariaDB on each side, a key of one column; NEW is captured only when the migration has a reverse
 * mapping (a bypass write to NEW reaches OLD through it).
 */
public final class BypassCapture<K, O, N> {

    private static final Logger log = LoggerFactory.getLogger(BypassCapture.class);

    /** How many keys {@link BypassWrites#sampleKeys()} holds. */
    public static final int SAMPLE_SIZE = 10;

    private static final Set<Class<?>> KEY_TYPES = Set.of(Long.class, Integer.class, String.class, UUID.class);

    private final Migration<K, O, N> migration;
    private final Supplier<MigrationPhase> phase;
    private final java.util.function.BooleanSupplier oldSideCurrent;
    private final Clock clock;
    private final JdbcStore<K, O> oldStore;
    private final JdbcStore<K, N> newStore;
    private final boolean oneDatabase;
    private final CaptureDdl ddl;
    private final List<CaptureDdl> ddls;
    private final List<CaptureRecords> tables;
    private final Object statsLock = new Object();
    private long count;
    private @Nullable Instant lastSeen;
    private final Deque<Drained> recent = new ArrayDeque<>();
    private final LinkedHashSet<String> sample = new LinkedHashSet<>();

    private record Drained(Instant at, long writes) {}

    /**
     * @throws InvalidMigrationException if the migration's sides are not {@link JdbcStore}s in PostgreSQL or MariaDB,
     *     or its key is not one column of a built-in key type
     */
    @SuppressWarnings("unchecked")
    public BypassCapture(Migration<K, O, N> migration, Supplier<MigrationPhase> phase, Clock clock) {
        this(migration, phase, () -> true, clock);
    }

    /**
     * @param oldSideCurrent whether OLD is kept current in the phase now: false in a READ_NEW entered from DROP_OLD
     *     whose re-sync has not completed, while OLD still holds values NEW has replaced (a key captured on OLD is then
     *     left for later: copying OLD to NEW would bring a stale value back)
     * @throws InvalidMigrationException if the migration's sides are not {@link JdbcStore}s in PostgreSQL or MariaDB,
     *     or its key is not one column of a built-in key type
     */
    @SuppressWarnings("unchecked")
    public BypassCapture(
            Migration<K, O, N> migration,
            Supplier<MigrationPhase> phase,
            java.util.function.BooleanSupplier oldSideCurrent,
            Clock clock) {
        this.migration = Objects.requireNonNull(migration, "migration");
        this.phase = Objects.requireNonNull(phase, "phase");
        this.oldSideCurrent = Objects.requireNonNull(oldSideCurrent, "oldSideCurrent");
        this.clock = Objects.requireNonNull(clock, "clock");
        String name = migration.name();
        if (!(migration.oldStore() instanceof JdbcStore<?, ?> old)
                || !(migration.newStore() instanceof JdbcStore<?, ?> neu)) {
            throw new InvalidMigrationException("Migration '" + name + "': capturing bypass writes needs JdbcStores on"
                    + " both sides, but they are " + migration.oldStore().description() + " and "
                    + migration.newStore().description());
        }
        this.oldStore = (JdbcStore<K, O>) old;
        this.newStore = (JdbcStore<K, N>) neu;
        this.oneDatabase = migration.sidesShareTransactions();
        for (JdbcStore<K, ?> store : List.of(oldStore, newStore)) {
            if (store.transactions().dialect() == SqlDialect.H2) {
                throw new InvalidMigrationException("Migration '" + name + "': capturing bypass writes needs"
                        + " PostgreSQL or MariaDB, but the database of " + store.table() + " is H2");
            }
            if (store.keyColumns().size() != 1 || !KEY_TYPES.contains(migration.keyType())) {
                throw new InvalidMigrationException("Migration '" + name + "': capturing bypass writes supports keys"
                        + " of one column of type Long, Integer, String or UUID, but the key is "
                        + migration.keyType().getSimpleName() + " over " + store.keyColumns() + " of "
                        + store.table());
            }
        }
        if (!oneDatabase && migration.ledger(Side.NEW).isEmpty()) {
            throw new InvalidMigrationException("Migration '" + name + "': capturing bypass writes across two databases"
                    + " needs NEW's divergence ledger (a copy of a captured key waits for a dual write's pending copy);"
                    + " declare one with ledger(Side.NEW, ledger)");
        }
        this.ddl = CaptureDdl.forStore(name, oldStore, Side.OLD);
        this.ddls = migration.hasReverseMapping()
                ? List.of(ddl, CaptureDdl.forStore(name, newStore, Side.NEW))
                : List.of(ddl);
        // NEW's database holds records of its own only when NEW is captured (it then gets the capture table too).
        this.tables = oneDatabase || ddls.size() == 1
                ? List.of(new CaptureRecords(name, oldStore.transactions()))
                : List.of(
                        new CaptureRecords(name, oldStore.transactions()),
                        new CaptureRecords(name, newStore.transactions()));
    }

    /** The migration's name. */
    public String name() {
        return migration.name();
    }

    /** The DDL of the capture table and of this migration's triggers on OLD. */
    public CaptureDdl ddl() {
        return ddl;
    }

    /**
     * The DDL of every captured table: OLD's, and NEW's when the migration has a reverse mapping (created with OLD's, so
     * that a bypass write to NEW is captured from the first moment NEW is the source of truth). Each applies to its
     * side's database.
     */
    public List<CaptureDdl> ddls() {
        return ddls;
    }

    /**
     * Creates the capture table and this migration's triggers in each captured side's database unless they are
     * installed already (each instance that starts would otherwise drop and create them again, leaving writes
     * uncaptured in between); marks dualwrite's writes. Triggers found by name are kept as they are: after changing
     * the migration's columns, {@link #uninstall()} first.
     */
    public void install() {
        for (CaptureDdl each : ddls) {
            JdbcTransactions transactions = transactionsOf(each);
            WriterMarker.enable(transactions.dataSource());
            if (installedTriggers(each).containsAll(each.triggerNames())) {
                log.info("Migration '{}': capture triggers on {} are installed already", name(), each.table());
            } else {
                execute(each, each.create());
            }
            log.info("Migration '{}': capturing writes to {} that bypass dualwrite", name(), each.table());
        }
    }

    /**
     * Marks dualwrite's writes, the triggers being applied by the team's own schema migrations.
     *
     * @throws InvalidMigrationException if a trigger is missing, with the DDL to apply
     */
    public void requireInstalled() {
        for (CaptureDdl each : ddls) {
            WriterMarker.enable(transactionsOf(each).dataSource());
        }
        for (CaptureDdl each : ddls) {
            List<String> missing = new ArrayList<>(each.triggerNames());
            missing.removeAll(installedTriggers(each));
            if (!missing.isEmpty()) {
                throw new InvalidMigrationException("Migration '" + name() + "': the capture triggers " + missing
                        + " are missing on " + each.table() + "; apply:\n" + each.script(each.create()));
            }
        }
    }

    /** Drops this migration's triggers (the capture tables and their pending records stay). */
    public void uninstall() {
        for (CaptureDdl each : ddls) {
            execute(each, each.drop());
        }
    }

    /**
     * Prepares capture fed from the database's log instead of triggers ({@link CaptureFeed}, dualwrite-debezium):
     * creates the capture table if absent, installs no trigger, and marks dualwrite's work in the log on PostgreSQL
     * ({@link WriterMarker#enableLogMessages}).
     *
     * @throws InvalidMigrationException on MariaDB, where dualwrite has no marker in the binlog yet
     */
    public void installForFeed() {
        JdbcTransactions transactions = oldStore.transactions();
        if (!oneDatabase) {
            // The feed records OLD's keys in OLD's database only; NEW's database would hold no records to drain.
            throw new InvalidMigrationException("Migration '" + name() + "': capture fed from the database's log needs"
                    + " both sides in one PostgreSQL database, but NEW is in another (" + newStore.description()
                    + "); capture it with triggers instead (captureBypassWrites(name)), which cover two databases");
        }
        if (transactions.dialect() != SqlDialect.POSTGRESQL) {
            throw new InvalidMigrationException("Migration '" + name() + "': capture fed from the database's log needs"
                    + " PostgreSQL (dualwrite marks its own transactions with pg_logical_emit_message), but the"
                    + " database is " + transactions.dialect() + "; capture it with triggers instead"
                    + " (captureBypassWrites(name))");
        }
        WriterMarker.enableLogMessages(transactions.dataSource());
        execute(
                ddl,
                List.of(
                        ddl.createTable(),
                        "ALTER TABLE " + CaptureDdl.TABLE + " ADD COLUMN IF NOT EXISTS side"
                                + " VARCHAR(3) DEFAULT 'OLD' NOT NULL"));
        log.info("Migration '{}': capturing writes to {} that bypass dualwrite from the log", name(), ddl.table());
    }

    /**
     * Records keys changed outside dualwrite, as the triggers do: each gets a fresh token (so a drain that read the
     * key's record before does not remove it) and counts the times it appears as writes. The entry point of a feed from the
     * database's log; the drain then copies them as it copies triggered ones. Takes only the records' locks, in its
     * own transaction.
     *
     * @param keys the keys as the migration's {@code KeyCodec} encodes them (the database's text of the key column),
     *     one per row change
     */
    public void record(java.util.Collection<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        // The feed watches OLD: the record's side is OLD, the latest capture of the key (docs/capture.md).
        JdbcTransactions transactions = oldStore.transactions();
        String sql = "INSERT INTO " + CaptureDdl.TABLE + " (migration, entity_key, token, writes, captured_at, side)"
                + " VALUES (?, ?, ?, ?, ?, 'OLD') "
                + (transactions.dialect() == SqlDialect.POSTGRESQL
                        ? "ON CONFLICT (migration, entity_key) DO UPDATE SET token = EXCLUDED.token, writes = "
                                + CaptureDdl.TABLE + ".writes + EXCLUDED.writes, captured_at = EXCLUDED.captured_at,"
                                + " side = 'OLD'"
                        : "ON DUPLICATE KEY UPDATE token = VALUES(token), writes = writes + VALUES(writes),"
                                + " captured_at = VALUES(captured_at), side = 'OLD'");
        java.util.SortedMap<String, Long> writes = new java.util.TreeMap<>();
        keys.forEach(key -> writes.merge(Objects.requireNonNull(key, "key"), 1L, Long::sum));
        transactions.inNewTransaction(() -> transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement(sql)) {
                // One key at a time in a sorted order: two feeds recording overlapping keys cannot deadlock.
                for (var key : writes.entrySet()) {
                    statement.setString(1, name());
                    statement.setString(2, key.getKey());
                    statement.setString(3, UUID.randomUUID().toString());
                    statement.setLong(4, key.getValue());
                    Timestamps.set(statement, 5, clock.instant());
                    statement.addBatch();
                }
                return statement.executeBatch().length;
            }
        }));
    }

    /**
     * Copies up to {@code limit} captured keys (per database) as the current phase wants (see the class comment) and
     * removes their records.
     *
     * @return how many records it removed
     */
    public int drain(int limit) {
        Map<String, List<Captured>> byKey = new LinkedHashMap<>();
        tables.stream()
                .flatMap(table -> table.oldest(limit).stream())
                .sorted(Comparator.comparing(Captured::capturedAt))
                .forEach(record -> byKey.computeIfAbsent(record.key(), k -> new ArrayList<>())
                        .add(record));
        int drained = 0;
        for (Map.Entry<String, List<Captured>> captured : byKey.entrySet()) {
            MigrationPhase current = phase.get();
            List<Captured> records = captured.getValue();
            try {
                if (!copy(migration.keyCodec().decode(captured.getKey()), records, current)) {
                    continue; // left for a later drain
                }
                for (Captured record : records) {
                    if (record.table().remove(record)) {
                        drained++;
                        counted(record);
                        if (current == MigrationPhase.DROP_OLD && record.side() == Side.OLD) {
                            log.warn(
                                    "Migration '{}': key {} of {} was written bypassing dualwrite in DROP_OLD; not"
                                            + " copied to NEW",
                                    name(),
                                    record.key(),
                                    ddl.table());
                        }
                    }
                }
            } catch (RuntimeException e) {
                // One key that cannot be copied (a value the mapping refuses, a constraint of the other side) must
                // not hold up the others: it goes to the back of the queue, is tried again, and says why.
                log.warn(
                        "Migration '{}': captured key {} could not be copied; trying again later: {}",
                        name(),
                        captured.getKey(),
                        e.toString());
                records.forEach(this::requeue);
            }
        }
        return drained;
    }

    /** Copies the key as the phase wants; false to leave its records for later. */
    private boolean copy(K key, List<Captured> records, MigrationPhase current) {
        return switch (current) {
            case DUAL_WRITE, BACKFILL -> copyInWriteOrder(key, Side.OLD, null);
            case READ_NEW -> {
                if (latest(records).side() == Side.NEW) {
                    yield copyInWriteOrder(key, Side.NEW, records);
                }
                // OLD is being brought up to date from NEW: its value may be stale
                yield oldSideCurrent.getAsBoolean() && copyOldToNew(key, records);
            }
            case OLD_ONLY, DROP_OLD -> true; // one side written: nothing to keep in step
        };
    }

    /**
     * The record of the latest capture: one database orders a key's captures by its record's row lock (one record);
     * across two, the later capture time wins, and NEW (the source of truth) on a tie.
     */
    private static Captured latest(List<Captured> records) {
        Captured latest = records.get(0);
        for (Captured record : records) {
            int later = record.capturedAt().compareTo(latest.capturedAt());
            if (later > 0 || (later == 0 && record.side() == Side.NEW)) {
                latest = record;
            }
        }
        return latest;
    }

    /**
     * Copies the key from the side the phase writes first to the other: the source's row under a shared lock, then
     * the target's under an exclusive one, in a transaction nested in the source's across two databases (committed
     * first). With {@code recheck}, nothing is written if the key's records changed since the drain read them.
     */
    private boolean copyInWriteOrder(K key, Side from, @Nullable List<Captured> recheck) {
        JdbcStore<K, ?> source = from == Side.OLD ? oldStore : newStore;
        JdbcStore<K, ?> target = from == Side.OLD ? newStore : oldStore;
        return source.transactions().inNewTransaction(() -> {
            Optional<?> value = source.readLocked(key);
            Supplier<Boolean> write = () -> {
                boolean present = target.readForUpdate(key).isPresent();
                if (recheck != null && !unchanged(recheck)) {
                    return false;
                }
                writeTarget(key, from, value, present);
                if (value.isEmpty() && present) {
                    // An absent row takes no lock: a dual write may have created it meanwhile (and, across two
                    // databases, copied it already). Read again (a new statement sees what committed) and copy it.
                    Optional<?> now = source.readLocked(key);
                    if (now.isPresent()) {
                        writeTarget(key, from, now, true);
                    }
                }
                return true;
            };
            return oneDatabase ? write.get() : target.transactions().inNewTransaction(write);
        });
    }

    /**
     * Writes the target side from the source's value: an upsert or a delete of a row this copy holds locked, or an
     * insert only if absent where the row was absent (it took no lock: a write that created it meanwhile is later).
     */
    @SuppressWarnings("unchecked")
    private void writeTarget(K key, Side from, Optional<?> value, boolean targetPresent) {
        if (from == Side.OLD) {
            Optional<O> old = (Optional<O>) value;
            if (old.isPresent()) {
                N mapped = migration.toNew(old.get());
                if (targetPresent) {
                    newStore.upsert(mapped);
                } else {
                    newStore.insertAbsent(List.of(mapped));
                }
            } else if (targetPresent) {
                newStore.delete(key);
            }
            return;
        }
        Optional<N> held = (Optional<N>) value;
        if (held.isPresent()) {
            if (migration.onlyInNew(held.get())) {
                return; // OLD holds no such value by design
            }
            O mapped = migration.toOld(held.get());
            if (targetPresent) {
                oldStore.upsert(mapped);
            } else {
                oldStore.insertAbsent(List.of(mapped));
            }
        } else if (targetPresent) {
            oldStore.delete(key);
        }
    }

    /**
     * READ_NEW, latest capture on OLD: against the write order's direction, so NEW's row is locked first (exclusive:
     * it may be written) and OLD is read without a lock after it; the records' tokens make a later OLD write count.
     */
    private boolean copyOldToNew(K key, List<Captured> records) {
        return newStore.transactions().inNewTransaction(() -> {
            Optional<N> held = newStore.readForUpdate(key);
            if (!oneDatabase && dualWriteIsLater(key, latest(records))) {
                return false; // a dual write committed NEW after OLD's capture and has not reached OLD yet
            }
            if (!unchanged(records)) {
                return false;
            }
            if (newFollowsOld(key, held, oldStore.read(key)) && oneDatabase && held.isEmpty()) {
                followAConcurrentDelete(key);
            }
            return true;
        });
    }

    /**
     * Writes NEW from OLD's value unless NEW holds a value OLD cannot hold by design, or what OLD holds already (a
     * later dual write won, or the bypass write changed nothing); true if it wrote.
     */
    private boolean newFollowsOld(K key, Optional<N> held, Optional<O> old) {
        if (held.isPresent() && migration.onlyInNew(held.get())) {
            return false; // OLD holds no such value by design
        }
        if (held.isEmpty() && old.isEmpty()) {
            return false;
        }
        if (held.isPresent()
                && old.isPresent()
                && migration.equivalence().equivalent(migration.toNew(old.get()), held.get())) {
            return false; // OLD holds what NEW holds
        }
        writeTarget(key, Side.OLD, old, held.isPresent());
        return true;
    }

    /**
     * After copying OLD's value into a row NEW lacked: that row took no lock, so a dual delete (NEW, then OLD) may
     * have passed NEW before the copy and deleted OLD's row since it was read. Now that the copy holds NEW's row, OLD
     * is read again under a shared lock, in the dual writes' order (NEW, then OLD): it waits for such a delete, and
     * NEW follows what OLD holds then. (A delete that passes OLD later deletes NEW's copy itself.)
     */
    private void followAConcurrentDelete(K key) {
        Optional<N> held = newStore.readForUpdate(key);
        newFollowsOld(key, held, oldStore.readLocked(key));
    }

    /**
     * Whether NEW's ledger holds the key as ahead on NEW, recorded no earlier than OLD's capture: a dual write
     * committed NEW and may not have reached OLD yet (its copy will bring NEW's value over), or its copy found OLD
     * changed again; the one recorded later wins (by the two databases' clocks).
     */
    private boolean dualWriteIsLater(K key, Captured onOld) {
        String encoded = migration.keyCodec().encode(key);
        return migration
                .ledger(Side.NEW)
                .flatMap(ledger -> ledger.find(name(), encoded))
                .filter(entry -> entry.ahead() == Side.NEW)
                .filter(entry -> !onOld.capturedAt().isAfter(entry.recordedAt()))
                .isPresent();
    }

    /**
     * Whether the key's records are still those the drain read: in each database the same token, or still none (a
     * capture on the other side since the read would make the side copied from stale).
     */
    private boolean unchanged(List<Captured> records) {
        String key = records.get(0).key();
        for (CaptureRecords table : tables) {
            Optional<String> read = records.stream()
                    .filter(record -> record.table() == table)
                    .map(Captured::token)
                    .findFirst();
            if (!table.token(key).equals(read)) {
                return false;
            }
        }
        return true;
    }

    /** Puts a record that failed to the back of the queue. */
    private void requeue(Captured record) {
        try {
            record.table().requeue(record, clock.instant());
        } catch (RuntimeException e) {
            log.debug("Migration '{}': could not requeue captured key {}", name(), record.key(), e);
        }
    }

    /** How many captured keys wait to be drained (all instances'). */
    public long pending() {
        return tables.stream().mapToLong(CaptureRecords::count).sum();
    }

    /**
     * The captured keys that wait to be drained, all instances', in every database that holds this migration's
     * records (across two databases NEW's too, when NEW is captured): how many, the oldest capture, a sample of keys.
     */
    public PendingCaptures pendingCaptures(int sampleSize) {
        return PendingCaptures.readAll(
                tables.stream().map(CaptureRecords::transactions).toList(), name(), sampleSize);
    }

    /**
     * The pending records whose latest capture was a bypass write to OLD (all instances'): what DROP_OLD would no
     * longer bring to NEW. Those of bypass writes to NEW are not among them (in DROP_OLD NEW holds them already).
     */
    public PendingCaptures pendingOnOld(int sampleSize) {
        return PendingCaptures.read(oldStore.transactions(), name(), sampleSize, Side.OLD);
    }

    /** The bypass writes this instance drained since it started. */
    public BypassWrites stats() {
        synchronized (statsLock) {
            Instant minuteAgo = clock.instant().minus(Duration.ofMinutes(1));
            while (!recent.isEmpty() && recent.peekFirst().at().isBefore(minuteAgo)) {
                recent.removeFirst();
            }
            long perMinute = recent.stream().mapToLong(Drained::writes).sum();
            List<String> keys = new ArrayList<>(sample);
            java.util.Collections.reverse(keys);
            return new BypassWrites(count, perMinute, lastSeen, keys);
        }
    }

    private void counted(Captured record) {
        synchronized (statsLock) {
            count += record.writes();
            recent.addLast(new Drained(clock.instant(), record.writes()));
            if (lastSeen == null || record.capturedAt().isAfter(lastSeen)) {
                lastSeen = record.capturedAt();
            }
            sample.remove(record.key());
            sample.add(record.key());
            while (sample.size() > SAMPLE_SIZE) {
                sample.remove(sample.iterator().next());
            }
        }
    }

    private JdbcTransactions transactionsOf(CaptureDdl each) {
        return each.side() == Side.OLD ? oldStore.transactions() : newStore.transactions();
    }

    private List<String> installedTriggers(CaptureDdl ddl) {
        String sql = ddl.dialect() == SqlDialect.POSTGRESQL
                ? "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE ?"
                : "SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = DATABASE()"
                        + " AND trigger_name LIKE ?";
        return transactionsOf(ddl).withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement(sql)) {
                statement.setString(1, ddl.triggerNames().get(0).replaceAll("_[a-z]+$", "") + "%");
                List<String> names = new ArrayList<>();
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        names.add(rs.getString(1));
                    }
                }
                return names;
            }
        });
    }

    private void execute(CaptureDdl ddl, List<String> statements) {
        try {
            transactionsOf(ddl).withConnection(c -> {
                runAll(c, statements);
                return null;
            });
        } catch (StoreException e) {
            throw new StoreException(
                    "Migration '" + name() + "': could not apply the capture DDL: " + e.getMessage() + "\n"
                            + ddl.script(statements),
                    e);
        }
    }

    private static void runAll(Connection c, List<String> statements) throws SQLException {
        try (Statement statement = c.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}
