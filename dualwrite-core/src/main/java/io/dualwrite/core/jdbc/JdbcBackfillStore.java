package io.dualwrite.core.jdbc;

import io.dualwrite.core.backfill.BackfillProgress;
import io.dualwrite.core.backfill.BackfillState;
import io.dualwrite.core.backfill.BackfillStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
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
