package io.dualwrite.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.People.Person;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.store.DivergenceLedger;
import io.dualwrite.core.verify.Repairer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The capture tests of {@link AbstractBypassCaptureTest} with sides in two databases, and what only two databases
 * have: a dual write whose copy to the other side is still pending (in one database a dual write writes both sides in
 * one transaction).
 */
abstract class AbstractTwoDatabaseBypassCaptureTest extends AbstractBypassCaptureTest {

    /*
     * Interleaving (two databases, READ_NEW):
     *   1. Key 1 is dual-written ("Ada Lovelace") on both sides.
     *   2. A legacy job updates OLD ("Ada Old"): captured on OLD.
     *   3. A dual write ("Ada King") commits on NEW with its intent in NEW's ledger; its copy to OLD has not run yet.
     *   4. The drain runs: OLD differs from NEW, but copying OLD to NEW would replace the later, acknowledged write
     *      (and the dual write's copy would then carry "Ada Old" to OLD as well).
     *   5. The dual write's copy runs; the drain then finds both sides equal and removes the record.
     */
    @Test
    void aKeyCapturedOnOldWaitsForALaterDualWritesPendingCopy() throws Exception {
        moveTo(MigrationPhase.READ_NEW);
        people.write(new Person(1, "Ada Lovelace"));
        People.execute(dataSource, "UPDATE " + OLD + " SET full_name = 'Ada Old' WHERE id = 1");
        Thread.sleep(20);
        migration.newStore().transactions().inTransaction(() -> {
            migration
                    .ledger(Side.NEW)
                    .orElseThrow()
                    .record(
                            migration.name(),
                            "1",
                            Side.NEW,
                            DivergenceLedger.DivergenceCause.WRITE_IN_PROGRESS,
                            "committed on NEW; copy to OLD pending");
            migration.newStore().upsert(new PersonName(1, "Ada", "King"));
        });
        assertThat(capture.pending()).isEqualTo(1);

        assertThat(capture.drain(10)).isZero();
        assertThat(newRows()).isEqualTo(Map.of(1L, "Ada|King"));

        new Repairer<>(migration, () -> MigrationPhase.READ_NEW).drain(Side.NEW, 10);
        assertThat(capture.drain(10)).isEqualTo(1);
        assertThat(oldNames()).isEqualTo(Map.of(1L, "Ada King"));
        assertThat(newRows()).isEqualTo(Map.of(1L, "Ada|King"));
    }

    /*
     * A capture fed from the log records OLD's keys in OLD's database only: across two databases NEW's database would
     * hold no records for the drain, so building it is refused, naming the alternative.
     */
    @Test
    void aCaptureFedFromTheLogIsRefusedAcrossTwoDatabases() {
        io.dualwrite.core.jdbc.CaptureFeed feed = new io.dualwrite.core.jdbc.CaptureFeed() {
            @Override
            public void start(io.dualwrite.core.jdbc.BypassCapture<?, ?, ?> capture) {}

            @Override
            public void close() {}
        };
        DualWriteBuilder builder = DualWrite.builder(new io.dualwrite.core.jdbc.JdbcPhaseStore(dataSource))
                .singleInstance()
                .migration(migration)
                .captureBypassWrites(migration.name(), feed);

        org.assertj.core.api.Assertions.assertThatThrownBy(builder::build)
                .isInstanceOf(io.dualwrite.core.model.InvalidMigrationException.class)
                .hasMessageContaining("needs both sides in one PostgreSQL database")
                .hasMessageContaining("capture it with triggers instead");
    }

    /*
     * Two databases, a migration without a reverse mapping: only OLD is captured, so nothing creates a capture table
     * in NEW's database. The drain, the pending count and the gate must read OLD's records only.
     */
    @Test
    void withoutAReverseMappingOnlyOldsCaptureTableIsRead() {
        dualWrite.close();
        People.execute(newDataSource, "DROP TABLE IF EXISTS " + io.dualwrite.core.jdbc.CaptureDdl.TABLE);
        reverseMapping = false;
        evidenceGates = true;
        build(dataSource);
        for (MigrationPhase phase : List.of(MigrationPhase.DUAL_WRITE, MigrationPhase.BACKFILL)) {
            dualWrite.transition(migration.name(), phase, TransitionRequest.forcedBy("test", "to " + phase));
        }
        People.execute(dataSource, "INSERT INTO " + OLD + " (id, full_name) VALUES (5, 'Grace Hopper')");

        assertThat(capture.pending()).isEqualTo(1);
        assertThat(bypassWritesGate(MigrationPhase.READ_NEW).detail()).contains("1 keys written bypassing dualwrite");
        assertThat(capture.drain(10)).isEqualTo(1);
        assertThat(newRows()).isEqualTo(Map.of(5L, "Grace|Hopper"));
        assertThat(bypassWritesGate(MigrationPhase.READ_NEW).passed()).isTrue();
    }

    /*
     * Two databases, BACKFILL: a legacy job inserts a row into NEW (its own database), captured there and not drained
     * yet. The bypass-writes gate of READ_NEW must count NEW's capture table too, not only OLD's.
     */
    @Test
    void aPendingCaptureOnNewsDatabaseHoldsReadNew() {
        evidenceGates = true;
        build(dataSource);
        for (MigrationPhase phase : List.of(MigrationPhase.DUAL_WRITE, MigrationPhase.BACKFILL)) {
            dualWrite.transition(migration.name(), phase, TransitionRequest.forcedBy("test", "to " + phase));
        }
        People.execute(
                newDataSource, "INSERT INTO " + NEW + " (id, first_name, last_name) VALUES (4242, 'Legacy', 'New')");

        io.dualwrite.core.model.GateResult held = dualWrite.gates(migration.name(), MigrationPhase.READ_NEW).stream()
                .filter(g -> g.name().equals(OldSideGates.BYPASS_WRITES))
                .findFirst()
                .orElseThrow();
        assertThat(held.passed()).as(held.detail()).isFalse();
        assertThat(held.detail()).contains("1 keys written bypassing dualwrite", "[4242]");

        assertThat(capture.drain(100)).isEqualTo(1);
        assertThat(dualWrite.gates(migration.name(), MigrationPhase.READ_NEW).stream()
                        .filter(g -> g.name().equals(OldSideGates.BYPASS_WRITES))
                        .findFirst()
                        .orElseThrow()
                        .passed())
                .isTrue();
    }
}
