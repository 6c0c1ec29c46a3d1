package io.dualwrite.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.People.Person;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.backfill.BackfillOptions;
import io.dualwrite.core.backfill.BackfillState;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcBackfillStore;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.jdbc.JdbcVerificationStore;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.TransitionRefusedException;
import io.dualwrite.core.phase.Resync;
import io.dualwrite.core.verify.VerifierOptions;
import io.dualwrite.testsupport.TestDatabases;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The source-of-truth handover on PostgreSQL, one interleaving per test: a rollback while the re-sync after
 * DROP_OLD runs, and a verification that was interrupted by a rollback. Both sides are compared with plain SQL
 * against what the test wrote.
 */
class PostgresHandoverTest {

    private static final String PREFIX = "handover";

    private DataSource postgres;
    private JdbcTransactions transactions;
    private DualWrite dualWrite;
    private Migration<Long, Person, PersonName> migration;
    private final Map<Long, String> written = new TreeMap<>();

    @BeforeEach
    void setUp() {
        postgres = TestDatabases.postgres().dataSource();
        DualWriteSchema.create(postgres);
        People.createTables(postgres, PREFIX);
        transactions = JdbcTransactions.of(postgres);
        migration = Migration.builder(
                        "handover-" + UUID.randomUUID(),
                        Long.class,
                        People.oldStore(transactions, PREFIX),
                        People.newStore(transactions, PREFIX))
                .toNew(People::split)
                .toOld(People::join)
                .build();
        dualWrite = DualWrite.builder(new JdbcPhaseStore(transactions))
                .singleInstance()
                .migration(migration)
                .refreshInterval(Duration.ZERO)
                .backfillStore(new JdbcBackfillStore(transactions))
                .backfillOptions(
                        BackfillOptions.defaults().withChunkSizes(200, 50, 500).withPollInterval(Duration.ofMillis(20)))
                .verificationStore(new JdbcVerificationStore(transactions))
                // Small chunks and a re-check delay make the re-sync's verification take a few seconds.
                .verifierOptions(new VerifierOptions(50, Duration.ofMillis(50), 0))
                .build();
    }

    @AfterEach
    void close() {
        if (dualWrite != null) {
            dualWrite.close();
        }
    }

    /*
     * Interleaving (one instance, one database):
     *   1. DROP_OLD: writes reach NEW only; OLD keeps its older values for keys 1..50 and the deleted key 60.
     *   2. DROP_OLD -> READ_NEW: the background re-sync starts (verify, then repair NEW -> OLD).
     *   3. READ_NEW -> BACKFILL at once, before the re-sync ends: OLD would become the source of truth.
     * Old code: the move committed, the repair then read the current phase (OLD is the source of truth) and copied
     * the stale OLD rows over NEW: the DROP_OLD writes were lost on both sides and key 60 came back.
     */
    @Test
    void aRollbackDuringTheResyncNeverHandsTheSourceOfTruthToTheStaleSide() {
        String name = migration.name();
        DualRepository<Long, Person, PersonName> people = dualWrite.repository(migration);
        for (long id = 1; id <= 1_000; id++) {
            write(people, id, "First" + id + " Last" + id);
        }
        dualWrite.startBackgroundWork();
        move(MigrationPhase.DUAL_WRITE);
        move(MigrationPhase.BACKFILL);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> dualWrite.backfill(name).progress().state() == BackfillState.COMPLETED);
        move(MigrationPhase.READ_NEW);
        move(MigrationPhase.DROP_OLD);
        for (long id = 1; id <= 50; id++) {
            write(people, id, "Changed" + id + " InDropOld");
        }
        people.delete(60L);
        written.remove(60L);

        move(MigrationPhase.READ_NEW);
        try {
            move(MigrationPhase.BACKFILL);
        } catch (TransitionRefusedException refused) {
            assertThat(refused.getMessage()).contains(Handover.RESYNCED);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() ->
                            dualWrite.managed(name).resync().map(Resync::state).orElse(null) == Resync.State.COMPLETED);
            move(MigrationPhase.BACKFILL);
        }
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
            var verification = dualWrite.verification(name);
            return verification.completedAt() != null && dualWrite.ledgerSize(name) == 0;
        });

        assertThat(People.rows(postgres, PREFIX + "_old")).isEqualTo(written);
        assertThat(People.rows(postgres, PREFIX + "_new")).isEqualTo(splitRows());
    }

    /*
     * Interleaving (one instance, one database):
     *   1. BACKFILL completed; a verification checks its first chunk (keys 1..50) and is interrupted.
     *   2. BACKFILL -> DUAL_WRITE -> OLD_ONLY: writes of keys 1..50 reach OLD only, NEW goes stale.
     *   3. OLD_ONLY -> DUAL_WRITE -> BACKFILL: the copy runs again; it never overwrites, so NEW keeps the stale rows.
     *   4. verify.
     * Old code: step 4 resumed the interrupted verification from its checkpoint (key 50), so the stale keys 1..50 were
     * never compared, it completed with 0 divergences and the verification gate to READ_NEW passed.
     */
    @Test
    void aVerificationInterruptedBeforeARollbackIsDiscardedNotResumed() {
        String name = migration.name();
        DualRepository<Long, Person, PersonName> people = dualWrite.repository(migration);
        for (long id = 1; id <= 300; id++) {
            write(people, id, "First" + id + " Last" + id);
        }
        dualWrite.startBackgroundWork();
        move(MigrationPhase.DUAL_WRITE);
        move(MigrationPhase.BACKFILL);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> dualWrite.backfill(name).progress().state() == BackfillState.COMPLETED);
        int[] chunks = {0};
        dualWrite.managed(migration).verifier().verify(() -> chunks[0]++ < 1);
        assertThat(dualWrite.verification(name).lastKey()).isEqualTo("50");

        move(MigrationPhase.DUAL_WRITE);
        move(MigrationPhase.OLD_ONLY);
        for (long id = 1; id <= 50; id++) {
            write(people, id, "Stale" + id + " InNew");
        }
        move(MigrationPhase.DUAL_WRITE);
        move(MigrationPhase.BACKFILL);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> dualWrite.backfill(name).progress().state() == BackfillState.COMPLETED);

        var verification = dualWrite.verify(name);

        assertThat(verification.divergences()).isEqualTo(50);
        assertThat(verification.rowsChecked()).isEqualTo(300);
        assertThat(dualWrite.ledgerSize(name)).isEqualTo(50);
    }

    private void write(DualRepository<Long, Person, PersonName> people, long id, String fullName) {
        people.write(new Person(id, fullName));
        written.put(id, fullName);
    }

    private Map<Long, String> splitRows() {
        Map<Long, String> rows = new TreeMap<>();
        written.forEach((id, full) -> {
            PersonName split = People.split(new Person(id, full));
            rows.put(id, split.firstName() + "|" + split.lastName());
        });
        return rows;
    }

    private void move(MigrationPhase target) {
        dualWrite.transition(migration.name(), target, TransitionRequest.by("test", "to " + target));
    }
}
