package io.dualwrite.benchmarks;

/** The benchmark's mapping: a full name split at its first space, in Java and in PostgreSQL's SQL. */
public final class Names {

    /** The SQL expression for the first name. */
    public static final String FIRST_NAME_SQL = "split_part(full_name, ' ', 1)";

    /** The SQL expression for the last name. */
    public static final String LAST_NAME_SQL =
            "CASE WHEN strpos(full_name, ' ') = 0 THEN '' ELSE substr(full_name, strpos(full_name, ' ') + 1) END";

    private Names() {}

    /** First and last name. */
    public static String[] split(String fullName) {
        int space = fullName.indexOf(' ');
        return space < 0
                ? new String[] {fullName, ""}
                : new String[] {fullName.substring(0, space), fullName.substring(space + 1)};
    }
}
