package io.dualwrite.benchmarks;

/** The benchmark's mapping: a full name split at its first space, in Java, in PostgreSQL's SQL and in MariaDB's. */
public final class Names {

    /** The SQL expression for the first name. */
    public static final String FIRST_NAME_SQL = "split_part(full_name, ' ', 1)";

    /** The SQL expression for the last name. */
    public static final String LAST_NAME_SQL =
            "CASE WHEN strpos(full_name, ' ') = 0 THEN '' ELSE substr(full_name, strpos(full_name, ' ') + 1) END";

    /** The first name in MariaDB's SQL. */
    public static final String MARIADB_FIRST_NAME_SQL = "SUBSTRING_INDEX(full_name, ' ', 1)";

    /** The last name in MariaDB's SQL. */
    public static final String MARIADB_LAST_NAME_SQL =
            "CASE WHEN LOCATE(' ', full_name) = 0 THEN '' ELSE SUBSTRING(full_name, LOCATE(' ', full_name) + 1) END";

    private Names() {}

    /** The first name's SQL expression, over a column {@code full_name}, on MariaDB or PostgreSQL. */
    public static String firstNameSql(boolean mariadb) {
        return mariadb ? MARIADB_FIRST_NAME_SQL : FIRST_NAME_SQL;
    }

    /** The last name's SQL expression, over a column {@code full_name}, on MariaDB or PostgreSQL. */
    public static String lastNameSql(boolean mariadb) {
        return mariadb ? MARIADB_LAST_NAME_SQL : LAST_NAME_SQL;
    }

    /** First and last name. */
    public static String[] split(String fullName) {
        int space = fullName.indexOf(' ');
        return space < 0
                ? new String[] {fullName, ""}
                : new String[] {fullName.substring(0, space), fullName.substring(space + 1)};
    }
}
