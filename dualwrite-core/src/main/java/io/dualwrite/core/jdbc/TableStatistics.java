package io.dualwrite.core.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Reads a table's own access counters ({@link TableCounters}) from its database, or says why it cannot: H2 keeps
 * none, MariaDB only with {@code userstat=ON}. The counters are cumulative per server (PostgreSQL: per database),
 * updated with a delay (PostgreSQL flushes a session's counts at most once a second, and when it goes idle), and
 * reset by {@code pg_stat_reset()}, {@code FLUSH TABLE_STATISTICS} or a restart.
 */
public final class TableStatistics {

    private TableStatistics() {}

    /**
     * The counters read now, or the reason there are none.
     *
     * @param counters the counters, null when the database offers none
     * @param unavailable why the database offers none, null when it does
     */
    public record Reading(@Nullable TableCounters counters, @Nullable String unavailable) {

        public Reading {
            if ((counters == null) == (unavailable == null)) {
                throw new IllegalArgumentException(
                        "a reading has counters or a reason why not, but was " + counters + " and " + unavailable);
            }
        }

        static Reading of(TableCounters counters) {
            return new Reading(counters, null);
        }

        static Reading unavailable(String reason) {
            return new Reading(null, Objects.requireNonNull(reason, "reason"));
        }

        /** Whether the database offered counters. */
        public boolean available() {
            return counters != null;
        }
    }

    /** The counters of the store's table. */
    public static Reading read(JdbcStore<?, ?> store) {
        return read(store.transactions(), store.table());
    }

    /** The counters of {@code table} (optionally {@code schema.table}) in the database of {@code transactions}. */
    public static Reading read(JdbcTransactions transactions, String table) {
        try {
            return switch (transactions.dialect()) {
                case POSTGRESQL -> postgres(transactions, table);
                case MARIADB -> mariaDb(transactions, table);
                case H2 -> Reading.unavailable("H2 keeps no per-table access counters");
            };
        } catch (RuntimeException e) {
            return Reading.unavailable("the counters of " + table + " could not be read: " + e.getMessage());
        }
    }

    private static Reading postgres(JdbcTransactions transactions, String table) {
        return transactions.withConnection(c -> {
            try (Statement clear = c.createStatement()) {
                clear.execute("SELECT pg_stat_clear_snapshot()"); // a fresh read inside a transaction too
            }
            try (PreparedStatement select = c.prepareStatement("SELECT seq_scan, COALESCE(idx_scan, 0), n_tup_ins,"
                    + " n_tup_upd, n_tup_del FROM pg_stat_user_tables WHERE relid = to_regclass(?)")) {
                select.setString(1, table);
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next()) {
                        return Reading.unavailable("PostgreSQL has no statistics for " + table
                                + " (pg_stat_user_tables has no row for it: is it a table of this database?)");
                    }
                    long seq = rs.getLong(1);
                    long idx = rs.getLong(2);
                    long ins = rs.getLong(3);
                    long upd = rs.getLong(4);
                    long del = rs.getLong(5);
                    return Reading.of(new TableCounters(
                            seq + idx,
                            ins + upd + del,
                            "seq_scan=" + seq + " idx_scan=" + idx + " n_tup_ins=" + ins + " n_tup_upd=" + upd
                                    + " n_tup_del=" + del));
                }
            }
        });
    }

    private static Reading mariaDb(JdbcTransactions transactions, String table) {
        int dot = table.indexOf('.');
        String schema = dot < 0 ? null : table.substring(0, dot);
        String name = dot < 0 ? table : table.substring(dot + 1);
        return transactions.withConnection(c -> {
            try (Statement statement = c.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT @@userstat")) {
                if (!rs.next() || !rs.getBoolean(1)) {
                    return Reading.unavailable("MariaDB counts table reads and writes only with userstat=ON (it is"
                            + " OFF): SET GLOBAL userstat=1, or userstat=ON in the server's configuration");
                }
            }
            try (PreparedStatement select = c.prepareStatement("SELECT ROWS_READ, ROWS_CHANGED FROM"
                    + " information_schema.TABLE_STATISTICS WHERE TABLE_SCHEMA = COALESCE(?, DATABASE())"
                    + " AND TABLE_NAME = ?")) {
                select.setString(1, schema);
                select.setString(2, name);
                try (ResultSet rs = select.executeQuery()) {
                    // No row: nobody read or changed the table since userstat was turned on or flushed.
                    boolean found = rs.next();
                    long read = found ? rs.getLong(1) : 0;
                    long changed = found ? rs.getLong(2) : 0;
                    return Reading.of(
                            new TableCounters(read, changed, "ROWS_READ=" + read + " ROWS_CHANGED=" + changed));
                }
            }
        });
    }
}
