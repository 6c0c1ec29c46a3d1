package io.dualwrite.core.jdbc;

import io.dualwrite.core.store.DivergenceLedger;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link DivergenceLedger} on dualwrite's table {@code dualwrite_divergence} (see {@link DualWriteSchema}) in one
 * database. {@link #record} joins the transaction open on the calling thread.
 */
public final class JdbcDivergenceLedger implements DivergenceLedger {

    private static final int MAX_DETAIL = 2000;

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
    public void record(String migration, String key, DivergenceCause cause, String detail) {
        String sql = transactions
                .dialect()
                .upsert("dualwrite_divergence", "migration, entity_key", List.of("cause", "detail", "recorded_at"));
        transactions.withConnection(c -> {
            try (PreparedStatement upsert = c.prepareStatement(sql)) {
                upsert.setString(1, migration);
                upsert.setString(2, key);
                upsert.setString(3, cause.name());
                upsert.setString(4, detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) : detail);
                Timestamps.set(upsert, 5, clock.instant());
                return upsert.executeUpdate();
            }
        });
    }

    @Override
    public List<Entry> entries(String migration, int limit) {
        String sql = "SELECT migration, entity_key, cause, detail, recorded_at FROM dualwrite_divergence"
                + " WHERE migration = ? ORDER BY recorded_at, entity_key LIMIT " + Math.max(0, limit);
        return transactions.withConnection(c -> {
            try (PreparedStatement select = c.prepareStatement(sql)) {
                select.setString(1, migration);
                List<Entry> entries = new ArrayList<>();
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        entries.add(new Entry(
                                rs.getString("migration"),
                                rs.getString("entity_key"),
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
        return transactions.withConnection(c -> {
            try (PreparedStatement count =
                    c.prepareStatement("SELECT COUNT(*) FROM dualwrite_divergence WHERE migration = ?")) {
                count.setString(1, migration);
                try (ResultSet rs = count.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    @Override
    public boolean resolve(String migration, String key, Instant recordedNoLaterThan) {
        return transactions.withConnection(c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM dualwrite_divergence"
                    + " WHERE migration = ? AND entity_key = ? AND recorded_at <= ?")) {
                delete.setString(1, migration);
                delete.setString(2, key);
                Timestamps.set(delete, 3, recordedNoLaterThan);
                return delete.executeUpdate() == 1;
            }
        });
    }
}
