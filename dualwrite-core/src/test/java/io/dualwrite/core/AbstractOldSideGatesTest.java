package io.dualwrite.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.core.People.Person;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.model.GateResult;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.TransitionRefusedException;
import io.dualwrite.testsupport.DualWriteTables;
import io.dualwrite.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gates on what uses the OLD table beside dualwrite: a plain-SQL writer on another connection holds READ_NEW
 * (captured: while its keys are pending; without capture: by the table's own write counters against dualwrite's),
 * and a plain SELECT in DROP_OLD holds the finishing step; each refusal names its evidence. One subclass per
 * database, each turning the table counters on where they are optional. Seeded: {@code -Ddualwrite.seed=N}.
 */
abstract class AbstractOldSideGatesTest {

    private static final String PREFIX = "oldside";
    private static final String OLD = PREFIX + "_old";
    private static final String NEW = PREFIX + "_new";
    private static final Duration PATIENCE = Duration.ofSeconds(15);

    protected abstract TestDatabase database();

    /** Makes the statements run on this connection so far show in the table's counters now. */
    protected abstract void flushSoon(Connection connection) throws SQLException;

    protected DataSource dataSource;
    private Migration<Long, Person, PersonName> migration;
    private DualWrite dualWrite;
    private final long seed = Long.getLong("dualwrite.seed", System.nanoTime());
    private final Random random = new Random(seed);

    @BeforeEach
    void setUp() {
        System.out.println(getClass().getSimpleName() + " seed: " + seed + " (-Ddualwrite.seed=" + seed + ")");
        dataSource = database().dataSource();
        DualWriteSchema.create(dataSource);
        People.createTables(dataSource, PREFIX);
    }

    @AfterEach
    void tearDown() {
        if (dualWrite != null) {
            dualWrite.close();
        }
        if (migration != null) {
            DualWriteTables.forget(dataSource, migration.name());
            People.execute(dataSource, "DELETE FROM dualwrite_capture WHERE migration = '" + migration.name() + "'");
        }
    }

    protected ManagedMigration<Long, Person, PersonName> build(boolean capture) {
        JdbcTransactions transactions = JdbcTransactions.of(dataSource);
        migration = Migration.builder(
                        "oldside-" + UUID.randomUUID(),
                        Long.class,
                        People.oldStore(transactions, PREFIX),
                        People.newStore(transactions, PREFIX))
                .toNew(People::split)
                .toOld(People::join)
                .build();
        DualWriteBuilder builder = DualWrite.builder(new JdbcPhaseStore(transactions))
                .singleInstance()
                .migration(migration)
                .verificationStore(new io.dualwrite.core.jdbc.JdbcVerificationStore(transactions))
                .verifierOptions(new io.dualwrite.core.verify.VerifierOptions(2, Duration.ZERO, 0))
                .gates(GateOptions.defaults());
        if (capture) {
            builder.captureBypassWrites(migration.name());
        }
        dualWrite = builder.build();
        return dualWrite.managed(migration);
    }

    @Test
    void capturedBypassWritesHoldReadNewUntilTheyAreDrained() {
        ManagedMigration<Long, Person, PersonName> managed = build(true);
        managed.advance(TransitionRequest.by("alice", "dual writes"));
        managed.advance(TransitionRequest.by("alice", "copy"));
        dualWrites(managed, 5);
        assertThat(gate(managed.gates(MigrationPhase.READ_NEW), OldSideGates.BYPASS_WRITES)
                        .passed())
                .as("dualwrite's own writes are no bypass writes")
                .isTrue();

        long key = 1_000 + random.nextInt(1_000);
        plainSql("INSERT INTO " + OLD + " (id, full_name) VALUES (" + key + ", 'Legacy Job')");

        GateResult refused = gate(managed.gates(MigrationPhase.READ_NEW), OldSideGates.BYPASS_WRITES);
        assertThat(refused.passed()).isFalse();
        assertThat(refused.detail())
                .contains("1 keys written bypassing dualwrite", "[" + key + "]", "oldest captured at");
        assertThatThrownBy(() -> managed.advance(TransitionRequest.by("alice", "read new")))
                .isInstanceOfSatisfying(TransitionRefusedException.class, e -> assertThat(e.failedGates())
                        .anyMatch(g -> g.name().equals(OldSideGates.BYPASS_WRITES)
                                && g.detail().contains(String.valueOf(key))));
        assertThat(managed.auditTrail(1).get(0).evidence())
                .as("the refusal is audited with the evidence")
                .anyMatch(g -> g.name().equals(OldSideGates.BYPASS_WRITES) && !g.passed());

        assertThat(dualWrite.bypassCapture(migration.name()).orElseThrow().drain(100))
                .isEqualTo(1);

        assertThat(gate(managed.gates(MigrationPhase.READ_NEW), OldSideGates.BYPASS_WRITES))
                .satisfies(g -> assertThat(g.passed()).isTrue())
                .satisfies(g -> assertThat(g.detail()).contains("0 captured keys", "1 bypass writes drained"));
        assertThat(People.rows(dataSource, NEW)).containsEntry(key, "Legacy|Job");
    }

    @Test
    void withoutCaptureTheTablesOwnWriteCountersHoldReadNew() throws InterruptedException {
        assertThat(countersOn()).isTrue();
        ManagedMigration<Long, Person, PersonName> managed = build(false);
        managed.advance(TransitionRequest.by("alice", "dual writes"));
        dualWrites(managed, 3);
        Thread.sleep(OldSideGates.SETTLE.toMillis() + 500); // else they count as the window's (lenient: docs/gates.md)
        managed.advance(TransitionRequest.by("alice", "copy"));
        int written = 3 + random.nextInt(5);
        dualWrites(managed, written);
        // dualwrite's own writes, however late the counters show them, are no bypass writes
        awaitGate(managed, g -> g.passed() && g.detail().contains(" row writes"), "passes with dualwrite's writes");

        int bypassing = 1 + random.nextInt(3);
        plainSql("UPDATE " + OLD + " SET full_name = 'Legacy Job' WHERE id <= " + bypassing);

        GateResult refused = awaitGate(managed, g -> !g.passed(), "refuses once the counters show the UPDATE");
        assertThat(refused.detail())
                .contains("at least " + bypassing + " writes bypassed dualwrite", OLD, "since BACKFILL was entered");
        assertThatThrownBy(() -> managed.advance(TransitionRequest.by("alice", "read new")))
                .isInstanceOfSatisfying(TransitionRefusedException.class, e -> assertThat(e.failedGates())
                        .anyMatch(g -> g.name().equals(OldSideGates.BYPASS_WRITES)
                                && g.detail().contains("bypassed dualwrite")));
    }

    /*
     * Interleaving (BACKFILL, no capture, one instance):
     *   1. A verification walks keys 1 and 2 of OLD and is stopped (RUNNING, resumable in this JVM).
     *   2. A legacy job updates key 1 on OLD, behind dualwrite's back: NEW keeps the old value.
     *   3. verify() resumes the run after key 2; it completes clean (key 1 was walked before the update).
     * The verification window must not open at step 3: the run the verified gate reads started before it, so the
     * write of step 2 is in no verification's view, and bypass-writes must still count it.
     */
    @Test
    void aResumedVerificationDoesNotForgiveABypassWriteItHadWalkedPast() throws InterruptedException {
        assertThat(countersOn()).isTrue();
        ManagedMigration<Long, Person, PersonName> managed = build(false);
        managed.advance(TransitionRequest.by("alice", "dual writes"));
        dualWrites(managed, 3);
        Thread.sleep(OldSideGates.SETTLE.toMillis() + 500);
        managed.advance(TransitionRequest.by("alice", "copy"));
        dualWrites(managed, 6);
        int[] chunks = {0};
        assertThat(managed.verifier().verify(() -> chunks[0]++ < 1).state())
                .isEqualTo(io.dualwrite.core.verify.VerificationState.RUNNING);

        plainSql("UPDATE " + OLD + " SET full_name = 'Legacy Job' WHERE id = 1");
        io.dualwrite.core.verify.VerificationProgress resumed = managed.verify();

        assertThat(resumed.state()).isEqualTo(io.dualwrite.core.verify.VerificationState.COMPLETED);
        assertThat(resumed.divergences())
                .as("the resumed run had walked past key 1")
                .isZero();
        GateResult refused = awaitGate(managed, g -> !g.passed(), "refuses: the write is in no verification's view");
        assertThat(refused.detail()).contains("bypassed dualwrite", "since BACKFILL was entered");

        managed.verify(); // a new run, which sees key 1 differ: the window opens at its start
        assertThat(managed.verification().divergences()).isEqualTo(1);
        assertThat(gate(managed.gates(MigrationPhase.READ_NEW), OldSideGates.BYPASS_WRITES)
                        .detail())
                .contains("since the latest full verification started");
    }

    @Test
    void inDropOldAPlainSelectOfTheOldTableHoldsTheFinishingStep() throws Exception {
        assertThat(countersOn()).isTrue();
        ManagedMigration<Long, Person, PersonName> managed = build(false);
        managed.advance(TransitionRequest.by("alice", "dual writes"));
        dualWrites(managed, 3);
        forceTo(managed, MigrationPhase.DROP_OLD);
        Thread.sleep(OldSideGates.SETTLE.toMillis() + 500); // the window opens again once late counts showed
        dualWrites(managed, 2); // NEW only now
        awaitFinishingGate(managed, GateResult::passed, "passes while nothing touches " + OLD);

        plainSql("SELECT COUNT(*) FROM " + OLD);

        GateResult refused = awaitFinishingGate(managed, g -> !g.passed(), "refuses once the counters show the SELECT");
        assertThat(refused.detail()).contains("something still uses the old side", OLD, "DROP_OLD");
        assertThatThrownBy(() -> managed.finish(TransitionRequest.by("alice", "done")))
                .isInstanceOfSatisfying(TransitionRefusedException.class, e -> assertThat(e.failedGates())
                        .anyMatch(g -> g.name().equals(OldSideGates.OLD_SIDE_UNUSED)));
        assertThat(managed.finished()).isEmpty();

        managed.finish(TransitionRequest.forcedBy("alice", "the reader is a one-off report, stopped"));
        assertThat(managed.finished()).hasValueSatisfying(e -> assertThat(e.evidence())
                .anyMatch(g -> g.name().equals(OldSideGates.OLD_SIDE_UNUSED) && !g.passed()));
    }

    /** Whether the database keeps table counters in this test (turned on where optional). */
    protected boolean countersOn() {
        return true;
    }

    protected static GateResult gate(List<GateResult> gates, String name) {
        return gates.stream()
                .filter(g -> g.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no gate " + name + " in " + gates));
    }

    protected static void forceTo(ManagedMigration<?, ?, ?> managed, MigrationPhase target) {
        while (managed.phase() != target) {
            managed.transition(
                    managed.phase().next().orElseThrow(), TransitionRequest.forcedBy("alice", "walking the test"));
        }
    }

    private void dualWrites(ManagedMigration<Long, Person, PersonName> managed, int count) {
        for (int i = 1; i <= count; i++) {
            managed.repository().write(new Person(i, "Person " + random.nextInt(1_000)));
        }
    }

    /** Runs a statement on a connection of its own, not dualwrite's: a legacy job. */
    protected void plainSql(String sql) {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.execute(sql);
            flushSoon(c);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private GateResult awaitGate(ManagedMigration<?, ?, ?> managed, Predicate<GateResult> condition, String what) {
        return await(() -> gate(managed.gates(MigrationPhase.READ_NEW), OldSideGates.BYPASS_WRITES), condition, what);
    }

    protected GateResult awaitFinishingGate(
            ManagedMigration<?, ?, ?> managed, Predicate<GateResult> condition, String what) {
        return await(() -> gate(managed.finishingGates(), OldSideGates.OLD_SIDE_UNUSED), condition, what);
    }

    private static GateResult await(Supplier<GateResult> gate, Predicate<GateResult> condition, String what) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        GateResult last = gate.get();
        while (!condition.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the gate never " + what + " within " + PATIENCE + "; last: " + last);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            last = gate.get();
        }
        return last;
    }
}
