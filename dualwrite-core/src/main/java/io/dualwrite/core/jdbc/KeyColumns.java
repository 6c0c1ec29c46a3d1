package io.dualwrite.core.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Reads a key column's type and collation from the database's catalog (see {@link KeyCollation}). */
final class KeyColumns {

    private KeyColumns() {}

    /** The key column's collation, or empty when the catalog does not list the column (the table is not there). */
    static Optional<KeyCollation> read(JdbcTransactions transactions, String table, String column) {
        SqlDialect dialect = transactions.dialect();
        return transactions.withConnection(c -> switch (dialect) {
            case POSTGRESQL -> postgres(c, table, column);
            case MARIADB -> mariadb(c, table, column);
            case H2 -> h2(c, table, column);
        });
    }

    /**
     * PostgreSQL: {@code pg_attribute} and {@code pg_collation}. A deterministic collation (libc or ICU) holds keys
     * equal only when their bytes are; {@code char(n)} ignores trailing spaces, {@code citext} case.
     */
    private static Optional<KeyCollation> postgres(Connection c, String table, String column) throws SQLException {
        String sql = "SELECT t.typname, t.typcategory, co.collname, co.collisdeterministic,"
                + " (SELECT datcollate FROM pg_database WHERE datname = current_database())"
                + " FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
                + " LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 0"
                + " WHERE a.attrelid = to_regclass(?) AND a.attname = ? AND NOT a.attisdropped";
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            statement.setString(1, table);
            statement.setString(2, column.toLowerCase(Locale.ROOT));
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String type = rs.getString(1);
                boolean character = "S".equals(rs.getString(2));
                String name = rs.getString(3);
                boolean deterministic = rs.getBoolean(4) || name == null;
                if (!character) {
                    return Optional.of(of(table, column, SqlDialect.POSTGRESQL, type, null, KeyCollation.IDENTICAL));
                }
                String collation = name == null || name.equals("default") ? "default (" + rs.getString(5) + ")" : name;
                String equality;
                if (type.equals("citext")) {
                    equality = "postgresql:citext";
                } else if (!deterministic) {
                    equality = "postgresql:" + name;
                } else {
                    equality =
                            type.equals("bpchar") ? KeyCollation.IDENTICAL_BUT_TRAILING_SPACES : KeyCollation.IDENTICAL;
                }
                return Optional.of(of(table, column, SqlDialect.POSTGRESQL, type, collation, equality));
            }
        }
    }

    /**
     * MariaDB (and MySQL): {@code information_schema.COLUMNS.COLLATION_NAME}. Only binary NO PAD collations (such as
     * {@code utf8mb4_nopad_bin}) hold keys equal just when identical; PAD SPACE ones, {@code _bin} included, ignore
     * trailing spaces, as CHAR(n) columns do; the others are case- or accent-insensitive by their own rules.
     */
    private static Optional<KeyCollation> mariadb(Connection c, String table, String column) throws SQLException {
        String[] parts = split(table);
        String sql = "SELECT DATA_TYPE, COLLATION_NAME FROM information_schema.COLUMNS"
                + " WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? AND COLUMN_NAME = ?";
        String type;
        String collation;
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            statement.setString(1, parts[0]);
            statement.setString(2, parts[1]);
            statement.setString(3, column);
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                type = rs.getString(1).toLowerCase(Locale.ROOT);
                collation = rs.getString(2);
            }
        }
        if (collation == null) {
            return Optional.of(of(table, column, SqlDialect.MARIADB, type, null, KeyCollation.IDENTICAL));
        }
        String name = collation.toLowerCase(Locale.ROOT);
        boolean padSpace = padSpace(c, collation) || type.equals("char");
        String equality;
        if (name.endsWith("_bin") || name.equals("binary")) {
            equality = padSpace ? KeyCollation.IDENTICAL_BUT_TRAILING_SPACES : KeyCollation.IDENTICAL;
        } else {
            equality = "mariadb:" + name + (padSpace ? "" : " nopad");
        }
        return Optional.of(of(table, column, SqlDialect.MARIADB, type, collation, equality));
    }

    /**
     * Whether a collation is PAD SPACE: {@code information_schema.COLLATIONS.PAD_ATTRIBUTE} where the server has it
     * (MySQL 8), else its name, since every MariaDB NO PAD collation says {@code nopad}.
     */
    private static boolean padSpace(Connection c, String collation) {
        try (PreparedStatement statement = c.prepareStatement(
                "SELECT PAD_ATTRIBUTE FROM information_schema.COLLATIONS WHERE COLLATION_NAME = ?")) {
            statement.setString(1, collation);
            try (ResultSet rs = statement.executeQuery()) {
                if (rs.next() && rs.getString(1) != null) {
                    return !rs.getString(1).toUpperCase(Locale.ROOT).contains("NO PAD");
                }
            }
        } catch (SQLException e) {
            // No PAD_ATTRIBUTE column (MariaDB 10.x): the name tells.
        }
        return !collation.toLowerCase(Locale.ROOT).contains("nopad");
    }

    /**
     * H2: {@code INFORMATION_SCHEMA.COLUMNS}. Strings compare by their characters unless the database has a
     * collation ({@code SET COLLATION}); {@code VARCHAR_IGNORECASE} ignores case, {@code CHARACTER} trailing spaces.
     */
    private static Optional<KeyCollation> h2(Connection c, String table, String column) throws SQLException {
        String[] parts = split(table);
        String sql = "SELECT DATA_TYPE, COLLATION_NAME FROM INFORMATION_SCHEMA.COLUMNS"
                + " WHERE UPPER(TABLE_SCHEMA) = UPPER(COALESCE(?, CURRENT_SCHEMA)) AND UPPER(TABLE_NAME) = UPPER(?)"
                + " AND UPPER(COLUMN_NAME) = UPPER(?)";
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            statement.setString(1, parts[0]);
            statement.setString(2, parts[1]);
            statement.setString(3, column);
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String type = rs.getString(1).toLowerCase(Locale.ROOT);
                boolean character = type.startsWith("character") || type.equals("varchar_ignorecase");
                if (!character) {
                    return Optional.of(of(table, column, SqlDialect.H2, type, null, KeyCollation.IDENTICAL));
                }
                String collation = rs.getString(2) == null ? "OFF" : rs.getString(2);
                String equality;
                if (type.equals("varchar_ignorecase")) {
                    equality = "h2:ignorecase";
                } else if (!collation.equalsIgnoreCase("OFF")) {
                    equality = "h2:" + collation.toLowerCase(Locale.ROOT);
                } else {
                    equality = type.equals("character")
                            ? KeyCollation.IDENTICAL_BUT_TRAILING_SPACES
                            : KeyCollation.IDENTICAL;
                }
                return Optional.of(of(table, column, SqlDialect.H2, type, collation, equality));
            }
        }
    }

    private static KeyCollation of(
            String table, String column, SqlDialect dialect, String type, @Nullable String collation, String equality) {
        return new KeyCollation(table, column, dialect, type, collation, equality);
    }

    /** {@code schema.table} as {schema, table}; the schema is null when not given. */
    private static String[] split(String table) {
        int dot = table.indexOf('.');
        return dot < 0 ? new String[] {null, table} : new String[] {table.substring(0, dot), table.substring(dot + 1)};
    }
}
