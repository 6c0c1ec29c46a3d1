package io.dualwrite.core.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.DualRepository;
import io.dualwrite.core.DualWrite;
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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.opentest4j.TestAbortedException;

/**
 * The backfill's central promise, tested under randomized concurrency: while writer threads insert, update and
 * delete random keys through dual writes, the backfill copies (and is paused and resumed); afterwards OLD holds
 * exactly what the writers last wrote (no lost write), NEW holds exactly OLD mapped (no stale copy, no resurrected
 * delete). Both sides are read with plain SQL, not through the library. Every key has one writer thread, so the
 * expected final value of each key is known.
 */
abstract class AbstractBackfillConcurrencyTest {

    private static final int KEY_SPACE = 3000;
    private static final int INITIAL_ROWS = 1500;
    private static final int WRITERS = 4;
    private static final int OPERATIONS_PER_WRITER = 250;

    /** The OLD database. */
    protected abstract DataSource oldDatabase();

    /** The NEW database: the same as OLD, or another one. */
    protected abstract DataSource newDatabase();

    protected abstract String prefix();

    /**
     * How many partitions the copy is split into: 1 copies on one thread of one instance; more copies on several
     * worker threads of this instance and of a second one at once.
     */
    protected int partitions(Random random) {
        return 1;
    }

    /** The SQL mapping to declare, or null to map in Java. */
    protected io.dualwrite.core.model.SqlMapping sqlMapping() {
        return null;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("io.dualwrite.core.backfill.Seeds#seeds")
    void liveWritesDuringTheBackfillLoseNothingAndResurrectNothing(long seed) throws Exception {
        String reproduce = "seed " + seed + " (reproduce with -Ddualwrite.seed=" + seed + ")";
        try {
            run(seed, reproduce);
        } catch (TestAbortedException skipped) {
            // Skipped (no database here): nothing failed, so no seed to reproduce.
            throw skipped;
        } catch (Throwable failure) {
            System.err.println("FAILED with " + reproduce);
            throw failure;
        }
    }

    private void run(long seed, String reproduce) throws Exception {
        Random random = new Random(seed);
        DataSource oldDb = oldDatabase();
        DataSource newDb = newDatabase();
        DualWriteSchema.create(oldDb);
        if (newDb != oldDb) {
            DualWriteSchema.create(newDb);
        }
        People.createTables(oldDb, prefix());
        if (newDb != oldDb) {
            People.createTables(newDb, prefix());
        }
        Map<Long, String> expected = new ConcurrentHashMap<>(seedOldTable(oldDb, random));

        JdbcTransactions oldTx = JdbcTransactions.of(oldDb);
        JdbcTransactions newTx = newDb == oldDb ? oldTx : JdbcTransactions.of(newDb);
        Migration.Builder<Long, Person, PersonName> definition = Migration.builder(
                        "concurrency-" + UUID.randomUUID(),
                        Long.class,
                        People.oldStore(oldTx, prefix()),
                        People.newStore(newTx, prefix()))
                .toNew(People::split);
        if (sqlMapping() != null) {
            definition.sqlMapping(sqlMapping());
        }
        Migration<Long, Person, PersonName> migration = definition.build();
        BackfillOptions options = BackfillOptions.defaults()
                .withChunkSizes(8 + random.nextInt(40), 4, 64 + random.nextInt(64))
                .withTargetChunkTime(Duration.ofMillis(5 + random.nextInt(20)));
        int partitions = partitions(random);
        if (partitions > 1) {
            options = BackfillOptions.from(options)
                    .partitions(partitions)
                    .workers(1 + random.nextInt(3))
                    .build();
            System.out.println("Partitioned copy: " + partitions + " partitions, " + options.workers()
                    + " workers per instance, two instances, " + reproduce);
        }
        DualWrite dualWrite = DualWrite.builder(new JdbcPhaseStore(oldDb))
                .singleInstance()
                .migration(migration)
                .backfillStore(new JdbcBackfillStore(oldDb))
                .backfillOptions(options)
                .build();
        DualRepository<Long, Person, PersonName> people = dualWrite.repository(migration);
        dualWrite.advance(migration.name(), TransitionRequest.by("test", "dual writes"));

        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 3);
        AtomicBoolean writersDone = new AtomicBoolean();
        AtomicInteger failedWrites = new AtomicInteger();
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                long writerSeed = random.nextLong();
                writers.add(pool.submit(() -> write(people, writer, writerSeed, expected, failedWrites)));
            }
            Thread.sleep(random.nextInt(30));
            dualWrite.advance(migration.name(), TransitionRequest.by("test", "backfill"));
            Backfill<?, ?, ?> backfill = dualWrite.backfill(migration.name());
            assertThat(backfill.copiesInTheDatabase()).isEqualTo(sqlMapping() != null);

            Future<?> copier = pool.submit(() -> copyUntilCompleted(backfill, writersDone));
            Future<?> secondInstance = null;
            if (options.partitioned()) {
                // Another instance of the application, copying the same backfill through the same store.
                Backfill<?, ?, ?> second =
                        new Backfill<>(migration, new JdbcBackfillStore(oldDb), options, "second-instance", clock());
                secondInstance = pool.submit(() -> copyUntilCompleted(second, writersDone));
            }
            Future<?> operator = pool.submit(() -> pauseAndResume(backfill, new Random(random.nextLong())));
            for (Future<?> writer : writers) {
                writer.get(2, TimeUnit.MINUTES);
            }
            writersDone.set(true);
            operator.get(2, TimeUnit.MINUTES);
            copier.get(2, TimeUnit.MINUTES);
            if (secondInstance != null) {
                secondInstance.get(2, TimeUnit.MINUTES);
                BackfillProgress whole = backfill.progress();
                assertThat(whole.partitions()).as(reproduce).isNotNull();
                assertThat(whole.partitions().completed())
                        .isEqualTo(whole.partitions().total());
                assertThat(whole.rowsCopied())
                        .as("rows copied, summed over the partitions, " + reproduce)
                        .isGreaterThan(0);
            }

            BackfillProgress progress = backfill.progress();
            assertThat(progress.state()).as(reproduce).isEqualTo(BackfillState.COMPLETED);
            assertThat(dualWrite.phase(migration.name())).isEqualTo(MigrationPhase.BACKFILL);
        } finally {
            writersDone.set(true);
            pool.shutdownNow();
            dualWrite.close();
        }

        Map<Long, String> oldRows = People.rows(oldDb, prefix() + "_old");
        Map<Long, String> newRows = People.rows(newDb, prefix() + "_new");
        assertThat(oldRows)
                .as("OLD holds every write's last value, " + reproduce)
                .isEqualTo(new TreeMap<>(expected));
        Map<Long, String> expectedNew = new TreeMap<>();
        oldRows.forEach((id, fullName) -> {
            PersonName name = People.split(new Person(id, fullName));
            expectedNew.put(id, name.firstName() + "|" + name.lastName());
        });
        assertThat(newRows).as("NEW equals OLD mapped, " + reproduce).isEqualTo(expectedNew);
        assertThat(failedWrites.get()).as("failed writes, " + reproduce).isZero();
    }

    /** Rows written before dual writes began: the backfill's work. */
    private Map<Long, String> seedOldTable(DataSource oldDb, Random random) throws SQLException {
        Map<Long, String> rows = new TreeMap<>();
        while (rows.size() < INITIAL_ROWS) {
            rows.put(1L + random.nextInt(KEY_SPACE), name(random));
        }
        try (Connection c = oldDb.getConnection();
                PreparedStatement insert =
                        c.prepareStatement("INSERT INTO " + prefix() + "_old (id, full_name) VALUES (?, ?)")) {
            for (Map.Entry<Long, String> row : rows.entrySet()) {
                insert.setLong(1, row.getKey());
                insert.setString(2, row.getValue());
                insert.addBatch();
            }
            insert.executeBatch();
        }
        return rows;
    }

    private static void write(
            DualRepository<Long, Person, PersonName> people,
            int writer,
            long seed,
            Map<Long, String> expected,
            AtomicInteger failedWrites) {
        Random random = new Random(seed);
        for (int i = 0; i < OPERATIONS_PER_WRITER; i++) {
            // Keys up to 1.2 x KEY_SPACE: some above the backfill's upper key, some inside its range.
            long key = writer + 1 + (long) WRITERS * random.nextInt((int) (KEY_SPACE * 1.2 / WRITERS));
            try {
                int op = random.nextInt(10);
                if (op < 5) {
                    String name = name(random);
                    people.write(new Person(key, name));
                    expected.put(key, name);
                } else if (op < 8) {
                    people.delete(key);
                    expected.remove(key);
                } else {
                    people.read(key);
                }
            } catch (RuntimeException e) {
                failedWrites.incrementAndGet();
                System.err.println("write of key " + key + " failed: " + e);
            }
        }
    }

    private static void copyUntilCompleted(Backfill<?, ?, ?> backfill, AtomicBoolean writersDone) {
        while (true) {
            BackfillProgress progress = backfill.progress();
            if (progress.state() == BackfillState.COMPLETED && writersDone.get()) {
                return;
            }
            Backfill.Outcome outcome = backfill.run(() -> true);
            if (outcome == Backfill.Outcome.FAILED) {
                throw new AssertionError(
                        "backfill failed: " + backfill.progress().failure());
            }
            if (outcome != Backfill.Outcome.COMPLETED) {
                sleep(3);
            } else if (!writersDone.get()) {
                sleep(3);
            }
        }
    }

    private static void pauseAndResume(Backfill<?, ?, ?> backfill, Random random) {
        for (int i = 0; i < 3; i++) {
            sleep(5 + random.nextInt(40));
            backfill.pause();
            sleep(random.nextInt(20));
            backfill.resume();
        }
    }

    private static String name(Random random) {
        String first = Long.toString(random.nextLong() & 0xffffffL, 36);
        return random.nextInt(10) == 0 ? first : first + " " + Long.toString(random.nextLong() & 0xffffffL, 36);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Clock clock() {
        return Clock.systemUTC();
    }
}
