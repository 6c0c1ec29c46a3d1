package io.dualwrite.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.core.People.Person;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcInstanceRegistry;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.WriteFenceException;
import io.dualwrite.testsupport.SwitchableDataSource;
import io.dualwrite.testsupport.TestDatabases;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fencing on PostgreSQL: an instance cut off from the database of dualwrite's tables stops writing before the other
 * instances stop waiting for it, and writes again once it reports.
 */
class PostgresWriteFenceTest {

    private static final String PREFIX = "fence";
    private static final Duration HEARTBEAT = Duration.ofMillis(100);
    private static final Duration TIMEOUT = Duration.ofMillis(1_000);

    private final List<DualWrite> instances = new ArrayList<>();
    private DataSource postgres;
    private JdbcTransactions data;
    private String name;

    @BeforeEach
    void setUp() {
        postgres = TestDatabases.postgres().dataSource();
        DualWriteSchema.create(postgres);
        People.createTables(postgres, PREFIX);
        data = JdbcTransactions.of(postgres);
        name = "fence-" + UUID.randomUUID();
    }

    @AfterEach
    void close() {
        instances.forEach(DualWrite::close);
    }

    /*
     * Interleaving (two instances, one database for the data, dualwrite's tables reached by A through a link that
     * is cut):
     *   1. A and B apply OLD_ONLY. A's link to dualwrite's tables is cut: A can neither refresh its phase nor report.
     *   2. B moves OLD_ONLY -> DUAL_WRITE (A's last report says OLD_ONLY, the current phase: the barrier passes).
     *   3. A's last report ages past the instance timeout; B moves DUAL_WRITE -> BACKFILL (A is no longer waited for).
     *   4. A writes key 1.
     * Old code: A still routed by OLD_ONLY, so key 1 reached OLD only, after the barrier had let the copy start: a
     * write NEW would never get. Now A refuses the write once it has not reported for the timeout less two heartbeats.
     */
    @Test
    @SuppressWarnings("unchecked")
    void anInstanceThatCannotReportStopsWritingBeforeTheOthersStopWaitingForIt() {
        SwitchableDataSource link = new SwitchableDataSource(postgres);
        JdbcTransactions aTables = JdbcTransactions.of(link);
        JdbcTransactions bTables = JdbcTransactions.of(postgres);
        DualWrite a = instance("a", aTables);
        DualWrite b = instance("b", bTables);
        DualRepository<Long, Person, PersonName> aPeople =
                (DualRepository<Long, Person, PersonName>) a.repository(name);
        aPeople.write(new Person(100, "Written Before"));

        link.cut();
        b.advance(name, TransitionRequest.by("bob", "dual writes"));
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> {
                    b.advance(name, TransitionRequest.by("bob", "backfill"));
                    return true;
                });
        assertThat(b.phase(name)).isEqualTo(MigrationPhase.BACKFILL);

        assertThatThrownBy(() -> aPeople.write(new Person(1, "Ada Lovelace")))
                .isInstanceOf(WriteFenceException.class)
                .hasMessageContaining(name)
                .hasMessageContaining("refuses writes")
                .hasMessageContaining("nothing was written");
        assertThat(People.rows(postgres, PREFIX + "_old")).containsOnlyKeys(100L);

        link.restore();
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .ignoreExceptionsInstanceOf(WriteFenceException.class)
                .until(() -> {
                    aPeople.write(new Person(1, "Ada Lovelace"));
                    return true;
                });
        assertThat(a.phase(name)).isEqualTo(MigrationPhase.BACKFILL);
        assertThat(People.rows(postgres, PREFIX + "_new")).containsEntry(1L, "Ada|Lovelace");
    }

    private DualWrite instance(String id, JdbcTransactions tables) {
        Migration<Long, Person, PersonName> migration = Migration.builder(
                        name, Long.class, People.oldStore(data, PREFIX), People.newStore(data, PREFIX))
                .toNew(People::split)
                .build();
        DualWrite instance = DualWrite.builder(new JdbcPhaseStore(tables))
                .migration(migration)
                .instanceId(id)
                .refreshInterval(Duration.ZERO)
                .instanceRegistry(new JdbcInstanceRegistry(tables), HEARTBEAT, TIMEOUT)
                .build();
        instances.add(instance);
        return instance;
    }
}
