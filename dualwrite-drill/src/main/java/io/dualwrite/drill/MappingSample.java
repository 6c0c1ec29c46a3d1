package io.dualwrite.drill;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.jdbc.SqlDialect;
import io.dualwrite.core.store.MigrationStore;
import java.sql.Statement;
import java.util.List;

/**
 * Reads a sample of each side's rows through the migration's stores in read-only transactions, always rolled back,
 * for {@link MappingCheck#onSample}.
 */
final class MappingSample {

    private MappingSample() {}

    static <K, O, N> MappingReport check(Migration<K, O, N> migration, int rows) {
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be at least 1, but was " + rows);
        }
        List<O> olds = readOnly(migration.oldStore(), rows);
        List<N> news = readOnly(migration.newStore(), rows);
        return MappingCheck.check(
                migration,
                olds,
                news,
                false,
                0,
                olds.size() + " OLD rows and " + news.size() + " NEW rows read from the database");
    }

    /** Up to {@code rows} values from the first key on, in a read-only transaction of their own, rolled back. */
    static <K, V> List<V> readOnly(MigrationStore<K, V> store, int rows) {
        if (!(store.transactions() instanceof JdbcTransactions transactions)) {
            throw new IllegalArgumentException("a sample is read in read-only JDBC transactions, but the store "
                    + store.description() + " does not run on JdbcTransactions");
        }
        final class Rollback extends RuntimeException {
            final transient List<V> values;

            Rollback(List<V> values) {
                super(null, null, false, false);
                this.values = values;
            }
        }
        try {
            transactions.inNewTransaction(() -> {
                transactions.withConnection(c -> {
                    if (transactions.dialect() == SqlDialect.H2) {
                        c.setReadOnly(true);
                    } else {
                        // The first statement of the transaction: PostgreSQL applies it to this transaction,
                        // MariaDB to the one its next statement starts.
                        try (Statement s = c.createStatement()) {
                            s.execute("SET TRANSACTION READ ONLY");
                        }
                    }
                    return null;
                });
                throw new Rollback(store.scan(null, null, rows));
            });
        } catch (Rollback done) {
            return done.values;
        }
        throw new IllegalStateException("unreachable: the sample's transaction always rolls back");
    }
}
