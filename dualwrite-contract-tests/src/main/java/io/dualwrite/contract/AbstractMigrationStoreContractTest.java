package io.dualwrite.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.core.store.MigrationStore;
import io.dualwrite.core.store.Transactions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour dualwrite relies on from a {@link MigrationStore} and its {@link Transactions}: reads, writes, the
 * backfill's insert-if-absent, the ordered scan, locks that hold live writes off, and transactions that join,
 * commit and roll back. Extend it once per store and database, supplying a store on an empty table, keys in the
 * store's own order, and values:
 *
 * <pre>{@code
 * class PostgresCustomerStoreTest extends AbstractMigrationStoreContractTest<Long, Customer> {
 *
 *     protected MigrationStore<Long, Customer> createStore() {
 *         // drop and create the table, then:
 *         return new CustomerStore(JdbcTransactions.of(dataSource));
 *     }
 *
 *     protected Long key(int n) {
 *         return (long) n;
 *     }
 *
 *     protected Customer value(Long key, int variant) {
 *         return new Customer(key, "customer-" + key + "-" + variant + "@example.com");
 *     }
 * }
 * }</pre>
 *
 * <p>As dualwrite does, the contract calls the writes ({@code upsert}, {@code insertAbsent}, {@code delete}) and the
 * locked reads inside {@code transactions().inTransaction(...)}, and the plain reads outside any transaction. Values
 * are compared by {@link #contentOf} (their {@code equals} unless overridden). Tests that wait for a lock take a few
 * hundred milliseconds each.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public abstract class AbstractMigrationStoreContractTest<K, V> {

    /** How long a test waits for a thread it started, or for a latch, before it fails. */
    private static final long WAIT_SECONDS = 20;

    private MigrationStore<K, V> store;
    private Transactions transactions;
    private ExecutorService threads;

    /**
     * A store with nothing stored, for one test: drop or empty whatever an earlier test left in its table. Called
     * before each test.
     */
    protected abstract MigrationStore<K, V> createStore();

    /**
     * The {@code n}-th key, for {@code n} from 1 to a few thousand: keys must ascend with {@code n} in the store's
     * own key order (the order {@link MigrationStore#scan} walks).
     */
    protected abstract K key(int n);

    /**
     * A value stored under {@code key}; values of one key with different {@code variant}s (small positive numbers)
     * must differ by {@link #contentOf}.
     */
    protected abstract V value(K key, int variant);

    /**
     * What the contract compares of a value: the value itself, compared with its {@code equals}, by default.
     * Override it for a type without a meaningful {@code equals}, such as a JPA entity: return, for example,
     * {@code List.of(entity.getId(), entity.getName())}.
     */
    protected Object contentOf(V value) {
        return value;
    }

    /**
     * Makes {@link MigrationStore#estimateSize} see the writes made so far, where the store estimates from the
     * database's statistics: PostgreSQL's {@code ANALYZE table}, MariaDB's {@code ANALYZE TABLE table}. Does
     * nothing by default.
     */
    protected void updateStatistics() {}

    /**
     * Whether {@link MigrationStore#insertAbsent}, meeting a key that a transaction not yet committed is inserting,
     * waits for that transaction and then skips the key (true, the default, as dualwrite's {@code JdbcStore}
     * does), or may fail once it committed (false, as its {@code JpaStore} does, where the two inserts collide on
     * the primary key). Either way the live write's value must stay, and a batch that failed must have written
     * nothing: the backfill copies a failed chunk again.
     */
    protected boolean insertAbsentWaitsForAConcurrentInsert() {
        return true;
    }

    @BeforeEach
    void createStoreUnderTest() {
        store = createStore();
        transactions = store.transactions();
        threads = Executors.newCachedThreadPool();
    }

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    /** The store under test, created for this test. */
    protected final MigrationStore<K, V> store() {
        return store;
    }

    @Test
    void keyOfIsTheKeyOfTheValue() {
        assertThat(store.keyOf(value(key(3), 1))).isEqualTo(key(3));
    }

    @Test
    void readOfAnAbsentKeyIsEmpty() {
        assertThat(store.read(key(42))).isEmpty();
        assertThat(store.readAll(List.of(key(42)))).isEmpty();
        assertThat(store.scan(null, null, 10)).isEmpty();
    }

    @Test
    void upsertInsertsThenReplaces() {
        write(() -> store.upsert(value(key(1), 1)));
        assertThat(read(key(1))).contains(contentOf(value(key(1), 1)));

        write(() -> store.upsert(value(key(1), 2)));
        assertThat(read(key(1))).contains(contentOf(value(key(1), 2)));
        assertThat(contents(store.scan(null, null, 10))).containsExactly(contentOf(value(key(1), 2)));
    }

    @Test
    void upsertAllInsertsNewValuesAndReplacesPresentOnes() {
        write(() -> store.upsert(value(key(2), 1)));

        write(() -> store.upsertAll(List.of(value(key(1), 1), value(key(2), 2), value(key(3), 1))));

        assertThat(contents(store.scan(null, null, 10)))
                .containsExactly(contentOf(value(key(1), 1)), contentOf(value(key(2), 2)), contentOf(value(key(3), 1)));
        write(() -> store.upsertAll(List.of()));
        assertThat(store.scan(null, null, 10)).hasSize(3);
    }

    @Test
    void deleteAllRemovesEveryValueAndIgnoresAbsentKeys() {
        write(() -> store.upsertAll(List.of(value(key(1), 1), value(key(2), 1), value(key(3), 1))));

        write(() -> store.deleteAll(List.of(key(1), key(3), key(4))));

        assertThat(contents(store.scan(null, null, 10))).containsExactly(contentOf(value(key(2), 1)));
        write(() -> store.deleteAll(List.of()));
        assertThat(store.scan(null, null, 10)).hasSize(1);
    }

    @Test
    void readAllFindsPresentKeysInBatchesUnderTheKeysAskedFor() {
        List<V> stored = new ArrayList<>();
        Set<K> odd = new HashSet<>();
        for (int n = 1; n <= 1200; n += 2) {
            stored.add(value(key(n), 1));
            odd.add(key(n));
        }
        write(() -> store.insertAbsent(stored));
        List<K> asked = IntStream.rangeClosed(1, 1201).mapToObj(this::key).toList();

        Map<K, V> found = store.readAll(asked);

        assertThat(found).hasSize(600);
        assertThat(found.keySet()).isEqualTo(odd);
        assertThat(contentOf(found.get(key(1199)))).isEqualTo(contentOf(value(key(1199), 1)));
        found.forEach((key, value) -> assertThat(store.keyOf(value)).isEqualTo(key));
        assertThat(store.readAll(List.of())).isEmpty();
    }

    @Test
    void deleteRemovesTheValueAndIgnoresAbsentKeys() {
        write(() -> store.upsert(value(key(1), 1)));
        write(() -> store.delete(key(1)));
        write(() -> store.delete(key(2)));

        assertThat(store.read(key(1))).isEmpty();
    }

    /* What a delete leaves: nothing any read can find, and a key the backfill may copy again. */
    @Test
    void aDeletedKeyIsGoneFromEveryReadAndCanBeWrittenAgain() {
        write(() -> {
            for (int n = 1; n <= 5; n++) {
                store.upsert(value(key(n), 1));
            }
        });

        write(() -> {
            store.delete(key(3));
            store.delete(key(5));
        });

        assertThat(store.read(key(3))).isEmpty();
        assertThat(store.readAll(List.of(key(3), key(4))).keySet()).containsExactly(key(4));
        assertThat(keys(store.scan(null, null, 10))).containsExactly(key(1), key(2), key(4));
        assertThat(keys(store.scan(key(2), key(3), 10))).isEmpty();
        assertThat(store.maxKey()).contains(key(4));
        assertThat(transactions.inTransaction(() -> store.readLocked(key(3)))).isEmpty();
        assertThat(transactions.inTransaction(() -> store.scanLocked(key(2), null, 10)))
                .extracting(store::keyOf)
                .containsExactly(key(4));

        write(() -> store.insertAbsent(List.of(value(key(3), 2))));
        assertThat(read(key(3))).contains(contentOf(value(key(3), 2)));
    }

    @Test
    void insertAbsentNeverOverwritesAPresentValue() {
        write(() -> store.upsert(value(key(2), 1)));

        write(() -> store.insertAbsent(List.of(value(key(1), 2), value(key(2), 2), value(key(3), 2))));

        assertThat(contents(store.scan(null, null, 10)))
                .containsExactly(contentOf(value(key(1), 2)), contentOf(value(key(2), 1)), contentOf(value(key(3), 2)));
    }

    /*
     * The backfill's copy meets a live write of a key it copies, which has not committed yet: the live write's value
     * must win. A store that waits for it skips the key and copies the others; one whose insert collides may fail,
     * but must then write nothing of its batch.
     */
    @Test
    void insertAbsentKeepsAValueThatAConcurrentTransactionInsertedFirst() throws Exception {
        CountDownLatch inserted = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        Future<?> live = threads.submit(() -> transactions.inTransaction(() -> {
            store.upsert(value(key(5), 1));
            inserted.countDown();
            await(commit);
        }));
        await(inserted);
        Future<?> copy = threads.submit(() -> transactions.inTransaction(
                () -> store.insertAbsent(List.of(value(key(4), 2), value(key(5), 2), value(key(6), 2)))));
        Thread.sleep(200);
        commit.countDown();
        live.get(WAIT_SECONDS, TimeUnit.SECONDS);
        boolean copied = finished(copy);

        if (insertAbsentWaitsForAConcurrentInsert() || copied) {
            assertThat(copied).as("the copy beside the live insert completed").isTrue();
            assertThat(contents(store.scan(null, null, 10)))
                    .containsExactly(
                            contentOf(value(key(4), 2)), contentOf(value(key(5), 1)), contentOf(value(key(6), 2)));
        } else {
            assertThat(contents(store.scan(null, null, 10))).containsExactly(contentOf(value(key(5), 1)));
        }
    }

    @Test
    void insertAbsentOfAnEmptyBatchDoesNothing() {
        write(() -> store.insertAbsent(List.of()));

        assertThat(store.scan(null, null, 10)).isEmpty();
    }

    @Test
    void scanWalksKeysInOrderWithinBoundsAndLimit() {
        List<Integer> shuffled =
                new ArrayList<>(IntStream.rangeClosed(1, 25).boxed().toList());
        Collections.shuffle(shuffled, new Random(7));
        for (int n : shuffled) {
            write(() -> store.upsert(value(key(n), 1)));
        }

        assertThat(keys(store.scan(null, null, 3))).containsExactly(key(1), key(2), key(3));
        assertThat(keys(store.scan(key(3), null, 3))).containsExactly(key(4), key(5), key(6));
        assertThat(keys(store.scan(key(20), key(22), 10))).containsExactly(key(21), key(22));
        assertThat(keys(store.scan(null, key(2), 10))).containsExactly(key(1), key(2));
        assertThat(keys(store.scan(key(25), null, 10))).isEmpty();
        assertThat(contents(store.scan(key(10), key(11), 10))).containsExactly(contentOf(value(key(11), 1)));
    }

    @Test
    void scanWithShareLockReadsTheSameValuesInsideATransaction() {
        write(() -> {
            store.upsert(value(key(1), 1));
            store.upsert(value(key(2), 1));
        });

        List<V> locked = transactions.inTransaction(() -> store.scanLocked(null, null, 10));

        assertThat(contents(locked)).containsExactly(contentOf(value(key(1), 1)), contentOf(value(key(2), 1)));
        assertThat(keys(transactions.inTransaction(() -> store.scanLocked(key(1), key(2), 1))))
                .containsExactly(key(2));
    }

    @Test
    void aLockedScanHoldsOffWritersOfItsValuesUntilItsTransactionEnds() throws Exception {
        write(() -> store.upsert(value(key(1), 1)));
        CountDownLatch scanned = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            Future<?> reader = threads.submit(() -> transactions.inTransaction(() -> {
                assertThat(store.scanLocked(null, null, 10)).hasSize(1);
                scanned.countDown();
                await(release);
            }));
            await(scanned);
            Future<?> writer = threads.submit(() -> write(() -> store.upsert(value(key(1), 2))));

            Thread.sleep(300);
            assertThat(writer).as("a write of a share-locked value must wait").isNotDone();
            release.countDown();
            reader.get(WAIT_SECONDS, TimeUnit.SECONDS);
            writer.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(read(key(1))).contains(contentOf(value(key(1), 2)));
        } finally {
            release.countDown();
        }
    }

    @Test
    void aLockedReadHoldsOffADeleteOfItsValueUntilItsTransactionEnds() throws Exception {
        write(() -> store.upsert(value(key(1), 1)));
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            Future<?> reader = threads.submit(() -> transactions.inTransaction(() -> {
                assertThat(store.readLocked(key(1)).map(this::contentOf)).contains(contentOf(value(key(1), 1)));
                assertThat(store.readLocked(key(2))).isEmpty();
                locked.countDown();
                await(release);
            }));
            await(locked);
            Future<?> deleter = threads.submit(() -> write(() -> store.delete(key(1))));

            Thread.sleep(300);
            assertThat(deleter).as("a delete of a share-locked value must wait").isNotDone();
            assertThat(read(key(1))).contains(contentOf(value(key(1), 1)));
            release.countDown();
            reader.get(WAIT_SECONDS, TimeUnit.SECONDS);
            deleter.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(store.read(key(1))).isEmpty();
        } finally {
            release.countDown();
        }
    }

    @Test
    void estimateSizeIsCloseToTheNumberOfValues() {
        write(() -> {
            for (int n = 1; n <= 30; n++) {
                store.upsert(value(key(n), 1));
            }
        });
        updateStatistics();

        assertThat(store.estimateSize()).isBetween(20L, 40L);
    }

    @Test
    void maxKeyIsTheGreatestKeyOrEmpty() {
        assertThat(store.maxKey()).isEmpty();

        write(() -> {
            store.upsert(value(key(5), 1));
            store.upsert(value(key(17), 1));
            store.upsert(value(key(9), 1));
        });

        assertThat(store.maxKey()).contains(key(17));
    }

    @Test
    void aTransactionCommitsEveryWriteOrNone() {
        write(() -> store.upsert(value(key(3), 1)));
        IllegalStateException failure = new IllegalStateException("the work failed");

        assertThatThrownBy(() -> transactions.inTransaction(() -> {
                    store.upsert(value(key(1), 1));
                    store.insertAbsent(List.of(value(key(2), 1)));
                    store.delete(key(3));
                    throw failure;
                }))
                .isSameAs(failure);
        assertThat(keys(store.scan(null, null, 10))).containsExactly(key(3));

        transactions.inTransaction(() -> {
            store.upsert(value(key(1), 1));
            store.insertAbsent(List.of(value(key(2), 1)));
            store.delete(key(3));
        });
        assertThat(keys(store.scan(null, null, 10))).containsExactly(key(1), key(2));
    }

    @Test
    void aTransactionSeesItsOwnWritesWhichOtherThreadsSeeOnlyOnceItCommitted() {
        transactions.inTransaction(() -> {
            store.upsert(value(key(1), 1));

            assertThat(store.read(key(1)).map(this::contentOf)).contains(contentOf(value(key(1), 1)));
            assertThat(elsewhere(() -> store.read(key(1)))).isEmpty();
        });

        assertThat(elsewhere(() -> store.read(key(1)).map(this::contentOf))).contains(contentOf(value(key(1), 1)));
    }

    @Test
    void workInATransactionJoinsTheTransactionOpenOnTheThread() {
        assertThat(transactions.hasOpenTransaction()).isFalse();
        IllegalStateException failure = new IllegalStateException("the outer work failed");

        assertThatThrownBy(() -> transactions.inTransaction(() -> {
                    assertThat(transactions.hasOpenTransaction()).isTrue();
                    transactions.inTransaction(() -> store.upsert(value(key(1), 1)));
                    assertThat(transactions.hasOpenTransaction()).isTrue();
                    throw failure;
                }))
                .isSameAs(failure);

        assertThat(transactions.hasOpenTransaction()).isFalse();
        assertThat(store.read(key(1)))
                .as("a write of the joined work, rolled back with the outer")
                .isEmpty();
    }

    @Test
    void aNewTransactionCommitsOrRollsBackOnItsOwn() {
        write(() -> {
            store.upsert(value(key(1), 1));
            store.upsert(value(key(2), 1));
        });
        IllegalStateException failure = new IllegalStateException("the outer work failed");

        assertThatThrownBy(() -> transactions.inTransaction(() -> {
                    store.upsert(value(key(1), 2));
                    transactions.inNewTransaction(() -> {
                        assertThat(transactions.hasOpenTransaction()).isTrue();
                        store.upsert(value(key(2), 2));
                    });
                    assertThat(transactions.hasOpenTransaction())
                            .as("the outer transaction, resumed")
                            .isTrue();
                    throw failure;
                }))
                .isSameAs(failure);

        assertThat(read(key(1))).as("the outer transaction's write").contains(contentOf(value(key(1), 1)));
        assertThat(read(key(2))).as("the new transaction's write").contains(contentOf(value(key(2), 2)));

        transactions.inTransaction(() -> {
            store.upsert(value(key(1), 3));
            assertThatThrownBy(() -> transactions.inNewTransaction(() -> {
                        store.upsert(value(key(2), 3));
                        throw failure;
                    }))
                    .isSameAs(failure);
        });

        assertThat(read(key(1))).as("the outer transaction's write").contains(contentOf(value(key(1), 3)));
        assertThat(read(key(2))).as("the new transaction's write").contains(contentOf(value(key(2), 2)));
    }

    @Test
    void anActionAfterCommitRunsOnceTheTransactionCommittedAndNeverAfterARollback() {
        AtomicInteger committed = new AtomicInteger();
        AtomicInteger ranBeforeCommit = new AtomicInteger(-1);

        transactions.inTransaction(() -> {
            store.upsert(value(key(1), 1));
            transactions.afterCommit(committed::incrementAndGet);
            ranBeforeCommit.set(committed.get());
        });
        assertThat(ranBeforeCommit).hasValue(0);
        assertThat(committed).hasValue(1);

        AtomicInteger rolledBack = new AtomicInteger();
        assertThatThrownBy(() -> transactions.inTransaction(() -> {
                    store.upsert(value(key(2), 1));
                    transactions.afterCommit(rolledBack::incrementAndGet);
                    throw new IllegalStateException("the work failed");
                }))
                .isInstanceOf(IllegalStateException.class);
        assertThat(rolledBack).hasValue(0);

        AtomicInteger outside = new AtomicInteger();
        transactions.afterCommit(outside::incrementAndGet);
        assertThat(outside)
                .as("an action registered outside a transaction runs at once")
                .hasValue(1);
    }

    @Test
    void aStoreDescribesItselfAndNamesTheClassOfItsValuesIfAny() {
        assertThat(store.description()).isNotBlank();
        Optional<Class<V>> type = store.valueType();
        type.ifPresent(valueType -> assertThat(value(key(1), 1)).isInstanceOf(valueType));
    }

    private void write(Runnable work) {
        transactions.inTransaction(work);
    }

    private Optional<Object> read(K key) {
        return store.read(key).map(this::contentOf);
    }

    private List<Object> contents(Collection<V> values) {
        return values.stream().map(this::contentOf).toList();
    }

    private List<K> keys(Collection<V> values) {
        return values.stream().map(store::keyOf).toList();
    }

    /** What the work returns on another thread, outside any transaction of this one. */
    private <T> T elsewhere(Supplier<T> work) {
        try {
            return threads.submit(work::get).get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the read on another thread failed: " + e, e);
        }
    }

    /** Whether the work completed (false when it threw). */
    private static boolean finished(Future<?> work) throws Exception {
        try {
            work.get(WAIT_SECONDS, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            return false;
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
