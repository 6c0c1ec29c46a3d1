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

    /** Transactions that dualwrite keeps itself, on connections taken from the data source. */
    static JdbcTransactions of(DataSource dataSource) {
        return new LocalJdbcTransactions(dataSource);
    }
}
