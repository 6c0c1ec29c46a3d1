package io.dualwrite.core.jdbc;

import io.dualwrite.core.model.Side;
import io.dualwrite.core.store.DivergenceLedger;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A {@link DivergenceLedger} on dualwrite's table {@code dualwrite_divergence} (see {@link DualWriteSchema}) in one
 * database. {@link #record} joins the transaction open on the calling thread.
 */
public final class JdbcDivergenceLedger implements DivergenceLedger {

    private static final int MAX_DETAIL = 2000;
    private static final int FENCE_LOCK_TIMEOUT_SECONDS = 3;
    private static final String COLUMNS = "migration, entity_key, ahead_side, cause, detail, recorded_at";

    private final JdbcTransactions transactions;
    private final Clock clock;

    public JdbcDivergenceLedger(JdbcTransactions transactions) {
        this(transactions, Clock.systemUTC());
    }

    public JdbcDivergenceLedger(JdbcTransactions transactions, Clock clock) {
        this.transactions = transactions;
        this.clock = clock;
    }

    @Override
    public void record(String migration, String key, Side ahead, DivergenceCause cause, String detail) {
        String sql = transactions
                .dialect()
                .upsert(
                        "dualwrite_divergence",
                        "migration, entity_key",
                        List.of("ahead_side", "cause", "detail", "recorded_at"));
        transactions.withConnection(c -> {
            try (PreparedStatement upsert = c.prepareStatement(sql)) {
                upsert.setString(1, migration);
                upsert.setString(2, key);
                upsert.setString(3, ahead.name());
                upsert.setString(4, cause.name());
                upsert.setString(5, detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) : detail);
                Timestamps.set(upsert, 6, clock.instant());
                return upsert.executeUpdate();
            }
        });
    }

    @Override
    public List<Entry> entries(String migration, int limit) {
        return select(migration, null, limit);
    }

    @Override
    public List<Entry> entries(String migration, Side ahead, int limit) {
        return select(migration, ahead, limit);
    }

    @Override
    public java.util.Optional<Entry> find(String migration, String key) {
        return select(migration, null, key, 1).stream().findFirst();
    }

    private List<Entry> select(String migration, @Nullable Side ahead, int limit) {
        return select(migration, ahead, null, limit);
    }

    private List<Entry> select(String migration, @Nullable Side ahead, @Nullable String key, int limit) {
        String sql = "SELECT " + COLUMNS + " FROM dualwrite_divergence WHERE migration = ?"
                + (ahead == null ? "" : " AND ahead_side = ?") + (key == null ? "" : " AND entity_key = ?")
                + " ORDER BY recorded_at, entity_key LIMIT " + Math.max(0, limit);
        return transactions.withConnection(c -> {
            try (PreparedStatement select = c.prepareStatement(sql)) {
                int index = 1;
                select.setString(index++, migration);
                if (ahead != null) {
                    select.setString(index++, ahead.name());
                }
                if (key != null) {
                    select.setString(index, key);
                }
                List<Entry> entries = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        entries.add(new Entry(
                                rs.getString("migration"),
                                rs.getString("entity_key"),
                                Side.valueOf(rs.getString("ahead_side")),
                                DivergenceCause.valueOf(rs.getString("cause")),
                                rs.getString("detail"),
                                Timestamps.get(rs, "recorded_at")));
                    }
                }
                return entries;
            }
        });
    }

    @Override
    public long size(String migration) {
        return count("SELECT COUNT(*) FROM dualwrite_divergence WHERE migration = ?", migration);
    }

    @Override
    public long size(String migration, Side ahead) {
        return count(
                "SELECT COUNT(*) FROM dualwrite_divergence WHERE migration = ? AND ahead_side = ?",
                migration,
                ahead.name());
    }

    private long count(String sql, String... parameters) {
        return transactions.withConnection(c -> {
            try (PreparedStatement count = c.prepareStatement(sql)) {
                for (int i = 0; i < parameters.length; i++) {
                    count.setString(i + 1, parameters[i]);
                }
                try (ResultSet rs = count.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    @Override
    public boolean resolve(String migration, String key, Side ahead) {
        return transactions.withConnection(c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM dualwrite_divergence"
                    + " WHERE migration = ? AND entity_key = ? AND ahead_side = ?")) {
                delete.setString(1, migration);
                delete.setString(2, key);
                delete.setString(3, ahead.name());
                return delete.executeUpdate() == 1;
            }
        });
    }

    @Override
    public long fence(String migration) {
        String sql = "SELECT below_version FROM dualwrite_fence WHERE migration = ?"
                + transactions.dialect().shareLockClause();
        return transactions.withConnection(c -> {
            try (PreparedStatement select = c.prepareStatement(sql)) {
                select.setString(1, migration);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    @Override
    public void setFence(String migration, long belowVersion) {
        String statement =
                transactions.dialect().upsert("dualwrite_fence", "migration", List.of("below_version", "raise_id"));
        // Raising waits for the writes that hold the fence; a transaction left open must not stall it (and every
        // write queued behind it) for long: past this, the move is refused instead.
        String sql = transactions.dialect() == SqlDialect.MARIADB
                ? "SET STATEMENT innodb_lock_wait_timeout = " + FENCE_LOCK_TIMEOUT_SECONDS + " FOR " + statement
                : statement;
        transactions.inNewTransaction(() -> transactions.withConnection(c -> {
            if (transactions.dialect() == SqlDialect.POSTGRESQL) {
                try (java.sql.Statement timeout = c.createStatement()) {
                    timeout.execute("SET LOCAL lock_timeout = '" + FENCE_LOCK_TIMEOUT_SECONDS + "s'");
                }
            }
            try (PreparedStatement upsert = c.prepareStatement(sql)) {
                upsert.setString(1, migration);
                upsert.setLong(2, belowVersion);
                upsert.setLong(3, newRaiseId());
                return upsert.executeUpdate();
            }
        }));
    }

    private static long newRaiseId() {
        long id = 0;
        while (id == 0) {
            id = java.util.concurrent.ThreadLocalRandom.current().nextLong();
        }
        return id;
    }

    @Override
    public long fenceRaise(String migration) {
        return transactions.withConnection(c -> {
            try (PreparedStatement select =
                    c.prepareStatement("SELECT raise_id FROM dualwrite_fence WHERE migration = ?")) {
                select.setString(1, migration);
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    @Override
    public boolean lowerAbandonedFence(String migration, long raiseId, long belowVersion) {
        return transactions.inNewTransaction(() -> transactions.withConnection(c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE dualwrite_fence SET below_version = ?,"
                    + " raise_id = ? WHERE migration = ? AND raise_id = ? AND below_version > ?")) {
                update.setLong(1, belowVersion);
                update.setLong(2, newRaiseId());
                update.setString(3, migration);
                update.setLong(4, raiseId);
                update.setLong(5, belowVersion);
                return update.executeUpdate() == 1;
            }
        }));
    }

    @Override
    public boolean lock(String migration, String key, Side ahead) {
        return transactions.withConnection(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT 1 FROM dualwrite_divergence"
                    + " WHERE migration = ? AND entity_key = ? AND ahead_side = ? FOR UPDATE")) {
                select.setString(1, migration);
                select.setString(2, key);
                select.setString(3, ahead.name());
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    @Override
    public boolean hasFence(String migration) {
        return count("SELECT COUNT(*) FROM dualwrite_fence WHERE migration = ?", migration) > 0;
    }
}
