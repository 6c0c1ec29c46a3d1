package io.dualwrite.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.core.model.ConcurrentTransitionException;
import io.dualwrite.core.model.GateResult;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.phase.AuditEntry;
import io.dualwrite.core.phase.PhaseState;
import io.dualwrite.core.phase.PhaseStore;
import io.dualwrite.core.phase.Resync;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour dualwrite relies on from a {@link PhaseStore}: a migration initialized once, transitions that
 * commit with their audit entry under a compare-and-set on the version (of concurrent transitions from one state
 * exactly one wins), an audit trail newest first, and the re-sync record. Extend it once per store and database;
 * {@link #createStore} is called before each test, and each test uses a migration name of its own, so a store on a
 * shared table needs no clean-up.
 */
public abstract class AbstractPhaseStoreContractTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00.123456Z");

    private PhaseStore store;
    private String migration;

    /** The store under test, on a schema that exists (called before each test). */
    protected abstract PhaseStore createStore();

    @BeforeEach
    void setUp() {
        store = createStore();
        migration = "m-" + UUID.randomUUID();
    }

    @Test
    void initializeStoresTheInitialPhaseOnce() {
        PhaseState first = store.initialize(migration, MigrationPhase.OLD_ONLY, "boot", T0);
        PhaseState again = store.initialize(migration, MigrationPhase.READ_NEW, "other", T0.plusSeconds(5));

        assertThat(first).isEqualTo(new PhaseState(migration, MigrationPhase.OLD_ONLY, 0, T0, "boot"));
        assertThat(again).isEqualTo(first);
        assertThat(store.find(migration)).contains(first);
    }

    @Test
    void findOfAnUnknownMigrationIsEmpty() {
        assertThat(store.find("never-" + UUID.randomUUID())).isEmpty();
    }

    @Test
    void transitionMovesThePhaseBumpsTheVersionAndAudits() {
        PhaseState initial = store.initialize(migration, MigrationPhase.OLD_ONLY, "boot", T0);
        Instant at = T0.plusSeconds(60);
        AuditEntry entry = entry(MigrationPhase.OLD_ONLY, MigrationPhase.DUAL_WRITE, 1, at);

        PhaseState next = store.transition(initial, entry);

        assertThat(next).isEqualTo(new PhaseState(migration, MigrationPhase.DUAL_WRITE, 1, at, "alice"));
        assertThat(store.find(migration)).contains(next);
        assertThat(store.auditTrail(migration, 10)).containsExactly(entry);
    }

    @Test
    void aTransitionFromAStaleStateIsRejectedAndChangesNothing() {
        PhaseState initial = store.initialize(migration, MigrationPhase.OLD_ONLY, "boot", T0);
        PhaseState moved = store.transition(initial, entry(MigrationPhase.OLD_ONLY, MigrationPhase.DUAL_WRITE, 1, T0));

        assertThatThrownBy(() ->
                        store.transition(initial, entry(MigrationPhase.OLD_ONLY, MigrationPhase.DUAL_WRITE, 1, T0)))
                .isInstanceOf(ConcurrentTransitionException.class)
                .hasMessageContaining("expected version 0, but was 1");
        assertThat(store.find(migration)).contains(moved);
        assertThat(store.auditTrail(migration, 10)).hasSize(1);
    }

    @Test
    void ofManyConcurrentTransitionsFromOneStateExactlyOneWins() throws Exception {
        PhaseState initial = store.initialize(migration, MigrationPhase.OLD_ONLY, "boot", T0);
        int contenders = 8;
        ExecutorService pool = Executors.newFixedThreadPool(contenders);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Boolean>> outcomes = new ArrayList<>();
            for (int i = 0; i < contenders; i++) {
                outcomes.add(pool.submit(() -> {
                    start.await();
                    try {
                        store.transition(initial, entry(MigrationPhase.OLD_ONLY, MigrationPhase.DUAL_WRITE, 1, T0));
                        return true;
                    } catch (ConcurrentTransitionException e) {
                        return false;
                    }
                }));
            }
            start.countDown();
            int winners = 0;
            for (Future<Boolean> outcome : outcomes) {
                winners += outcome.get(30, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
            assertThat(store.find(migration).orElseThrow().version()).isEqualTo(1);
            assertThat(store.auditTrail(migration, 100)).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void auditTrailIsNewestFirstLimitedAndKeepsEvidence() {
        PhaseState state = store.initialize(migration, MigrationPhase.OLD_ONLY, "boot", T0);
        state = store.transition(
                state, entry(MigrationPhase.OLD_ONLY, MigrationPhase.DUAL_WRITE, 1, T0.plusSeconds(1)));
        AuditEntry refused = new AuditEntry(
                migration,
                AuditEntry.Event.REFUSED,
                MigrationPhase.DUAL_WRITE,
                MigrationPhase.BACKFILL,
                1,
                "bob",
                "try",
                List.of(GateResult.pass("instances", "3 of 3 in DUAL_WRITE"), GateResult.fail("lag", "1 lagging: a:1")),
                T0.plusSeconds(2));
        store.audit(refused);
        store.transition(state, entry(MigrationPhase.DUAL_WRITE, MigrationPhase.OLD_ONLY, 2, T0.plusSeconds(3)));

        List<AuditEntry> trail = store.auditTrail(migration, 2);

        assertThat(trail).hasSize(2);
        assertThat(trail.get(0).to()).isEqualTo(MigrationPhase.OLD_ONLY);
        assertThat(trail.get(1)).isEqualTo(refused);
        assertThat(store.auditTrail(migration, 10)).hasSize(3);
    }

    /*
     * An operator (or a script) retrying a refused move audits a REFUSED entry each time: the COMPLETED entry of
     * the phase version, which every later verification's evidence is measured from, must still be found.
     */
    @Test
    void theCompletionOfAVersionIsFoundBehindAnyNumberOfLaterEntries() {
        PhaseState state = store.initialize(migration, MigrationPhase.OLD_ONLY, "boot", T0);
        store.transition(state, entry(MigrationPhase.OLD_ONLY, MigrationPhase.DUAL_WRITE, 1, T0.plusSeconds(1)));
        assertThat(store.completed(migration, 1)).isEmpty();
        AuditEntry completed = new AuditEntry(
                migration,
                AuditEntry.Event.COMPLETED,
                MigrationPhase.DUAL_WRITE,
                MigrationPhase.DUAL_WRITE,
                1,
                "dualwrite",
                "every live instance applies DUAL_WRITE",
                List.of(),
                T0.plusSeconds(2));
        store.audit(completed);
        for (int i = 0; i < 250; i++) {
            store.audit(new AuditEntry(
                    migration,
                    AuditEntry.Event.REFUSED,
                    MigrationPhase.DUAL_WRITE,
                    MigrationPhase.BACKFILL,
                    1,
                    "bob",
                    "retry " + i,
                    List.of(GateResult.fail("lag", "not yet")),
                    T0.plusSeconds(3 + i)));
        }

        assertThat(store.completed(migration, 1)).contains(completed);
        assertThat(store.completed(migration, 2)).isEmpty();
        assertThat(store.completed("never-" + migration, 1)).isEmpty();
    }

    @Test
    void aResyncIsStoredAndReplacedByTheNextOne() {
        assertThat(store.findResync(migration)).isEmpty();
        Resync waiting = new Resync(migration, 4, Resync.State.WAITING, 0, 0, T0, T0, null, "waiting for 2 instances");

        store.saveResync(waiting);
        assertThat(store.findResync(migration)).contains(waiting);

        Resync completed = waiting.with(Resync.State.COMPLETED, 12, 0, T0.plusSeconds(30), null);
        store.saveResync(completed);
        assertThat(store.findResync(migration)).contains(completed);

        Resync next = new Resync(
                migration, 6, Resync.State.RUNNING, 3, 3, T0.plusSeconds(60), T0.plusSeconds(61), null, null);
        store.saveResync(next);
        assertThat(store.findResync(migration)).contains(next);
        assertThat(store.findResync("never-" + migration)).isEmpty();
    }

    private AuditEntry entry(MigrationPhase from, MigrationPhase to, long version, Instant at) {
        return new AuditEntry(
                migration,
                AuditEntry.Event.ADVANCED,
                from,
                to,
                version,
                "alice",
                "because",
                List.of(),
                at.truncatedTo(ChronoUnit.MICROS));
    }
}
