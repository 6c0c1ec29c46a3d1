package io.dualwrite.core.jdbc;

import io.dualwrite.core.internal.AfterCommitActions;
import io.dualwrite.core.model.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * {@link JdbcTransactions} kept by dualwrite: a transaction's connection is bound to the thread, per data source,
 * so that every instance for the same data source joins it. Actions registered with {@link #afterCommit} run after
 * the outermost transaction on this data source commits. Every transaction it opens runs at READ COMMITTED, the
 * level dualwrite's reasoning about live writes assumes, whatever the connection's default (MariaDB's is
 * REPEATABLE READ, under which a plain read inside a transaction would see an old snapshot).
 */
final class LocalJdbcTransactions extends AbstractJdbcTransactions {

    private static final ThreadLocal<Map<DataSource, Bound>> BOUND = ThreadLocal.withInitial(IdentityHashMap::new);

    /** The open transaction's connection and what runs once it committed. */
    private record Bound(Connection connection, AfterCommitActions afterCommit) {}

    LocalJdbcTransactions(DataSource dataSource) {
        super(dataSource);
    }

    @Override
    public <T> T inTransaction(Supplier<T> work) {
        if (BOUND.get().containsKey(dataSource())) {
            return work.get();
        }
        return transaction(work);
    }

    @Override
    public <T> T inNewTransaction(Supplier<T> work) {
        Bound suspended = BOUND.get().remove(dataSource());
        try {
            return transaction(work);
        } finally {
            if (suspended != null) {
                BOUND.get().put(dataSource(), suspended);
            }
        }
    }

    @Override
    public boolean hasOpenTransaction() {
        return BOUND.get().containsKey(dataSource());
    }

    @Override
    public void afterCommit(Runnable action) {
        Bound bound = BOUND.get().get(dataSource());
        if (bound == null) {
            action.run();
        } else {
            bound.afterCommit().add(action);
        }
    }

    private <T> T transaction(Supplier<T> work) {
        Map<DataSource, Bound> bound = BOUND.get();
        T result;
        AfterCommitActions afterCommit = new AfterCommitActions();
        try (Connection connection = dataSource().getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            int isolation = connection.getTransactionIsolation();
            if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
                connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
            connection.setAutoCommit(false);
            bound.put(dataSource(), new Bound(connection, afterCommit));
            Throwable failure = null;
            try {
                result = markedAsDualWrite(work);
                connection.commit();
            } catch (RuntimeException | Error e) {
                failure = e;
                rollback(connection, e);
                throw e;
            } finally {
                bound.remove(dataSource());
                restore(connection, autoCommit, isolation, failure);
            }
        } catch (SQLException e) {
            throw new StoreException("Transaction on " + dataSource() + " failed: " + e.getMessage(), e);
        }
        afterCommit.runAll();
        return result;
    }

    /**
     * Gives the connection back its settings. When the work already failed, a connection too broken to restore must
     * not hide that failure: the restore's error is attached to it instead (the pool discards such a connection).
     */
    private static void restore(Connection connection, boolean autoCommit, int isolation, Throwable failure)
            throws SQLException {
        try {
            connection.setAutoCommit(autoCommit);
            if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
                connection.setTransactionIsolation(isolation);
            }
        } catch (SQLException e) {
            if (failure == null) {
                throw e;
            }
            failure.addSuppressed(e);
        }
    }

    @Override
    public <T> T withConnection(SqlWork<T> work) {
        Bound bound = BOUND.get().get(dataSource());
        try {
            if (bound != null) {
                return work.run(bound.connection());
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
