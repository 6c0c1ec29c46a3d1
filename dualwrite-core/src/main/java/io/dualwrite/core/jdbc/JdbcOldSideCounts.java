package io.dualwrite.core.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What the old-side gates compare, kept in {@code dualwrite_old_side} in the database of the OLD table (see {@link
 * DualWriteSchema}), so that every instance reads the same: per migration, the baseline of each window (the table's
 * own counters and dualwrite's counted writes when it opened), and per running instance the rows its writes
 * addressed in the OLD table so far.
 */
public final class JdbcOldSideCounts {

    private static final String BASELINE = "baseline:";

    private final JdbcTransactions transactions;

    public JdbcOldSideCounts(JdbcTransactions transactions) {
        this.transactions = Objects.requireNonNull(transactions, "transactions");
    }

    /**
     * Where a window of a migration started.
     *
     * @param window the window's name, e.g. the phase it covers
     * @param phaseVersion the phase version it belongs to
     * @param counters the OLD table's counters then, null if the database offered none
     * @param unavailable why it offered none, null if it did
     * @param dualwriteWrites the rows dualwrite's writes had addressed in the OLD table then, all instances'
     * @param recordedAt when the window opened
     */
    public record Baseline(
            String window,
            long phaseVersion,
            @Nullable TableCounters counters,
            @Nullable String unavailable,
            long dualwriteWrites,
            Instant recordedAt) {}

    /**
     * Records (replaces) the rows one running instance's writes addressed in the OLD table so far, and as they were
     * a few seconds before ({@code settled}).
     */
    public void report(String migration, String holder, long phaseVersion, long writes, long settled, Instant at) {
        upsert(migration, holder, phaseVersion, null, null, writes, settled, "reported by " + holder, at);
    }

    /**
     * The rows dualwrite's writes addressed in the OLD table so far, all instances' that ever reported; {@code
     * settled} as they were a few seconds before each report.
     */
    public long dualwriteWrites(String migration, boolean settled) {
        String column = settled ? "settled_writes" : "dualwrite_writes";
        return transactions.withConnection(c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT COALESCE(SUM(" + column + "), 0) FROM"
                    + " dualwrite_old_side WHERE migration = ? AND holder NOT LIKE '" + BASELINE + "%'")) {
                select.setString(1, migration);
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** Opens (or opens again) a window: the table's counters and dualwrite's counted writes now. */
    public Baseline recordBaseline(
            String migration,
            String window,
            long phaseVersion,
            TableStatistics.Reading reading,
            long dualwriteWrites,
            Instant at) {
        TableCounters counters = reading.counters();
        String detail = counters != null ? counters.detail() : Objects.requireNonNull(reading.unavailable());
        upsert(
                migration,
                BASELINE + window,
                phaseVersion,
                counters == null ? null : counters.reads(),
                counters == null ? null : counters.writes(),
                dualwriteWrites,
                dualwriteWrites,
                detail,
                at);
        return new Baseline(window, phaseVersion, counters, reading.unavailable(), dualwriteWrites, at);
    }

    /** The window's baseline, if it was recorded. */
    public Optional<Baseline> baseline(String migration, String window) {
        return transactions.withConnection(c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT phase_version, table_reads, table_writes,"
                            + " dualwrite_writes, detail, recorded_at FROM dualwrite_old_side WHERE migration = ? AND holder = ?")) {
                select.setString(1, migration);
                select.setString(2, BASELINE + window);
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    long reads = rs.getLong("table_reads");
                    boolean available = !rs.wasNull();
                    long writes = rs.getLong("table_writes");
                    String detail = rs.getString("detail");
                    return Optional.of(new Baseline(
                            window,
                            rs.getLong("phase_version"),
                            available ? new TableCounters(reads, writes, detail) : null,
                            available ? null : detail,
                            rs.getLong("dualwrite_writes"),
                            Timestamps.get(rs, "recorded_at")));
                }
            }
        });
    }

    private void upsert(
            String migration,
            String holder,
            long phaseVersion,
            @Nullable Long reads,
            @Nullable Long writes,
            long dualwriteWrites,
            long settled,
            String detail,
            Instant at) {
        String text = detail.length() > 2000 ? detail.substring(0, 2000) : detail;
        Object[] values = {phaseVersion, reads, writes, dualwriteWrites, settled, text, at, migration, holder};
        String update = "UPDATE dualwrite_old_side SET phase_version = ?, table_reads = ?, table_writes = ?,"
                + " dualwrite_writes = ?, settled_writes = ?, detail = ?, recorded_at = ?"
                + " WHERE migration = ? AND holder = ?";
        transactions.withConnection(c -> {
            if (write(c, update, values) == 0) {
                try {
                    write(
                            c,
                            "INSERT INTO dualwrite_old_side (phase_version, table_reads, table_writes,"
                                    + " dualwrite_writes, settled_writes, detail, recorded_at, migration, holder)"
                                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            values);
                } catch (SQLException e) {
                    if (!transactions.dialect().isDuplicateKey(e)) {
                        throw e;
                    }
                    write(c, update, values); // another report inserted the row meanwhile
                }
            }
            return null;
        });
    }

    private static int write(Connection c, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                Object value = parameters[i];
                if (value instanceof Instant instant) {
                    Timestamps.set(statement, i + 1, instant);
                } else if (value == null) {
                    statement.setNull(i + 1, Types.BIGINT);
                } else {
                    statement.setObject(i + 1, value);
                }
            }
            return statement.executeUpdate();
        }
    }
}
