package io.dualwrite.core.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a SQL value as text the way one column's type renders it, read from the database's catalog, so that an
 * expression over OLD and the NEW column it fills give the same text for the same value and different texts for
 * different values:
 *
 * <ul>
 *   <li>PostgreSQL: {@code bytea} as hex; string types cast to {@code text}; every other type cast to the column's
 *       exact type first ({@code format_type}, such as {@code numeric(12,2)}), as the backfill's {@code INSERT}
 *       does, then to {@code text}, whose forms are exact (floating point included, PostgreSQL 12 and later).
 *   <li>MariaDB: binary types as hex ({@code CAST} to characters turns invalid bytes into {@code ?}); {@code FLOAT}
 *       and {@code DOUBLE} through {@code DOUBLE} (a {@code FLOAT} cast to characters keeps about six digits);
 *       {@code DECIMAL}, {@code DATETIME}, {@code TIMESTAMP}, {@code TIME} and {@code DATE} cast to the column's
 *       type and precision first; {@code BIT} as its number; all text in {@code utf8mb4}, whatever the connection's
 *       character set.
 * </ul>
 *
 * A column missing from the catalog is cast to text as it is.
 */
final class ColumnText {

    private static final String UTF8 = " AS CHAR CHARACTER SET utf8mb4)";

    private final SqlDialect dialect;
    private final Map<String, String> templates;

    private ColumnText(SqlDialect dialect, Map<String, String> templates) {
        this.dialect = dialect;
        this.templates = templates;
    }

    /** The rendering of each column of {@code table}, read from the catalog. */
    static ColumnText of(JdbcTransactions transactions, String table) {
        SqlDialect dialect = transactions.dialect();
        Map<String, String> templates = transactions.withConnection(c -> {
            Map<String, String> found = new HashMap<>();
            try (PreparedStatement statement = c.prepareStatement(catalogQuery(dialect))) {
                bindTable(statement, dialect, table);
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        found.put(rs.getString(1).toLowerCase(Locale.ROOT), template(dialect, rs));
                    }
                }
            }
            return found;
        });
        return new ColumnText(dialect, Map.copyOf(templates));
    }

    /** The text of {@code expression} rendered as {@code column}'s type; NULL stays NULL. */
    String of(String column, String expression) {
        String template = templates.getOrDefault(column.toLowerCase(Locale.ROOT), defaultTemplate(dialect));
        return template.replace("%e", "(" + expression + ")");
    }

    private static String catalogQuery(SqlDialect dialect) {
        return switch (dialect) {
            case POSTGRESQL ->
                "SELECT a.attname, format_type(a.atttypid, a.atttypmod), t.typcategory, t.typname"
                        + " FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
                        + " WHERE a.attrelid = to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped";
            case MARIADB ->
                "SELECT COLUMN_NAME, DATA_TYPE, NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION"
                        + " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = COALESCE(?, DATABASE())"
                        + " AND TABLE_NAME = ?";
            case H2 -> throw new IllegalStateException("checksums in the database need PostgreSQL or MariaDB");
        };
    }

    private static void bindTable(PreparedStatement statement, SqlDialect dialect, String table)
            throws java.sql.SQLException {
        if (dialect == SqlDialect.POSTGRESQL) {
            statement.setString(1, table);
            return;
        }
        int dot = table.indexOf('.');
        statement.setString(1, dot < 0 ? null : table.substring(0, dot));
        statement.setString(2, dot < 0 ? table : table.substring(dot + 1));
    }

    private static String template(SqlDialect dialect, ResultSet rs) throws java.sql.SQLException {
        return dialect == SqlDialect.POSTGRESQL
                ? postgresTemplate(rs.getString(2), rs.getString(3), rs.getString(4))
                : mariaDbTemplate(
                        rs.getString(2).toLowerCase(Locale.ROOT),
                        rs.getObject(3) == null ? -1 : rs.getLong(3),
                        rs.getObject(4) == null ? -1 : rs.getLong(4),
                        rs.getObject(5) == null ? 0 : rs.getLong(5));
    }

    private static String postgresTemplate(String type, String category, String name) {
        if (name.equals("bytea")) {
            return "encode(CAST(%e AS bytea), 'hex')";
        }
        if (category.equals("S")) {
            return "CAST(%e AS text)";
        }
        return "CAST(CAST(%e AS " + type + ") AS text)";
    }

    private static String mariaDbTemplate(String type, long precision, long scale, long fractionDigits) {
        return switch (type) {
            case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob" -> "HEX(%e)";
            case "float" -> "CAST(CAST(CAST(%e AS FLOAT) AS DOUBLE)" + UTF8;
            case "double" -> "CAST(CAST(%e AS DOUBLE)" + UTF8;
            case "decimal" ->
                precision > 0 && scale >= 0
                        ? "CAST(CAST(%e AS DECIMAL(" + precision + ", " + scale + "))" + UTF8
                        : "CAST(%e" + UTF8;
            case "datetime", "timestamp" -> "CAST(CAST(%e AS DATETIME(" + fractionDigits + "))" + UTF8;
            case "time" -> "CAST(CAST(%e AS TIME(" + fractionDigits + "))" + UTF8;
            case "date" -> "CAST(CAST(%e AS DATE)" + UTF8;
            case "bit" -> "CAST(%e + 0" + UTF8;
            default -> "CAST(%e" + UTF8;
        };
    }

    private static String defaultTemplate(SqlDialect dialect) {
        return dialect == SqlDialect.POSTGRESQL ? "CAST(%e AS text)" : "CAST(%e" + UTF8;
    }
}
