package io.dualwrite.testsupport;

import javax.sql.DataSource;

/**
 * A real database found for tests: its kind, its JDBC URL, a pooled data source, and how it was found.
 *
 * @param origin how the database was found: {@code environment}, {@code testcontainers}, {@code embedded} or
 *     {@code in-memory}
 */
public record TestDatabase(
        Kind kind, String jdbcUrl, String user, String password, DataSource dataSource, String origin) {

    /** The databases dualwrite is tested on. */
    public enum Kind {
        POSTGRESQL,
        MARIADB,
        H2
    }

    @Override
    public String toString() {
        return kind + " (" + origin + ")";
    }
}
