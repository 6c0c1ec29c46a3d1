package io.dualwrite.spring.boot.jpa.guide;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.DualRepository;
import io.dualwrite.core.DualWrite;
import io.dualwrite.core.TransitionRequest;
import io.dualwrite.core.backfill.BackfillState;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.phase.Resync;
import io.dualwrite.spring.boot.DualWriteAutoConfiguration;
import io.dualwrite.spring.boot.DualWriteJdbcAutoConfiguration;
import io.dualwrite.spring.boot.DualWriteJpaAutoConfiguration;
import io.dualwrite.spring.boot.DualWriteResilienceAutoConfiguration;
import io.dualwrite.spring.boot.jpa.guide.twodatabases.TwoDatabasesConfig;
import io.dualwrite.spring.boot.jpa.guide.twodatabases.newunit.CustomerName;
import io.dualwrite.spring.boot.jpa.guide.twodatabases.oldunit.Customer;
import io.dualwrite.testsupport.DualWriteTables;
import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Runs docs/jpa.md's two persistence units ({@code guide.twodatabases}): OLD on MariaDB, NEW on PostgreSQL, walked
 * through every phase with writes, the backfill, a verification that finds a divergence planted in PostgreSQL, a
 * rollback from DROP_OLD and its re-sync; both databases are read with plain SQL at every step.
 */
class JpaGuideTwoDatabasesTest {

    private static final String NAME = TwoDatabasesConfig.NAME;

    @Test
    void oldOnMariaDbAndNewOnPostgresGoThroughEveryPhaseAndBack() {
        TestDatabase oldDb = TestDatabases.mariadb();
        TestDatabase newDb = TestDatabases.postgres();
        DualWriteTables.forget(oldDb.dataSource(), NAME);
        DualWriteTables.forget(newDb.dataSource(), NAME);
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        DataSourceAutoConfiguration.class,
                        HibernateJpaAutoConfiguration.class,
                        DataJpaRepositoriesAutoConfiguration.class,
                        TransactionAutoConfiguration.class,
                        DualWriteJpaAutoConfiguration.class,
                        DualWriteJdbcAutoConfiguration.class,
                        DualWriteResilienceAutoConfiguration.class,
                        DualWriteAutoConfiguration.class))
                .withUserConfiguration(TwoDatabasesConfig.class)
                .withPropertyValues(
                        "app.datasource.old.url=" + oldDb.jdbcUrl(),
                        "app.datasource.old.username=" + oldDb.user(),
                        "app.datasource.old.password=" + oldDb.password(),
                        "app.datasource.new.url=" + newDb.jdbcUrl(),
                        "app.datasource.new.username=" + newDb.user(),
                        "app.datasource.new.password=" + newDb.password(),
                        "app.jpa.ddl-auto=create",
                        "dualwrite.refresh-interval=0s",
                        "dualwrite.backfill.initial-chunk-size=20",
                        "dualwrite.backfill.min-chunk-size=10",
                        "dualwrite.backfill.poll-interval=20ms",
                        "dualwrite.gates.min-shadow-samples=0",
                        "dualwrite.gates.min-shadow-time=0s",
                        "dualwrite.gates.read-new-soak=0s")
                .run(context -> {
                    DualWrite dualWrite = context.getBean(DualWrite.class);
                    @SuppressWarnings("unchecked")
                    DualRepository<Long, Customer, CustomerName> customers =
                            context.getBean("customerNameSplitDualRepository", DualRepository.class);
                    JdbcTemplate mariadb = new JdbcTemplate(context.getBean("oldDataSource", DataSource.class));
                    JdbcTemplate postgres = new JdbcTemplate(context.getBean("newDataSource", DataSource.class));
                    assertThat(dualWrite.managed(NAME).circuitBreakers()).containsKeys(Side.OLD, Side.NEW);
                    assertThat(postgres.queryForObject(
                                    "SELECT COUNT(*) FROM dualwrite_divergence WHERE migration = ?", Long.class, NAME))
                            .isZero();

                    Map<Long, String> expected = new TreeMap<>();
                    for (long id = 1; id <= 40; id++) {
                        write(customers, expected, new Customer(id, "First" + id + " Last" + id, id + "@example.com"));
                    }
                    assertThat(oldRows(mariadb)).isEqualTo(expected);
                    assertThat(newRows(postgres)).isEmpty();

                    advance(dualWrite, "write both databases");
                    write(customers, expected, new Customer(41, "Grace Brewster Hopper", "grace@navy.example"));
                    assertThat(newRows(postgres)).containsOnlyKeys(41L);

                    advance(dualWrite, "copy the history");
                    Awaitility.await()
                            .atMost(Duration.ofSeconds(60))
                            .until(() -> dualWrite.backfill(NAME).progress().state() == BackfillState.COMPLETED);
                    assertSidesEqual(mariadb, postgres, expected);

                    postgres.update("UPDATE guide_customer_name SET first_name = 'Corrupted' WHERE customer_id = 9");
                    assertThat(dualWrite.verify(NAME).divergences()).isEqualTo(1);
                    assertThat(dualWrite.repair(NAME, 10).repaired()).isEqualTo(1);
                    assertThat(dualWrite.verify(NAME).divergences()).isZero();
                    assertSidesEqual(mariadb, postgres, expected);

                    advance(dualWrite, "read PostgreSQL");
                    assertThat(customers.phase().sourceOfTruth()).isEqualTo(Side.NEW);
                    write(customers, expected, new Customer(42, "Katherine Johnson", "katherine@nasa.example"));
                    customers.delete(5L);
                    expected.remove(5L);
                    // The OLD write follows the NEW commit (and is retried from the ledger if it failed).
                    Awaitility.await()
                            .atMost(Duration.ofSeconds(10))
                            .untilAsserted(() -> assertSidesEqual(mariadb, postgres, expected));

                    advance(dualWrite, "stop writing MariaDB");
                    write(customers, expected, new Customer(43, "Margaret Hamilton", "margaret@mit.example"));
                    assertThat(newRows(postgres)).isEqualTo(split(expected));
                    assertThat(oldRows(mariadb)).doesNotContainKey(43L);

                    dualWrite.rollback(NAME, TransitionRequest.by("alice", "back to READ_NEW"));
                    Awaitility.await()
                            .atMost(Duration.ofSeconds(60))
                            .until(() -> dualWrite
                                            .managed(NAME)
                                            .resync()
                                            .map(Resync::state)
                                            .orElse(null)
                                    == Resync.State.COMPLETED);
                    assertSidesEqual(mariadb, postgres, expected);
                    assertThat(dualWrite.phase(NAME)).isEqualTo(MigrationPhase.READ_NEW);
                    assertThat(dualWrite.ledgerSize(NAME)).isZero();
                });
    }

    private static void advance(DualWrite dualWrite, String reason) {
        dualWrite.advance(NAME, TransitionRequest.by("alice", reason));
    }

    private static void write(
            DualRepository<Long, Customer, CustomerName> customers, Map<Long, String> expected, Customer customer) {
        customers.write(customer);
        expected.put(customer.getId(), customer.getFullName() + "|" + customer.getEmail());
    }

    private static void assertSidesEqual(JdbcTemplate mariadb, JdbcTemplate postgres, Map<Long, String> expected) {
        assertThat(oldRows(mariadb)).isEqualTo(expected);
        assertThat(newRows(postgres)).isEqualTo(split(expected));
    }

    private static Map<Long, String> split(Map<Long, String> oldRows) {
        Map<Long, String> rows = new TreeMap<>();
        oldRows.forEach((id, row) -> {
            int space = row.lastIndexOf(' ', row.indexOf('|'));
            rows.put(id, row.substring(0, space) + "|" + row.substring(space + 1));
        });
        return rows;
    }

    private static Map<Long, String> oldRows(JdbcTemplate mariadb) {
        return rows(mariadb, "SELECT id, CONCAT(full_name, '|', email) FROM guide_customer");
    }

    private static Map<Long, String> newRows(JdbcTemplate postgres) {
        return rows(
                postgres,
                "SELECT customer_id, first_name || '|' || last_name || '|' || email FROM guide_customer_name");
    }

    private static Map<Long, String> rows(JdbcTemplate jdbc, String sql) {
        Map<Long, String> rows = new TreeMap<>();
        jdbc.query(sql, rs -> {
            rows.put(rs.getLong(1), rs.getString(2));
        });
        return rows;
    }
}
