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
import io.dualwrite.core.model.GateResult;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.TransitionRefusedException;
import io.dualwrite.core.phase.AuditEntry;
import io.dualwrite.core.phase.InstanceState;
import io.dualwrite.core.store.MigrationStore;
import io.dualwrite.testsupport.TestDatabases;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several instances, each with its own cached view of the phase, on one PostgreSQL database: a forward move waits
 * until every live instance applies the current phase, names the ones that lag, stops waiting for an instance
 * whose heartbeats stopped, and counts a write routed by the old phase as not applied until it ends.
 */
class PostgresInstanceBarrierTest {

    private static final String PREFIX = "barrier";
    private static final Duration HEARTBEAT = Duration.ofMillis(100);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final List<DualWrite> instances = new ArrayList<>();
    private DataSource postgres;
    private JdbcTransactions transactions;
    private String name;

    @BeforeEach
    void setUp() {
        postgres = TestDatabases.postgres().dataSource();
        DualWriteSchema.create(postgres);
        People.createTables(postgres, PREFIX);
        transactions = JdbcTransactions.of(postgres);
        name = "barrier-" + UUID.randomUUID();
    }

    @AfterEach
    void closeInstances() {
        instances.forEach(DualWrite::close);
    }

    @Test
    void aMoveWaitsForEveryLiveInstanceAndNamesTheOnesThatLag() {
        DualWrite a = instance("a", Duration.ZERO, People.oldStore(transactions, PREFIX));
        DualWrite b = instance("b", Duration.ZERO, People.oldStore(transactions, PREFIX));
        DualWrite lagging = instance("c", Duration.ofHours(1), People.oldStore(transactions, PREFIX));
        a.advance(name, TransitionRequest.by("alice", "dual writes"));
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> a.managed(name).liveInstances().stream()
                                .filter(i -> i.phase() == MigrationPhase.DUAL_WRITE)
                                .count()
                        == 2);

        assertThatThrownBy(() -> b.advance(name, TransitionRequest.by("bob", "backfill")))
                .isInstanceOf(TransitionRefusedException.class)
                .hasMessageContaining(DualWrite.BARRIER_GATE)
                .hasMessageContaining("2 of 3 live instances apply DUAL_WRITE")
                .hasMessageContaining("c (applies OLD_ONLY, version 0");
        AuditEntry refusal = a.auditTrail(name, 1).get(0);
        assertThat(refusal.event()).isEqualTo(AuditEntry.Event.REFUSED);
        assertThat(refusal.evidence()).anySatisfy(gate -> {
            assertThat(gate.name()).isEqualTo(DualWrite.BARRIER_GATE);
            assertThat(gate.passed()).isFalse();
        });
        assertThat(a.gates(name, MigrationPhase.BACKFILL))
                .filteredOn(GateResult::name, DualWrite.BARRIER_GATE)
                .singleElement()
                .extracting(GateResult::passed)
                .isEqualTo(false);

        lagging.state(name); // the lagging instance reads the store at last and applies DUAL_WRITE
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                        b.gates(name, MigrationPhase.BACKFILL))
                .filteredOn(GateResult::name, DualWrite.BARRIER_GATE)
                .singleElement()
                .extracting(GateResult::passed)
                .isEqualTo(true));
        // a moved DUAL_WRITE, so a records the move as complete once the last instance applies it
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> a.auditTrail(name, 10).stream()
                .anyMatch(e -> e.event() == AuditEntry.Event.COMPLETED && e.to() == MigrationPhase.DUAL_WRITE));
        assertThat(a.auditTrail(name, 10))
                .filteredOn(e -> e.event() == AuditEntry.Event.COMPLETED)
                .singleElement()
                .satisfies(e -> assertThat(e.evidence().get(0).detail())
                        .contains("3 of 3 live instances apply DUAL_WRITE (version 1): a, b, c"));
        assertThat(b.advance(name, TransitionRequest.by("bob", "backfill")).phase())
                .isEqualTo(MigrationPhase.BACKFILL);
    }

    @Test
    void anInstanceWhoseHeartbeatsStoppedIsNoLongerWaitedForAfterTheTimeout() {
        DualWrite a = instance("a", Duration.ZERO, People.oldStore(transactions, PREFIX));
        new JdbcInstanceRegistry(transactions)
                .heartbeat(new InstanceState("crashed", name, MigrationPhase.OLD_ONLY, 0, Instant.now()));
        a.advance(name, TransitionRequest.by("alice", "dual writes"));

        assertThatThrownBy(() -> a.advance(name, TransitionRequest.by("alice", "backfill")))
                .isInstanceOf(TransitionRefusedException.class)
                .hasMessageContaining("crashed (applies OLD_ONLY");

        Awaitility.await().atMost(TIMEOUT.multipliedBy(3)).until(() -> a.managed(name).liveInstances().stream()
                .noneMatch(i -> i.instanceId().equals("crashed")));
        assertThat(a.advance(name, TransitionRequest.by("alice", "backfill")).phase())
                .isEqualTo(MigrationPhase.BACKFILL);
    }

    @Test
    void aWriteRoutedByTheOldPhaseHoldsTheBarrierUntilItEnds() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        MigrationStore<Long, Person> slowOld =
                new BlockingUpserts(People.oldStore(transactions, PREFIX), writing, release);
        DualWrite a = instance("a", Duration.ZERO, People.oldStore(transactions, PREFIX));
        DualWrite b = instance("b", Duration.ZERO, slowOld);
        DualRepository<?, ?, ?> repository = b.repository(name);
        @SuppressWarnings("unchecked")
        DualRepository<Long, Person, PersonName> people = (DualRepository<Long, Person, PersonName>) repository;
        Thread write = new Thread(() -> people.write(new Person(1, "Ada Lovelace")));
        write.start();
        assertThat(writing.await(5, TimeUnit.SECONDS)).isTrue();

        a.advance(name, TransitionRequest.by("alice", "dual writes")); // b's write was routed by OLD_ONLY
        Thread.sleep(HEARTBEAT.multipliedBy(5).toMillis());
        assertThat(a.managed(name).liveInstances())
                .filteredOn(i -> i.instanceId().equals("b"))
                .singleElement()
                .extracting(InstanceState::phase)
                .isEqualTo(MigrationPhase.OLD_ONLY);
        assertThatThrownBy(() -> a.advance(name, TransitionRequest.by("alice", "backfill")))
                .isInstanceOf(TransitionRefusedException.class)
                .hasMessageContaining("b (applies OLD_ONLY");

        release.countDown();
        write.join(5_000);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> a.managed(name).liveInstances().stream()
                .allMatch(i -> i.phase() == MigrationPhase.DUAL_WRITE));
        assertThat(a.advance(name, TransitionRequest.by("alice", "backfill")).phase())
                .isEqualTo(MigrationPhase.BACKFILL);
    }

    /*
     * Interleaving (a rolling deploy right after a move):
     *   1. a moves to DUAL_WRITE (version 1); c still applies OLD_ONLY, so a waits to audit the move COMPLETED.
     *   2. a is stopped (redeployed) before c refreshes; a new instance a2 starts and applies DUAL_WRITE.
     *   3. c refreshes: every live instance applies version 1.
     * Only a knew it had to write the COMPLETED entry, so none is ever written: no verification of this phase can
     * count (the evidence gates wait for it), until another move.
     */
    @Test
    void aMoveIsAuditedAsCompletedEvenWhenTheInstanceThatMadeItStopsBeforeTheOthersApplyIt() {
        DualWrite a = instance("a", Duration.ZERO, People.oldStore(transactions, PREFIX));
        DualWrite lagging = instance("c", Duration.ofHours(1), People.oldStore(transactions, PREFIX));
        a.advance(name, TransitionRequest.by("alice", "dual writes"));
        a.close();
        instances.remove(a);
        DualWrite restarted = instance("a2", Duration.ZERO, People.oldStore(transactions, PREFIX));
        lagging.state(name);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> restarted.managed(name).liveInstances().stream()
                .allMatch(i -> i.version() == 1));

        Awaitility.await().atMost(TIMEOUT.multipliedBy(3)).untilAsserted(() -> assertThat(
                        restarted.auditTrail(name, 10))
                .anyMatch(e -> e.event() == AuditEntry.Event.COMPLETED && e.version() == 1));
    }

    private DualWrite instance(String id, Duration refreshInterval, MigrationStore<Long, Person> oldStore) {
        Migration<Long, Person, PersonName> migration = Migration.builder(
                        name, Long.class, oldStore, People.newStore(transactions, PREFIX))
                .toNew(People::split)
                .build();
        DualWrite instance = DualWrite.builder(new JdbcPhaseStore(transactions))
                .migration(migration)
                .instanceId(id)
                .refreshInterval(refreshInterval)
                .instanceRegistry(new JdbcInstanceRegistry(transactions), HEARTBEAT, TIMEOUT)
                .build();
        instances.add(instance);
        return instance;
    }

    /** An OLD store whose upserts wait for a latch, as a slow write in flight. */
    private static final class BlockingUpserts extends ForwardingStore<Long, Person> {
        private final CountDownLatch writing;
        private final CountDownLatch release;

        BlockingUpserts(MigrationStore<Long, Person> delegate, CountDownLatch writing, CountDownLatch release) {
            super(delegate);
            this.writing = writing;
            this.release = release;
        }

        @Override
        public void upsert(Person value) {
            writing.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            super.upsert(value);
        }
    }
}
