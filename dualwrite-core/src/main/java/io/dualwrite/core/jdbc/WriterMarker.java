package io.dualwrite.core.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Marks dualwrite's own work on a connection, so that the capture triggers ({@link CaptureDdl}) skip the rows it
 * changes and record only the writes that bypassed dualwrite.
 *
 * <p>A connection is marked for exactly as long as dualwrite's work runs on it: from the start of a transaction
 * dualwrite opens or joins until that work returns or throws, before the transaction commits or rolls back. A
 * caller's transaction that a dual write joined is unmarked again once the write returned, so the caller's own
 * statements in it are captured. Work nested in marked work on the same connection leaves the mark to the outermost.
 *
 * <ul>
 *   <li>PostgreSQL: {@code set_config('dualwrite.writer', 'on', true)}, transaction-local: should resetting it fail,
 *       the transaction is aborted and its rollback discards the setting with it.
 *   <li>MariaDB (no transaction-local variables): the session variable {@code @dualwrite_writer}, set to 1 and back to
 *       NULL on the same connection in a {@code finally}. A connection whose reset fails is aborted, so the pool
 *       never hands it out marked.
 * </ul>
 *
 * <p>A change stream read from the database's log (dualwrite-debezium) sees no session settings: on a data source
 * enabled with {@link #enableLogMessages}, the PostgreSQL mark and unmark also write the transactional logical
 * decoding messages {@code pg_logical_emit_message(true, 'dualwrite', 'on')} and {@code ... 'off'}, which reach the
 * stream inside the transaction, in order with its changes: a change between the two is dualwrite's.
 *
 * <p>Only data sources for which a migration captures bypass writes are marked ({@link #enable}); for every other one
 * this costs a map lookup per transaction.
 */
public final class WriterMarker {

    /** The PostgreSQL setting and MariaDB session variable the triggers read. */
    public static final String POSTGRES_SETTING = "dualwrite.writer";

    public static final String MARIADB_VARIABLE = "@dualwrite_writer";

    /** The prefix of the logical decoding messages that mark dualwrite's work in PostgreSQL's log. */
    public static final String LOG_MESSAGE_PREFIX = "dualwrite";

    /** The content of the message written where dualwrite's work starts in a transaction. */
    public static final String LOG_MESSAGE_ON = "on";

    /** The content of the message written where it ends. */
    public static final String LOG_MESSAGE_OFF = "off";

    private static final Set<DataSource> ENABLED =
            Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private static final Set<DataSource> LOGGED =
            Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    private static final ThreadLocal<Map<Connection, Boolean>> MARKED = ThreadLocal.withInitial(IdentityHashMap::new);

    private WriterMarker() {}

    /** Marks dualwrite's work on this data source from now on. */
    public static void enable(DataSource dataSource) {
        ENABLED.add(dataSource);
    }

    /**
     * Marks dualwrite's work on this PostgreSQL data source in the log from now on, for a change stream that reads
     * it (dualwrite-debezium): a logical decoding message where the work starts and one where it ends.
     */
    public static void enableLogMessages(DataSource dataSource) {
        LOGGED.add(dataSource);
    }

    /** Whether dualwrite's work on this data source is marked. */
    public static boolean enabled(DataSource dataSource) {
        return (!ENABLED.isEmpty() && ENABLED.contains(dataSource))
                || (!LOGGED.isEmpty() && LOGGED.contains(dataSource));
    }

    /** Whether the connection is marked by this thread's work right now. */
    static boolean marked(Connection connection) {
        return MARKED.get().containsKey(connection);
    }

    /**
     * Runs the work with the connection of the transaction open on this thread marked as dualwrite's; unmarked
     * again before it returns.
     */
    static <T> T around(JdbcTransactions transactions, Supplier<T> work) {
        if (!enabled(transactions.dataSource())) {
            return work.get();
        }
        SqlDialect dialect = transactions.dialect();
        if (dialect == SqlDialect.H2) {
            return work.get();
        }
        Connection connection = transactions.withConnection(c -> c);
        Map<Connection, Boolean> marked = MARKED.get();
        if (marked.containsKey(connection)) {
            return work.get();
        }
        boolean setting = ENABLED.contains(transactions.dataSource());
        boolean logged = dialect == SqlDialect.POSTGRESQL && LOGGED.contains(transactions.dataSource());
        execute(connection, statement(setting, logged, true, dialect));
        marked.put(connection, Boolean.TRUE);
        Throwable failure = null;
        try {
            return work.get();
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            marked.remove(connection);
            unmark(connection, dialect, statement(setting, logged, false, dialect), failure);
        }
    }

    /** The statement that marks (or unmarks) a connection: the setting, the log message, or both in one SELECT. */
    private static String statement(boolean setting, boolean logged, boolean on, SqlDialect dialect) {
        if (!logged) {
            return on ? mark(dialect) : unmark(dialect);
        }
        String message = logMessage(on);
        if (!setting) {
            return "SELECT " + message;
        }
        return (on ? mark(dialect) : unmark(dialect)) + ", " + message;
    }

    /** The call that writes the log message marking the start ({@code on}) or the end of dualwrite's work. */
    public static String logMessage(boolean on) {
        return "pg_logical_emit_message(true, '" + LOG_MESSAGE_PREFIX + "', '" + (on ? LOG_MESSAGE_ON : LOG_MESSAGE_OFF)
                + "')";
    }

    private static void unmark(Connection connection, SqlDialect dialect, String sql, Throwable failure) {
        try {
            execute(connection, sql);
        } catch (RuntimeException e) {
            if (dialect == SqlDialect.MARIADB) {
                try {
                    connection.abort(Runnable::run);
                } catch (SQLException | RuntimeException aborting) {
                    e.addSuppressed(aborting);
                }
            }
            if (failure == null) {
                throw e;
            }
            failure.addSuppressed(e);
        }
    }

    /** The statement that marks a connection. */
    public static String mark(SqlDialect dialect) {
        return switch (dialect) {
            case POSTGRESQL -> "SELECT set_config('" + POSTGRES_SETTING + "', 'on', true)";
            case MARIADB -> "SET " + MARIADB_VARIABLE + " = 1";
            case H2 -> throw new IllegalArgumentException("H2 has no capture triggers");
        };
    }

    /** The statement that unmarks a connection. */
    public static String unmark(SqlDialect dialect) {
        return switch (dialect) {
            case POSTGRESQL -> "SELECT set_config('" + POSTGRES_SETTING + "', '', true)";
            case MARIADB -> "SET " + MARIADB_VARIABLE + " = NULL";
            case H2 -> throw new IllegalArgumentException("H2 has no capture triggers");
        };
    }

    private static void execute(Connection connection, String sql) {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new io.dualwrite.core.model.StoreException(
                    "Could not " + (sql.contains("'on'") || sql.endsWith("= 1") ? "mark" : "unmark")
                            + " dualwrite's connection: " + e.getMessage(),
                    e);
        }
    }
}
