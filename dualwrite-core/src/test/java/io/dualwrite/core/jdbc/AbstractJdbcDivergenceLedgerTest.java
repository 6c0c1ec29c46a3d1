package io.dualwrite.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.dualwrite.core.model.StoreException;
import io.dualwrite.testsupport.TestDatabase;
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
 * What {@link JdbcDivergenceLedger} adds to the {@code DivergenceLedger} contract, on every database: a write holds
 * the fence row shared until its transaction ends, and raising the fence waits for such writes, but at most the
 * fence's lock timeout (3 s): a transaction left open must refuse the move, not stall it and every write queued
 * behind it. One subclass per database. The contract itself ({@code AbstractDivergenceLedgerContractTest} in
 * dualwrite-contract-tests) runs on this ledger from that module's tests.
 */
abstract class AbstractJdbcDivergenceLedgerTest {

    /** The fence's lock timeout, as the ledger sets it. */
    private static final Duration LOCK_TIMEOUT = Duration.ofSeconds(3);

    private final String migration = "ledger-" + UUID.randomUUID();
    private final ExecutorService holders = Executors.newCachedThreadPool();
    private JdbcTransactions transactions;
    private JdbcDivergenceLedger ledger;

    protected abstract TestDatabase database();

    @BeforeEach
    void createSchema() {
        TestDatabase database = database();
        DualWriteSchema.create(database.dataSource());
        transactions = JdbcTransactions.of(database.dataSource());
        ledger = new JdbcDivergenceLedger(transactions);
        ledger.setFence(migration, 0); // as registering the migration does
    }

    @AfterEach
    void stopHolders() {
        holders.shutdownNow();
    }

    /*
     * A transaction left open holding the fence row (a long write, a caller who never commits): raising the fence
     * gives up after the lock timeout with an error, instead of waiting for as long as the database would (MariaDB
     * 50 s, PostgreSQL forever). Nothing is raised: the fence is where it was, and can be raised once the
     * transaction ended.
     */
    @Test
    void raisingAFenceGivesUpAfterTheLockTimeoutWhileATransactionHoldsItAndLeavesItWhereItWas() throws Exception {
        ledger.setFence(migration, 1);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<?> write = holders.submit(() -> transactions.inTransaction(() -> {
            ledger.fence(migration);
            held.countDown();
            await(release);
        }));
        assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();

        long started = System.nanoTime();
        assertTimeoutPreemptively(Duration.ofSeconds(15), () -> assertThatThrownBy(() -> ledger.setFence(migration, 2))
                .isInstanceOf(StoreException.class));
        Duration waited = Duration.ofNanos(System.nanoTime() - started);

        assertThat(waited)
                .as("how long raising the fence waited for the transaction holding it")
                .isBetween(LOCK_TIMEOUT.minusMillis(500), LOCK_TIMEOUT.plusSeconds(3));
        assertThat(ledger.fence(migration))
                .as("the fence, read while the transaction still holds it")
                .isEqualTo(1);
        release.countDown();
        write.get(10, TimeUnit.SECONDS);
        assertThat(ledger.fence(migration)).isEqualTo(1);
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> ledger.setFence(migration, 2));
        assertThat(ledger.fence(migration)).isEqualTo(2);
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
