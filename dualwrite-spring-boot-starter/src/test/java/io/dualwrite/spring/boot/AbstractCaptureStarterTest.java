package io.dualwrite.spring.boot;

import static io.dualwrite.spring.boot.actuate.TestSecurityContexts.anyone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.TransitionRequest;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.spring.boot.actuate.DualWriteEndpoint;
import io.dualwrite.spring.boot.actuate.MigrationStatus;
import io.dualwrite.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Capture of bypass writes switched on by properties ({@code dualwrite.capture.*}, docs/configuration.md): the starter
 * installs the triggers and drains them in the background; with {@code install-triggers=false} startup checks that
 * the application's own schema migrations applied them; bad settings fail startup, naming the problem. One subclass
 * per database.
 */
abstract class AbstractCaptureStarterTest {

    static final String OLD = "starter_capture_old";
    static final String NEW = "starter_capture_new";

    protected abstract TestDatabase database();

    private String name;

    /** The name of this test's migration. */
    String migrationName() {
        return name;
    }

    @BeforeEach
    void freshTables() throws SQLException {
        name = "starter-capture-" + UUID.randomUUID();
        execute(
                "DROP TABLE IF EXISTS " + OLD,
                "DROP TABLE IF EXISTS " + NEW,
                "CREATE TABLE " + OLD + " (id BIGINT PRIMARY KEY, full_name VARCHAR(200))",
                "CREATE TABLE " + NEW + " (id BIGINT PRIMARY KEY, first_name VARCHAR(100), last_name VARCHAR(100))");
    }

    @Test
    void aMigrationNamedInTheCapturePropertiesHasItsPlainSqlWritesDrainedToNew() {
        app().withPropertyValues("dualwrite.capture.migrations=" + name, "dualwrite.capture.drain-interval=50ms")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    DualWrite dualWrite = context.getBean(DualWrite.class);
                    assertThat(dualWrite.bypassCapture(name)).isPresent();
                    dualWrite.advance(name, TransitionRequest.by("test", "to DUAL_WRITE"));
                    assertThat(dualWrite.phase(name)).isEqualTo(MigrationPhase.DUAL_WRITE);

                    execute("INSERT INTO " + OLD + " (id, full_name) VALUES (1, 'Ada Lovelace')");
                    execute("UPDATE " + OLD + " SET full_name = 'Grace Hopper' WHERE id = 1");

                    // Drained: NEW holds the latest value, no record waits, both writes counted (the drain removes a
                    // record only after its copy committed, and again later if a capture renewed it meanwhile).
                    var capture = dualWrite.bypassCapture(name).orElseThrow();
                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> newRows().equals(Map.of(1L, "Grace|Hopper"))
                                    && capture.pending() == 0
                                    && capture.stats().count() == 2);

                    // The status shows them (the endpoint's view of the same migration).
                    Object body = new DualWriteEndpoint(dualWrite, null)
                            .migration(name, anyone())
                            .getBody();
                    assertThat(body).isInstanceOf(MigrationStatus.class);
                    MigrationStatus.BypassWrites seen = ((MigrationStatus) body).bypassWrites();
                    assertThat(seen).isNotNull();
                    assertThat(seen.count()).isEqualTo(2);
                    assertThat(seen.sampleKeys()).containsExactly("1");
                    assertThat(seen.pending()).isZero();
                    assertThat(seen.lastSeen()).isNotNull();
                });
    }

    @Test
    void withoutTheCapturePropertiesNothingIsCaptured() {
        app().run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(DualWrite.class).bypassCapture(name)).isEmpty();
        });
    }

    @Test
    void triggersLeftToTheApplicationsSchemaMigrationsMustExistAtStartup() {
        app().withPropertyValues("dualwrite.capture.migrations=" + name, "dualwrite.capture.install-triggers=false")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("the capture triggers")
                        .hasMessageContaining("are missing on " + OLD)
                        .hasMessageContaining("CREATE TRIGGER"));
    }

    @Test
    void aCapturedNameThatIsNoMigrationFailsStartup() {
        app().withPropertyValues("dualwrite.capture.migrations=" + name + "-typo")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("not registered")
                        .hasMessageContaining(name + "-typo"));
    }

    @Test
    void aDrainIntervalOfZeroFailsStartupNamingTheProperty() {
        app().withPropertyValues("dualwrite.capture.migrations=" + name, "dualwrite.capture.drain-interval=0s")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .hasStackTraceContaining("Invalid dualwrite.capture.drain-interval: The capture drain interval"
                                + " must be positive, but was PT0S"));
    }

    ApplicationContextRunner app() {
        TestDatabase database = database();
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        DataSourceAutoConfiguration.class,
                        DataSourceTransactionManagerAutoConfiguration.class,
                        TransactionAutoConfiguration.class,
                        DualWriteJdbcAutoConfiguration.class,
                        DualWriteResilienceAutoConfiguration.class,
                        DualWriteAutoConfiguration.class))
                .withUserConfiguration(NamesMigration.class)
                .withPropertyValues(
                        "spring.datasource.url=" + database.jdbcUrl(),
                        "spring.datasource.username=" + database.user(),
                        "spring.datasource.password=" + (database.password() == null ? "" : database.password()),
                        "dualwrite.instances.enabled=false",
                        "dualwrite.instances.single-instance=true",
                        "test.migration-name=" + name);
    }

    private void execute(String... statements) throws SQLException {
        try (Connection c = database().dataSource().getConnection();
                Statement statement = c.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private Map<Long, String> newRows() throws SQLException {
        Map<Long, String> rows = new TreeMap<>();
        try (Connection c = database().dataSource().getConnection();
                Statement statement = c.createStatement();
                ResultSet rs = statement.executeQuery("SELECT id, first_name, last_name FROM " + NEW)) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getString(2) + "|" + rs.getString(3));
            }
        }
        return rows;
    }

    @Configuration(proxyBeanMethods = false)
    static class NamesMigration {
        record Full(long id, String name) {}

        record Split(long id, String first, String last) {}

        @Bean
        Migration<Long, Full, Split> names(
                JdbcTransactions transactions, @Value("${test.migration-name}") String name) {
            JdbcStore<Long, Full> full = JdbcStore.builder(transactions, Long.class, Full.class)
                    .table(OLD)
                    .key("id", Full::id)
                    .columns("full_name")
                    .mapper(rs -> new Full(rs.getLong("id"), rs.getString("full_name")))
                    .binder((v, row) -> row.set("full_name", v.name()))
                    .build();
            JdbcStore<Long, Split> split = JdbcStore.builder(transactions, Long.class, Split.class)
                    .table(NEW)
                    .key("id", Split::id)
                    .columns("first_name", "last_name")
                    .mapper(rs -> new Split(rs.getLong("id"), rs.getString("first_name"), rs.getString("last_name")))
                    .binder((v, row) -> row.set("first_name", v.first()).set("last_name", v.last()))
                    .build();
            return Migration.builder(name, Long.class, full, split)
                    .toNew(f ->
                            new Split(f.id(), f.name().split(" ")[0], f.name().split(" ")[1]))
                    .build();
        }
    }
}
