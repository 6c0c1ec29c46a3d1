package io.dualwrite.core.jdbc;

import io.dualwrite.core.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * {@link JdbcTransactions} kept by dualwrite: a transaction's connection is bound to the thread, per data source,
 * so that every instance for the same data source joins it.
 */
final class LocalJdbcTransactions extends AbstractJdbcTransactions {

    private static final ThreadLocal<Map<DataSource, Connection>> BOUND = ThreadLocal.withInitial(IdentityHashMap::new);

    LocalJdbcTransactions(DataSource dataSource) {
        super(dataSource);
    }

    @Override
    public <T> T inTransaction(Supplier<T> work) {
        Map<DataSource, Connection> bound = BOUND.get();
        if (bound.containsKey(dataSource())) {
            return work.get();
        }
        try (Connection connection = dataSource().getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            bound.put(dataSource(), connection);
            try {
                T result = work.get();
                connection.commit();
                return result;
            } catch (RuntimeException | Error e) {
                rollback(connection, e);
                throw e;
            } finally {
                bound.remove(dataSource());
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new StoreException("Transaction on " + dataSource() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public <T> T withConnection(SqlWork<T> work) {
        Connection bound = BOUND.get().get(dataSource());
        try {
            if (bound != null) {
                return work.run(bound);
            }
            try (Connection connection = dataSource().getConnection()) {
                return work.run(connection);
            }
        } catch (SQLException e) {
            throw new StoreException(e.getMessage(), e);
        }
    }

    private static void rollback(Connection connection, Throwable cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
