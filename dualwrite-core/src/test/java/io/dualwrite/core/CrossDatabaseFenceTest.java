package io.dualwrite.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.dualwrite.core.People.Person;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.jdbc.JdbcVerificationStore;
import io.dualwrite.core.model.DualWriteException;
import io.dualwrite.core.model.GateResult;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.model.SecondaryFailurePolicy;
import io.dualwrite.core.model.Side;
import io.dualwrite.core.model.TransitionRefusedException;
import io.dualwrite.core.phase.PhaseState;
import io.dualwrite.core.store.DivergenceLedger;
import io.dualwrite.testsupport.TestDatabases;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The handover fences across MariaDB (OLD) and PostgreSQL (NEW) when the move that raised them is gone, and when a
 * write holds them for long: a fence a dead move left raised blocks writes until background work lowers it after
 * {@link HandoverFences.Abandoned#AFTER}, and raising a fence that a long write holds gives up after the lock
 * timeout, refusing the move and leaving no fence raised. Both sides are compared with plain SQL.
 */
class CrossDatabaseFenceTest {

    private static final String PREFIX = "cross_fence";

    /** How long raising a fence waits for the writes that hold it (JdbcDivergenceLedger). */
    private static final Duration FENCE_LOCK_TIMEOUT = Duration.ofSeconds(3);

    private final String name = "fence-" + UUID.randomUUID();
    private final MutableClock clock = new MutableClock(Instant.now());
    private final ExecutorService callers = Executors.newCachedThreadPool();
    private DataSource mariadb;
    private DataSource postgres;
    private JdbcTransactions oldTransactions;
    private JdbcTransactions newTransactions;
    private Migration<Long, Person, PersonName> migration;
    private DualWrite dualWrite;

    @BeforeEach
    void setUp() {
        mariadb = TestDatabases.mariadb().dataSource();
        postgres = TestDatabases.postgres().dataSource();
        DualWriteSchema.create(mariadb);
        DualWriteSchema.create(postgres);
        People.createTables(mariadb, PREFIX);
        People.createTables(postgres, PREFIX);
        oldTransactions = JdbcTransactions.of(mariadb);
        newTransactions = JdbcTransactions.of(postgres);
        migration = Migration.builder(
                        name,
                        Long.class,
                        People.oldStore(oldTransactions, PREFIX),
                        People.newStore(newTransactions, PREFIX))
                .toNew(People::split)
                .toOld(People::join)
                .failurePolicy(SecondaryFailurePolicy.RECORD_FOR_REPAIR)
                .build();
        // The clock moves only by hand: it decides the fence's age, and nothing here waits by it otherwise.
        dualWrite = DualWrite.builder(new JdbcPhaseStore(postgres))
                .singleInstance()
                .migration(migration)
                .refreshInterval(Duration.ZERO)
                .verificationStore(new JdbcVerificationStore(postgres))
                .clock(clock)
                .build();
    }

    @AfterEach
    void tearDown() {
        callers.shutdownNow();
        if (dualWrite != null) {
            dualWrite.close();
        }
    }

    /*
     * Interleaving: a move DUAL_WRITE -> OLD_ONLY (it stops writing NEW, so it fences) raised both sides' fences to
     * the version it was about to commit; then its instance died, before it committed or lowered them. Every write
     * routed by the committed version is refused by the fence, waits for the move that never comes, and fails with
     * nothing written, until background work sees the fence stand above the committed version for two minutes (by
     * the clock) and lowers it. Before that it is left alone.
     */
    @Test
    void aFenceLeftRaisedByAMoveWhoseInstanceDiedBlocksWritesUntilBackgroundWorkLowersItAfterTwoMinutes() {
        dualWrite.startBackgroundWork();
        DualRepository<Long, Person, PersonName> people = people();
        dualWrite.advance(name, TransitionRequest.by("test", "dual write"));
        people.write(new Person(1, "Before Fence"));
        long committed = dualWrite.state(name).version();
        raiseBothFencesTo(committed + 1); // what the dead move did, and nothing after

        assertThatThrownBy(() -> people.write(new Person(2, "Fenced Write")))
                .isInstanceOf(DualWriteException.class)
                .hasMessageContaining("did not complete within");
        clock.advance(HandoverFences.Abandoned.AFTER.minusSeconds(1));
        assertThatThrownBy(() -> people.write(new Person(2, "Still Fenced")))
                .as("a write while the fence is not two minutes old yet")
                .isInstanceOf(DualWriteException.class)
                .hasMessageContaining("did not complete within");
        // Background work looked at the fence at least twice during each of those writes (every 2 s, 5 s each).
        assertThat(fences()).as("fences not two minutes old").isEqualTo(bothAt(committed + 1));

        clock.advance(Duration.ofSeconds(2));
        awaitUpTo(Duration.ofSeconds(10), () -> fences().equals(bothAt(committed)));
        assertThat(fences()).as("fences two minutes old").isEqualTo(bothAt(committed));
        people.write(new Person(3, "After Fence"));
        people.delete(1L);

        assertThat(People.rows(mariadb, PREFIX + "_old")).containsExactly(Map.entry(3L, "After Fence"));
        assertThat(People.rows(postgres, PREFIX + "_new")).containsExactly(Map.entry(3L, "After|Fence"));
        assertThat(dualWrite.ledgerSize(name)).isZero();
        assertThat(dualWrite.state(name).version()).isEqualTo(committed);
    }

    /*
     * The age is counted from when a fence above the committed version was first seen, and starts again once the
     * committed version caught up: a fence a move raised and committed is never taken for an abandoned one.
     */
    @Test
    void aFenceIsTakenForAbandonedOnlyOnceItStoodAboveTheCommittedVersionForMoreThanTwoMinutes() {
        HandoverFences.Abandoned abandoned = new HandoverFences.Abandoned(clock);
        dualWrite.advance(name, TransitionRequest.by("test", "dual write"));
        PhaseState committed = dualWrite.state(name);
        raiseBothFencesTo(committed.version() + 1);

        abandoned.lowerIfAbandoned(migration, committed);
        clock.advance(HandoverFences.Abandoned.AFTER);
        abandoned.lowerIfAbandoned(migration, committed);
        assertThat(fences()).as("after exactly two minutes").isEqualTo(bothAt(committed.version() + 1));

        // A move commits the fenced version: the fence is where it belongs, and its age starts again from zero.
        PhaseState moved = dualWrite.advance(name, TransitionRequest.by("test", "backfill"));
        assertThat(moved.version()).isEqualTo(committed.version() + 1);
        abandoned.lowerIfAbandoned(migration, moved);
        raiseBothFencesTo(moved.version() + 1);
        clock.advance(Duration.ofSeconds(1));
        abandoned.lowerIfAbandoned(migration, moved);
        clock.advance(HandoverFences.Abandoned.AFTER.minusSeconds(1));
        abandoned.lowerIfAbandoned(migration, moved);
        assertThat(fences())
                .as("over two minutes since the first fence was seen, under two since this one")
                .isEqualTo(bothAt(moved.version() + 1));

        clock.advance(Duration.ofSeconds(2));
        abandoned.lowerIfAbandoned(migration, moved);
        assertThat(fences())
                .as("more than two minutes above the committed version")
                .isEqualTo(bothAt(moved.version()));
    }

    /*
     * Interleaving (the race the age alone let through): a dead move left both fences at v+1; instance B's
     * background work first sees them at T0. At T0+1:59 a live move from v raises them again, to the same v+1, and
     * drains. At T0+2:01 B looks again: the fences are the same version, but not the same raise, so B must leave
     * them, or a lagging instance's write routed by v would commit on the old source of truth after the drain.
     * Also: a raise between B's look and its lowering is not undone (the lowering compares the raise).
     */
    @Test
    void aFenceRaisedAgainByALiveMoveIsNotTakenForTheAbandonedOneItReplaced() {
        HandoverFences.Abandoned abandoned = new HandoverFences.Abandoned(clock);
        dualWrite.advance(name, TransitionRequest.by("test", "dual write"));
        PhaseState committed = dualWrite.state(name);
        raiseBothFencesTo(committed.version() + 1);

        abandoned.lowerIfAbandoned(migration, committed);
        clock.advance(HandoverFences.Abandoned.AFTER.minusSeconds(1));
        raiseBothFencesTo(committed.version() + 1); // the live move raising them again
        clock.advance(Duration.ofSeconds(2));
        abandoned.lowerIfAbandoned(migration, committed);
        assertThat(fences())
                .as("raised again 1 s ago by a live move, though first seen over two minutes ago")
                .isEqualTo(bothAt(committed.version() + 1));

        long staleRaise = migration.ledger(Side.OLD).orElseThrow().fenceRaise(name);
        raiseBothFencesTo(committed.version() + 1);
        assertThat(migration.ledger(Side.OLD).orElseThrow().lowerAbandonedFence(name, staleRaise, committed.version()))
                .as("lowering a raise that was replaced meanwhile")
                .isFalse();
        assertThat(fences()).isEqualTo(bothAt(committed.version() + 1));
    }

    /*
     * Interleaving: in DUAL_WRITE a caller's transaction on OLD (MariaDB) wrote key 1 and stays open, holding OLD's
     * fence shared as every write does until it commits. A move DUAL_WRITE -> OLD_ONLY must raise that fence and
     * waits for the write: at most the lock timeout, then the move is refused (handover-fence), not committed, with
     * no fence left raised. The caller then commits, and its write reaches NEW as usual.
     */
    @Test
    void aMoveWhoseFenceALongWriteHoldsOnTheOldSideIsRefusedAfterTheLockTimeout() throws Exception {
        dualWrite.advance(name, TransitionRequest.by("test", "dual write"));
        long committed = dualWrite.state(name).version();
        Map<Side, Long> before = fences();

        refusedWhileALongWriteHoldsTheFence(oldTransactions, MigrationPhase.OLD_ONLY, before, committed);

        assertThat(People.rows(mariadb, PREFIX + "_old")).containsExactly(Map.entry(1L, "Long Write"));
        assertThat(People.rows(postgres, PREFIX + "_new")).containsExactly(Map.entry(1L, "Long|Write"));
        assertThat(dualWrite.ledgerSize(name)).isZero();
        dualWrite.transition(name, MigrationPhase.OLD_ONLY, TransitionRequest.by("test", "now it can"));
        assertThat(fences()).isEqualTo(bothAt(committed + 1));
    }

    /*
     * Interleaving: in READ_NEW a caller's transaction on NEW (PostgreSQL) wrote key 1 and stays open, holding NEW's
     * fence. A move READ_NEW -> BACKFILL raises OLD's fence (nothing holds it), then waits for NEW's: after the lock
     * timeout it gives up, lowers OLD's fence again and is refused. Had OLD's fence stayed raised, the caller's copy
     * to OLD would be fenced and every later write refused until the fence expired.
     */
    @Test
    void aMoveWhoseFenceALongWriteHoldsOnTheNewSideIsRefusedAfterTheLockTimeoutAndLowersTheFenceItRaised()
            throws Exception {
        while (dualWrite.phase(name) != MigrationPhase.READ_NEW) {
            dualWrite.advance(name, TransitionRequest.by("test", "forward"));
        }
        long committed = dualWrite.state(name).version();
        Map<Side, Long> before = fences();

        refusedWhileALongWriteHoldsTheFence(newTransactions, MigrationPhase.BACKFILL, before, committed);

        people().write(new Person(2, "Next Write"));
        assertThat(People.rows(postgres, PREFIX + "_new"))
                .containsExactly(Map.entry(1L, "Long|Write"), Map.entry(2L, "Next|Write"));
        assertThat(People.rows(mariadb, PREFIX + "_old"))
                .containsExactly(Map.entry(1L, "Long Write"), Map.entry(2L, "Next Write"));
        assertThat(dualWrite.ledgerSize(name)).isZero();
    }

    /**
     * Holds the fence of the side {@code callers} writes first with an open caller's transaction that wrote key 1,
     * asks for the move to {@code target}, and checks that it is refused after about the lock timeout, that the phase
     * and the fences did not change, and that the caller's transaction then commits.
     */
    private void refusedWhileALongWriteHoldsTheFence(
            JdbcTransactions callersDatabase, MigrationPhase target, Map<Side, Long> before, long committed)
            throws Exception {
        DualRepository<Long, Person, PersonName> people = people();
        CountDownLatch written = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<?> longWrite = callers.submit(() -> callersDatabase.inTransaction(() -> {
            people.write(new Person(1, "Long Write"));
            written.countDown();
            await(release);
        }));
        assertThat(written.await(10, TimeUnit.SECONDS)).isTrue();

        long started = System.nanoTime();
        TransitionRefusedException refused = assertTimeoutPreemptively(
                Duration.ofSeconds(20),
                () -> catchRefusal(() ->
                        dualWrite.transition(name, target, TransitionRequest.by("test", "while a write is open"))));
        Duration waited = Duration.ofNanos(System.nanoTime() - started);

        assertThat(refused.failedGates()).extracting(GateResult::name).contains(HandoverFences.FENCE);
        assertThat(waited)
                .as("how long the move waited for the write holding the fence")
                .isBetween(FENCE_LOCK_TIMEOUT.minusMillis(500), FENCE_LOCK_TIMEOUT.plusSeconds(4));
        assertThat(dualWrite.state(name).version())
                .as("the phase version after the refusal")
                .isEqualTo(committed);
        release.countDown();
        longWrite.get(10, TimeUnit.SECONDS);
        assertThat(fences()).as("the fences after the refused move").isEqualTo(before);
    }

    private static TransitionRefusedException catchRefusal(Runnable move) {
        try {
            move.run();
        } catch (TransitionRefusedException refused) {
            return refused;
        }
        throw new AssertionError("the move committed while a write held its fence");
    }

    @SuppressWarnings("unchecked")
    private DualRepository<Long, Person, PersonName> people() {
        return (DualRepository<Long, Person, PersonName>) dualWrite.repository(name);
    }

    private DivergenceLedger ledger(Side side) {
        return migration.ledger(side).orElseThrow();
    }

    private void raiseBothFencesTo(long version) {
        ledger(Side.OLD).setFence(name, version);
        ledger(Side.NEW).setFence(name, version);
    }

    private Map<Side, Long> fences() {
        return Map.of(
                Side.OLD,
                ledger(Side.OLD).fence(name),
                Side.NEW,
                ledger(Side.NEW).fence(name));
    }

    private static Map<Side, Long> bothAt(long version) {
        return Map.of(Side.OLD, version, Side.NEW, version);
    }

    private static void awaitUpTo(Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
