package io.dualwrite.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.core.People.Person;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.SecondaryFailurePolicy;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.model.TransitionRefusedException;
import io.dualwrite.testsupport.SwitchableDataSource;
import io.dualwrite.testsupport.TestDatabases;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The source-of-truth handover and the caller's transaction when OLD lives in MariaDB and NEW in PostgreSQL, one
 * interleaving per test. Both sides are compared with plain SQL against what the test's acknowledged writes say.
 */
class CrossDatabaseHandoverTest {

    private static final String PREFIX = "cross_handover";

    private DataSource mariadb;
    private DataSource postgres;
    private SwitchableDataSource oldDatabase;
    private SwitchableDataSource newDatabase;
    private JdbcTransactions oldTransactions;
    private JdbcTransactions newTransactions;
    private DualWrite dualWrite;
    private final Map<Long, String> acknowledged = new TreeMap<>();

    @BeforeEach
    void setUp() {
        mariadb = TestDatabases.mariadb().dataSource();
        postgres = TestDatabases.postgres().dataSource();
        DualWriteSchema.create(mariadb);
        DualWriteSchema.create(postgres);
        People.createTables(mariadb, PREFIX);
        People.createTables(postgres, PREFIX);
        oldDatabase = new SwitchableDataSource(mariadb);
        newDatabase = new SwitchableDataSource(postgres);
        oldTransactions = JdbcTransactions.of(oldDatabase);
        newTransactions = JdbcTransactions.of(newDatabase);
    }

    @AfterEach
    void tearDown() {
        if (oldDatabase != null) {
            oldDatabase.restore();
        }
        if (newDatabase != null) {
            newDatabase.restore();
        }
        if (dualWrite != null) {
            dualWrite.close();
        }
    }

    /*
     * Interleaving (one instance, RECORD_FOR_REPAIR):
     *   1. READ_NEW: NEW (PostgreSQL) is the source of truth. OLD (MariaDB) goes down.
     *   2. Writes of keys 1..5 commit on NEW and are acknowledged; their OLD writes fail and are ledgered.
     *   3. An operator (or the autopilot, seeing the OLD-side error rate) rolls back READ_NEW -> BACKFILL.
     * Old code: the rollback committed (rollbacks had no gates); once OLD was back the repair copied from the new
     * source of truth, OLD, over NEW: the five acknowledged writes were gone from both sides.
     */
    @Test
    void aRollbackIsRefusedWhileTheSideItLeavesHoldsWritesTheOtherLacks() {
        DualRepository<Long, Person, PersonName> people = walkTo(MigrationPhase.READ_NEW);
        String name = people.migration().name();
        for (long id = 1; id <= 20; id++) {
            write(people, id, "First" + id + " Last" + id);
        }
        oldDatabase.cut();
        for (long id = 1; id <= 5; id++) {
            write(people, id, "During" + id + " Outage");
        }

        assertThatThrownBy(() -> dualWrite.rollback(name, TransitionRequest.by("operator", "old side errors")))
                .isInstanceOf(TransitionRefusedException.class)
                .hasMessageContaining("source-of-truth-handover");
        assertThat(dualWrite.phase(name)).isEqualTo(MigrationPhase.READ_NEW);

        oldDatabase.restore();
        dualWrite.rollback(name, TransitionRequest.by("operator", "old side is back"));
        assertThat(dualWrite.phase(name)).isEqualTo(MigrationPhase.BACKFILL);
        if (dualWrite.ledgerSize(name) > 0) {
            dualWrite.repair(name, 100);
        }

        assertThat(People.rows(mariadb, PREFIX + "_old")).isEqualTo(acknowledged);
        assertThat(People.rows(postgres, PREFIX + "_new")).isEqualTo(split(acknowledged));
    }

    /*
     * The same refusal, overridden: forcing does not move it; only a request that accepts data loss does, and its
     * audit entry lists the keys whose writes it gave up.
     */
    @Test
    void onlyARequestThatAcceptsDataLossOverridesTheHandoverAndItListsTheKeysGivenUp() {
        DualRepository<Long, Person, PersonName> people = walkTo(MigrationPhase.READ_NEW);
        String name = people.migration().name();
        for (long id = 1; id <= 5; id++) {
            write(people, id, "First" + id + " Last" + id);
        }
        oldDatabase.cut();
        write(people, 2, "Only On New");
        write(people, 4, "Also Only On New");

        assertThatThrownBy(() -> dualWrite.transition(
                        name, MigrationPhase.BACKFILL, TransitionRequest.forcedBy("operator", "force it")))
                .isInstanceOf(TransitionRefusedException.class)
                .hasMessageContaining("source-of-truth-handover");
        dualWrite.transition(
                name,
                MigrationPhase.BACKFILL,
                TransitionRequest.acceptingDataLoss(
                        "operator", "the old database is gone for hours; reads may be stale"));

        assertThat(dualWrite.phase(name)).isEqualTo(MigrationPhase.BACKFILL);
        var moved = dualWrite.auditTrail(name, 1).get(0);
        assertThat(moved.event()).isEqualTo(io.dualwrite.core.phase.AuditEntry.Event.FORCED);
        assertThat(moved.evidence())
                .filteredOn(g -> g.name().equals("data-loss-accepted"))
                .singleElement()
                .satisfies(g -> assertThat(g.detail())
                        .contains("gave up 2 keys")
                        .contains("2")
                        .contains("4"));
        assertThat(dualWrite.managed(name).repairer().ledgerSize(Side.NEW)).isZero();
    }

    /*
     * Interleaving (autopilot on, RECORD_FOR_REPAIR): READ_NEW; OLD goes down; writes commit on NEW and their OLD
     * writes fail, so the error rate of writes to the other database crosses the autopilot's threshold.
     * Old code: the autopilot rolled back to BACKFILL by itself, handing the source of truth to the side that was
     * down and lacked the acknowledged writes. Now an outage of the side a rollback would hand over to is a reason
     * to stop, not to roll back: the autopilot audits why and halts, and the migration stays in READ_NEW.
     */
    @Test
    void theAutopilotStopsInsteadOfRollingBackTowardsTheSideThatIsDown() throws InterruptedException {
        DualRepository<Long, Person, PersonName> people = walkTo(MigrationPhase.READ_NEW, b -> b.autopilot(
                        "cross-handover",
                        AutopilotOptions.upToReadNew()
                                .withMinSamples(5)
                                .withRollbackWriteErrorRate(0.1)
                                .withSoak(java.time.Duration.ZERO))
                .autopilotInterval(java.time.Duration.ofMillis(100)));
        String name = people.migration().name();
        dualWrite.startBackgroundWork();
        Thread.sleep(500); // the autopilot takes its baseline of write counts in this phase first
        oldDatabase.cut();
        for (long id = 1; id <= 10; id++) {
            write(people, id, "During" + id + " Outage");
        }

        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .until(() -> !dualWrite.managed(name).autopilotActive());

        assertThat(dualWrite.phase(name)).isEqualTo(MigrationPhase.READ_NEW);
        var stop = dualWrite.auditTrail(name, 1).get(0);
        assertThat(stop.event()).isEqualTo(io.dualwrite.core.phase.AuditEntry.Event.REFUSED);
        assertThat(stop.actor()).isEqualTo(AutopilotOptions.ACTOR);
        assertThat(stop.reason()).contains("would make the OLD side the source of truth");
        oldDatabase.restore();
        dualWrite.repair(name, 100);
        assertThat(People.rows(mariadb, PREFIX + "_old")).isEqualTo(acknowledged);
        assertThat(People.rows(postgres, PREFIX + "_new")).isEqualTo(split(acknowledged));
    }

    /*
     * Interleaving (DUAL_WRITE; then the mirror, READ_NEW): the caller opens a transaction on the source of truth's
     * database, writes through dualwrite, and then throws, so its transaction rolls back.
     * Old code: the second database's write had committed inside the caller's still-open transaction, so the side
     * that is not the source of truth kept a row that never existed on the source of truth, and no ledger knew it.
     */
    @Test
    void aCallerThatRollsBackLeavesNoGhostRowInTheOtherDatabase() {
        DualRepository<Long, Person, PersonName> people = walkTo(MigrationPhase.DUAL_WRITE);
        write(people, 1, "Ada Lovelace");

        assertThatThrownBy(() -> oldTransactions.inTransaction(() -> {
                    people.write(new Person(1, "Ghost Writer"));
                    people.write(new Person(2, "Ghost Row"));
                    throw new IllegalStateException("the caller rolls back");
                }))
                .hasMessage("the caller rolls back");

        assertThat(People.rows(mariadb, PREFIX + "_old")).isEqualTo(acknowledged);
        assertThat(People.rows(postgres, PREFIX + "_new")).isEqualTo(split(acknowledged));

        while (dualWrite.phase(people.migration().name()) != MigrationPhase.READ_NEW) {
            dualWrite.advance(people.migration().name(), TransitionRequest.by("test", "forward"));
        }
        assertThatThrownBy(() -> newTransactions.inTransaction(() -> {
                    people.write(new Person(1, "Ghost Writer"));
                    people.delete(3L);
                    people.write(new Person(4, "Ghost Row"));
                    throw new IllegalStateException("the caller rolls back");
                }))
                .hasMessage("the caller rolls back");

        assertThat(People.rows(mariadb, PREFIX + "_old")).isEqualTo(acknowledged);
        assertThat(People.rows(postgres, PREFIX + "_new")).isEqualTo(split(acknowledged));
        assertThat(dualWrite.ledgerSize(people.migration().name())).isZero();
    }

    private DualRepository<Long, Person, PersonName> walkTo(MigrationPhase phase) {
        return walkTo(phase, b -> b);
    }

    private DualRepository<Long, Person, PersonName> walkTo(
            MigrationPhase phase, java.util.function.UnaryOperator<DualWriteBuilder> settings) {
        Migration<Long, Person, PersonName> migration = Migration.builder(
                        "cross-handover",
                        Long.class,
                        People.oldStore(oldTransactions, PREFIX),
                        People.newStore(newTransactions, PREFIX))
                .toNew(People::split)
                .toOld(People::join)
                .failurePolicy(SecondaryFailurePolicy.RECORD_FOR_REPAIR)
                .build();
        io.dualwrite.testsupport.DualWriteTables.forget(postgres, migration.name());
        io.dualwrite.testsupport.DualWriteTables.forget(mariadb, migration.name());
        dualWrite = settings.apply(DualWrite.builder(new JdbcPhaseStore(postgres))
                        .singleInstance()
                        .migration(migration)
                        .refreshInterval(java.time.Duration.ZERO))
                .build();
        while (dualWrite.phase(migration.name()) != phase) {
            dualWrite.advance(migration.name(), TransitionRequest.by("test", "to " + phase));
        }
        return dualWrite.repository(migration);
    }

    private void write(DualRepository<Long, Person, PersonName> people, long id, String fullName) {
        people.write(new Person(id, fullName));
        acknowledged.put(id, fullName);
    }

    private static Map<Long, String> split(Map<Long, String> rows) {
        Map<Long, String> split = new TreeMap<>();
        rows.forEach((id, full) -> {
            PersonName name = People.split(new Person(id, full));
            split.put(id, name.firstName() + "|" + name.lastName());
        });
        return split;
    }
}
