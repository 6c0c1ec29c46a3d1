package io.dualwrite.core.jdbc;

import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a database compares the values of a {@link JdbcStore}'s key column, as read from its catalog: which keys it
 * holds equal (the check that both sides of a migration tell keys apart alike), and whether two key columns order
 * keys alike.
 *
 * @param table the store's table
 * @param column the key column
 * @param dialect the database
 * @param type the column's type as the catalog names it, in lower case
 * @param collation the collation of a character column, null for other types; PostgreSQL's database default is
 *     named {@code default (<the database's collation>)}
 * @param equality when two keys are equal: {@link #IDENTICAL}, {@link #IDENTICAL_BUT_TRAILING_SPACES}, or a
 *     collation's own rule, named after the dialect and collation (such as {@code mariadb:utf8mb4_general_ci})
 */
public record KeyCollation(
        String table, String column, SqlDialect dialect, String type, @Nullable String collation, String equality) {

    /** Keys are equal only when identical: non-character types, binary or deterministic collations. */
    public static final String IDENTICAL = "identical";

    /** Keys are equal when identical but for trailing spaces: PAD SPACE binary collations, CHAR(n) columns. */
    public static final String IDENTICAL_BUT_TRAILING_SPACES = "identical but trailing spaces";

    public KeyCollation {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(dialect, "dialect");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(equality, "equality");
    }

    /** Whether both columns hold the same keys equal, whatever their databases. */
    public boolean sameEqualityAs(KeyCollation other) {
        return equality.equals(other.equality);
    }

    /**
     * Whether both columns, in one database, order keys alike: same dialect, a type of the same family and the
     * same collation. False when in doubt.
     */
    public boolean ordersLike(KeyCollation other) {
        return dialect == other.dialect
                && family(type).equals(family(other.type))
                && Objects.equals(collation, other.collation);
    }

    /** What equal means here, for messages: {@code "case- and accent-insensitive, trailing spaces ignored"}. */
    public String equalityDescription() {
        if (equality.equals(IDENTICAL)) {
            return "equal only when identical";
        }
        if (equality.equals(IDENTICAL_BUT_TRAILING_SPACES)) {
            return "equal when identical but for trailing spaces";
        }
        String name = collation == null ? equality : collation.toLowerCase(Locale.ROOT);
        return switch (dialect) {
            case MARIADB -> {
                String sensitivity = name.contains("_ci")
                        ? (name.contains("_as_") ? "case-insensitive" : "case- and accent-insensitive")
                        : "equal by the collation's rules";
                yield sensitivity + (equality.endsWith(" nopad") ? "" : ", trailing spaces ignored");
            }
            case POSTGRESQL ->
                type.equals("citext")
                        ? "case-insensitive (citext)"
                        : "nondeterministic: equal by the collation's rules";
            case H2 -> type.contains("ignorecase") ? "case-insensitive" : "equal by the collation's rules";
        };
    }

    /** The column for messages: {@code customer.id (MariaDB varchar, collation utf8mb4_general_ci: ...)}. */
    @Override
    public String toString() {
        return table + "." + column + " (" + displayName(dialect) + " " + type
                + (collation == null ? "" : ", collation " + collation) + ": " + equalityDescription() + ")";
    }

    private static String displayName(SqlDialect dialect) {
        return switch (dialect) {
            case POSTGRESQL -> "PostgreSQL";
            case MARIADB -> "MariaDB";
            case H2 -> "H2";
        };
    }

    private static String family(String type) {
        return switch (type) {
            case "smallint", "integer", "int", "bigint", "tinyint", "mediumint", "int2", "int4", "int8" -> "integer";
            case "text", "varchar", "character varying", "tinytext", "mediumtext", "longtext" -> "string";
            default -> type;
        };
    }
}
