package io.dualwrite.core;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.core.People.Person;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcDivergenceLedger;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.SecondaryFailurePolicy;
import io.dualwrite.core.store.DivergenceLedger;
import io.dualwrite.testsupport.SwitchableDataSource;
import io.dualwrite.testsupport.TestDatabases;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Batches and purges across two databases (OLD in MariaDB, NEW and the phase store in PostgreSQL): two batches of the
 * same keys never deadlock, and the history of a running migration is never purged from the database that holds no
 * phase row.
 */
class CrossDatabaseBatchTest {

    private static final String PREFIX = "cross_batch";

    private DataSource mariadb;
    private DataSource postgres;
    private SwitchableDataSource newDatabase;
    private JdbcTransactions oldTransactions;
    private JdbcTransactions newTransactions;

    private DualWrite dualWrite;

    @org.junit.jupiter.api.AfterEach
    void tearDown() {
        if (dualWrite != null) {
            dualWrite.close();
        }
    }

    @BeforeEach
    void setUp() {
        mariadb = TestDatabases.mariadb().dataSource();
        postgres = TestDatabases.postgres().dataSource();
        DualWriteSchema.create(mariadb);
        DualWriteSchema.create(postgres);
        People.createTables(mariadb, PREFIX);
        People.createTables(postgres, PREFIX);
        newDatabase = new SwitchableDataSource(postgres);
        oldTransactions = JdbcTransactions.of(mariadb);
        newTransactions = JdbcTransactions.of(newDatabase);
    }

    /*
     * A purge of a running migration's history in the database that holds no phase row (the OLD side's ledger and
     * fence) would forget the intents of acknowledged writes not yet copied: refused, and the intents stay.
     */
    @Test
    void aRunningMigrationsHistoryIsNotPurgedFromTheDatabaseWithoutItsPhase() {
        Fixture f = fixture(SecondaryFailurePolicy.RECORD_FOR_REPAIR, MigrationPhase.DUAL_WRITE);
        newDatabase.cut();
        f.people.writeAll(List.of(new Person(1, "Ada Lovelace"), new Person(2, "Alan Turing")));
        newDatabase.restore();
        DivergenceLedger oldLedger = new JdbcDivergenceLedger(JdbcTransactions.of(mariadb));
        assertThat(oldLedger.size(f.migration.name())).isEqualTo(2);

        assertThatThrownBy(() -> DualWriteSchema.purge(mariadb, f.migration.name()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not finished");
        assertThatThrownBy(() -> DualWriteSchema.purge(postgres, f.migration.name(), mariadb))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not finished");

        assertThat(oldLedger.size(f.migration.name())).isEqualTo(2);
        assertThat(f.dualWrite.repair(f.migration.name(), 10).repaired()).isEqualTo(2);
        assertThat(People.rows(postgres, PREFIX + "_new"))
                .containsExactly(entry(1L, "Ada|Lovelace"), entry(2L, "Alan|Turing"));
    }

    /*
     * Two batches of the same keys in opposite order, across two databases: each records its intents in the order
     * given, so one holds intent 1 and waits for 2 while the other holds 2 and waits for 1.
     */
    @Test
    void batchesOfTheSameKeysInOppositeOrderDoNotDeadlock() throws Exception {
        Fixture f = fixture(SecondaryFailurePolicy.FAIL, MigrationPhase.DUAL_WRITE);
        List<Person> ascending = new ArrayList<>();
        for (long id = 1; id <= 200; id++) {
            ascending.add(new Person(id, "P" + id + " Q"));
        }
        List<Person> descending = new ArrayList<>(ascending);
        Collections.reverse(descending);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        CyclicBarrier start = new CyclicBarrier(2);
        Runnable a = () -> run(start, failures, () -> f.people.writeAll(ascending));
        Runnable b = () -> run(start, failures, () -> f.people.writeAll(descending));
        for (int round = 0; round < 10 && failures.isEmpty(); round++) {
            Thread ta = new Thread(a);
            Thread tb = new Thread(b);
            ta.start();
            tb.start();
            ta.join();
            tb.join();
        }
        assertThat(failures).as("failures of concurrent writeAll").isEmpty();
    }

    private static void run(CyclicBarrier start, List<Throwable> failures, Runnable work) {
        try {
            start.await();
            work.run();
        } catch (Throwable t) {
            failures.add(t);
        }
    }

    private Fixture fixture(SecondaryFailurePolicy policy, MigrationPhase phase) {
        Migration<Long, Person, PersonName> migration = Migration.builder(
                        "cross-batch-" + UUID.randomUUID(),
                        Long.class,
                        People.oldStore(oldTransactions, PREFIX),
                        People.newStore(newTransactions, PREFIX))
                .toNew(People::split)
                .failurePolicy(policy)
                .build();
        DualWrite dualWrite = DualWrite.builder(new JdbcPhaseStore(postgres))
                .singleInstance()
                .migration(migration)
                .build();
        this.dualWrite = dualWrite;
        while (dualWrite.phase(migration.name()) != phase) {
            dualWrite.advance(migration.name(), TransitionRequest.by("test", "to " + phase));
        }
        return new Fixture(migration, dualWrite.repository(migration), dualWrite);
    }

    private record Fixture(
            Migration<Long, Person, PersonName> migration,
            DualRepository<Long, Person, PersonName> people,
            DualWrite dualWrite) {}
}
