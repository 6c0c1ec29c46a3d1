package io.dualwrite.core.jdbc;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.model.InvalidMigrationException;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Captures the writes to a migration's OLD table that bypass dualwrite (a legacy job, a console, another service)
 * and brings each to NEW, so that no business change made beside dualwrite is lost (docs/capture.md).
 *
 * <p>Triggers on the OLD table ({@link CaptureDdl}) record the key of every row changed by a session dualwrite did
 * not mark ({@link WriterMarker}) in {@code dualwrite_capture}. {@link #drain(int)} copies each recorded key and
 * removes its record in one transaction, taking the locks in the order the phase's dual writes take them:
 *
 * <ul>
 *   <li>DUAL_WRITE, BACKFILL (OLD is the source of truth; dual writes lock OLD, then NEW): OLD's row under a shared
 *       lock, then NEW written from it (or the key deleted from NEW), then the record.
 *   <li>READ_NEW (NEW is the source of truth; dual writes lock NEW, then OLD): NEW's row under an exclusive lock,
 *       then OLD's under a shared one; NEW is written from OLD only if OLD differs from NEW's value mapped to OLD,
 *       which after a dual write it cannot: the bypass write, later than NEW's value, wins, and a later dual write
 *       wins over it.
 *   <li>OLD_ONLY, DROP_OLD (one side written): the record is counted and removed, nothing copied; a bypass write in
 *       DROP_OLD is logged as a warning (NEW no longer takes OLD's values: stop the legacy writers first).
 * </ul>
 *
 * <p>The record is removed only if its token is still the one the drain read: a capture after that read renews the
 * token (or waits on the drain's removal and then records anew), so the key is drained again and no change is lost.
 * No record is locked before the rows, so the drain never waits on a record while holding a row a bypass write wants.
 *
 * <p>Both sides in one database (PostgreSQL or MariaDB), over a key of one column; across two databases capture is
 * refused.
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
    private final JdbcTransactions transactions;
    private final CaptureDdl ddl;
    private final Object statsLock = new Object();
    private long count;
    private @Nullable Instant lastSeen;
    private final Deque<Drained> recent = new ArrayDeque<>();
    private final LinkedHashSet<String> sample = new LinkedHashSet<>();

    private record Captured(String key, String token, long writes, Instant capturedAt) {}

    private record Drained(Instant at, long writes) {}

    /**
     * @throws InvalidMigrationException if the migration's sides are not {@link JdbcStore}s in one PostgreSQL or
     *     MariaDB database, or its key is not one column of a built-in key type
     */
    @SuppressWarnings("unchecked")
    public BypassCapture(Migration<K, O, N> migration, Supplier<MigrationPhase> phase, Clock clock) {
        this(migration, phase, () -> true, clock);
    }

    /**
     * @param oldSideCurrent whether OLD is kept current in the phase now: false in a READ_NEW entered from DROP_OLD
     *     whose re-sync has not completed, while OLD still holds values NEW has replaced (a captured key is then
     *     left for later: copying OLD to NEW would bring a stale value back)
     * @throws InvalidMigrationException if the migration's sides are not {@link JdbcStore}s in one PostgreSQL or
     *     MariaDB database, or its key is not one column of a built-in key type
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
        if (!migration.sidesShareTransactions()) {
            throw new InvalidMigrationException("Migration '" + name + "': capturing bypass writes needs both sides in"
                    + " one database (the copy of a captured key and the removal of its record commit together);"
                    + " across two databases it is not supported");
        }
        this.oldStore = (JdbcStore<K, O>) old;
        this.newStore = (JdbcStore<K, N>) neu;
        this.transactions = oldStore.transactions();
        SqlDialect dialect = transactions.dialect();
        if (dialect == SqlDialect.H2) {
            throw new InvalidMigrationException("Migration '" + name + "': capturing bypass writes needs PostgreSQL"
                    + " or MariaDB, but the database is H2");
        }
        if (oldStore.keyColumns().size() != 1 || !KEY_TYPES.contains(migration.keyType())) {
            throw new InvalidMigrationException("Migration '" + name + "': capturing bypass writes supports keys of"
                    + " one column of type Long, Integer, String or UUID, but the key is "
                    + migration.keyType().getSimpleName() + " over " + oldStore.keyColumns());
        }
        this.ddl = CaptureDdl.forStore(name, oldStore);
    }

    /** The migration's name. */
    public String name() {
        return migration.name();
    }

    /** The DDL of the capture table and of this migration's triggers. */
    public CaptureDdl ddl() {
        return ddl;
    }

    /**
     * Creates the capture table and this migration's triggers unless they are installed already (each instance that
     * starts would otherwise drop and create them again, leaving writes uncaptured in between); marks dualwrite's
     * writes. Triggers found by name are kept as they are: after changing the migration's columns, {@link
     * #uninstall()} first.
     */
    public void install() {
        WriterMarker.enable(transactions.dataSource());
        if (installedTriggers().containsAll(ddl.triggerNames())) {
            log.info("Migration '{}': capture triggers on {} are installed already", name(), ddl.table());
        } else {
            execute(ddl.create());
        }
        log.info("Migration '{}': capturing writes to {} that bypass dualwrite", name(), ddl.table());
    }

    /**
     * Marks dualwrite's writes, the triggers being applied by the team's own schema migrations.
     *
     * @throws InvalidMigrationException if a trigger is missing, with the DDL to apply
     */
    public void requireInstalled() {
        WriterMarker.enable(transactions.dataSource());
        List<String> missing = new ArrayList<>(ddl.triggerNames());
        missing.removeAll(installedTriggers());
        if (!missing.isEmpty()) {
            throw new InvalidMigrationException("Migration '" + name() + "': the capture triggers " + missing
                    + " are missing on " + ddl.table() + "; apply:\n" + ddl.script(ddl.create()));
        }
    }

    /** Drops this migration's triggers (the capture table and its pending records stay). */
    public void uninstall() {
        execute(ddl.drop());
    }

    /**
     * Prepares capture fed from the database's log instead of triggers ({@link CaptureFeed}, dualwrite-debezium):
     * creates the capture table if absent, installs no trigger, and marks dualwrite's work in the log on PostgreSQL
     * ({@link WriterMarker#enableLogMessages}).
     *
     * @throws InvalidMigrationException on MariaDB, where dualwrite has no marker in the binlog yet
     */
    public void installForFeed() {
        if (transactions.dialect() != SqlDialect.POSTGRESQL) {
            throw new InvalidMigrationException("Migration '" + name() + "': capture fed from the database's log needs"
                    + " PostgreSQL (dualwrite marks its own transactions with pg_logical_emit_message), but the"
                    + " database is " + transactions.dialect() + "; capture it with triggers instead"
                    + " (captureBypassWrites(name))");
        }
        WriterMarker.enableLogMessages(transactions.dataSource());
        execute(List.of(ddl.createTable()));
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
        String sql = "INSERT INTO " + CaptureDdl.TABLE + " (migration, entity_key, token, writes, captured_at)"
                + " VALUES (?, ?, ?, ?, ?) "
                + (transactions.dialect() == SqlDialect.POSTGRESQL
                        ? "ON CONFLICT (migration, entity_key) DO UPDATE SET token = EXCLUDED.token, writes = "
                                + CaptureDdl.TABLE + ".writes + EXCLUDED.writes, captured_at = EXCLUDED.captured_at"
                        : "ON DUPLICATE KEY UPDATE token = VALUES(token), writes = writes + VALUES(writes),"
                                + " captured_at = VALUES(captured_at)");
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
     * Copies up to {@code limit} captured keys as the current phase wants (see the class comment) and removes their
     * records.
     *
     * @return how many records it removed
     */
    public int drain(int limit) {
        List<Captured> captured = pendingRecords(limit);
        int drained = 0;
        for (Captured record : captured) {
            MigrationPhase current = phase.get();
            boolean removed;
            try {
                removed = transactions.inNewTransaction(
                        () -> copy(migration.keyCodec().decode(record.key()), current) && remove(record));
            } catch (RuntimeException e) {
                // One key that cannot be copied (a value the mapping refuses, a constraint of NEW) must not hold
                // up the others: it goes to the back of the queue, is tried again, and says why.
                log.warn(
                        "Migration '{}': captured key {} could not be copied; trying again later: {}",
                        name(),
                        record.key(),
                        e.toString());
                requeue(record);
                continue;
            }
            if (removed) {
                drained++;
                counted(record);
                if (current == MigrationPhase.DROP_OLD) {
                    log.warn(
                            "Migration '{}': key {} of {} was written bypassing dualwrite in DROP_OLD; not copied to"
                                    + " NEW",
                            name(),
                            record.key(),
                            ddl.table());
                }
            }
        }
        return drained;
    }

    /** Copies the key as the phase wants; false to leave its record for later. */
    private boolean copy(K key, MigrationPhase current) {
        switch (current) {
            case DUAL_WRITE, BACKFILL -> {
                Optional<O> old = oldStore.readLocked(key);
                if (old.isPresent()) {
                    newStore.upsert(migration.toNew(old.get()));
                } else {
                    newStore.delete(key);
                    // An absent row takes no lock: a dual write may have created it meanwhile, and the delete
                    // waited for it. Read again (a new statement sees what committed) and copy what is there now.
                    oldStore.readLocked(key).ifPresent(now -> newStore.upsert(migration.toNew(now)));
                }
            }
            case READ_NEW -> {
                if (!oldSideCurrent.getAsBoolean()) {
                    return false; // OLD is being brought up to date from NEW: its value may be stale
                }
                Optional<N> held = newStore.readForUpdate(key);
                Optional<O> old = oldStore.readLocked(key);
                if (held.isPresent() && migration.onlyInNew(held.get())) {
                    return true; // OLD holds no such value by design
                }
                if (held.isEmpty() && old.isEmpty()) {
                    return true;
                }
                if (held.isPresent()
                        && old.isPresent()
                        && migration.equivalence().equivalent(migration.toNew(old.get()), held.get())) {
                    return true; // OLD holds what NEW holds: a later dual write won, or the write changed nothing
                }
                if (old.isPresent()) {
                    newStore.upsert(migration.toNew(old.get()));
                } else {
                    newStore.delete(key);
                }
            }
            case OLD_ONLY, DROP_OLD -> {
                // one side written: nothing to keep in step
            }
        }
        return true;
    }

    /** Puts a record that failed to the back of the queue (its token kept: a bypass write meanwhile still counts). */
    private void requeue(Captured record) {
        try {
            transactions.inNewTransaction(() -> transactions.withConnection(c -> {
                try (PreparedStatement statement = c.prepareStatement("UPDATE " + CaptureDdl.TABLE
                        + " SET captured_at = ? WHERE migration = ? AND entity_key = ? AND token = ?")) {
                    Timestamps.set(statement, 1, clock.instant());
                    statement.setString(2, name());
                    statement.setString(3, record.key());
                    statement.setString(4, record.token());
                    return statement.executeUpdate();
                }
            }));
        } catch (RuntimeException e) {
            log.debug("Migration '{}': could not requeue captured key {}", name(), record.key(), e);
        }
    }

    /** How many captured keys wait to be drained (all instances'). */
    public long pending() {
        return transactions.withConnection(c -> {
            try (PreparedStatement statement =
                    c.prepareStatement("SELECT COUNT(*) FROM " + CaptureDdl.TABLE + " WHERE migration = ?")) {
                statement.setString(1, name());
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
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

    private List<Captured> pendingRecords(int limit) {
        return transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement("SELECT entity_key, token, writes, captured_at FROM "
                    + CaptureDdl.TABLE + " WHERE migration = ? ORDER BY captured_at LIMIT " + Math.max(1, limit))) {
                statement.setString(1, name());
                List<Captured> found = new ArrayList<>();
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        Timestamp at = rs.getTimestamp(4);
                        found.add(new Captured(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getLong(3),
                                at.toLocalDateTime().toInstant(java.time.ZoneOffset.UTC)));
                    }
                }
                return found;
            }
        });
    }

    private boolean remove(Captured record) {
        return transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement(
                    "DELETE FROM " + CaptureDdl.TABLE + " WHERE migration = ? AND entity_key = ? AND token = ?")) {
                statement.setString(1, name());
                statement.setString(2, record.key());
                statement.setString(3, record.token());
                return statement.executeUpdate() == 1;
            }
        });
    }

    private List<String> installedTriggers() {
        String sql = ddl.dialect() == SqlDialect.POSTGRESQL
                ? "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE ?"
                : "SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = DATABASE()"
                        + " AND trigger_name LIKE ?";
        return transactions.withConnection(c -> {
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

    private void execute(List<String> statements) {
        try {
            transactions.withConnection(c -> {
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
