package io.dualwrite.core.verify;

import io.dualwrite.core.Migration;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.jdbc.SqlDialect;
import io.dualwrite.core.jdbc.SqlMapping;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Per-chunk checksums computed in the database, for a migration whose sides share a PostgreSQL or MariaDB database
 * and whose mapping is declared in SQL: the row count and the sum of a hash of each row's key and values (NULL
 * replaced by a sentinel, every value cast to text), OLD through the SQL mapping and NEW as stored. A chunk whose
 * checksums agree needs no row sent to the application.
 */
final class ChunkChecksums<K extends Comparable<? super K>> {

    private static final String NULL_SENTINEL = "'<null>'";

    private final JdbcTransactions transactions;
    private final JdbcStore<K, ?> oldStore;
    private final String oldHashed;
    private final String newHashed;

    private ChunkChecksums(JdbcStore<K, ?> oldStore, JdbcStore<K, ?> newStore, SqlMapping mapping) {
        this.transactions = oldStore.transactions();
        this.oldStore = oldStore;
        SqlDialect dialect = transactions.dialect();
        List<String> oldValues = new ArrayList<>();
        List<String> newValues = new ArrayList<>();
        for (String column : newStore.columns()) {
            oldValues.add(text(dialect, mapping.expressions().get(column)));
            newValues.add(text(dialect, column));
        }
        this.oldHashed = checksum(dialect, oldStore.keyColumn(), oldValues, oldStore.table());
        this.newHashed = checksum(dialect, newStore.keyColumn(), newValues, newStore.table());
    }

    /** Checksums for the migration, if it qualifies. */
    @SuppressWarnings("unchecked")
    static <K extends Comparable<? super K>> Optional<ChunkChecksums<K>> of(Migration<K, ?, ?> migration) {
        if (migration.sqlMapping().isEmpty()
                || !(migration.oldStore() instanceof JdbcStore<?, ?> oldJdbc)
                || !(migration.newStore() instanceof JdbcStore<?, ?> newJdbc)
                || !migration.sidesShareTransactions()) {
            return Optional.empty();
        }
        SqlDialect dialect = oldJdbc.transactions().dialect();
        if (dialect != SqlDialect.POSTGRESQL && dialect != SqlDialect.MARIADB) {
            return Optional.empty();
        }
        return Optional.of(new ChunkChecksums<>(
                (JdbcStore<K, ?>) oldJdbc,
                (JdbcStore<K, ?>) newJdbc,
                migration.sqlMapping().get()));
    }

    /** The key ending a chunk of {@code size} OLD keys after {@code after}, or null when fewer remain. */
    @Nullable
    K chunkEnd(@Nullable K after, int size) {
        return oldStore.keyAfter(after, null, size - 1).orElse(null);
    }

    /** The OLD row count of the range, and whether both sides' checksums of ({@code after}, {@code end}] agree. */
    Comparison compare(@Nullable K after, K end) {
        Sum old = sum(oldHashed, after, end);
        Sum fresh = sum(newHashed, after, end);
        return new Comparison(old.rows(), old.equals(fresh));
    }

    record Comparison(long oldRows, boolean agree) {}

    private record Sum(long rows, BigDecimal hash) {}

    private Sum sum(String checksum, @Nullable K after, K end) {
        String sql = checksum + (after == null ? " WHERE k <= ?" : " WHERE k > ? AND k <= ?");
        return transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement(sql)) {
                int index = 1;
                if (after != null) {
                    statement.setObject(index++, after);
                }
                statement.setObject(index, end);
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    return new Sum(rs.getLong(1), rs.getBigDecimal(2));
                }
            }
        });
    }

    private static String text(SqlDialect dialect, String expression) {
        String cast = dialect == SqlDialect.POSTGRESQL
                ? "CAST((" + expression + ") AS TEXT)"
                : "CAST((" + expression + ") AS CHAR)";
        return "COALESCE(" + cast + ", " + NULL_SENTINEL + ")";
    }

    /** {@code SELECT COUNT(*), SUM(hash) FROM (SELECT key AS k, row text) ...}; callers append the key range. */
    private static String checksum(SqlDialect dialect, String key, List<String> values, String table) {
        String row = "CONCAT_WS('|', " + text(dialect, key) + ", " + String.join(", ", values) + ")";
        String hash = dialect == SqlDialect.POSTGRESQL ? "hashtextextended(" + row + ", 0)" : "CRC32(" + row + ")";
        return "SELECT COUNT(*), COALESCE(SUM(h), 0) FROM (SELECT " + key + " AS k, " + hash + " AS h FROM " + table
                + ") t";
    }
}
