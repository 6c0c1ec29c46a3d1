package io.dualwrite.core.jdbc;

/**
 * A table's own cumulative access counters as its database keeps them, for everyone's statements: PostgreSQL's
 * {@code pg_stat_user_tables}, MariaDB's {@code information_schema.TABLE_STATISTICS} (with {@code userstat=ON}).
 *
 * @param reads scans ({@code seq_scan + idx_scan}) on PostgreSQL, rows read ({@code ROWS_READ}) on MariaDB
 * @param writes rows inserted, updated and deleted ({@code n_tup_ins + n_tup_upd + n_tup_del}) on PostgreSQL, rows
 *     changed ({@code ROWS_CHANGED}) on MariaDB; both count statements that rolled back too
 * @param detail the counters by name, as the database calls them
 */
public record TableCounters(long reads, long writes, String detail) {

    /** What changed from {@code earlier} to these counters; negative when the counters were reset meanwhile. */
    public TableCounters since(TableCounters earlier) {
        return new TableCounters(
                reads - earlier.reads, writes - earlier.writes, "now " + detail + ", then " + earlier.detail);
    }
}
