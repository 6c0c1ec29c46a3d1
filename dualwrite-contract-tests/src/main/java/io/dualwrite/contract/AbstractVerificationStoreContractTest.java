package io.dualwrite.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.verify.VerificationProgress;
import io.dualwrite.core.verify.VerificationState;
import io.dualwrite.core.verify.VerificationStore;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour dualwrite relies on from a {@link VerificationStore}: the latest full verification of each
 * migration, which a new start replaces, whose checkpoints add up, and whose every change names the run (its start
 * time) it belongs to, so that a run replaced or cancelled meanwhile stops. Extend it once per store and database;
 * {@link #createStore} is called before each test, and each test uses a migration name of its own, so a store on a
 * shared table needs no clean-up.
 */
public abstract class AbstractVerificationStoreContractTest {

    /** With microseconds, the precision of dualwrite's timestamp columns. */
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00.123456Z");

    private VerificationStore store;
    private String migration;

    /** The store under test, on a schema that exists (called before each test). */
    protected abstract VerificationStore createStore();

    @BeforeEach
    void setUp() {
        store = createStore();
        migration = "verify-" + UUID.randomUUID();
    }

    @Test
    void findOfAnUnknownMigrationIsEmpty() {
        assertThat(store.find(migration)).isEmpty();
    }

    @Test
    void startStoresARunningVerificationOfThePhaseVersion() {
        VerificationProgress started = store.start(migration, 3, T0);

        assertThat(started)
                .isEqualTo(new VerificationProgress(
                        migration, VerificationState.RUNNING, null, 0, 0, 0, T0, T0, null, null, 3L));
        assertThat(store.find(migration)).contains(started);
    }

    @Test
    void checkpointsAddUpAndMoveTheLastKey() {
        store.start(migration, 3, T0);

        assertThat(store.checkpoint(migration, T0, "100", 100, 2, 1, T0.plusSeconds(1)))
                .isTrue();
        assertThat(store.checkpoint(migration, T0, "250", 150, 0, 3, T0.plusSeconds(2)))
                .isTrue();

        VerificationProgress progress = store.find(migration).orElseThrow();
        assertThat(progress.state()).isEqualTo(VerificationState.RUNNING);
        assertThat(progress.lastKey()).isEqualTo("250");
        assertThat(progress.rowsChecked()).isEqualTo(250);
        assertThat(progress.divergences()).isEqualTo(2);
        assertThat(progress.inFlight()).isEqualTo(4);
        assertThat(progress.startedAt()).isEqualTo(T0);
        assertThat(progress.updatedAt()).isEqualTo(T0.plusSeconds(2));
    }

    @Test
    void completionIsRecordedAndEndsTheRun() {
        store.start(migration, 3, T0);
        store.checkpoint(migration, T0, "100", 100, 0, 0, T0.plusSeconds(1));

        store.complete(migration, T0, T0.plusSeconds(5));

        VerificationProgress done = store.find(migration).orElseThrow();
        assertThat(done.state()).isEqualTo(VerificationState.COMPLETED);
        assertThat(done.completedAt()).isEqualTo(T0.plusSeconds(5));
        assertThat(done.rowsChecked()).isEqualTo(100);
        assertThat(done.phaseVersion()).isEqualTo(3L);
        assertThat(store.checkpoint(migration, T0, "200", 100, 0, 0, T0.plusSeconds(6)))
                .isFalse();
        assertThat(store.cancel(migration, "too late", T0.plusSeconds(7))).isFalse();
        assertThat(store.find(migration).orElseThrow().state()).isEqualTo(VerificationState.COMPLETED);
    }

    @Test
    void aFailureIsRecordedWithItsReason() {
        store.start(migration, 3, T0);

        store.fail(migration, T0, "the new side is unreachable", T0.plusSeconds(5));

        VerificationProgress failed = store.find(migration).orElseThrow();
        assertThat(failed.state()).isEqualTo(VerificationState.FAILED);
        assertThat(failed.failure()).isEqualTo("the new side is unreachable");
        assertThat(failed.completedAt()).isNull();
        assertThat(store.checkpoint(migration, T0, "200", 100, 0, 0, T0.plusSeconds(6)))
                .isFalse();
    }

    @Test
    void cancelStopsTheRunningVerificationOnly() {
        assertThat(store.cancel(migration, "nothing runs", T0)).isFalse();
        store.start(migration, 3, T0);

        assertThat(store.cancel(migration, "an operator cancelled it", T0.plusSeconds(1)))
                .isTrue();

        VerificationProgress cancelled = store.find(migration).orElseThrow();
        assertThat(cancelled.state()).isEqualTo(VerificationState.CANCELLED);
        assertThat(cancelled.failure()).isEqualTo("an operator cancelled it");
        assertThat(store.checkpoint(migration, T0, "100", 100, 0, 0, T0.plusSeconds(2)))
                .isFalse();
        assertThat(store.cancel(migration, "again", T0.plusSeconds(3))).isFalse();
    }

    /* A run replaced by a newer one must stop: its checkpoints, completion and failure change nothing. */
    @Test
    void aNewStartReplacesTheRunAndRefusesTheFormerRunsChanges() {
        store.start(migration, 3, T0);
        store.checkpoint(migration, T0, "100", 100, 1, 0, T0.plusSeconds(1));
        Instant second = T0.plusSeconds(10);

        VerificationProgress fresh = store.start(migration, 4, second);

        assertThat(fresh.state()).isEqualTo(VerificationState.RUNNING);
        assertThat(fresh.lastKey()).isNull();
        assertThat(fresh.rowsChecked()).isZero();
        assertThat(fresh.divergences()).isZero();
        assertThat(fresh.phaseVersion()).isEqualTo(4L);
        assertThat(store.checkpoint(migration, T0, "200", 100, 0, 0, second.plusSeconds(1)))
                .isFalse();
        store.complete(migration, T0, second.plusSeconds(2));
        store.fail(migration, T0, "the former run failed", second.plusSeconds(3));
        assertThat(store.find(migration)).contains(fresh);

        assertThat(store.checkpoint(migration, second, "50", 50, 0, 0, second.plusSeconds(4)))
                .isTrue();
        assertThat(store.find(migration).orElseThrow().rowsChecked()).isEqualTo(50);
    }
}
