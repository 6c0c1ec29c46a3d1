package io.dualwrite.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.dualwrite.core.model.Side;
import io.dualwrite.core.store.DivergenceLedger;
import io.dualwrite.core.store.DivergenceLedger.DivergenceCause;
import io.dualwrite.core.store.DivergenceLedger.Entry;
import io.dualwrite.core.store.Transactions;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour dualwrite relies on from a {@link DivergenceLedger}: one entry per key and migration, recorded in
 * the transaction open on the thread and replaced by a later record, listed oldest first, resolved only while its
 * side ahead is unchanged; and the migration's fence, which a write holds shared until its transaction ends, so
 * that raising the fence waits for every write that passed it. Extend it once per ledger and database;
 * {@link #createLedger} is called before each test, and each test uses a migration name of its own, so a ledger on
 * a shared table needs no clean-up.
 */
public abstract class AbstractDivergenceLedgerContractTest {

    private final String migration = "ledger-" + UUID.randomUUID();
    private final ExecutorService holders = Executors.newCachedThreadPool();
    private DivergenceLedger ledger;
    private Transactions transactions;

    /** The ledger under test, on a schema that exists (called before each test). */
    protected abstract DivergenceLedger createLedger();

    /**
     * The transactions of the ledger's database: the ones whose open transaction {@link DivergenceLedger#record}
     * and {@link DivergenceLedger#fence} join. Called after {@link #createLedger}.
     */
    protected abstract Transactions transactions();

    @BeforeEach
    void createLedgerUnderTest() {
        ledger = createLedger();
        transactions = transactions();
        ledger.setFence(migration, 0); // as registering the migration does
    }

    @AfterEach
    void stopHolders() {
        holders.shutdownNow();
    }

    @Test
    void aRecordedKeyIsFoundWithItsSideAheadCauseAndDetail() {
        assertThat(ledger.find(migration, "7")).isEmpty();

        ledger.record(migration, "7", Side.OLD, DivergenceCause.SECONDARY_WRITE_FAILED, "timeout after 1 s");

        Entry entry = ledger.find(migration, "7").orElseThrow();
        assertThat(entry.migration()).isEqualTo(migration);
        assertThat(entry.key()).isEqualTo("7");
        assertThat(entry.ahead()).isEqualTo(Side.OLD);
        assertThat(entry.cause()).isEqualTo(DivergenceCause.SECONDARY_WRITE_FAILED);
        assertThat(entry.detail()).isEqualTo("timeout after 1 s");
        assertThat(entry.recordedAt()).isNotNull();
        assertThat(ledger.find("other-" + migration, "7")).isEmpty();
    }

    /* A key is recorded at most once per migration: the later record wins. */
    @Test
    void recordingAKeyAgainReplacesItsEntry() {
        ledger.record(migration, "7", Side.OLD, DivergenceCause.WRITE_IN_PROGRESS, "first");

        ledger.record(migration, "7", Side.NEW, DivergenceCause.VERIFICATION, "second");

        assertThat(ledger.size(migration)).isEqualTo(1);
        Entry entry = ledger.find(migration, "7").orElseThrow();
        assertThat(entry.ahead()).isEqualTo(Side.NEW);
        assertThat(entry.cause()).isEqualTo(DivergenceCause.VERIFICATION);
        assertThat(entry.detail()).isEqualTo("second");
        assertThat(ledger.size(migration, Side.OLD)).isZero();
    }

    @Test
    void entriesAreListedOldestFirstPerSideUpToTheLimit() throws InterruptedException {
        for (String key : new String[] {"a", "b", "c", "d"}) {
            ledger.record(
                    migration,
                    key,
                    key.equals("c") ? Side.NEW : Side.OLD,
                    DivergenceCause.SECONDARY_WRITE_FAILED,
                    "failed " + key);
            Thread.sleep(5);
        }
        ledger.record("other-" + migration, "z", Side.OLD, DivergenceCause.VERIFICATION, "another migration's");

        assertThat(ledger.entries(migration, 10)).extracting(Entry::key).containsExactly("a", "b", "c", "d");
        assertThat(ledger.entries(migration, 2)).extracting(Entry::key).containsExactly("a", "b");
        assertThat(ledger.entries(migration, Side.OLD, 10))
                .extracting(Entry::key)
                .containsExactly("a", "b", "d");
        assertThat(ledger.entries(migration, Side.NEW, 10))
                .extracting(Entry::key)
                .containsExactly("c");
        assertThat(ledger.entries(migration, Side.OLD, 1))
                .extracting(Entry::key)
                .containsExactly("a");
        assertThat(ledger.size(migration)).isEqualTo(4);
        assertThat(ledger.size(migration, Side.OLD)).isEqualTo(3);
        assertThat(ledger.size(migration, Side.NEW)).isEqualTo(1);
        assertThat(ledger.size("never-" + migration)).isZero();
    }

    /* The repairer resolves a key it copied; a write that recorded the key again meanwhile must stay recorded. */
    @Test
    void resolveRemovesAnEntryOnlyWhileItsSideAheadIsUnchanged() {
        ledger.record(migration, "7", Side.OLD, DivergenceCause.SECONDARY_WRITE_FAILED, "");
        ledger.record(migration, "8", Side.OLD, DivergenceCause.SECONDARY_WRITE_FAILED, "");

        assertThat(ledger.resolve(migration, "7", Side.NEW)).isFalse();
        assertThat(ledger.resolve(migration, "7", Side.OLD)).isTrue();
        assertThat(ledger.resolve(migration, "7", Side.OLD)).isFalse();
        assertThat(ledger.resolve(migration, "9", Side.OLD)).isFalse();

        assertThat(ledger.find(migration, "7")).isEmpty();
        assertThat(ledger.entries(migration, 10)).extracting(Entry::key).containsExactly("8");
    }

    @Test
    void lockFindsOnlyAnEntryRecordedWithThatSideAhead() {
        ledger.record(migration, "7", Side.NEW, DivergenceCause.WRITE_IN_PROGRESS, "");

        assertThat(transactions.inTransaction(() -> ledger.lock(migration, "7", Side.NEW)))
                .isTrue();
        assertThat(transactions.inTransaction(() -> ledger.lock(migration, "7", Side.OLD)))
                .isFalse();
        assertThat(transactions.inTransaction(() -> ledger.lock(migration, "8", Side.NEW)))
                .isFalse();
    }

    /* An entry commits or rolls back with the write that made its side ahead. */
    @Test
    void aRecordJoinsTheTransactionOpenOnTheThread() {
        IllegalStateException failure = new IllegalStateException("the write failed");

        assertThatThrownBy(() -> transactions.inTransaction(() -> {
                    ledger.record(migration, "7", Side.OLD, DivergenceCause.WRITE_IN_PROGRESS, "");
                    throw failure;
                }))
                .isSameAs(failure);
        assertThat(ledger.find(migration, "7")).isEmpty();

        transactions.inTransaction(
                () -> ledger.record(migration, "7", Side.OLD, DivergenceCause.WRITE_IN_PROGRESS, ""));
        assertThat(ledger.find(migration, "7")).isPresent();
    }

    @Test
    void aFenceReadsBackWhatWasSetAndIsZeroWhereNoneWasRaised() {
        ledger.setFence(migration, 4);

        assertThat(ledger.fence(migration)).isEqualTo(4);
        assertThat(ledger.hasFence(migration)).isTrue();
        assertThat(ledger.fence("no-such-" + migration)).isZero();
        assertThat(ledger.hasFence("no-such-" + migration)).isFalse();
    }

    /*
     * A write that passed the fence holds it shared until the write's transaction ends: raising the fence waits for
     * it, so no write of the fenced version can still commit once the fence is raised.
     */
    @Test
    void raisingAFenceWaitsForAWriteThatHoldsIt() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        Future<?> write = holders.submit(() -> transactions.inTransaction(() -> {
            ledger.fence(migration);
            held.countDown();
            pause(Duration.ofMillis(1_000));
        }));
        assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();

        long started = System.nanoTime();
        assertTimeoutPreemptively(Duration.ofSeconds(15), () -> ledger.setFence(migration, 2));
        Duration waited = Duration.ofNanos(System.nanoTime() - started);

        write.get(10, TimeUnit.SECONDS);
        assertThat(waited).isGreaterThan(Duration.ofMillis(700));
        assertThat(ledger.fence(migration)).isEqualTo(2);
    }

    /* A fence raised again to the same version must be told apart from one left raised by a move that died. */
    @Test
    void everyRaiseOfAFenceHasAnIdentityOfItsOwn() {
        assertThat(ledger.fenceRaise("no-such-" + migration)).isZero();

        ledger.setFence(migration, 3);
        long first = ledger.fenceRaise(migration);
        ledger.setFence(migration, 3);
        long second = ledger.fenceRaise(migration);

        assertThat(first).isNotZero();
        assertThat(second).isNotZero().isNotEqualTo(first);
        assertThat(ledger.fenceRaise(migration)).isEqualTo(second);
    }

    @Test
    void anAbandonedFenceIsLoweredOnlyWhileItIsStillTheRaiseFound() {
        ledger.setFence(migration, 5);
        long abandoned = ledger.fenceRaise(migration);

        assertThat(ledger.lowerAbandonedFence(migration, abandoned, 2)).isTrue();
        assertThat(ledger.fence(migration)).isEqualTo(2);

        ledger.setFence(migration, 5);
        assertThat(ledger.lowerAbandonedFence(migration, abandoned, 2))
                .as("a fence raised again by a live move since")
                .isFalse();
        assertThat(ledger.fence(migration)).isEqualTo(5);
        assertThat(ledger.lowerAbandonedFence("no-such-" + migration, abandoned, 2))
                .isFalse();
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
