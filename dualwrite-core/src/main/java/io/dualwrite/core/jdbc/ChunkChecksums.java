package io.dualwrite.core.jdbc;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.model.SqlMapping;
import io.dualwrite.core.verify.Divergence;
import io.dualwrite.core.verify.RangeChecksums;
import io.dualwrite.core.verify.VerifierOptions;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Per-chunk checksums computed in the database, for a migration whose sides share a PostgreSQL or MariaDB database
 * and whose mapping is declared in SQL: the row count and the sum of a 64-bit hash of each row, OLD through the SQL
 * mapping and NEW as stored, both in one statement. A chunk whose checksums agree needs no row sent to the
 * application.
 *
 * <p>A row is hashed as the concatenation of one token per value, key first: {@code n} for NULL, else {@code v},
 * the text's length in bytes, {@code :} and the text. No two different rows give the same concatenation,
 * whatever the values contain. Each value is rendered as text as its NEW column's type renders it
 * ({@link ColumnText}), so that equal values hash alike on both sides. The hash is {@code hashtextextended} on
 * PostgreSQL and the first 64 bits of {@code MD5} on MariaDB; the sums are exact (numeric and DECIMAL). Two
 * different sets of rows of one count get the same sum with a probability of about 2^-64 (see
 * {@code docs/verification.md}).
 *
 * <p>The checksums prove that NEW holds what the SQL mapping computes, not what the Java mapping computes for live
 * writes: every chunk that passes is also compared on a sample of its rows through the Java mapping
 * ({@link MappingSample}).
 */
public final class ChunkChecksums<K> implements RangeChecksums<K> {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ChunkChecksums.class);

    private final JdbcTransactions transactions;
    private final JdbcStore<K, ?> oldStore;
    private final JdbcStore<K, ?> newStore;
    private final SqlMapping mapping;
    private final MappingSample<K> sample;
    private volatile @Nullable Statements statements;

    private ChunkChecksums(
            JdbcStore<K, ?> oldStore, JdbcStore<K, ?> newStore, SqlMapping mapping, VerifierOptions options) {
        this.transactions = oldStore.transactions();
        this.oldStore = oldStore;
        this.newStore = newStore;
        this.mapping = mapping;
        this.sample = new MappingSample<>(oldStore, options.mappingSampleRows(), options.mappingSampleSeed());
    }

    /**
     * Checksums for the migration, if it qualifies: a {@link SqlMapping} over {@link JdbcStore}s in one PostgreSQL
     * or MariaDB database whose key columns order keys alike (same type family and collation), so that a key range
     * holds the same keys on both sides.
     */
    @SuppressWarnings("unchecked")
    public static <K> Optional<RangeChecksums<K>> forMigration(Migration<K, ?, ?> migration, VerifierOptions options) {
        if (migration.sqlMapping().isEmpty()
                || !(migration.oldStore() instanceof JdbcStore<?, ?> oldJdbc)
                || !(migration.newStore() instanceof JdbcStore<?, ?> newJdbc)
                || !migration.sidesShareTransactions()
                || !keysOrderAlike(migration, oldJdbc, newJdbc)) {
            return Optional.empty();
        }
        SqlDialect dialect = oldJdbc.transactions().dialect();
        if (dialect != SqlDialect.POSTGRESQL && dialect != SqlDialect.MARIADB) {
            return Optional.empty();
        }
        return Optional.of(new ChunkChecksums<>(
                (JdbcStore<K, ?>) oldJdbc,
                (JdbcStore<K, ?>) newJdbc,
                migration.sqlMapping().get(),
                options));
    }

    private static boolean keysOrderAlike(
            Migration<?, ?, ?> migration, JdbcStore<?, ?> oldJdbc, JdbcStore<?, ?> newJdbc) {
        try {
            Optional<List<KeyCollation>> oldKey = oldJdbc.keyCollations();
            Optional<List<KeyCollation>> newKey = newJdbc.keyCollations();
            if (oldKey.isEmpty()
                    || newKey.isEmpty()
                    || oldKey.get().size() != newKey.get().size()) {
                return false;
            }
            for (int i = 0; i < oldKey.get().size(); i++) {
                if (!oldKey.get().get(i).ordersLike(newKey.get().get(i))) {
                    return false;
                }
            }
            return true;
        } catch (RuntimeException e) {
            log.warn(
                    "Migration '{}': cannot read the key columns' collations; comparing rows, not checksums",
                    migration.name(),
                    e);
            return false;
        }
    }

    @Override
    @Nullable
    public K chunkEnd(@Nullable K after, int size) {
        return oldStore.keyAfter(after, null, size - 1).orElse(null);
    }

    @Override
    public Comparison compare(@Nullable K after, K end) {
        String sql = statements().checksums(after != null);
        return transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement(sql)) {
                SqlDialect dialect = transactions.dialect();
                int index = 1;
                for (JdbcStore<K, ?> side : List.of(oldStore, newStore)) {
                    if (after != null) {
                        index = side.keyShape().after(dialect, "").bind(statement, index, after);
                    }
                    index = side.keyShape().upTo(dialect, "").bind(statement, index, end);
                }
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    long oldRows = rs.getLong(1);
                    BigDecimal oldSum = rs.getBigDecimal(2);
                    long newRows = rs.getLong(3);
                    BigDecimal newSum = rs.getBigDecimal(4);
                    return new Comparison(oldRows, oldRows == newRows && oldSum.compareTo(newSum) == 0);
                }
            }
        });
    }

    /** The suspects among a sample of the range's rows compared through the Java mapping ({@link MappingSample}). */
    @Override
    public <O, N> List<Divergence<K, N>> sampleThroughJavaMapping(
            Migration<K, O, N> migration, @Nullable K after, K end, long oldRows) {
        return sample.suspects(migration, after, end, oldRows);
    }

    /** The statements, built on first use: they need the NEW table's column types from the catalog. */
    private Statements statements() {
        Statements built = statements;
        if (built == null) {
            built = new Statements(transactions.dialect(), ColumnText.of(transactions, newStore.table()));
            statements = built;
        }
        return built;
    }

    /** The checksum statement, with and without a lower bound. */
    private final class Statements {
        private final String bounded;
        private final String unbounded;

        Statements(SqlDialect dialect, ColumnText text) {
            List<String> oldKey = oldStore.keyColumns();
            List<String> newKey = newStore.keyColumns();
            List<String> oldTexts = new ArrayList<>();
            List<String> newTexts = new ArrayList<>();
            for (int i = 0; i < newKey.size(); i++) {
                oldTexts.add(text.of(newKey.get(i), oldKey.get(i)));
                newTexts.add(text.of(newKey.get(i), newKey.get(i)));
            }
            for (String column : newStore.columns()) {
                oldTexts.add(text.of(column, mapping.expressions().get(column)));
                newTexts.add(text.of(column, column));
            }
            this.bounded = both(dialect, oldTexts, newTexts, true);
            this.unbounded = both(dialect, oldTexts, newTexts, false);
        }

        String checksums(boolean lowerBound) {
            return lowerBound ? bounded : unbounded;
        }

        private String both(SqlDialect dialect, List<String> oldTexts, List<String> newTexts, boolean lowerBound) {
            return "SELECT o.c, o.h, n.c, n.h FROM ("
                    + side(dialect, oldTexts, oldStore.table(), oldStore.keyShape(), lowerBound) + ") o CROSS JOIN ("
                    + side(dialect, newTexts, newStore.table(), newStore.keyShape(), lowerBound) + ") n";
        }
    }

    /**
     * {@code SELECT COUNT(*) AS c, SUM(hash) AS h} over the rows of a key range, each value's text computed once in
     * a derived table; parameters: the lower bound (if any) and the upper bound.
     */
    private static String side(
            SqlDialect dialect, List<String> texts, String table, KeyShape<?> key, boolean lowerBound) {
        List<String> columns = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            columns.add(texts.get(i) + " AS t" + i);
            tokens.add(token(dialect, "t" + i));
        }
        String range = " WHERE " + (lowerBound ? key.after(dialect, "").sql() + " AND " : "")
                + key.upTo(dialect, "").sql();
        String row = dialect == SqlDialect.POSTGRESQL
                ? String.join(" || ", tokens)
                : "CONCAT(" + String.join(", ", tokens) + ")";
        String hash = dialect == SqlDialect.POSTGRESQL
                ? "hashtextextended(" + row + ", 0)"
                : "CAST(CONV(SUBSTR(MD5(" + row + "), 1, 16), 16, 10) AS DECIMAL(20, 0))";
        return "SELECT COUNT(*) AS c, COALESCE(SUM(" + hash + "), 0) AS h FROM (SELECT " + String.join(", ", columns)
                + " FROM " + table + range + ") r";
    }

    /**
     * {@code n} for NULL, else {@code v<length in bytes>:<text>}. The text is referenced twice and so computed twice
     * (neither database shares the work); computing it once in a fenced subquery measured slower on PostgreSQL.
     */
    private static String token(SqlDialect dialect, String text) {
        return dialect == SqlDialect.POSTGRESQL
                ? "COALESCE('v' || octet_length(" + text + ") || ':' || " + text + ", 'n')"
                : "COALESCE(CONCAT('v', LENGTH(" + text + "), ':', " + text + "), 'n')";
    }
}
