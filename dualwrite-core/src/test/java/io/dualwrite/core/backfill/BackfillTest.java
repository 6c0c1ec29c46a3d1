package io.dualwrite.core.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.MutableClock;
import io.dualwrite.core.People;
import io.dualwrite.core.People.Person;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.TransitionRequest;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcBackfillStore;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.testsupport.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The backfill engine's control, checkpoints, lease and throttling, on PostgreSQL. */
class BackfillTest {

    private static final String PREFIX = "bf_engine";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));
    private DataSource dataSource;
    private JdbcBackfillStore store;
    private Migration<Long, Person, PersonName> migration;
    private BackfillOptions options = BackfillOptions.defaults().withChunkSizes(10, 5, 10);

    @BeforeEach
    void setUp() {
        dataSource = TestDatabases.postgres().dataSource();
        DualWriteSchema.create(dataSource);
        People.createTables(dataSource, PREFIX);
        JdbcTransactions transactions = JdbcTransactions.of(dataSource);
        store = new JdbcBackfillStore(transactions);
        migration = Migration.builder(
                        "engine-" + UUID.randomUUID(),
                        Long.class,
                        People.oldStore(transactions, PREFIX),
                        People.newStore(transactions, PREFIX))
                .toNew(People::split)
                .build();
    }

    @Test
    void copiesEveryRowUpToTheUpperKeyAndCompletes() throws SQLException {
        insertOld(1, 95);
        Backfill<Long, Person, PersonName> backfill = backfill("a");

        BackfillProgress started = backfill.start();
        assertThat(started.upperKey()).isEqualTo("95");
        assertThat(started.rowsEstimated()).isEqualTo(95);
        assertThat(backfill.run(() -> true)).isEqualTo(Backfill.Outcome.COMPLETED);

        assertThat(newRows()).isEqualTo(expectedNew());
        BackfillProgress done = backfill.progress();
        assertThat(done.state()).isEqualTo(BackfillState.COMPLETED);
        assertThat(done.rowsCopied()).isEqualTo(95);
        assertThat(done.lastKey()).isEqualTo("95");
        assertThat(done.leaseOwner()).isNull();
    }

    @Test
    void rowsAboveTheUpperKeyAreLeftToDualWrites() throws SQLException {
        insertOld(1, 20);
        Backfill<Long, Person, PersonName> backfill = backfill("a");
        backfill.start();
        insertOld(21, 30);

        backfill.run(() -> true);

        assertThat(newRows()).hasSize(20).containsOnlyKeys(keys(1, 20));
    }

    @Test
    void anEmptyTableCompletesAtOnce() {
        Backfill<Long, Person, PersonName> backfill = backfill("a");
        assertThat(backfill.start().upperKey()).isNull();
        assertThat(backfill.run(() -> true)).isEqualTo(Backfill.Outcome.COMPLETED);
        assertThat(backfill.progress().state()).isEqualTo(BackfillState.COMPLETED);
    }

    @Test
    void anotherInstanceResumesAfterTheCheckpoint() throws SQLException {
        insertOld(1, 100);
        Backfill<Long, Person, PersonName> first = backfill("a");
        first.start();
        AtomicInteger chunks = new AtomicInteger();

        assertThat(first.run(() -> chunks.getAndIncrement() < 3)).isEqualTo(Backfill.Outcome.INTERRUPTED);
        BackfillProgress checkpoint = first.progress();
        assertThat(checkpoint.lastKey()).isEqualTo("30");
        assertThat(checkpoint.rowsCopied()).isEqualTo(30);
        assertThat(checkpoint.leaseOwner()).isNull();
        assertThat(newRows()).hasSize(30);

        assertThat(backfill("b").run(() -> true)).isEqualTo(Backfill.Outcome.COMPLETED);
        assertThat(newRows()).isEqualTo(expectedNew());
        assertThat(backfill("b").progress().rowsCopied()).isEqualTo(100);
    }

    @Test
    void replayingChunksNeverOverwritesWhatLiveWritesPutInNew() throws SQLException {
        insertOld(1, 40);
        People.execute(
                dataSource, "INSERT INTO " + PREFIX + "_new (id, first_name, last_name) VALUES (7, 'Live', 'Write')");
        Backfill<Long, Person, PersonName> backfill = backfill("a");
        backfill.start();
        backfill.run(() -> true);

        backfill.restart();
        assertThat(backfill.run(() -> true)).isEqualTo(Backfill.Outcome.COMPLETED);

        Map<Long, String> expected = expectedNew();
        expected.put(7L, "Live|Write");
        assertThat(newRows()).isEqualTo(expected);
    }

    @Test
    void aDeadHoldersLeaseIsTakenOverOnlyAfterItExpires() throws SQLException {
        insertOld(1, 50);
        options = options.withLeaseDuration(Duration.ofSeconds(30));
        backfill("dead").start();
        assertThat(store.acquireLease(
                        migration.name(),
                        "dead",
                        clock.instant(),
                        clock.instant().plusSeconds(30)))
                .isTrue();

        Backfill<Long, Person, PersonName> survivor = backfill("survivor");
        assertThat(survivor.run(() -> true)).isEqualTo(Backfill.Outcome.LEASE_HELD_ELSEWHERE);
        assertThat(newRows()).isEmpty();

        clock.advance(Duration.ofSeconds(31));
        assertThat(survivor.run(() -> true)).isEqualTo(Backfill.Outcome.COMPLETED);
        assertThat(newRows()).isEqualTo(expectedNew());
    }

    @Test
    void aFormerHolderStopsOnceItsLeaseWasTakenOver() throws SQLException {
        insertOld(1, 50);
        options = options.withLeaseDuration(Duration.ofSeconds(30));
        Backfill<Long, Person, PersonName> slow = backfill("slow");
        slow.start();
        AtomicInteger chunks = new AtomicInteger();

        Backfill.Outcome outcome = slow.run(() -> {
            if (chunks.incrementAndGet() == 2) {
                // While "slow" is stalled, its lease expires and "fast" takes over.
                clock.advance(Duration.ofSeconds(31));
                assertThat(store.acquireLease(
                                migration.name(),
                                "fast",
                                clock.instant(),
                                clock.instant().plusSeconds(30)))
                        .isTrue();
            }
            return true;
        });

        assertThat(outcome).isEqualTo(Backfill.Outcome.STOPPED);
        assertThat(store.find(migration.name()).orElseThrow().leaseOwner()).isEqualTo("fast");
    }

    @Test
    void pauseStopsTheCopyAndResumeContinuesIt() throws Exception {
        insertOld(1, 200);
        Backfill<Long, Person, PersonName> backfill = backfill("a");
        backfill.start();
        AtomicInteger chunks = new AtomicInteger();

        Backfill.Outcome outcome = backfill.run(() -> {
            if (chunks.incrementAndGet() == 4) {
                assertThat(backfill.pause()).isTrue();
            }
            return true;
        });

        assertThat(outcome).isEqualTo(Backfill.Outcome.STOPPED);
        assertThat(backfill.progress().state()).isEqualTo(BackfillState.PAUSED);
        assertThat(backfill.run(() -> true)).isEqualTo(Backfill.Outcome.NOT_RUNNING);
        int copiedWhilePaused = newRows().size();
        assertThat(copiedWhilePaused).isLessThan(200);

        assertThat(backfill.resume()).isTrue();
        assertThat(backfill.run(() -> true)).isEqualTo(Backfill.Outcome.COMPLETED);
        assertThat(newRows()).isEqualTo(expectedNew());
    }

    @Test
    void aCancelledBackfillStaysCancelledUntilRestarted() throws SQLException {
        insertOld(1, 30);
        Backfill<Long, Person, PersonName> backfill = backfill("a");
        backfill.start();
        assertThat(backfill.cancel()).isTrue();

        assertThat(backfill.start().state()).isEqualTo(BackfillState.CANCELLED);
        assertThat(backfill.run(() -> true)).isEqualTo(Backfill.Outcome.NOT_RUNNING);

        assertThat(backfill.restart().state()).isEqualTo(BackfillState.RUNNING);
        assertThat(backfill.run(() -> true)).isEqualTo(Backfill.Outcome.COMPLETED);
        assertThat(newRows()).isEqualTo(expectedNew());
    }

    @Test
    void repeatedFailuresMarkTheBackfillFailedWithTheReasonAndItCanResume() throws SQLException {
        insertOld(1, 30);
        options = options.withRetries(2, Duration.ofMillis(1), Duration.ofMillis(5));
        Backfill<Long, Person, PersonName> backfill = backfill("a");
        backfill.start();
        People.execute(dataSource, "ALTER TABLE " + PREFIX + "_new RENAME TO " + PREFIX + "_gone");
        try {
            assertThat(backfill.run(() -> true)).isEqualTo(Backfill.Outcome.FAILED);
        } finally {
            People.execute(dataSource, "ALTER TABLE " + PREFIX + "_gone RENAME TO " + PREFIX + "_new");
        }
        BackfillProgress failed = backfill.progress();
        assertThat(failed.state()).isEqualTo(BackfillState.FAILED);
        assertThat(failed.failure()).contains("failed 3 times").contains(PREFIX + "_new");

        assertThat(backfill.resume()).isTrue();
        assertThat(backfill.run(() -> true)).isEqualTo(Backfill.Outcome.COMPLETED);
        assertThat(newRows()).isEqualTo(expectedNew());
    }

    @Test
    void theRateLimitCapsChunksAndHoldsTheCopyBack() throws SQLException {
        insertOld(1, 300);
        options = BackfillOptions.defaults().withChunkSizes(100, 10, 1000).withMaxRowsPerSecond(100);
        Backfill<Long, Person, PersonName> backfill = backfill("a");
        backfill.start();
        AtomicInteger chunks = new AtomicInteger();

        long started = System.nanoTime();
        backfill.run(() -> chunks.incrementAndGet() > 0);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

        // 300 rows at 100 rows/s: the first 100 pass at once, the rest wait for two more periods.
        assertThat(elapsed).isGreaterThan(Duration.ofMillis(1500));
        assertThat(chunks.get()).isGreaterThanOrEqualTo(3);
        assertThat(backfill.progress().rowsPerSecond()).isLessThanOrEqualTo(100.0);
        assertThat(newRows()).isEqualTo(expectedNew());
    }

    @Test
    void enteringBackfillStartsItAndTheBackgroundWorkerCopies() throws SQLException {
        insertOld(1, 120);
        DualWrite dualWrite = DualWrite.builder(new JdbcPhaseStore(dataSource))
                .singleInstance()
                .migration(migration)
                .backfillStore(store)
                .backfillOptions(options.withPollInterval(Duration.ofMillis(20)))
                .build()
                .startBackgroundWork();
        try {
            dualWrite.advance(migration.name(), TransitionRequest.by("ops", "dual writes"));
            assertThat(dualWrite.backfill(migration.name()).progress().state()).isEqualTo(BackfillState.IDLE);
            dualWrite.advance(migration.name(), TransitionRequest.by("ops", "backfill"));

            await().atMost(Duration.ofSeconds(20))
                    .until(() -> dualWrite.backfill(migration.name()).progress().state() == BackfillState.COMPLETED);
            assertThat(newRows()).isEqualTo(expectedNew());
            assertThat(dualWrite.phase(migration.name())).isEqualTo(MigrationPhase.BACKFILL);
        } finally {
            dualWrite.close();
        }
    }

    @Test
    void rollingBackToDualWriteStopsTheCopyAndComingBackResumesIt() throws Exception {
        insertOld(1, 2000);
        DualWrite dualWrite = DualWrite.builder(new JdbcPhaseStore(dataSource))
                .singleInstance()
                .migration(migration)
                .backfillStore(store)
                .backfillOptions(options.withChunkSizes(5, 5, 5).withPollInterval(Duration.ofMillis(20)))
                .build();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            dualWrite.advance(migration.name(), TransitionRequest.by("ops", "dual writes"));
            dualWrite.advance(migration.name(), TransitionRequest.by("ops", "backfill"));
            dualWrite.startBackgroundWork();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> dualWrite.backfill(migration.name()).progress().rowsCopied() > 0);

            dualWrite.rollback(migration.name(), TransitionRequest.by("ops", "investigate"));
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> dualWrite.backfill(migration.name()).progress().leaseOwner() == null);
            long copied = dualWrite.backfill(migration.name()).progress().rowsCopied();
            Future<?> pause = pool.submit(() -> sleep(200));
            pause.get(5, TimeUnit.SECONDS);
            assertThat(dualWrite.backfill(migration.name()).progress().rowsCopied())
                    .isEqualTo(copied);
            assertThat(dualWrite.backfill(migration.name()).progress().state()).isEqualTo(BackfillState.PAUSED);

            dualWrite.advance(migration.name(), TransitionRequest.by("ops", "resume the backfill"));
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> dualWrite.backfill(migration.name()).progress().state() == BackfillState.COMPLETED);
            assertThat(newRows()).isEqualTo(expectedNew());
        } finally {
            pool.shutdownNow();
            dualWrite.close();
        }
    }

    private Backfill<Long, Person, PersonName> backfill(String instance) {
        return new Backfill<>(migration, store, options, instance, clock);
    }

    private void insertOld(long from, long to) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert =
                        c.prepareStatement("INSERT INTO " + PREFIX + "_old (id, full_name) VALUES (?, ?)")) {
            for (long id = from; id <= to; id++) {
                insert.setLong(1, id);
                insert.setString(2, "First" + id + " Last" + id);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private Map<Long, String> newRows() {
        return People.rows(dataSource, PREFIX + "_new");
    }

    private Map<Long, String> expectedNew() {
        Map<Long, String> expected = new TreeMap<>();
        People.rows(dataSource, PREFIX + "_old").forEach((id, fullName) -> {
            PersonName name = People.split(new Person(id, fullName));
            expected.put(id, name.firstName() + "|" + name.lastName());
        });
        return expected;
    }

    private static Long[] keys(long from, long to) {
        return java.util.stream.LongStream.rangeClosed(from, to).boxed().toArray(Long[]::new);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
