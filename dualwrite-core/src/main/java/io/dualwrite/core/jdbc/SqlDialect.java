package io.dualwrite.core.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The SQL differences between the databases dualwrite supports, detected from a connection's metadata.
 */
public enum SqlDialect {
    POSTGRESQL("postgresql", " FOR SHARE"),
    MARIADB("mariadb", " LOCK IN SHARE MODE"),
    H2("h2", " FOR UPDATE");

    private final String scriptSuffix;
    private final String shareLockClause;

    SqlDialect(String scriptSuffix, String shareLockClause) {
        this.scriptSuffix = scriptSuffix;
        this.shareLockClause = shareLockClause;
    }

    /**
     * The dialect of the database behind a connection.
     *
     * @throws IllegalStateException for a database dualwrite does not support
     */
    public static SqlDialect detect(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName();
        String normalized = product.toLowerCase(Locale.ROOT);
        if (normalized.contains("postgresql")) {
            return POSTGRESQL;
        }
        if (normalized.contains("mariadb") || normalized.contains("mysql")) {
            return MARIADB;
        }
        if (normalized.equals("h2")) {
            return H2;
        }
        throw new IllegalStateException("dualwrite does not support database '" + product
                + "'; supported are PostgreSQL, MariaDB (and MySQL) and H2");
    }

    /** The suffix of this dialect's scripts, such as {@code postgresql} in {@code schema-postgresql.sql}. */
    public String scriptSuffix() {
        return scriptSuffix;
    }

    /** The clause that makes a SELECT hold shared locks on the rows it reads until the transaction ends. */
    public String shareLockClause() {
        return shareLockClause;
    }

    /**
     * The clause that makes a SELECT lock the rows it returns for update and pass over rows another transaction
     * holds ({@code FOR UPDATE SKIP LOCKED}); on H2, which lacks it, a plain {@code FOR UPDATE} (claims wait instead).
     */
    public String skipLockedClause() {
        return this == H2 ? " FOR UPDATE" : " FOR UPDATE SKIP LOCKED";
    }

    /**
     * A query for the database's own estimate of a table's row count (parameter: the table name), or null where
     * there is none and a count is cheap enough.
     */
    public String estimateRowsSql() {
        return switch (this) {
            case POSTGRESQL -> "SELECT CAST(reltuples AS BIGINT) FROM pg_class WHERE oid = to_regclass(?)";
            case MARIADB ->
                "SELECT TABLE_ROWS FROM information_schema.TABLES"
                        + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?";
            case H2 -> null;
        };
    }

    /**
     * An insert of one row, or an update of its columns when the key exists. The key may span several columns,
     * comma-separated ({@code "a, b"}); parameters follow the key columns, then the columns.
     */
    public String upsert(String table, String key, List<String> columns) {
        String insert = insert(table, key, columns);
        return switch (this) {
            case POSTGRESQL ->
                insert + " ON CONFLICT (" + key + ") DO "
                        + (columns.isEmpty()
                                ? "NOTHING"
                                : "UPDATE SET "
                                        + columns.stream()
                                                .map(c -> c + " = EXCLUDED." + c)
                                                .collect(Collectors.joining(", ")));
            case MARIADB ->
                insert + " ON DUPLICATE KEY UPDATE "
                        + (columns.isEmpty()
                                ? key.split(",")[0] + " = " + key.split(",")[0]
                                : columns.stream()
                                        .map(c -> c + " = VALUES(" + c + ")")
                                        .collect(Collectors.joining(", ")));
            case H2 ->
                "MERGE INTO " + table + " (" + columnList(key, columns) + ") KEY (" + key + ") VALUES ("
                        + placeholders(key, columns) + ")";
        };
    }

    /**
     * An insert of one row that does nothing when the <em>key</em> exists (and still fails on a conflict with any
     * other unique index), or null when this dialect has none: MariaDB's {@code INSERT IGNORE} and
     * {@code ON DUPLICATE KEY UPDATE} treat every unique index alike, and H2 has no such clause, so there a plain
     * insert is tried and its duplicate-key error checked against the key.
     */
    public String insertAbsent(String table, String key, List<String> columns) {
        return switch (this) {
            case POSTGRESQL -> insert(table, key, columns) + " ON CONFLICT (" + key + ") DO NOTHING";
            case MARIADB, H2 -> null;
        };
    }

    /** A plain insert of one row, key first. */
    public String insert(String table, String key, List<String> columns) {
        return "INSERT INTO " + table + " (" + columnList(key, columns) + ") VALUES (" + placeholders(key, columns)
                + ")";
    }

    /** Whether an exception is a duplicate-key violation. */
    public boolean isDuplicateKey(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.equals("23505") || (this == MARIADB && state.equals("23000")));
    }

    /**
     * Whether an exception is a lock wait given up on: PostgreSQL's {@code lock_not_available} (55P03, from
     * {@code lock_timeout}) or a deadlock (40P01), MariaDB's lock wait timeout (1205) or deadlock (1213), H2's lock
     * timeout (50200) or deadlock (40001).
     */
    public boolean isLockTimeout(SQLException e) {
        String state = e.getSQLState();
        return switch (this) {
            case POSTGRESQL -> "55P03".equals(state) || "40P01".equals(state);
            case MARIADB -> e.getErrorCode() == 1205 || e.getErrorCode() == 1213;
            case H2 -> e.getErrorCode() == 50200 || e.getErrorCode() == 40001;
        };
    }

    static String columnList(String key, List<String> columns) {
        return columns.isEmpty() ? key : key + ", " + String.join(", ", columns);
    }

    private static String placeholders(String key, List<String> columns) {
        int count = key.split(",").length + columns.size();
        return String.join(", ", java.util.Collections.nCopies(count, "?"));
    }
}
