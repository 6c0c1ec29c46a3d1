package io.dualwrite.core.jdbc;

import io.dualwrite.core.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * {@link JdbcTransactions} kept by dualwrite: a transaction's connection is bound to the thread, per data source,
 * so that every instance for the same data source joins it.
 */
final class LocalJdbcTransactions implements JdbcTransactions {

    private static final ThreadLocal<Map<DataSource, Connection>> BOUND = ThreadLocal.withInitial(IdentityHashMap::new);

    private final DataSource dataSource;
    private volatile SqlDialect dialect;

    LocalJdbcTransactions(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    @Override
    public <T> T inTransaction(Supplier<T> work) {
        Map<DataSource, Connection> bound = BOUND.get();
        if (bound.containsKey(dataSource)) {
            return work.get();
        }
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            bound.put(dataSource, connection);
            try {
                T result = work.get();
                connection.commit();
                return result;
            } catch (RuntimeException | Error e) {
                rollback(connection, e);
                throw e;
            } finally {
                bound.remove(dataSource);
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new StoreException("Transaction on " + dataSource + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public <T> T withConnection(SqlWork<T> work) {
        Connection bound = BOUND.get().get(dataSource);
        try {
            if (bound != null) {
                return work.run(bound);
            }
            try (Connection connection = dataSource.getConnection()) {
                return work.run(connection);
            }
        } catch (SQLException e) {
            throw new StoreException(e.getMessage(), e);
        }
    }

    @Override
    public SqlDialect dialect() {
        SqlDialect detected = dialect;
        if (detected == null) {
            detected = withConnection(SqlDialect::detect);
            dialect = detected;
        }
        return detected;
    }

    @Override
    public DataSource dataSource() {
        return dataSource;
    }

    private static void rollback(Connection connection, Throwable cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof JdbcTransactions that && that.dataSource() == dataSource;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(dataSource);
    }

    @Override
    public String toString() {
        return "JdbcTransactions[" + dataSource + "]";
    }
}
