package io.dualwrite.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import io.dualwrite.core.model.GateResult;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.PhaseTransition;
import io.dualwrite.core.model.TransitionRefusedException;
import io.dualwrite.core.phase.AuditEntry;
import io.dualwrite.core.shadow.ShadowReadOptions;
import io.dualwrite.core.verify.VerifierOptions;
import io.dualwrite.testsupport.TestDatabases;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/**
 * The evidence gates and every backward move on PostgreSQL: a move is refused with each failing gate and its
 * evidence until the evidence is there; and, with writers running throughout, the migration walks forward, back
 * over every rollback path and forward again, and ends with both sides equal and no write lost.
 */
class PostgresSafeSwitchTest {

    private static final String PREFIX = "switch";

    private DataSource postgres;
    private JdbcTransactions transactions;
    private DualWrite dualWrite;
    private Migration<Long, Person, PersonName> migration;

    @BeforeEach
    void setUp() {
        postgres = TestDatabases.postgres().dataSource();
        DualWriteSchema.create(postgres);
        People.createTables(postgres, PREFIX);
        transactions = JdbcTransactions.of(postgres);
        migration = Migration.builder(
                        "switch-" + UUID.randomUUID(),
                        Long.class,
                        People.oldStore(transactions, PREFIX),
                        People.newStore(transactions, PREFIX))
                .toNew(People::split)
                .toOld(People::join)
                .build();
    }

    @AfterEach
    void close() {
        if (dualWrite != null) {
            dualWrite.close();
        }
    }

    @Test
    void eachGateRefusesTheMoveUntilItsEvidenceIsThere() {
        dualWrite = build(GateOptions.defaults()
                .withMaxMismatchRate(0)
                .withMinShadowSamples(20)
                .withMinShadowTime(Duration.ZERO)
                .withReadNewSoak(Duration.ofSeconds(1)));
        String name = migration.name();
        DualRepository<Long, Person, PersonName> people = dualWrite.repository(migration);
        for (long id = 1; id <= 100; id++) {
            people.write(new Person(id, "First" + id + " Last" + id));
        }
        dualWrite.advance(name, TransitionRequest.by("alice", "dual writes"));
        dualWrite.advance(name, TransitionRequest.by("alice", "backfill"));

        assertThat(failing(MigrationPhase.READ_NEW))
                .contains(EvidenceGates.VERIFIED, EvidenceGates.SHADOW_READS)
                .doesNotContain(EvidenceGates.LEDGER_EMPTY);
        assertThatThrownBy(() -> dualWrite.advance(name, TransitionRequest.by("alice", "too early")))
                .isInstanceOf(TransitionRefusedException.class)
                .hasMessageContaining(EvidenceGates.SHADOW_READS)
                .hasMessageContaining("needs at least 20 comparisons");
        AuditEntry refused = dualWrite.auditTrail(name, 1).get(0);
        assertThat(refused.event()).isEqualTo(AuditEntry.Event.REFUSED);
        assertThat(refused.evidence()).extracting(GateResult::name).contains(EvidenceGates.BACKFILL_COMPLETED);

        dualWrite.startBackgroundWork();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> dualWrite.backfill(name).progress().state() == BackfillState.COMPLETED);
        for (long id = 1; id <= 40; id++) {
            people.read(id);
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !failing(MigrationPhase.READ_NEW)
                .contains(EvidenceGates.SHADOW_READS));
        assertThat(failing(MigrationPhase.READ_NEW)).containsExactly(EvidenceGates.VERIFIED);

        People.execute(postgres, "UPDATE " + PREFIX + "_new SET last_name = 'Corrupted' WHERE id = 7");
        assertThat(dualWrite.verify(name).divergences()).isEqualTo(1);
        assertThat(dualWrite.gates(name, MigrationPhase.READ_NEW))
                .filteredOn(g -> !g.passed())
                .extracting(GateResult::name, GateResult::detail)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(
                                EvidenceGates.VERIFIED,
                                "the verification completed at "
                                        + dualWrite.verification(name).completedAt()
                                        + " found 1 divergent keys; repair them and verify again"),
                        org.assertj.core.groups.Tuple.tuple(
                                EvidenceGates.LEDGER_EMPTY, "1 keys wait for repair; it must be 0 (action repair)"));

        assertThat(dualWrite.repair(name, 10).repaired()).isEqualTo(1);
        assertThat(dualWrite.verify(name).divergences()).isZero();
        dualWrite.advance(name, TransitionRequest.by("alice", "the evidence is there"));
        AuditEntry advanced = dualWrite.auditTrail(name, 1).get(0);
        assertThat(advanced.event()).isEqualTo(AuditEntry.Event.ADVANCED);
        assertThat(advanced.evidence())
                .extracting(GateResult::name)
                .containsExactlyInAnyOrder(
                        Handover.HANDOVER, // the source of truth moves: the handover rule is checked too
                        EvidenceGates.BACKFILL_COMPLETED,
                        EvidenceGates.VERIFIED,
                        EvidenceGates.LEDGER_EMPTY,
                        EvidenceGates.SHADOW_READS,
                        OldSideGates.BYPASS_WRITES); // no write reached OLD beside dualwrite's
        assertThat(advanced.evidence()).allMatch(GateResult::passed);

        assertThat(failing(MigrationPhase.DROP_OLD)).contains(EvidenceGates.SOAKED, EvidenceGates.SHADOW_READS);
        for (long id = 1; id <= 40; id++) {
            people.read(id);
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> failing(MigrationPhase.DROP_OLD)
                .isEmpty());
        dualWrite.advance(name, TransitionRequest.by("alice", "drop old"));
        assertThat(dualWrite.phase(name)).isEqualTo(MigrationPhase.DROP_OLD);
    }

    @Test
    void backFromDropOldIsRefusedWithoutAReverseMapping() {
        Migration<Long, Person, PersonName> oneWay = Migration.builder(
                        "one-way-" + UUID.randomUUID(),
                        Long.class,
                        People.oldStore(transactions, PREFIX),
                        People.newStore(transactions, PREFIX))
                .toNew(People::split)
                .build();
        dualWrite = DualWrite.builder(new JdbcPhaseStore(transactions))
                .singleInstance()
                .migration(oneWay)
                .build();
        while (dualWrite.phase(oneWay.name()) != MigrationPhase.DROP_OLD) {
            dualWrite.advance(oneWay.name(), TransitionRequest.by("alice", "forward"));
        }

        assertThatThrownBy(() -> dualWrite.rollback(oneWay.name(), TransitionRequest.by("alice", "back")))
                .isInstanceOf(TransitionRefusedException.class)
                .hasMessageContaining(EvidenceGates.REVERSE_MAPPING)
                .hasMessageContaining("declare one with toOld(...)");

        People.execute(postgres, "DROP TABLE " + PREFIX + "_old");
        assertThat(dualWrite.gates(oneWay.name(), MigrationPhase.READ_NEW))
                .filteredOn(GateResult::name, EvidenceGates.OLD_SIDE_READABLE)
                .singleElement()
                .satisfies(gate -> {
                    assertThat(gate.passed()).isFalse();
                    assertThat(gate.detail()).contains("cannot be read (was it dropped?)");
                });
    }

    @Test
    void everyBackwardMoveUnderLiveWritesLosesNothing() throws Exception {
        long seed = Long.getLong("dualwrite.seed", System.nanoTime());
        dualWrite = build(GateOptions.off());
        try {
            drill(new Random(seed));
        } catch (TestAbortedException skipped) {
            throw skipped;
        } catch (AssertionError | RuntimeException | InterruptedException e) {
            throw new AssertionError("Rollback drill failed; reproduce with -Ddualwrite.seed=" + seed, e);
        }
    }

    private void drill(Random random) throws InterruptedException {
        String name = migration.name();
        DualRepository<Long, Person, PersonName> people = dualWrite.repository(migration);
        Map<Long, String> expected = new ConcurrentHashMap<>();
        for (long id = 1; id <= 300; id++) {
            String full = "First" + id + " Last" + id;
            people.write(new Person(id, full));
            expected.put(id, full);
        }
        dualWrite.startBackgroundWork();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        long writerSeed = random.nextLong();
        Thread writer = new Thread(() -> {
            Random writes = new Random(writerSeed);
            int n = 0;
            try {
                while (writing.get()) {
                    long id = 1 + writes.nextInt(400);
                    if (writes.nextInt(6) == 0) {
                        people.delete(id);
                        expected.remove(id);
                    } else {
                        String full = "Name" + n + " Of" + id;
                        people.write(new Person(id, full));
                        expected.put(id, full);
                    }
                    n++;
                }
            } catch (Throwable t) {
                writerFailure.set(t);
            }
        });
        writer.start();

        move(name, MigrationPhase.DUAL_WRITE);
        move(name, MigrationPhase.OLD_ONLY); // the new side goes stale
        writeFor(200);
        move(name, MigrationPhase.DUAL_WRITE);
        move(name, MigrationPhase.BACKFILL); // copies afresh
        move(name, MigrationPhase.DUAL_WRITE); // paused
        assertThat(dualWrite.backfill(name).progress().state()).isIn(BackfillState.PAUSED, BackfillState.COMPLETED);
        move(name, MigrationPhase.BACKFILL); // resumed
        awaitBackfill(name);
        resync(name);
        move(name, MigrationPhase.READ_NEW);
        writeFor(100);
        move(name, MigrationPhase.BACKFILL);
        move(name, MigrationPhase.READ_NEW);
        move(name, MigrationPhase.DUAL_WRITE);
        writeFor(100);
        move(name, MigrationPhase.BACKFILL);
        move(name, MigrationPhase.READ_NEW);
        move(name, MigrationPhase.DROP_OLD); // the old side goes stale
        writeFor(200);
        java.time.Instant backFromDropOld = java.time.Instant.now();
        move(name, MigrationPhase.READ_NEW); // re-syncs the old side in the background
        writeFor(100);
        writing.set(false);
        writer.join(10_000);
        assertThat(writerFailure.get()).isNull();
        // No explicit repair here: the background re-sync after DROP_OLD must have brought the old side back.
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            var verification = dualWrite.verification(name);
            return verification.completedAt() != null
                    && verification.completedAt().isAfter(backFromDropOld)
                    && dualWrite.ledgerSize(name) == 0;
        });
        Map<Long, String> oldRows = new TreeMap<>(People.rows(postgres, PREFIX + "_old"));
        Map<Long, String> newRows = new TreeMap<>(People.rows(postgres, PREFIX + "_new"));
        assertThat(oldRows).isEqualTo(new TreeMap<>(expected));
        assertThat(newRows)
                .isEqualTo(new TreeMap<>(expected.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> {
                    PersonName split = People.split(new Person(e.getKey(), e.getValue()));
                    return split.firstName() + "|" + split.lastName();
                }))));
        List<AuditEntry> trail = dualWrite.auditTrail(name, 50);
        assertThat(trail)
                .filteredOn(e -> e.event() == AuditEntry.Event.ROLLED_BACK)
                .extracting(e -> PhaseTransition.between(name, e.from(), e.to()))
                .containsExactlyInAnyOrder(java.util.Arrays.stream(PhaseTransition.values())
                        .filter(PhaseTransition::isRollback)
                        .toArray(PhaseTransition[]::new));
    }

    /** Verifies and repairs until the sides agree: what the READ_NEW gates demand after a stale period. */
    private void resync(String name) {
        for (int attempt = 0; attempt < 10; attempt++) {
            if (dualWrite.verify(name).divergences() == 0 && dualWrite.ledgerSize(name) == 0) {
                return;
            }
            dualWrite.repair(name, 10_000);
        }
        assertThat(dualWrite.verify(name).divergences()).isZero();
    }

    private void move(String name, MigrationPhase target) {
        dualWrite.transition(name, target, TransitionRequest.by("drill", "to " + target));
        writeFor(30);
    }

    private void awaitBackfill(String name) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> dualWrite.backfill(name).progress().state() == BackfillState.COMPLETED);
    }

    private static void writeFor(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<String> failing(MigrationPhase target) {
        return dualWrite.gates(migration.name(), target).stream()
                .filter(g -> !g.passed())
                .map(GateResult::name)
                .toList();
    }

    private DualWrite build(GateOptions gates) {
        return DualWrite.builder(new JdbcPhaseStore(transactions))
                .singleInstance()
                .migration(migration)
                .refreshInterval(Duration.ZERO)
                .backfillStore(new JdbcBackfillStore(transactions))
                .backfillOptions(
                        BackfillOptions.defaults().withChunkSizes(50, 10, 200).withPollInterval(Duration.ofMillis(20)))
                .verificationStore(new JdbcVerificationStore(transactions))
                .verifierOptions(new VerifierOptions(100, Duration.ofMillis(20), 0))
                .shadowReads(ShadowReadOptions.defaults().withSampleRate(1).withRecheckDelay(Duration.ofMillis(10)))
                .gates(gates)
                .build();
    }
}
