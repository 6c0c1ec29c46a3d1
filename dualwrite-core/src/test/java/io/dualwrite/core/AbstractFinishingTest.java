package io.dualwrite.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.core.People.Person;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.model.IllegalPhaseTransitionException;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.phase.AuditEntry;
import io.dualwrite.core.phase.PhaseState;
import io.dualwrite.testsupport.DualWriteTables;
import io.dualwrite.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Finishing a migration in DROP_OLD, the point of no return: only from DROP_OLD, audited, no move afterwards (on
 * this instance, another one, or after a restart), NEW only for reads and writes, a checklist naming what is left,
 * and its history purged only once finished. Compared with plain SQL.
 */
abstract class AbstractFinishingTest {

    private static final String PREFIX = "finishing";

    protected abstract TestDatabase database();

    private DataSource dataSource;
    private JdbcTransactions transactions;
    private Migration<Long, Person, PersonName> migration;
    private DualWrite dualWrite;

    @BeforeEach
    void setUp() {
        dataSource = database().dataSource();
        People.createTables(dataSource, PREFIX);
        DualWriteSchema.create(dataSource);
        transactions = JdbcTransactions.of(dataSource);
        migration = Migration.builder(
                        "finishing-" + UUID.randomUUID(),
                        Long.class,
                        People.oldStore(transactions, PREFIX),
                        People.newStore(transactions, PREFIX))
                .toNew(People::split)
                .toOld(People::join)
                .build();
        dualWrite = instance();
    }

    @AfterEach
    void tearDown() {
        if (dualWrite != null) {
            dualWrite.close();
        }
        if (migration != null) {
            DualWriteTables.forget(dataSource, migration.name());
        }
    }

    private DualWrite instance() {
        return DualWrite.builder(new JdbcPhaseStore(transactions))
                .migration(migration)
                .singleInstance()
                .build();
    }

    @Test
    void aMigrationIsFinishedOnlyInDropOld() {
        ManagedMigration<Long, Person, PersonName> managed = dualWrite.managed(migration);
        for (MigrationPhase phase : MigrationPhase.values()) {
            if (phase == MigrationPhase.DROP_OLD) {
                break;
            }
            assertThat(managed.phase()).isEqualTo(phase);
            assertThat(managed.finishingChecklist()).isEmpty();
            assertThatThrownBy(() -> managed.finish(TransitionRequest.by("alice", "too early")))
                    .isInstanceOf(IllegalPhaseTransitionException.class)
                    .hasMessageContaining("can be finished only in DROP_OLD, but it is in " + phase);
            managed.advance(TransitionRequest.by("alice", "next"));
        }
        assertThat(managed.finished()).isEmpty();
    }

    @Test
    void afterFinishingNothingMovesAndOnlyNewIsReadAndWritten() {
        ManagedMigration<Long, Person, PersonName> managed = dualWrite.managed(migration);
        managed.repository().write(new Person(1, "Ada Lovelace"));
        toDropOld(managed);
        assertThat(managed.finishingChecklist())
                .first()
                .asString()
                .contains("Finish the migration", "point of no return");

        PhaseState finished = managed.finish(TransitionRequest.by("alice", "old table no longer used"));

        assertThat(finished.phase()).isEqualTo(MigrationPhase.DROP_OLD);
        assertThat(managed.finished()).hasValueSatisfying(e -> assertThat(e)
                .extracting(AuditEntry::event, AuditEntry::actor, AuditEntry::version)
                .containsExactly(AuditEntry.Event.FINISHED, "alice", finished.version()));
        assertThatThrownBy(() -> managed.rollback(TransitionRequest.forcedBy("bob", "changed my mind")))
                .isInstanceOf(IllegalPhaseTransitionException.class)
                .hasMessageContaining("was finished by alice")
                .hasMessageContaining("no move is allowed");
        assertThatThrownBy(() -> managed.finish(TransitionRequest.by("bob", "again")))
                .isInstanceOf(IllegalPhaseTransitionException.class)
                .hasMessageContaining("was finished by alice");

        managed.repository().write(new Person(2, "Grace Hopper"));
        managed.repository().delete(1L);
        assertThat(People.rows(dataSource, PREFIX + "_old"))
                .as("the old table is no longer written")
                .containsExactly(Map.entry(1L, "Ada Lovelace"));
        assertThat(People.rows(dataSource, PREFIX + "_new")).containsExactly(Map.entry(2L, "Grace|Hopper"));
        assertThat(managed.repository().read(2L)).contains(new PersonName(2, "Grace", "Hopper"));
        assertThat(managed.finishingChecklist())
                .noneMatch(step -> step.contains("Finish the migration"))
                .anyMatch(step -> step.startsWith("Check that nothing reads or writes the old side")
                        && step.contains(PREFIX + "_old"))
                .anyMatch(step -> step.contains("Remove the migration bean '" + migration.name() + "'"))
                .anyMatch(step -> step.contains("DualWriteSchema.purge(phaseDataSource, \"" + migration.name() + "\""));

        dualWrite.close();
        dualWrite = instance(); // a restart with the finished migration's bean still deployed
        ManagedMigration<Long, Person, PersonName> restarted = dualWrite.managed(migration);
        assertThat(restarted.phase()).isEqualTo(MigrationPhase.DROP_OLD);
        assertThat(restarted.finished()).isPresent();
        assertThatThrownBy(() -> restarted.rollback(TransitionRequest.by("bob", "after a restart")))
                .isInstanceOf(IllegalPhaseTransitionException.class);
        restarted.repository().write(new Person(3, "Alan Turing"));
        assertThat(People.rows(dataSource, PREFIX + "_old")).containsOnlyKeys(1L);
    }

    @Test
    void aMigrationsHistoryIsPurgedOnlyOnceItIsFinished() throws Exception {
        ManagedMigration<Long, Person, PersonName> managed = dualWrite.managed(migration);
        toDropOld(managed);
        assertThatThrownBy(() -> DualWriteSchema.purge(dataSource, migration.name()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not finished");
        assertThat(rowsOf("dualwrite_phase")).isEqualTo(1);

        managed.finish(TransitionRequest.by("alice", "done"));
        dualWrite.close();
        dualWrite = null;
        long oldSideRows = rowsOf("dualwrite_old_side"); // baselines and counts of the old-side gates, if watched
        long deleted = DualWriteSchema.purge(dataSource, migration.name());

        assertThat(deleted)
                .as("the phase row, four moves, the FINISHED entry and the old side's counts")
                .isEqualTo(6 + oldSideRows);
        for (String table : new String[] {
            "dualwrite_phase", "dualwrite_audit", "dualwrite_fence", "dualwrite_divergence", "dualwrite_old_side"
        }) {
            assertThat(rowsOf(table)).as(table).isZero();
        }
    }

    @Test
    void aFinishedMigrationsHistoryIsNotPurgedWhileAnInstanceStillRunsIt() {
        dualWrite.close();
        dualWrite = DualWrite.builder(new JdbcPhaseStore(transactions))
                .migration(migration)
                .instanceRegistry(
                        new io.dualwrite.core.jdbc.JdbcInstanceRegistry(transactions),
                        java.time.Duration.ofMillis(200),
                        java.time.Duration.ofSeconds(5))
                .build();
        ManagedMigration<Long, Person, PersonName> managed = dualWrite.managed(migration);
        toDropOld(managed);
        managed.finish(TransitionRequest.by("alice", "done"));

        assertThatThrownBy(() -> DualWriteSchema.purge(dataSource, migration.name()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("instances still run it")
                .hasMessageContaining(dualWrite.instanceId());

        dualWrite.close(); // leaves the registry
        dualWrite = null;
        assertThat(DualWriteSchema.purge(dataSource, migration.name())).isPositive();
    }

    private static void toDropOld(ManagedMigration<?, ?, ?> managed) {
        while (managed.phase() != MigrationPhase.DROP_OLD) {
            managed.advance(TransitionRequest.by("alice", "next"));
        }
    }

    private long rowsOf(String table) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement count =
                        c.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE migration = ?")) {
            count.setString(1, migration.name());
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
