package io.dualwrite.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.backfill.BackfillProgress;
import io.dualwrite.core.backfill.BackfillState;
import io.dualwrite.core.backfill.BackfillStore;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour dualwrite relies on from a {@link BackfillStore}: one backfill per migration, started once, its
 * copy lease held by one owner at a time, and every checkpoint, completion and failure fenced by that lease. Extend
 * it once per store and database; {@link #createStore} is called before each test, and each test uses a migration
 * name of its own, so a store on a shared table needs no clean-up.
 */
public abstract class AbstractBackfillStoreContractTest {

    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    private BackfillStore store;
    private String migration;

    /** The store under test, on a schema that exists (called before each test). */
    protected abstract BackfillStore createStore();

    @BeforeEach
    void setUp() {
        store = createStore();
        migration = "bf-" + UUID.randomUUID();
    }

    @Test
    void findOfAnUnknownMigrationIsEmpty() {
        assertThat(store.find(migration)).isEmpty();
    }

    @Test
    void startIfAbsentStartsOnceWithTheFirstBounds() {
        BackfillProgress first = store.startIfAbsent(migration, "100", 90, T0);
        BackfillProgress second = store.startIfAbsent(migration, "999", 5, T0.plusSeconds(1));

        assertThat(first.state()).isEqualTo(BackfillState.RUNNING);
        assertThat(first.upperKey()).isEqualTo("100");
        assertThat(first.rowsEstimated()).isEqualTo(90);
        assertThat(first.startedAt()).isEqualTo(T0);
        assertThat(second).isEqualTo(first);
    }

    @Test
    void onlyOneOwnerHoldsTheLeaseUntilItExpires() {
        store.startIfAbsent(migration, "100", 90, T0);

        assertThat(store.acquireLease(migration, "a", T0, T0.plusSeconds(30))).isTrue();
        assertThat(store.acquireLease(migration, "b", T0.plusSeconds(29), T0.plusSeconds(59)))
                .isFalse();
        assertThat(store.acquireLease(migration, "a", T0.plusSeconds(29), T0.plusSeconds(59)))
                .isTrue();
        assertThat(store.acquireLease(migration, "b", T0.plusSeconds(60), T0.plusSeconds(90)))
                .isTrue();
        assertThat(store.find(migration).orElseThrow().leaseOwner()).isEqualTo("b");
    }

    @Test
    void checkpointsAreFencedByTheLease() {
        store.startIfAbsent(migration, "100", 90, T0);
        store.acquireLease(migration, "a", T0, T0.plusSeconds(30));

        assertThat(store.checkpoint(migration, "a", "10", 10, 100.0, T0.plusSeconds(1), T0.plusSeconds(31)))
                .isTrue();
        assertThat(store.acquireLease(migration, "b", T0.plusSeconds(40), T0.plusSeconds(70)))
                .isTrue();
        assertThat(store.checkpoint(migration, "a", "20", 10, 100.0, T0.plusSeconds(41), T0.plusSeconds(71)))
                .isFalse();
        assertThat(store.checkpoint(migration, "b", "15", 5, 50.0, T0.plusSeconds(42), T0.plusSeconds(72)))
                .isTrue();

        BackfillProgress progress = store.find(migration).orElseThrow();
        assertThat(progress.lastKey()).isEqualTo("15");
        assertThat(progress.rowsCopied()).isEqualTo(15);
        assertThat(progress.rowsPerSecond()).isEqualTo(50.0);
        assertThat(progress.updatedAt()).isEqualTo(T0.plusSeconds(42));
    }

    @Test
    void pauseStopsTheHolderAndResumeKeepsTheCheckpoint() {
        store.startIfAbsent(migration, "100", 90, T0);
        store.acquireLease(migration, "a", T0, T0.plusSeconds(30));
        store.checkpoint(migration, "a", "10", 10, 100.0, T0, T0.plusSeconds(30));

        assertThat(store.changeState(migration, EnumSet.of(BackfillState.RUNNING), BackfillState.PAUSED, T0))
                .isTrue();
        assertThat(store.checkpoint(migration, "a", "20", 10, 100.0, T0, T0.plusSeconds(30)))
                .isFalse();
        assertThat(store.acquireLease(migration, "a", T0, T0.plusSeconds(30))).isFalse();
        assertThat(store.changeState(migration, EnumSet.of(BackfillState.RUNNING), BackfillState.PAUSED, T0))
                .isFalse();

        assertThat(store.changeState(migration, EnumSet.of(BackfillState.PAUSED), BackfillState.RUNNING, T0))
                .isTrue();
        BackfillProgress resumed = store.find(migration).orElseThrow();
        assertThat(resumed.state()).isEqualTo(BackfillState.RUNNING);
        assertThat(resumed.lastKey()).isEqualTo("10");
        assertThat(resumed.leaseOwner()).isNull();
    }

    @Test
    void completeAndFailNeedTheLease() {
        store.startIfAbsent(migration, "100", 90, T0);
        store.acquireLease(migration, "a", T0, T0.plusSeconds(30));

        assertThat(store.complete(migration, "b", T0)).isFalse();
        assertThat(store.fail(migration, "b", "nope", T0)).isFalse();
        assertThat(store.fail(migration, "a", "disk full", T0.plusSeconds(1))).isTrue();

        BackfillProgress failed = store.find(migration).orElseThrow();
        assertThat(failed.state()).isEqualTo(BackfillState.FAILED);
        assertThat(failed.failure()).isEqualTo("disk full");
        assertThat(failed.leaseOwner()).isNull();
    }

    @Test
    void completionIsRecorded() {
        store.startIfAbsent(migration, "100", 90, T0);
        store.acquireLease(migration, "a", T0, T0.plusSeconds(30));
        store.checkpoint(migration, "a", "100", 90, 100.0, T0, T0.plusSeconds(30));

        assertThat(store.complete(migration, "a", T0.plus(Duration.ofSeconds(3))))
                .isTrue();

        BackfillProgress done = store.find(migration).orElseThrow();
        assertThat(done.state()).isEqualTo(BackfillState.COMPLETED);
        assertThat(done.completedAt()).isEqualTo(T0.plusSeconds(3));
        assertThat(done.fractionDone()).isEqualTo(1.0);
        assertThat(done.eta()).contains(Duration.ZERO);
    }

    @Test
    void restartReplacesEverything() {
        store.startIfAbsent(migration, "100", 90, T0);
        store.acquireLease(migration, "a", T0, T0.plusSeconds(30));
        store.checkpoint(migration, "a", "50", 50, 10.0, T0, T0.plusSeconds(30));
        store.changeState(migration, EnumSet.of(BackfillState.RUNNING), BackfillState.CANCELLED, T0);

        BackfillProgress fresh = store.restart(migration, "200", 180, T0.plusSeconds(5));

        assertThat(fresh.state()).isEqualTo(BackfillState.RUNNING);
        assertThat(fresh.upperKey()).isEqualTo("200");
        assertThat(fresh.lastKey()).isNull();
        assertThat(fresh.rowsCopied()).isZero();
        assertThat(fresh.leaseOwner()).isNull();
    }

    @Test
    void onlyTheOwnerReleasesTheLeaseAndAnotherOwnerTakesItAtOnce() {
        store.startIfAbsent(migration, "100", 90, T0);
        store.acquireLease(migration, "a", T0, T0.plusSeconds(30));

        store.releaseLease(migration, "b");
        assertThat(store.acquireLease(migration, "b", T0.plusSeconds(1), T0.plusSeconds(31)))
                .isFalse();

        store.releaseLease(migration, "a");
        assertThat(store.find(migration).orElseThrow().leaseOwner()).isNull();
        assertThat(store.acquireLease(migration, "b", T0.plusSeconds(2), T0.plusSeconds(32)))
                .isTrue();
        assertThat(store.checkpoint(migration, "a", "10", 10, 100.0, T0.plusSeconds(3), T0.plusSeconds(33)))
                .isFalse();
    }

    @Test
    void aBackfillThatIsNotRunningGivesNoLease() {
        store.startIfAbsent(migration, "100", 90, T0);
        store.changeState(migration, EnumSet.of(BackfillState.RUNNING), BackfillState.CANCELLED, T0);

        assertThat(store.acquireLease(migration, "a", T0, T0.plusSeconds(30))).isFalse();
        assertThat(store.find(migration).orElseThrow().state()).isEqualTo(BackfillState.CANCELLED);
        assertThat(store.acquireLease("never-" + migration, "a", T0, T0.plusSeconds(30)))
                .isFalse();
    }
}
