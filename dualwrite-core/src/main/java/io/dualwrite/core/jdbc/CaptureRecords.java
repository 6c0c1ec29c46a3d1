package io.dualwrite.core.jdbc;

import io.dualwrite.core.model.Side;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The records of one migration in the {@code dualwrite_capture} table of one database: read without locks, checked
 * for a changed token, removed only while the token is unchanged, moved to the back of the queue.
 */
final class CaptureRecords {

    /** One captured key: its token, how many row changes it stands for, when and on which side the latest was. */
    record Captured(CaptureRecords table, String key, String token, long writes, Instant capturedAt, Side side) {}

    private final String migration;
    private final JdbcTransactions transactions;

    CaptureRecords(String migration, JdbcTransactions transactions) {
        this.migration = migration;
        this.transactions = transactions;
    }

    JdbcTransactions transactions() {
        return transactions;
    }

    /** Up to {@code limit} records, oldest capture first, read without locks. */
    List<Captured> oldest(int limit) {
        return transactions.withConnection(c -> {
            try (PreparedStatement statement =
                    c.prepareStatement("SELECT entity_key, token, writes, captured_at, side FROM " + CaptureDdl.TABLE
                            + " WHERE migration = ? ORDER BY captured_at LIMIT " + Math.max(1, limit))) {
                statement.setString(1, migration);
                List<Captured> found = new ArrayList<>();
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        Timestamp at = rs.getTimestamp(4);
                        found.add(new Captured(
                                this,
                                rs.getString(1),
                                rs.getString(2),
                                rs.getLong(3),
                                at.toLocalDateTime().toInstant(ZoneOffset.UTC),
                                Side.valueOf(rs.getString(5).trim())));
                    }
                }
                return found;
            }
        });
    }

    /**
     * The token the key's record holds now, read without a lock (joining the transaction open on this thread in this
     * database, if any); empty once the record is removed.
     */
    Optional<String> token(String key) {
        return transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement(
                    "SELECT token FROM " + CaptureDdl.TABLE + " WHERE migration = ? AND entity_key = ?")) {
                statement.setString(1, migration);
                statement.setString(2, key);
                try (ResultSet rs = statement.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    /** Removes the record if its token is still {@code record}'s, in a transaction of its own; true if removed. */
    boolean remove(Captured record) {
        return transactions.inNewTransaction(() -> transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement(
                    "DELETE FROM " + CaptureDdl.TABLE + " WHERE migration = ? AND entity_key = ? AND token = ?")) {
                statement.setString(1, migration);
                statement.setString(2, record.key());
                statement.setString(3, record.token());
                return statement.executeUpdate() == 1;
            }
        }));
    }

    /** Puts a record at the back of the queue (its token kept: a capture meanwhile still counts). */
    void requeue(Captured record, Instant now) {
        transactions.inNewTransaction(() -> transactions.withConnection(c -> {
            try (PreparedStatement statement = c.prepareStatement("UPDATE " + CaptureDdl.TABLE
                    + " SET captured_at = ? WHERE migration = ? AND entity_key = ? AND token = ?")) {
                Timestamps.set(statement, 1, now);
                statement.setString(2, migration);
                statement.setString(3, record.key());
                statement.setString(4, record.token());
                return statement.executeUpdate();
            }
        }));
    }

    /** How many records of the migration wait in this database. */
    long count() {
        return transactions.withConnection(c -> {
            try (PreparedStatement statement =
                    c.prepareStatement("SELECT COUNT(*) FROM " + CaptureDdl.TABLE + " WHERE migration = ?")) {
                statement.setString(1, migration);
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }
}
