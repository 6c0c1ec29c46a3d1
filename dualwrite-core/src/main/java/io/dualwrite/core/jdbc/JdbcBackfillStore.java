package io.dualwrite.core.jdbc;

import io.dualwrite.core.backfill.BackfillPartition;
import io.dualwrite.core.backfill.BackfillProgress;
import io.dualwrite.core.backfill.BackfillState;
import io.dualwrite.core.backfill.BackfillStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link BackfillStore} on dualwrite's table {@code dualwrite_backfill} (see {@link DualWriteSchema}). Every
 * change by a copying instance is one conditional UPDATE that names the lease owner, so a former owner's writes
 * match nothing.
 */
public final class JdbcBackfillStore implements BackfillStore {

    private static final String COLUMNS = "migration, state, upper_key, last_key, rows_copied, rows_estimated,"
            + " rows_per_second, started_at, updated_at, completed_at, lease_owner, lease_until, failure";
    private static final String HELD = " WHERE migration = ? AND lease_owner = ? AND state = 'RUNNING'";

    private final JdbcTransactions transactions;

    public JdbcBackfillStore(DataSource dataSource) {
        this(JdbcTransactions.of(dataSource));
    }

    public JdbcBackfillStore(JdbcTransactions transactions) {
        this.transactions = transactions;
    }

    @Override
    public Optional<BackfillProgress> find(String migration) {
        return transactions.withConnection(c -> read(c, migration));
    }

    @Override
    public BackfillProgress startIfAbsent(
            String migration, @Nullable String upperKey, long rowsEstimated, Instant now) {
        Optional<BackfillProgress> existing = find(migration);
        if (existing.isPresent()) {
            return existing.get();
        }
        try {
            transactions.withConnection(c -> insert(c, migration, upperKey, rowsEstimated, now));
        } catch (RuntimeException e) {
            // Another instance started it first; its row is read below.
            if (find(migration).isEmpty()) {
                throw e;
            }
        }
        return find(migration).orElseThrow();
    }

    @Override
    public BackfillProgress restart(String migration, @Nullable String upperKey, long rowsEstimated, Instant now) {
        return transactions.inTransaction(() -> transactions.withConnection(c -> {
            // The whole's row first, as every transaction here that takes both: a plan being stored for the run
            // replaced here commits before its ranges are deleted below, and is deleted with them.
            try (PreparedStatement lock =
                    c.prepareStatement("SELECT state FROM dualwrite_backfill WHERE migration = ? FOR UPDATE")) {
                lock.setString(1, migration);
                lock.executeQuery().close();
            }
            try (PreparedStatement delete =
                    c.prepareStatement("DELETE FROM dualwrite_backfill_partition WHERE migration = ?")) {
                delete.setString(1, migration);
                delete.executeUpdate();
            }
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM dualwrite_backfill WHERE migration = ?")) {
                delete.setString(1, migration);
                delete.executeUpdate();
            }
            insert(c, migration, upperKey, rowsEstimated, now);
            return read(c, migration).orElseThrow();
        }));
    }

    @Override
    public boolean acquireLease(String migration, String owner, Instant now, Instant leaseUntil) {
        return update(
                "UPDATE dualwrite_backfill SET lease_owner = ?, lease_until = ?, updated_at = ?"
                        + " WHERE migration = ? AND state = 'RUNNING'"
                        + " AND (lease_owner IS NULL OR lease_owner = ? OR lease_until < ?)",
                owner,
                leaseUntil,
                now,
                migration,
                owner,
                now);
    }

    @Override
    public boolean checkpoint(
            String migration,
            String owner,
            String lastKey,
            long rowsCopiedDelta,
            double rowsPerSecond,
            Instant now,
            Instant leaseUntil) {
        return update(
                "UPDATE dualwrite_backfill SET last_key = ?, rows_copied = rows_copied + ?, rows_per_second = ?,"
                        + " updated_at = ?, lease_until = ?" + HELD,
                lastKey,
                rowsCopiedDelta,
                rowsPerSecond,
                now,
                leaseUntil,
                migration,
                owner);
    }

    @Override
    public boolean complete(String migration, String owner, Instant now) {
        return update(
                "UPDATE dualwrite_backfill SET state = 'COMPLETED', completed_at = ?, updated_at = ?,"
                        + " lease_owner = NULL, lease_until = NULL" + HELD,
                now,
                now,
                migration,
                owner);
    }

    @Override
    public boolean fail(String migration, String owner, String reason, Instant now) {
        return update(
                "UPDATE dualwrite_backfill SET state = 'FAILED', failure = ?, rows_per_second = 0,"
                        + " updated_at = ?, lease_owner = NULL, lease_until = NULL" + HELD,
                reason.length() > 2000 ? reason.substring(0, 2000) : reason,
                now,
                migration,
                owner);
    }

    @Override
    public boolean changeState(String migration, Set<BackfillState> from, BackfillState to, Instant now) {
        String states = from.stream().map(s -> "'" + s.name() + "'").collect(Collectors.joining(", "));
        String failure = to == BackfillState.FAILED ? "failure" : "NULL";
        return update(
                "UPDATE dualwrite_backfill SET state = ?, failure = " + failure + ", rows_per_second = 0,"
                        + " updated_at = ?, lease_owner = NULL, lease_until = NULL"
                        + " WHERE migration = ? AND state IN (" + states + ")",
                to.name(),
                now,
                migration);
    }

    @Override
    public void releaseLease(String migration, String owner) {
        update("UPDATE dualwrite_backfill SET lease_owner = NULL, lease_until = NULL" + HELD, migration, owner);
    }

    // Partitions. A change to a range names the range's lease owner. Locks: the whole's row before any range's row, in
    // every transaction that takes both (planning, checkpoint, restart), so that a restart waits for a plan being
    // stored and then deletes it (no subquery reads the other table under a lock: InnoDB would take shared locks that
    // two checkpoints then upgrade into a deadlock). A checkpoint is fenced by the whole's conditional UPDATE
    // (RUNNING), and rolled back with it when the range's lease is no longer the owner's.

    private static final String PARTITION_COLUMNS = "migration, partition_no, lower_key, upper_key, last_key, state,"
            + " rows_copied, rows_per_second, updated_at, lease_owner, lease_until";
    private static final String PARTITION_HELD =
            " WHERE migration = ? AND partition_no = ? AND lease_owner = ? AND state = 'PENDING'";

    /** Rolls back a checkpoint whose whole was updated while the owner no longer holds the range. */
    private static final class RangeNotHeld extends RuntimeException {
        RangeNotHeld() {
            super(null, null, false, false);
        }
    }

    @Override
    public boolean planPartitions(
            String migration, @Nullable String upperKey, List<BackfillPartition.Range> ranges, Instant now) {
        return transactions.inTransaction(() -> transactions.withConnection(c -> {
            // The whole's row, locked: planners of one backfill take turns, and a plan is stored only for the run
            // it was made for (a restart in between changes the upper key or the start time).
            try (PreparedStatement lock = c.prepareStatement(
                    "SELECT upper_key, last_key, state FROM dualwrite_backfill WHERE migration = ? FOR UPDATE")) {
                lock.setString(1, migration);
                try (ResultSet rs = lock.executeQuery()) {
                    // The plan starts where the run's checkpoint stands: a plan made from an earlier run's checkpoint
                    // would skip the keys before it.
                    if (!rs.next()
                            || !"RUNNING".equals(rs.getString("state"))
                            || !java.util.Objects.equals(upperKey, rs.getString("upper_key"))
                            || ranges.isEmpty()
                            || !java.util.Objects.equals(ranges.get(0).lowerKey(), rs.getString("last_key"))) {
                        return false;
                    }
                }
            }
            try (PreparedStatement exists =
                    c.prepareStatement("SELECT COUNT(*) FROM dualwrite_backfill_partition WHERE migration = ?")) {
                exists.setString(1, migration);
                try (ResultSet rs = exists.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        return false;
                    }
                }
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO dualwrite_backfill_partition ("
                    + PARTITION_COLUMNS + ") VALUES (?, ?, ?, ?, NULL, 'PENDING', 0, 0, ?, NULL, NULL)")) {
                for (int i = 0; i < ranges.size(); i++) {
                    BackfillPartition.Range range = ranges.get(i);
                    insert.setString(1, migration);
                    insert.setInt(2, i);
                    if (range.lowerKey() == null) {
                        insert.setNull(3, Types.VARCHAR);
                    } else {
                        insert.setString(3, range.lowerKey());
                    }
                    insert.setString(4, range.upperKey());
                    Timestamps.set(insert, 5, now);
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            return true;
        }));
    }

    @Override
    public List<BackfillPartition> partitions(String migration) {
        return transactions.withConnection(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT " + PARTITION_COLUMNS
                    + " FROM dualwrite_backfill_partition WHERE migration = ? ORDER BY partition_no")) {
                select.setString(1, migration);
                List<BackfillPartition> result = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        result.add(partition(rs));
                    }
                }
                return result;
            }
        });
    }

    @Override
    public Optional<BackfillPartition> claimPartition(String migration, String owner, Instant now, Instant leaseUntil) {
        if (find(migration).map(p -> p.state() != BackfillState.RUNNING).orElse(true)) {
            return Optional.empty();
        }
        String free =
                " migration = ? AND state = 'PENDING' AND (lease_owner IS NULL OR lease_owner = ? OR lease_until < ?)";
        return transactions.inTransaction(() -> transactions.withConnection(c -> {
            // One candidate at a time, locked, others' claims in progress passed over (a claim that locked several
            // candidates would hide them all from the workers claiming at the same moment, which would find nothing
            // and end); the conditional UPDATE is the claim. Without SKIP LOCKED (H2) the candidate may have been
            // claimed meanwhile: the next one after it is tried.
            int tried = -1;
            for (int attempt = 0; attempt < 8; attempt++) {
                int number;
                try (PreparedStatement select =
                        c.prepareStatement("SELECT partition_no FROM dualwrite_backfill_partition"
                                + " WHERE" + free + " AND partition_no > ? ORDER BY partition_no LIMIT 1"
                                + transactions.dialect().skipLockedClause())) {
                    select.setString(1, migration);
                    select.setString(2, owner);
                    Timestamps.set(select, 3, now);
                    select.setInt(4, tried);
                    try (ResultSet rs = select.executeQuery()) {
                        if (!rs.next()) {
                            return Optional.<BackfillPartition>empty();
                        }
                        number = rs.getInt(1);
                    }
                }
                try (PreparedStatement claim = c.prepareStatement("UPDATE dualwrite_backfill_partition"
                        + " SET lease_owner = ?, lease_until = ?, updated_at = ? WHERE" + free
                        + " AND partition_no = ?")) {
                    claim.setString(1, owner);
                    Timestamps.set(claim, 2, leaseUntil);
                    Timestamps.set(claim, 3, now);
                    claim.setString(4, migration);
                    claim.setString(5, owner);
                    Timestamps.set(claim, 6, now);
                    claim.setInt(7, number);
                    if (claim.executeUpdate() == 1) {
                        return readPartition(c, migration, number);
                    }
                }
                tried = number;
            }
            return Optional.<BackfillPartition>empty();
        }));
    }

    @Override
    public boolean checkpointPartition(
            String migration,
            int number,
            String owner,
            String lastKey,
            long rowsCopiedDelta,
            double rowsPerSecond,
            Instant now,
            Instant leaseUntil) {
        try {
            return transactions.inTransaction(() ->
                    checkpointBoth(migration, number, owner, lastKey, rowsCopiedDelta, rowsPerSecond, now, leaseUntil));
        } catch (RangeNotHeld e) {
            return false;
        }
    }

    private boolean checkpointBoth(
            String migration,
            int number,
            String owner,
            String lastKey,
            long rowsCopiedDelta,
            double rowsPerSecond,
            Instant now,
            Instant leaseUntil) {
        if (Timestamps.update(
                        transactions,
                        "UPDATE dualwrite_backfill SET rows_copied = rows_copied + ?, updated_at = ?"
                                + " WHERE migration = ? AND state = 'RUNNING'",
                        rowsCopiedDelta,
                        now,
                        migration)
                != 1) {
            return false;
        }
        int changed = Timestamps.update(
                transactions,
                "UPDATE dualwrite_backfill_partition SET last_key = ?, rows_copied = rows_copied + ?,"
                        + " rows_per_second = ?, updated_at = ?, lease_until = ?" + PARTITION_HELD,
                lastKey,
                rowsCopiedDelta,
                rowsPerSecond,
                now,
                leaseUntil,
                migration,
                number,
                owner);
        if (changed != 1) {
            throw new RangeNotHeld();
        }
        return true;
    }

    @Override
    public boolean renewPartition(String migration, int number, String owner, Instant now, Instant leaseUntil) {
        return running(migration)
                && Timestamps.update(
                                transactions,
                                "UPDATE dualwrite_backfill_partition SET lease_until = ?, updated_at = ?"
                                        + PARTITION_HELD,
                                leaseUntil,
                                now,
                                migration,
                                number,
                                owner)
                        == 1;
    }

    @Override
    public boolean completePartition(String migration, int number, String owner, Instant now) {
        return running(migration)
                && Timestamps.update(
                                transactions,
                                "UPDATE dualwrite_backfill_partition SET state = 'COMPLETED', rows_per_second = 0,"
                                        + " updated_at = ?, lease_owner = NULL, lease_until = NULL" + PARTITION_HELD,
                                now,
                                migration,
                                number,
                                owner)
                        == 1;
    }

    @Override
    public void releasePartition(String migration, int number, String owner) {
        Timestamps.update(
                transactions,
                "UPDATE dualwrite_backfill_partition SET lease_owner = NULL, lease_until = NULL, rows_per_second = 0"
                        + " WHERE migration = ? AND partition_no = ? AND lease_owner = ?",
                migration,
                number,
                owner);
    }

    @Override
    public boolean completeIfAllPartitionsDone(String migration, Instant now) {
        Optional<BackfillProgress> whole = find(migration);
        if (whole.isEmpty()
                || whole.get().state() != BackfillState.RUNNING
                || whole.get().startedAt() == null) {
            return false;
        }
        List<BackfillPartition> ranges = partitions(migration);
        if (ranges.isEmpty() || !ranges.stream().allMatch(BackfillPartition::completed)) {
            return false;
        }
        // A completed range never becomes pending again but by a restart, which changes the start time.
        return update(
                "UPDATE dualwrite_backfill SET state = 'COMPLETED', completed_at = ?, updated_at = ?,"
                        + " rows_per_second = 0, lease_owner = NULL, lease_until = NULL"
                        + " WHERE migration = ? AND state = 'RUNNING' AND started_at = ?",
                now,
                now,
                migration,
                whole.get().startedAt());
    }

    private boolean running(String migration) {
        return find(migration).map(p -> p.state() == BackfillState.RUNNING).orElse(false);
    }

    @Override
    public boolean failRunning(String migration, String reason, Instant now) {
        return update(
                "UPDATE dualwrite_backfill SET state = 'FAILED', failure = ?, rows_per_second = 0,"
                        + " updated_at = ?, lease_owner = NULL, lease_until = NULL"
                        + " WHERE migration = ? AND state = 'RUNNING'",
                reason.length() > 2000 ? reason.substring(0, 2000) : reason,
                now,
                migration);
    }

    private static Optional<BackfillPartition> readPartition(Connection c, String migration, int number)
            throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT " + PARTITION_COLUMNS
                + " FROM dualwrite_backfill_partition WHERE migration = ? AND partition_no = ?")) {
            select.setString(1, migration);
            select.setInt(2, number);
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(partition(rs)) : Optional.empty();
            }
        }
    }

    private static BackfillPartition partition(ResultSet rs) throws SQLException {
        return new BackfillPartition(
                rs.getString("migration"),
                rs.getInt("partition_no"),
                rs.getString("lower_key"),
                rs.getString("upper_key"),
                rs.getString("last_key"),
                "COMPLETED".equals(rs.getString("state")),
                rs.getLong("rows_copied"),
                rs.getDouble("rows_per_second"),
                Timestamps.get(rs, "updated_at"),
                rs.getString("lease_owner"),
                Timestamps.getNullable(rs, "lease_until"));
    }

    private boolean update(String sql, Object... parameters) {
        return Timestamps.update(transactions, sql, parameters) == 1;
    }

    private static int insert(Connection c, String migration, @Nullable String upperKey, long estimated, Instant now)
            throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO dualwrite_backfill (" + COLUMNS + ")"
                + " VALUES (?, 'RUNNING', ?, NULL, 0, ?, 0, ?, ?, NULL, NULL, NULL, NULL)")) {
            insert.setString(1, migration);
            if (upperKey == null) {
                insert.setNull(2, Types.VARCHAR);
            } else {
                insert.setString(2, upperKey);
            }
            insert.setLong(3, estimated);
            Timestamps.set(insert, 4, now);
            Timestamps.set(insert, 5, now);
            return insert.executeUpdate();
        }
    }

    private static Optional<BackfillProgress> read(Connection c, String migration) throws SQLException {
        try (PreparedStatement select =
                c.prepareStatement("SELECT " + COLUMNS + " FROM dualwrite_backfill WHERE migration = ?")) {
            select.setString(1, migration);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new BackfillProgress(
                        rs.getString("migration"),
                        BackfillState.valueOf(rs.getString("state")),
                        rs.getString("upper_key"),
                        rs.getString("last_key"),
                        rs.getLong("rows_copied"),
                        rs.getLong("rows_estimated"),
                        rs.getDouble("rows_per_second"),
                        Timestamps.getNullable(rs, "started_at"),
                        Timestamps.get(rs, "updated_at"),
                        Timestamps.getNullable(rs, "completed_at"),
                        rs.getString("lease_owner"),
                        Timestamps.getNullable(rs, "lease_until"),
                        rs.getString("failure")));
            }
        }
    }
}
