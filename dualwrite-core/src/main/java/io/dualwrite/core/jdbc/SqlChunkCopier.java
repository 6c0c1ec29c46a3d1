package io.dualwrite.core.jdbc;

import io.dualwrite.core.backfill.ChunkCopier;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.model.SqlMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import org.jspecify.annotations.Nullable;

/**
 * Copies a chunk inside the database with one {@code INSERT ... SELECT} that reads OLD under shared locks and
 * inserts into NEW where absent, using the migration's {@link SqlMapping}. The chunk's end is found first, so the
 * statement covers an exact key range.
 */
public final class SqlChunkCopier<K> implements ChunkCopier<K> {

    private final JdbcTransactions transactions;
    private final JdbcStore<K, ?> oldStore;
    private final KeyShape<K> key;
    private final KeyShape<K> newKey;
    private final SqlDialect dialect;
    private final String table;
    private final String lockClause;
    private final String insertInto;
    private final String conflictClause;
    private final String selectList;
    private final String newTable;

    SqlChunkCopier(JdbcStore<K, ?> oldStore, JdbcStore<K, ?> newStore, SqlMapping mapping) {
        this.transactions = oldStore.transactions();
        this.oldStore = oldStore;
        SqlDialect dialect = transactions.dialect();
        this.dialect = dialect;
        this.key = oldStore.keyShape();
        this.newTable = newStore.table();
        this.newKey = newStore.keyShape();
        if (key.columns().size() != newKey.columns().size()) {
            throw new IllegalArgumentException("SQL mapping copies need as many key columns on both sides, but OLD "
                    + oldStore.table() + " has " + key.columns() + " and NEW " + newTable + " has "
                    + newKey.columns() + "; drop the SQL mapping to copy rows through the Java mapping");
        }
        this.table = oldStore.table();
        this.lockClause = dialect.shareLockClause();
        this.insertInto = "INSERT INTO " + newStore.table() + " (" + newKey.columnList() + ", "
                + String.join(", ", newStore.columns()) + ") ";
        java.util.List<String> expressions = new java.util.ArrayList<>();
        for (int i = 0; i < newStore.columns().size(); i++) {
            expressions.add(mapping.expressions().get(newStore.columns().get(i)) + " AS dw_c" + i);
        }
        this.selectList = key.columnList() + ", " + String.join(", ", expressions);
        this.conflictClause = switch (dialect) {
            case POSTGRESQL -> " ON CONFLICT (" + newKey.columnList() + ") DO NOTHING";
            // MariaDB's ON DUPLICATE KEY UPDATE and INSERT IGNORE treat every unique index alike, so a conflict on
            // another one would be swallowed: an anti-join skips present keys instead, and any conflict fails.
            case MARIADB -> "";
            case H2 -> throw new IllegalStateException("SQL mapping copies need PostgreSQL or MariaDB");
        };
    }

    private String range(@Nullable K after) {
        return " FROM " + table + " WHERE "
                + (after == null ? "" : key.after(dialect, "").sql() + " AND ")
                + key.upTo(dialect, "").sql();
    }

    /**
     * The in-database copier of a migration that declares a {@link SqlMapping} over {@link JdbcStore}s in one
     * PostgreSQL or MariaDB database; empty otherwise (the backfill then maps rows in Java).
     */
    @SuppressWarnings("unchecked")
    public static <K> java.util.Optional<ChunkCopier<K>> forMigration(Migration<K, ?, ?> migration) {
        if (migration.sqlMapping().isPresent()
                && migration.oldStore() instanceof JdbcStore<?, ?> oldJdbc
                && migration.newStore() instanceof JdbcStore<?, ?> newJdbc
                && supports(oldJdbc.transactions())) {
            return java.util.Optional.of(new SqlChunkCopier<>(
                    (JdbcStore<K, ?>) oldJdbc,
                    (JdbcStore<K, ?>) newJdbc,
                    migration.sqlMapping().get()));
        }
        return java.util.Optional.empty();
    }

    /** Whether the database of these stores can run SQL-mapped copies. */
    static boolean supports(JdbcTransactions transactions) {
        SqlDialect dialect = transactions.dialect();
        return dialect == SqlDialect.POSTGRESQL || dialect == SqlDialect.MARIADB;
    }

    @Override
    public Chunk<K> copy(@Nullable K after, K upper, int size) {
        if (transactions.dialect() == SqlDialect.POSTGRESQL) {
            return copyInOneStatement(after, upper, size);
        }
        return transactions.inTransaction(() -> transactions.withConnection(c -> {
            K lower = after;
            K end = oldStore.keyAfter(lower, upper, size - 1).orElse(null);
            boolean exhausted = end == null;
            K through = exhausted ? upper : end;
            int rows = exhausted ? count(c, lower, through) : size;
            if (rows == 0) {
                return new Chunk<>(0, after, true);
            }
            // Under the shared locks no live write can insert one of these keys into NEW (it writes OLD first); a
            // writer that writes NEW first (an instance still in READ_NEW) makes the chunk fail and be retried.
            String sql = insertInto + "SELECT " + selectList + range(lower) + " AND NOT EXISTS (SELECT 1 FROM "
                    + newTable + " n WHERE " + newKey.joins("n.", key, table + ".") + ")" + lockClause;
            try (PreparedStatement copy = c.prepareStatement(sql)) {
                bindRange(copy, lower, through);
                copy.executeUpdate();
            }
            return new Chunk<>(rows, through, exhausted);
        }));
    }

    /**
     * PostgreSQL: one statement per chunk. The CTE reads and locks the chunk's OLD rows once, the insert copies those
     * absent from NEW, and the outer query reports how many rows the chunk covered and its last key. The fast form
     * skips present rows with an anti-join, which costs far less than {@code ON CONFLICT}; if a live write inserted
     * one of the chunk's keys after the statement's snapshot, it fails on the duplicate key, and the chunk is redone
     * with {@code ON CONFLICT DO NOTHING} in the same transaction.
     */
    private Chunk<K> copyInOneStatement(@Nullable K after, K upper, int size) {
        String chunk = "WITH chunk AS (SELECT " + selectList + range(after) + " ORDER BY " + key.orderBy("", false)
                + " LIMIT ?" + lockClause + "), copied AS (" + insertInto + "SELECT * FROM chunk";
        // Not MAX(key): PostgreSQL has no max(uuid). One subquery per key column, each labelled with its name.
        StringBuilder report = new StringBuilder(") SELECT COUNT(*)");
        for (String column : key.columns()) {
            report.append(", (SELECT ")
                    .append(column)
                    .append(" FROM chunk ORDER BY ")
                    .append(key.orderBy("", true))
                    .append(" LIMIT 1) AS ")
                    .append(column);
        }
        report.append(" FROM chunk");
        // Bounding the NEW side to the remaining key range keeps the anti-join's hash side small: it holds only
        // rows that live writes put there, not the rows earlier chunks copied.
        String antiJoin = chunk + " c WHERE NOT EXISTS (SELECT 1 FROM " + newTable + " n WHERE "
                + newKey.joins("n.", key, "c.")
                + (after == null ? "" : " AND " + newKey.after(dialect, "n.").sql()) + " AND "
                + newKey.upTo(dialect, "n.").sql() + ")" + report;
        String onConflict = chunk + conflictClause + report;
        return transactions.inTransaction(() -> transactions.withConnection(c -> {
            Savepoint savepoint = c.setSavepoint();
            try {
                return runChunkStatement(c, antiJoin, after, upper, size, true);
            } catch (SQLException e) {
                if (!transactions.dialect().isDuplicateKey(e)) {
                    throw e;
                }
                c.rollback(savepoint);
                return runChunkStatement(c, onConflict, after, upper, size, false);
            }
        }));
    }

    private Chunk<K> runChunkStatement(
            Connection c, String sql, @Nullable K after, K upper, int size, boolean boundedAntiJoin)
            throws SQLException {
        try (PreparedStatement copy = c.prepareStatement(sql)) {
            int next = bindRange(copy, after, upper);
            copy.setInt(next++, size);
            if (boundedAntiJoin) {
                if (after != null) {
                    next = newKey.after(dialect, "n.").bind(copy, next, after);
                }
                newKey.upTo(dialect, "n.").bind(copy, next, upper);
            }
            try (ResultSet rs = copy.executeQuery()) {
                rs.next();
                int rows = rs.getInt(1);
                return rows == 0 ? new Chunk<>(0, after, true) : new Chunk<>(rows, key.read(rs), false);
            }
        }
    }

    private int count(Connection c, @Nullable K after, K upper) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement("SELECT COUNT(*)" + range(after))) {
            bindRange(statement, after, upper);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Binds the range's bounds; returns the next parameter index. */
    private int bindRange(PreparedStatement statement, @Nullable K after, K upper) throws SQLException {
        int index = 1;
        if (after != null) {
            index = key.after(dialect, "").bind(statement, index, after);
        }
        return key.upTo(dialect, "").bind(statement, index, upper);
    }
}
