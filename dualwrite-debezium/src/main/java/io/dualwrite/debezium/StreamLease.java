package io.dualwrite.debezium;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.jspecify.annotations.Nullable;

/**
 * Who streams a slot: a replication slot admits one consumer, so of all instances only the one holding this lease
 * runs the engine. The lease is a PostgreSQL session advisory lock on a connection of its own, held for as long as
 * the connection lives: an instance that dies or loses its connection releases it, and another one takes over.
 */
final class StreamLease implements AutoCloseable {

    private final Connection connection;

    private StreamLease(Connection connection) {
        this.connection = connection;
    }

    /** The lease if no other instance holds it, else null. */
    static @Nullable StreamLease tryAcquire(ConnectionSettings settings, String slot) throws SQLException {
        Connection connection = settings.connect();
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            statement.setLong(1, lockId(slot));
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                if (rs.getBoolean(1)) {
                    return new StreamLease(connection);
                }
            }
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        connection.close();
        return null;
    }

    /** Whether the lease is still held (its connection answers). */
    boolean held() {
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(5);
            statement.execute("SELECT 1");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            connection.close(); // ends the session: the advisory lock goes with it
        } catch (SQLException e) {
            // the session is gone either way
        }
    }

    static long lockId(String slot) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("dualwrite-debezium:" + slot).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
