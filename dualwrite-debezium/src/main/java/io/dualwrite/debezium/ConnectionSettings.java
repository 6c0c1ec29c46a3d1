package io.dualwrite.debezium;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;

/**
 * Where the OLD database is, parsed from its JDBC URL: Debezium connects by host, port and database name (it takes
 * no DataSource), and the lease and the slot's set-up use plain connections of their own.
 *
 * @param jdbcUrl {@code jdbc:postgresql://host[:port]/database[?...]}
 */
record ConnectionSettings(String jdbcUrl, String host, int port, String database, String user, String password) {

    static ConnectionSettings parse(String jdbcUrl, String user, String password) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        String prefix = "jdbc:postgresql://";
        if (!jdbcUrl.startsWith(prefix)) {
            throw new IllegalArgumentException("DebeziumCapture needs a PostgreSQL JDBC URL of the form"
                    + " jdbc:postgresql://host:port/database, but was " + jdbcUrl);
        }
        URI uri = URI.create("postgresql://" + jdbcUrl.substring(prefix.length()));
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        if (uri.getHost() == null || path.isEmpty()) {
            throw new IllegalArgumentException("DebeziumCapture needs one host and a database in the JDBC URL"
                    + " (jdbc:postgresql://host:port/database), but was " + jdbcUrl);
        }
        return new ConnectionSettings(
                jdbcUrl,
                uri.getHost(),
                uri.getPort() < 0 ? 5432 : uri.getPort(),
                path,
                Objects.requireNonNull(user, "user"),
                password == null ? "" : password);
    }

    Connection connect() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        if (!password.isEmpty()) {
            properties.setProperty("password", password);
        }
        properties.setProperty("ApplicationName", "dualwrite-debezium");
        return DriverManager.getConnection(jdbcUrl, properties);
    }
}
