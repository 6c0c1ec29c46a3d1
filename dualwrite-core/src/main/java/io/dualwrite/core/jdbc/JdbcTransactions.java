package io.dualwrite.core.jdbc;

import io.dualwrite.core.store.Transactions;
import javax.sql.DataSource;

/**
 * Transactions and connections of one JDBC database. Equal instances stand for the same {@link DataSource}.
 *
 * <p>{@link #of(DataSource)} keeps transactions itself, bound to the calling thread; a framework integration (such
 * as the Spring Boot starter) supplies one that joins the framework's transactions instead.
 */
public interface JdbcTransactions extends Transactions {

    /** dualwrite's own ledger table in this database ({@link JdbcDivergenceLedger}). */
    @Override
    default java.util.Optional<io.dualwrite.core.store.DivergenceLedger> divergenceLedger() {
        return java.util.Optional.of(new JdbcDivergenceLedger(this));
    }

    /**
     * Runs the work with the connection of the transaction open on this thread, or with a connection of its own
     * in auto-commit mode when there is none.
     */
    <T> T withConnection(SqlWork<T> work);

    /** The SQL dialect of the database, detected from its connection metadata. */
    SqlDialect dialect();

    /** The data source. */
    DataSource dataSource();

    /**
     * PostgreSQL: {@code SET LOCAL lock_timeout}, which ends with the transaction by itself. MariaDB:
     * {@code SET SESSION innodb_lock_wait_timeout} in whole seconds (a timeout under a second means no wait),
     * restored to the session's value when the work ends, whether it returns or throws.
     * H2: no change (its lock timeout is left as configured). Call it inside a transaction.
     */
    @Override
    default <T> T withLockTimeout(java.time.Duration timeout, java.util.function.Supplier<T> work) {
        return LockTimeouts.run(this, timeout, work);
    }

    @Override
    default boolean isLockTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException e && dialect().isLockTimeout(e)) {
                return true;
            }
        }
        return false;
    }

    /** Transactions that dualwrite keeps itself, on connections taken from the data source. */
    static JdbcTransactions of(DataSource dataSource) {
        return new LocalJdbcTransactions(dataSource);
    }
}
