package io.dualwrite.core.jdbc;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.model.Equivalence;
import io.dualwrite.core.verify.Divergence;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares a sample of the rows of chunks that passed by checksum through the Java mapping: OLD rows read and
 * mapped with {@link Migration#toNew}, against the NEW rows of the same keys, with the migration's
 * {@link Equivalence}. The checksums prove only that NEW holds what the {@code SqlMapping} computes; live writes
 * go through the Java mapping, and a disagreement between the two shows only here.
 *
 * <p>At the start of a walk, the OLD rows are counted ({@code total}); then every row of a chunk that passed by
 * checksum is picked on its own with probability {@code rate = min(1, rows / total)}, from a seeded random
 * sequence. If {@code m} rows are mapped differently, none is picked with probability {@code (1 - rate)^m}, at most
 * {@code e^(-rate m)}: for a mapping wrong on 0.1% of the rows and the default 4,606 rows, below 1%.
 */
final class MappingSample<K> {

    private static final Logger log = LoggerFactory.getLogger(MappingSample.class);

    private final JdbcTransactions transactions;
    private final JdbcStore<K, ?> oldStore;
    private final int rows;
    private final @Nullable Long seed;
    private @Nullable SplittableRandom random;
    private double rate;

    MappingSample(JdbcStore<K, ?> oldStore, int rows, @Nullable Long seed) {
        this.transactions = oldStore.transactions();
        this.oldStore = oldStore;
        this.rows = rows;
        this.seed = seed;
    }

    /**
     * The suspects among the sampled rows of the chunk ({@code after}, {@code end}] of {@code chunkRows} OLD rows:
     * keys whose OLD value, mapped in Java, is not equivalent to their NEW value, found by
     * {@link Divergence.FoundBy#MAPPING_SAMPLE}. A chunk with no lower bound starts a new walk.
     */
    synchronized <O, N> List<Divergence<K, N>> suspects(
            Migration<K, O, N> migration, @Nullable K after, K end, long chunkRows) {
        if (random == null || after == null) {
            start(migration.name());
        }
        List<Integer> picked = positions(chunkRows, rate, random);
        if (picked.isEmpty()) {
            return List.of();
        }
        @SuppressWarnings("unchecked")
        JdbcStore<K, O> olds = (JdbcStore<K, O>) migration.oldStore();
        @SuppressWarnings("unchecked")
        JdbcStore<K, N> news = (JdbcStore<K, N>) migration.newStore();
        List<O> oldValues;
        List<K> keys = new ArrayList<>();
        if (picked.size() * 2L >= chunkRows) {
            oldValues = olds.scan(after, end, Integer.MAX_VALUE);
            for (O old : oldValues) {
                keys.add(olds.keyOf(old));
            }
        } else {
            keys = keysAt(after, end, picked);
            Map<K, O> found = olds.readAll(keys);
            oldValues = new ArrayList<>(found.size());
            for (K key : keys) {
                if (found.containsKey(key)) {
                    oldValues.add(found.get(key));
                }
            }
        }
        // NEW values under the OLD keys, by the database's equality (MigrationStore#readAll).
        Map<K, N> actual = news.readAll(keys);
        List<Divergence<K, N>> suspects = new ArrayList<>();
        for (O old : oldValues) {
            K key = olds.keyOf(old);
            Divergence<K, N> divergence =
                    Divergence.of(key, migration.toNew(old), actual.get(key), migration.equivalence());
            if (divergence != null) {
                suspects.add(divergence.foundBy(Divergence.FoundBy.MAPPING_SAMPLE));
            }
        }
        return suspects;
    }

    /** The probability with which each row is picked when the table holds {@code total} rows. */
    static double rate(int rows, long total) {
        return total <= rows ? 1.0 : (double) rows / total;
    }

    /**
     * The random sequence of a seed: split from {@code new SplittableRandom(seed)}, since the sequences of nearby
     * seeds (1, 2, 3, ...) taken directly are not independent enough.
     */
    static SplittableRandom generator(long seed) {
        return new SplittableRandom(seed).split();
    }

    /** The 1-based positions, in key order, of the rows of a chunk that are picked. */
    static List<Integer> positions(long chunkRows, double rate, SplittableRandom random) {
        List<Integer> picked = new ArrayList<>();
        for (int position = 1; position <= chunkRows; position++) {
            if (rate >= 1.0 || random.nextDouble() < rate) {
                picked.add(position);
            }
        }
        return picked;
    }

    private void start(String migration) {
        long total = transactions.withConnection(c -> {
            try (PreparedStatement count = c.prepareStatement("SELECT COUNT(*) FROM " + oldStore.table());
                    ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
        long chosen = seed != null ? seed : ThreadLocalRandom.current().nextLong();
        random = generator(chosen);
        rate = rate(rows, total);
        log.info(
                "Verification of '{}': rows of chunks that pass by checksum are also compared through the Java"
                        + " mapping, each with probability {} (about {} of {} rows), seed {}",
                migration,
                rate,
                Math.min(rows, total),
                total,
                chosen);
    }

    /** The OLD keys at these 1-based positions, in the database's key order, of the range ({@code after}, {@code end}]. */
    private List<K> keysAt(@Nullable K after, K end, List<Integer> positions) {
        KeyShape<K> key = oldStore.keyShape();
        SqlDialect dialect = transactions.dialect();
        String sql = "SELECT " + key.columnList() + " FROM (SELECT " + key.columnList()
                + ", ROW_NUMBER() OVER (ORDER BY " + key.orderBy("", false) + ") AS dw_rn FROM " + oldStore.table()
                + " WHERE " + (after == null ? "" : key.after(dialect, "").sql() + " AND ")
                + key.upTo(dialect, "").sql() + ") r WHERE dw_rn IN ("
                + positions.stream().map(String::valueOf).collect(Collectors.joining(", ")) + ") ORDER BY dw_rn";
        return transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement(sql)) {
                int index = 1;
                if (after != null) {
                    index = key.after(dialect, "").bind(statement, index, after);
                }
                key.upTo(dialect, "").bind(statement, index, end);
                List<K> keys = new ArrayList<>(positions.size());
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        keys.add(key.read(rs));
                    }
                }
                return keys;
            }
        });
    }
}
