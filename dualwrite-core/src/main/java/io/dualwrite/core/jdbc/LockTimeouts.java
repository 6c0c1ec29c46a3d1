package io.dualwrite.core.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.Supplier;

/** Limits lock waits of the work in the open transaction, per dialect; see {@link JdbcTransactions#withLockTimeout}. */
final class LockTimeouts {

    private LockTimeouts() {}

    static <T> T run(JdbcTransactions transactions, Duration timeout, Supplier<T> work) {
        SqlDialect dialect = transactions.dialect();
        if (dialect == SqlDialect.POSTGRESQL) {
            // SET LOCAL lasts until the transaction ends, commit or rollback: nothing to restore.
            transactions.withConnection(c -> execute(c, "SET LOCAL lock_timeout = '" + timeout.toMillis() + "ms'"));
            return work.get();
        }
        if (dialect != SqlDialect.MARIADB) {
            return work.get(); // H2: its lock timeout is left as configured
        }
        String previous = transactions.withConnection(c -> {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT @@SESSION.innodb_lock_wait_timeout")) {
                rs.next();
                return rs.getString(1);
            }
        });
        String set = "SET SESSION innodb_lock_wait_timeout = ";
        // Whole seconds, rounded up: 0 would make a lock wait fail at once (as NOWAIT does), so that a dual write's
        // millisecond row lock would fail every chunk that meets it.
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        transactions.withConnection(c -> execute(c, set + seconds));
        Throwable failure = null;
        try {
            return work.get();
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            long restore = Long.parseLong(previous.trim());
            try {
                transactions.withConnection(c -> execute(c, set + restore));
            } catch (RuntimeException e) {
                if (failure == null) {
                    throw e;
                }
                failure.addSuppressed(e);
            }
        }
    }

    private static Void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
        return null;
    }
}
