package io.dualwrite.core.jdbc;

import java.util.Objects;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The part every {@link JdbcTransactions} shares: the data source, the dialect detected once from it, and equality
 * by data source, so that implementations of different frameworks still recognise one database.
 */
public abstract class AbstractJdbcTransactions implements JdbcTransactions {

    private final DataSource dataSource;
    private volatile SqlDialect dialect;

    protected AbstractJdbcTransactions(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    @Override
    public final DataSource dataSource() {
        return dataSource;
    }

    @Override
    public final SqlDialect dialect() {
        SqlDialect detected = dialect;
        if (detected == null) {
            detected = withConnection(SqlDialect::detect);
            dialect = detected;
        }
        return detected;
    }

    /**
     * Runs dualwrite's own work in the transaction open on this thread with its connection marked as dualwrite's
     * ({@link WriterMarker}), where a migration captures the writes that bypass dualwrite; just runs it elsewhere.
     * Implementations call it inside every transaction they open or join for dualwrite.
     */
    protected final <T> T markedAsDualWrite(Supplier<T> work) {
        return WriterMarker.around(this, work);
    }

    @Override
    public final boolean equals(Object other) {
        return other instanceof JdbcTransactions that && that.dataSource() == dataSource;
    }

    @Override
    public final int hashCode() {
        return System.identityHashCode(dataSource);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + dataSource + "]";
    }
}
