package io.dualwrite.core.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The captured bypass writes of a migration that wait to be drained, all instances', read from {@code
 * dualwrite_capture}: how many, the oldest, and a sample of keys (oldest first). The evidence of the gate that
 * refuses READ_NEW while any is pending.
 *
 * @param count captured keys pending
 * @param oldest when the oldest of them was captured (UTC), null when none is pending
 * @param sampleKeys up to the requested number of their keys, oldest first
 */
public record PendingCaptures(long count, @Nullable Instant oldest, List<String> sampleKeys) {

    public PendingCaptures {
        sampleKeys = List.copyOf(sampleKeys);
    }

    /**
     * The pending records of {@code migration} in each of {@code databases} (the captured sides' databases), summed:
     * the oldest of all, a sample of each up to {@code sample} keys in all.
     */
    public static PendingCaptures readAll(List<JdbcTransactions> databases, String migration, int sample) {
        long count = 0;
        Instant oldest = null;
        List<String> keys = new ArrayList<>();
        for (JdbcTransactions database : databases) {
            PendingCaptures one = read(database, migration, sample);
            count += one.count();
            if (one.oldest() != null && (oldest == null || one.oldest().isBefore(oldest))) {
                oldest = one.oldest();
            }
            for (String key : one.sampleKeys()) {
                if (keys.size() < sample) {
                    keys.add(key);
                }
            }
        }
        return new PendingCaptures(count, oldest, keys);
    }

    /** Reads the pending records of {@code migration} in the database of {@code transactions}. */
    public static PendingCaptures read(JdbcTransactions transactions, String migration, int sample) {
        return read(transactions, migration, sample, null);
    }

    /**
     * Reads the pending records of {@code migration} in the database of {@code transactions} whose latest capture was
     * on {@code side} (every record when null).
     */
    public static PendingCaptures read(
            JdbcTransactions transactions, String migration, int sample, io.dualwrite.core.model.@Nullable Side side) {
        String where = " WHERE migration = ?" + (side == null ? "" : " AND side = ?");
        return transactions.withConnection(c -> {
            long count;
            Instant oldest;
            try (PreparedStatement statement =
                    c.prepareStatement("SELECT COUNT(*), MIN(captured_at) FROM " + CaptureDdl.TABLE + where)) {
                statement.setString(1, migration);
                if (side != null) {
                    statement.setString(2, side.name());
                }
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    count = rs.getLong(1);
                    java.sql.Timestamp at = rs.getTimestamp(2);
                    oldest = at == null ? null : at.toLocalDateTime().toInstant(java.time.ZoneOffset.UTC);
                }
            }
            List<String> keys = new ArrayList<>();
            if (count > 0) {
                try (PreparedStatement statement = c.prepareStatement("SELECT entity_key FROM " + CaptureDdl.TABLE
                        + where + " ORDER BY captured_at, entity_key LIMIT " + Math.max(1, sample))) {
                    statement.setString(1, migration);
                    if (side != null) {
                        statement.setString(2, side.name());
                    }
                    try (ResultSet rs = statement.executeQuery()) {
                        while (rs.next()) {
                            keys.add(rs.getString(1));
                        }
                    }
                }
            }
            return new PendingCaptures(count, oldest, keys);
        });
    }
}
