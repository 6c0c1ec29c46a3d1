package io.dualwrite.core.jdbc;

/**
 * How {@link JdbcStore#insertAbsent} (the Java-mapped backfill's write into NEW) writes the rows it found absent.
 * Every path keeps insert-if-absent semantics: a key that a live write inserted first is never overwritten, and a
 * conflict with another unique index is never swallowed.
 *
 * <p>{@link #AUTO} is the default and the one to use: it picks the path that the benchmark in
 * {@code docs/benchmarks.md} (issue #16) measured fastest for the dialect. The others exist to measure against each
 * other and to rule a path out while troubleshooting. A path that does not apply to a store (another dialect, a
 * store of {@linkplain JdbcStore.Builder#sharedRows() shared rows} or with
 * {@linkplain JdbcStore.Builder#keptColumns kept columns}, a column type or a value that has no exact text form for
 * {@code COPY}) falls back to {@link #BATCHED}.
 */
public enum InsertPath {
    /**
     * PostgreSQL: {@link #COPY_STAGED}, 2.2x to 2.3x the batched insert's rows/s at 1,000,000 rows, where
     * {@link #COPY} and {@link #MULTI_ROW} gained nothing (the key lookup they keep costs more than the write);
     * MariaDB and H2: {@link #BATCHED}, which Connector/J 3 already sends with its bulk protocol, as fast as
     * {@link #MULTI_ROW} within the noise.
     */
    AUTO,

    /**
     * One JDBC batch of single-row {@code INSERT}s, which the driver may send as one (pgjdbc's
     * {@code reWriteBatchedInserts=true}, MariaDB Connector/J 3's bulk protocol, {@code useBulkStmtsForInserts}).
     */
    BATCHED,

    /**
     * PostgreSQL: the absent rows (found by one key lookup) streamed into the table with {@code COPY ... FROM STDIN
     * (FORMAT csv)}; should a live insert take one of those keys first, the {@code COPY} fails whole and the rows
     * are inserted again with {@code INSERT ... ON CONFLICT (key) DO NOTHING}.
     */
    COPY,

    /**
     * PostgreSQL: every row {@code COPY}ed into a temporary staging table (created per call, dropped at the end of
     * it), then {@code INSERT INTO table SELECT ... FROM staging ON CONFLICT (key) DO NOTHING}: no key lookup, no
     * retry. Needs an open transaction; without one it acts as {@link #COPY}.
     */
    COPY_STAGED,

    /**
     * MariaDB (and PostgreSQL): one {@code INSERT ... VALUES (...), (...), ...} per group of rows, each group within
     * the 65,535 placeholders of a prepared statement and a few MiB of values (below {@code max_allowed_packet}).
     */
    MULTI_ROW;

    /** The path this one stands for on a dialect: {@link #AUTO} resolved, a path of another dialect {@link #BATCHED}. */
    InsertPath on(SqlDialect dialect) {
        return switch (this) {
            case AUTO ->
                switch (dialect) {
                    case POSTGRESQL -> COPY_STAGED;
                    case MARIADB, H2 -> BATCHED;
                };
            case COPY, COPY_STAGED -> dialect == SqlDialect.POSTGRESQL ? this : BATCHED;
            case MULTI_ROW -> dialect == SqlDialect.H2 ? BATCHED : this;
            case BATCHED -> BATCHED;
        };
    }
}
