package io.dualwrite.core.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.PGStatement;
import org.postgresql.copy.CopyIn;

/**
 * Streams CSV rows into a table with pgjdbc's {@code CopyManager}. Kept apart from {@link JdbcStore} so that only a
 * PostgreSQL store loads pgjdbc's classes (the driver is an optional dependency of the core).
 */
final class PostgresCopy {

    private PostgresCopy() {}

    /** Whether the connection, or what it wraps (a pool's proxy), is pgjdbc's. */
    static boolean available(Connection connection) {
        try {
            return connection.isWrapperFor(PGConnection.class);
        } catch (SQLException | LinkageError e) {
            return false;
        }
    }

    /**
     * Makes pgjdbc send the statement unnamed every time, so that PostgreSQL plans it for the values bound: a key
     * lookup {@code IN ($1, ..., $500)} otherwise gets a generic plan once pgjdbc prepares it on the server (fifth
     * use), chosen while NEW was still empty (a sequential scan, comparing each row with 500 parameters, since only a
     * list of constants is hashed), and keeps it as NEW grows: 0.3 s per lookup at 130,000 rows, measured.
     */
    static void planForTheValues(PreparedStatement statement) {
        try {
            if (statement.isWrapperFor(PGStatement.class)) {
                statement.unwrap(PGStatement.class).setPrepareThreshold(0);
            }
        } catch (SQLException | LinkageError e) {
            // Not pgjdbc's statement: plans as it does.
        }
    }

    /** {@code COPY table (columns) FROM STDIN (FORMAT csv)} of the CSV text; the rows copied. */
    static long copyIn(Connection connection, String table, String columnList, byte[] csv) throws SQLException {
        PGConnection postgres = connection.unwrap(PGConnection.class);
        CopyIn copy = postgres.getCopyAPI().copyIn("COPY " + table + " (" + columnList + ") FROM STDIN (FORMAT csv)");
        try {
            copy.writeToCopy(csv, 0, csv.length);
            return copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }
}
