package io.dualwrite.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.dualwrite.core.People.Person;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.backfill.Seeds;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.BypassCapture;
import io.dualwrite.core.jdbc.BypassWrites;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Capture of the writes that bypass dualwrite (plain SQL of other sessions on the OLD table, and on NEW's): they reach
 * the other side in DUAL_WRITE, BACKFILL and READ_NEW, concurrent with dual writes of the same keys; one subclass per
 * database, and one with the sides in two databases.
 */
abstract class AbstractBypassCaptureTest {

    static final String PREFIX = "capture";
    static final String OLD = PREFIX + "_old";
    static final String NEW = PREFIX + "_new";
    static final int KEYS = 40;

    DataSource dataSource;
    DataSource newDataSource;
    Migration<Long, Person, PersonName> migration;
    DualWrite dualWrite;
    DualRepository<Long, Person, PersonName> people;
    BypassCapture<?, ?, ?> capture;

    /** OLD's database. */
    protected abstract TestDatabase database();

    /** NEW's database: OLD's unless a subclass puts NEW in another. */
    protected TestDatabase newDatabase() {
        return database();
    }

    boolean oneDatabase() {
        return newDatabase() == database();
    }

    @BeforeEach
    void setUp() {
        dataSource = database().dataSource();
        newDataSource = oneDatabase() ? dataSource : newDatabase().dataSource();
        DualWriteSchema.create(dataSource);
        People.createTables(dataSource, PREFIX);
        if (!oneDatabase()) {
            DualWriteSchema.create(newDataSource);
            People.createTables(newDataSource, PREFIX);
        }
        // Columns the migration does not own: another migration's, or the application's.
        People.execute(dataSource, "ALTER TABLE " + OLD + " ADD COLUMN note VARCHAR(50)");
        People.execute(newDataSource, "ALTER TABLE " + NEW + " ADD COLUMN note VARCHAR(50)");
        build(dataSource);
    }

    /** Whether {@link #build} turns the evidence gates on (most tests move without them). */
    boolean evidenceGates;

    void build(DataSource on) {
        JdbcTransactions transactions = JdbcTransactions.of(on);
        JdbcTransactions newTransactions = oneDatabase() ? transactions : JdbcTransactions.of(newDataSource);
        migration = Migration.builder(
                        "capture-" + UUID.randomUUID(),
                        Long.class,
                        People.oldStore(transactions, PREFIX),
                        People.newStore(newTransactions, PREFIX))
                .toNew(People::split)
                .toOld(People::join)
                .build();
        DualWriteBuilder builder = DualWrite.builder(new JdbcPhaseStore(on))
                .singleInstance()
                .migration(migration)
                .captureBypassWrites(migration.name())
                .captureDrainInterval(Duration.ofMillis(20));
        if (evidenceGates) {
            builder.gates(GateOptions.defaults());
        }
        dualWrite = builder.build();
        people = dualWrite.repository(migration);
        capture = dualWrite.bypassCapture(migration.name()).orElseThrow();
    }

    @AfterEach
    void tearDown() {
        if (dualWrite != null) {
            dualWrite.close();
        }
    }

    @Test
    void dualwritesOwnWritesAreNotCapturedButAPlainUpdateIs() {
        moveTo(MigrationPhase.DUAL_WRITE);
        people.write(new Person(1, "Ada Lovelace"));
        people.write(new Person(2, "Alan Turing"));
        people.delete(2L);
        assertThat(capture.pending()).isZero();

        People.execute(dataSource, "UPDATE " + OLD + " SET full_name = 'Ada King' WHERE id = 1");
        People.execute(dataSource, "INSERT INTO " + OLD + " (id, full_name) VALUES (3, 'Grace Hopper')");
        assertThat(capture.pending()).isEqualTo(2);

        assertThat(capture.drain(10)).isEqualTo(2);
        assertThat(newRows()).isEqualTo(Map.of(1L, "Ada|King", 3L, "Grace|Hopper"));
        BypassWrites stats = capture.stats();
        assertThat(stats.count()).isEqualTo(2);
        assertThat(stats.perMinute()).isEqualTo(2);
        assertThat(stats.lastSeen()).isNotNull();
        assertThat(stats.sampleKeys()).containsExactlyInAnyOrder("1", "3");
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        new io.dualwrite.core.metrics.DualWriteMetrics(dualWrite).bindTo(registry);
        assertThat(registry.get("dualwrite.bypass.writes").functionCounter().count())
                .isEqualTo(2.0);
        assertThat(registry.get("dualwrite.bypass.pending").gauge().value()).isZero();
        assertThat(registry.get("dualwrite.bypass.last.seen.age").gauge().value())
                .isNotNaN();
    }

    @Test
    void anUpdateOfAColumnTheMigrationDoesNotOwnIsNotCaptured() {
        moveTo(MigrationPhase.DUAL_WRITE);
        people.write(new Person(1, "Ada Lovelace"));

        People.execute(dataSource, "UPDATE " + OLD + " SET note = 'vip' WHERE id = 1");
        People.execute(dataSource, "UPDATE " + OLD + " SET full_name = 'Ada Lovelace' WHERE id = 1");
        assertThat(capture.pending()).isZero();

        People.execute(dataSource, "UPDATE " + OLD + " SET full_name = 'Ada King', note = 'x' WHERE id = 1");
        assertThat(capture.pending()).isEqualTo(1);
    }

    @Test
    void aBypassWriteInReadNewReachesNewAndALaterDualWriteWins() {
        moveTo(MigrationPhase.READ_NEW);
        people.write(new Person(1, "Ada Lovelace"));
        people.write(new Person(2, "Alan Turing"));

        People.execute(dataSource, "UPDATE " + OLD + " SET full_name = 'Ada King' WHERE id = 1");
        People.execute(dataSource, "UPDATE " + OLD + " SET full_name = 'Alan M Turing' WHERE id = 2");
        people.write(new Person(2, "Alan Turing")); // later than the bypass write of key 2

        capture.drain(10);
        assertThat(newRows()).isEqualTo(Map.of(1L, "Ada|King", 2L, "Alan|Turing"));
        assertThat(people.read(1L)).contains(new PersonName(1, "Ada", "King"));
    }

    @Test
    void aBypassWriteToNewInReadNewReachesOld() throws SQLException {
        moveTo(MigrationPhase.READ_NEW);
        people.write(new Person(1, "Ada Lovelace"));
        people.write(new Person(2, "Alan Turing"));
        people.write(new Person(3, "Grace Hopper"));

        People.execute(newDataSource, "UPDATE " + NEW + " SET last_name = 'King' WHERE id = 1");
        People.execute(newDataSource, "DELETE FROM " + NEW + " WHERE id = 2");
        People.execute(newDataSource, "INSERT INTO " + NEW + " (id, first_name, last_name) VALUES (4, 'Edsger', 'D')");
        People.execute(newDataSource, "UPDATE " + NEW + " SET note = 'vip' WHERE id = 3"); // not the migration's
        assertThat(capture.pending()).isEqualTo(3);

        assertThat(capture.drain(10)).isEqualTo(3);
        assertThat(oldNames()).isEqualTo(Map.of(1L, "Ada King", 3L, "Grace Hopper", 4L, "Edsger D"));
        assertThat(newRows()).isEqualTo(Map.of(1L, "Ada|King", 3L, "Grace|Hopper", 4L, "Edsger|D"));
    }

    /*
     * Both sides captured for one key in READ_NEW: the later bypass write wins on both sides. In one database the key's
     * one record orders the two captures (its side is the latest's); across two, the later capture time does.
     */
    @Test
    void whenBothSidesWereWrittenBypassingDualwriteTheLaterWriteWins() throws Exception {
        moveTo(MigrationPhase.READ_NEW);
        people.write(new Person(1, "Ada Lovelace"));
        people.write(new Person(2, "Alan Turing"));

        People.execute(dataSource, "UPDATE " + OLD + " SET full_name = 'Ada Old' WHERE id = 1");
        Thread.sleep(5);
        People.execute(newDataSource, "UPDATE " + NEW + " SET last_name = 'New' WHERE id = 1");
        People.execute(newDataSource, "UPDATE " + NEW + " SET last_name = 'New' WHERE id = 2");
        Thread.sleep(5);
        People.execute(dataSource, "UPDATE " + OLD + " SET full_name = 'Alan Old' WHERE id = 2");

        while (capture.drain(10) > 0) {
            // both databases' records
        }
        assertThat(capture.pending()).isZero();
        assertThat(oldNames()).isEqualTo(Map.of(1L, "Ada New", 2L, "Alan Old"));
        assertThat(newRows()).isEqualTo(Map.of(1L, "Ada|New", 2L, "Alan|Old"));
    }

    /*
     * Interleaving (READ_NEW):
     *   1. Key 1 is dual-written ("Ada Lovelace") on both sides.
     *   2. A legacy job updates OLD ("Ada Old"): captured on OLD.
     *   3. The drain reads the key's records (latest capture on OLD).
     *   4. Another legacy job updates NEW ("Ada New"): captured on NEW, later.
     *   5. The drain copies. Copying from OLD, as its read said, would replace the later write on NEW (and then on
     *      OLD): it finds the records changed and leaves the key; the next drain copies NEW to OLD.
     * The drain reads the phase between 3 and 5, which is where the test makes step 4 happen.
     */
    @Test
    void aCaptureAfterTheDrainReadTheRecordsIsNotOverwritten() throws Exception {
        moveTo(MigrationPhase.READ_NEW);
        people.write(new Person(1, "Ada Lovelace"));
        People.execute(dataSource, "UPDATE " + OLD + " SET full_name = 'Ada Old' WHERE id = 1");
        Thread.sleep(5);
        AtomicBoolean once = new AtomicBoolean();
        BypassCapture<Long, Person, PersonName> drain = new BypassCapture<>(
                migration,
                () -> {
                    if (once.compareAndSet(false, true)) {
                        People.execute(newDataSource, "UPDATE " + NEW + " SET last_name = 'New' WHERE id = 1");
                    }
                    return MigrationPhase.READ_NEW;
                },
                java.time.Clock.systemUTC());

        assertThat(drain.drain(10)).isZero();
        assertThat(newRows()).isEqualTo(Map.of(1L, "Ada|New"));

        while (drain.drain(10) > 0) {
            // both databases' records
        }
        assertThat(capture.pending()).isZero();
        assertThat(oldNames()).isEqualTo(Map.of(1L, "Ada New"));
        assertThat(newRows()).isEqualTo(Map.of(1L, "Ada|New"));
    }

    /*
     * Interleaving (READ_NEW, one database; dual writes lock NEW, then OLD):
     *   1. A legacy job inserts key 1 into OLD ("Ada Lovelace"): captured on OLD; NEW lacks the key.
     *   2. The drain locks NEW's row (absent: no lock is taken), finds the tokens unchanged and reads OLD
     *      ("Ada Lovelace").
     *   3. A dual delete of key 1: NEW (absent: nothing deleted, no lock), then OLD; committed. Not captured (it is
     *      dualwrite's).
     *   4. The drain inserts "Ada|Lovelace" into NEW, where the row is absent, commits, and removes the record.
     * NEW then holds a value that OLD no longer has, and nothing is pending. The test holds the drain's insert of
     * step 4 back with a lock on NEW's key that neither the drain's reads nor the delete wait for (MariaDB: a gap lock
     * of a REPEATABLE READ session; PostgreSQL: an uncommitted, marked insert of the key), until step 3 committed.
     */
    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aDualDeleteWhileTheDrainCopiesOldToAnAbsentNewRowReachesBothSides() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(oneDatabase());
        moveTo(MigrationPhase.READ_NEW);
        People.execute(dataSource, "INSERT INTO " + OLD + " (id, full_name) VALUES (1, 'Ada Lovelace')");
        assertThat(capture.pending()).isEqualTo(1);

        try (Connection blocker = holdBackInsertsIntoNew(1)) {
            Thread drain = new Thread(() -> capture.drain(10));
            drain.start();
            awaitALockWait();
            Thread delete = new Thread(() -> people.delete(1L));
            delete.start();
            // Step 3 commits, or waits for the drain (which may lock OLD's row until its copy committed).
            await().atMost(Duration.ofSeconds(10)).until(() -> !delete.isAlive() || lockWaits() >= 2);
            blocker.rollback();
            drain.join(10_000);
            delete.join(10_000);
            assertThat(drain.isAlive()).isFalse();
            assertThat(delete.isAlive()).isFalse();
        }
        while (capture.drain(10) > 0) {
            // until nothing is left
        }

        assertThat(capture.pending()).isZero();
        assertThat(oldNames()).isEmpty();
        assertThat(newRows()).isEmpty();
    }

    /*
     * The same in BACKFILL's order (OLD's row under a shared lock, then NEW's), which a drain (or a backfill chunk)
     * that read the phase just before the move to READ_NEW still uses while the dual writes already use READ_NEW's:
     *   1. A legacy job inserts key 1 into OLD ("Ada Lovelace"): captured on OLD; NEW lacks the key.
     *   2. The drain (phase read: BACKFILL) locks OLD's row (shared) and NEW's (absent: no lock).
     *   3. A dual delete routed by READ_NEW: NEW (absent: nothing deleted, no lock), then OLD: waits for the drain.
     *   4. The drain inserts "Ada|Lovelace" into NEW and commits; the delete then deletes OLD and commits.
     */
    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aDualDeleteInReadNewWhileADrainInBackfillsOrderCopiesOldReachesBothSides() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(oneDatabase());
        moveTo(MigrationPhase.READ_NEW);
        People.execute(dataSource, "INSERT INTO " + OLD + " (id, full_name) VALUES (1, 'Ada Lovelace')");
        BypassCapture<Long, Person, PersonName> stale =
                new BypassCapture<>(migration, () -> MigrationPhase.BACKFILL, java.time.Clock.systemUTC());

        try (Connection blocker = holdBackInsertsIntoNew(1)) {
            Thread drain = new Thread(() -> stale.drain(10));
            drain.start();
            awaitALockWait();
            Thread delete = new Thread(() -> people.delete(1L));
            delete.start();
            awaitLockWaits(2);
            blocker.rollback();
            drain.join(10_000);
            delete.join(10_000);
            assertThat(drain.isAlive()).isFalse();
            assertThat(delete.isAlive()).isFalse();
        }
        while (capture.drain(10) > 0) {
            // until nothing is left
        }

        assertThat(capture.pending()).isZero();
        assertThat(oldNames()).isEmpty();
        assertThat(newRows()).isEmpty();
    }

    /**
     * A connection holding a lock on NEW's key that makes an insert of it wait, but not a read of it (locking or not)
     * nor a delete: MariaDB's gap lock of a REPEATABLE READ locking read of the absent key; on PostgreSQL an
     * uncommitted insert of the key (marked as dualwrite's, so not captured). Released by its rollback.
     */
    Connection holdBackInsertsIntoNew(long key) throws SQLException {
        Connection c = newDataSource.getConnection();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            if (newDatabase().kind() == TestDatabase.Kind.MARIADB) {
                c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                s.executeQuery("SELECT id FROM " + NEW + " WHERE id = " + key + " FOR UPDATE")
                        .close();
            } else {
                s.executeQuery("SELECT set_config('dualwrite.writer', 'on', true)")
                        .close();
                s.executeUpdate(
                        "INSERT INTO " + NEW + " (id, first_name, last_name) VALUES (" + key + ", 'Held', 'Back')");
            }
        }
        return c;
    }

    void awaitALockWait() {
        awaitLockWaits(1);
    }

    /** Waits until this many sessions of NEW's database wait for a lock. */
    void awaitLockWaits(int sessions) {
        await().atMost(Duration.ofSeconds(10)).until(() -> lockWaits() >= sessions);
    }

    /** How many sessions of NEW's database wait for a lock. */
    int lockWaits() throws SQLException {
        String sql = newDatabase().kind() == TestDatabase.Kind.MARIADB
                ? "SELECT COUNT(*) FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p"
                        + " ON p.ID = t.trx_mysql_thread_id WHERE t.trx_state = 'LOCK WAIT' AND p.DB = DATABASE()"
                : "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                        + " AND wait_event_type = 'Lock'";
        try (Connection c = newDataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void aBypassWriteToNewBeforeReadNewIsUndoneFromOld() throws SQLException {
        moveTo(MigrationPhase.DUAL_WRITE);
        people.write(new Person(1, "Ada Lovelace"));

        People.execute(newDataSource, "UPDATE " + NEW + " SET last_name = 'King' WHERE id = 1");
        People.execute(newDataSource, "INSERT INTO " + NEW + " (id, first_name, last_name) VALUES (2, 'Stray', 'Row')");
        assertThat(capture.drain(10)).isEqualTo(2);

        assertThat(newRows()).isEqualTo(Map.of(1L, "Ada|Lovelace"));
        assertThat(oldNames()).isEqualTo(Map.of(1L, "Ada Lovelace"));
    }

    @Test
    void aBypassWriteToNewInDropOldIsOnlyCounted() throws SQLException {
        moveTo(MigrationPhase.DROP_OLD);
        people.write(new Person(1, "Ada Lovelace"));

        People.execute(newDataSource, "UPDATE " + NEW + " SET last_name = 'King' WHERE id = 1");
        assertThat(capture.drain(10)).isEqualTo(1);

        assertThat(capture.stats().count()).isEqualTo(1);
        assertThat(newRows()).isEqualTo(Map.of(1L, "Ada|King"));
        assertThat(oldNames()).isEmpty();
    }

    /*
     * A legacy row the mapping cannot copy (an empty name maps to a NULL first_name, which NEW refuses) is tried
     * again later and says why; the keys captured after it are drained meanwhile.
     */
    @Test
    void aKeyThatCannotBeCopiedDoesNotHoldUpTheOthers() {
        moveTo(MigrationPhase.DUAL_WRITE);
        People.execute(dataSource, "INSERT INTO " + OLD + " (id, full_name) VALUES (1, '')");
        People.execute(dataSource, "INSERT INTO " + OLD + " (id, full_name) VALUES (2, 'Grace Hopper')");

        assertThat(capture.drain(10)).isEqualTo(1);
        assertThat(capture.drain(10)).isZero();
        assertThat(capture.pending()).isEqualTo(1);
        assertThat(newRows()).isEqualTo(Map.of(2L, "Grace|Hopper"));

        People.execute(dataSource, "UPDATE " + OLD + " SET full_name = 'Ada Lovelace' WHERE id = 1");
        assertThat(capture.drain(10)).isEqualTo(1);
        assertThat(newRows()).isEqualTo(Map.of(1L, "Ada|Lovelace", 2L, "Grace|Hopper"));
    }

    /*
     * Interleaving:
     *   1. DROP_OLD: the application writes key 1 (NEW only); a legacy job updates OLD's stale row of key 1.
     *   2. DROP_OLD -> READ_NEW: OLD is stale until the re-sync completes (not started here).
     *   3. The drain runs. Copying OLD to NEW now would bring the stale name back over the acknowledged write.
     */
    @Test
    void aReadNewEnteredFromDropOldCopiesNothingFromOldBeforeItsResync() {
        moveTo(MigrationPhase.READ_NEW);
        people.write(new Person(1, "Ada Lovelace"));
        moveTo(MigrationPhase.DROP_OLD);
        people.write(new Person(1, "Ada King"));
        People.execute(dataSource, "UPDATE " + OLD + " SET full_name = 'Stale Legacy' WHERE id = 1");
        dualWrite.transition(migration.name(), MigrationPhase.READ_NEW, TransitionRequest.by("test", "roll back"));

        assertThat(capture.drain(10)).isZero();
        assertThat(capture.pending()).isEqualTo(1);
        assertThat(newRows()).isEqualTo(Map.of(1L, "Ada|King"));
    }

    /**
     * MariaDB marks dualwrite's transactions with a session variable: it must be reset before the connection goes back
     * to the pool, or the application's next write on it would not be captured.
     */
    @Test
    void theMarkerDoesNotLeakThroughAPooledConnection() throws SQLException {
        dualWrite.close();
        TestDatabase db = database();
        try (HikariDataSource pool = new HikariDataSource()) {
            pool.setJdbcUrl(db.jdbcUrl());
            pool.setUsername(db.user());
            pool.setPassword(db.password());
            pool.setMaximumPoolSize(1);
            build(pool);
            moveTo(MigrationPhase.DUAL_WRITE);
            people.write(new Person(1, "Ada Lovelace"));
            JdbcTransactions.of(pool).inTransaction(() -> people.write(new Person(2, "Alan Turing")));
            assertThat(capture.pending()).isZero();

            try (Connection c = pool.getConnection();
                    Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE " + OLD + " SET full_name = 'Ada King' WHERE id = 1");
            }
            assertThat(capture.pending()).isEqualTo(1);
        }
    }

    static java.util.stream.Stream<Long> seeds() {
        return Seeds.seeds();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void bypassWritesConcurrentWithDualWritesEndEqualOnBothSides(long seed) throws Exception {
        System.out.println(
                getClass().getSimpleName() + ": seed " + seed + " (reproduce with -Ddualwrite.seed=" + seed + ")");
        moveTo(MigrationPhase.DUAL_WRITE);
        dualWrite.startBackgroundWork();
        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicLong legacyWrites = new AtomicLong();
        AtomicLong newLegacyWrites = new AtomicLong();
        AtomicLong legacyRetries = new AtomicLong();
        AtomicLong dualWrites = new AtomicLong();
        // What each writer did to which key, in the order the statements returned: printed for the keys that differ.
        ConcurrentLinkedQueue<String> history = new ConcurrentLinkedQueue<>();
        long started = System.nanoTime();
        java.util.function.BiConsumer<Long, String> happened =
                (key, what) -> history.add(key + " @" + (System.nanoTime() - started) / 1_000_000 + "ms " + what);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            Random random = new Random(seed * 31 + w);
            int writer = w;
            threads.add(new Thread(() -> {
                while (running.get()) {
                    long key = 1 + random.nextInt(KEYS);
                    try {
                        if (random.nextInt(5) == 0) {
                            people.delete(key);
                            happened.accept(key, "dual write " + writer + ": delete");
                        } else {
                            String name = "W" + writer + " N" + random.nextInt(1000);
                            people.write(new Person(key, name));
                            happened.accept(key, "dual write " + writer + ": " + name);
                        }
                        dualWrites.incrementAndGet();
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                }
            }));
        }
        Random legacyRandom = new Random(seed * 31 + 7);
        threads.add(new Thread(() -> {
            try (Connection c = dataSource.getConnection()) {
                while (running.get()) {
                    long key = 1 + legacyRandom.nextInt(KEYS);
                    int op = legacyRandom.nextInt(4);
                    String name = "L" + legacyRandom.nextInt(1000) + " X" + legacyRandom.nextInt(10);
                    // InnoDB may pick a plain statement (REPEATABLE READ, gap locks) as a deadlock victim, as it
                    // would against any other writer: rolled back, so not acknowledged; the job retries it, as
                    // legacy jobs do. dualwrite's own writes must never fail (the writers above).
                    for (int attempt = 0; ; attempt++) {
                        try {
                            legacy(c, op, key, name);
                            happened.accept(key, "plain SQL on OLD: op " + op + " " + name);
                            legacyWrites.incrementAndGet();
                            break;
                        } catch (java.sql.SQLTransactionRollbackException victim) {
                            legacyRetries.incrementAndGet();
                            if (attempt == 20) {
                                failures.add(victim);
                                break;
                            }
                        } catch (SQLException e) {
                            failures.add(e);
                            break;
                        }
                    }
                }
            } catch (SQLException e) {
                failures.add(e);
            }
        }));
        // A second legacy job on NEW's table, from its own connection: undone from OLD before READ_NEW, copied to
        // OLD in READ_NEW.
        Random newLegacyRandom = new Random(seed * 31 + 11);
        threads.add(new Thread(() -> {
            try (Connection c = newDataSource.getConnection()) {
                while (running.get()) {
                    long key = 1 + newLegacyRandom.nextInt(KEYS);
                    int op = newLegacyRandom.nextInt(4);
                    String first = "F" + newLegacyRandom.nextInt(1000);
                    String last = "G" + newLegacyRandom.nextInt(10);
                    for (int attempt = 0; ; attempt++) {
                        try {
                            legacyOnNew(c, op, key, first, last);
                            happened.accept(key, "plain SQL on NEW: op " + op + " " + first + " " + last);
                            legacyWrites.incrementAndGet();
                            newLegacyWrites.incrementAndGet();
                            break;
                        } catch (java.sql.SQLTransactionRollbackException victim) {
                            legacyRetries.incrementAndGet();
                            if (attempt == 20) {
                                failures.add(victim);
                                break;
                            }
                        } catch (SQLException e) {
                            failures.add(e);
                            break;
                        }
                    }
                    Thread.onSpinWait();
                }
            } catch (SQLException e) {
                failures.add(e);
            }
        }));
        threads.forEach(Thread::start);
        Random moves = new Random(seed);
        AtomicLong refusedMoves = new AtomicLong();
        try {
            for (MigrationPhase next : List.of(MigrationPhase.BACKFILL, MigrationPhase.READ_NEW)) {
                Thread.sleep(300 + moves.nextInt(500));
                moveRetryingRefusals(next, refusedMoves);
                happened.accept(0L, "moved to " + next);
            }
            Thread.sleep(300 + moves.nextInt(500));
        } finally {
            running.set(false);
            for (Thread thread : threads) {
                thread.join(30_000);
            }
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> capture.pending() == 0);
        System.out.println(getClass().getSimpleName() + ": seed " + seed + ": " + dualWrites + " dual writes, "
                + legacyWrites + " plain SQL writes (" + newLegacyWrites + " to NEW, " + legacyRetries
                + " retried as deadlock victims), "
                + capture.stats().count() + " captured, " + refusedMoves + " moves refused and retried; failures "
                + failures.stream().map(Throwable::toString).limit(5).toList());
        assertThat(threads)
                .as("writers still running 30 s after they were told to stop")
                .noneMatch(Thread::isAlive);
        assertThat(failures).isEmpty();
        assertThat(newLegacyWrites.get()).isPositive();
        assertThat(legacyWrites.get()).isGreaterThan(newLegacyWrites.get());
        Map<Long, String> expected = new TreeMap<>();
        oldNames().forEach((id, name) -> {
            PersonName split = People.split(new Person(id, name));
            expected.put(id, split.firstName() + "|" + split.lastName());
        });
        Map<Long, String> found = newRows();
        Set<Long> differing = new java.util.TreeSet<>(expected.keySet());
        differing.addAll(found.keySet());
        differing.removeIf(id -> Objects.equals(expected.get(id), found.get(id)));
        assertThat(found)
                .as(() -> "seed " + seed + ": OLD and NEW differ in " + differing + "; what the writers did to them:\n"
                        + String.join(
                                "\n",
                                history.stream()
                                        .filter(e -> differing.contains(Long.parseLong(e.substring(0, e.indexOf(' '))))
                                                || e.startsWith("0 "))
                                        .toList()))
                .isEqualTo(expected);
    }

    void legacy(Connection c, int op, long key, String name) throws SQLException {
        String sql =
                switch (op) {
                    case 0 -> "DELETE FROM " + OLD + " WHERE id = ?";
                    case 1 -> "UPDATE " + OLD + " SET full_name = ? WHERE id = ?";
                    case 2 -> "UPDATE " + OLD + " SET note = ? WHERE id = ?";
                    default ->
                        database().kind() == TestDatabase.Kind.POSTGRESQL
                                ? "INSERT INTO " + OLD + " (full_name, id) VALUES (?, ?)"
                                        + " ON CONFLICT (id) DO UPDATE SET full_name = EXCLUDED.full_name"
                                : "INSERT INTO " + OLD + " (full_name, id) VALUES (?, ?)"
                                        + " ON DUPLICATE KEY UPDATE full_name = VALUES(full_name)";
                };
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            if (op == 0) {
                statement.setLong(1, key);
            } else {
                statement.setString(1, op == 2 ? "n" + name.length() : name);
                statement.setLong(2, key);
            }
            statement.executeUpdate();
        }
    }

    void legacyOnNew(Connection c, int op, long key, String first, String last) throws SQLException {
        boolean postgres = newDatabase().kind() == TestDatabase.Kind.POSTGRESQL;
        String sql =
                switch (op) {
                    case 0 -> "DELETE FROM " + NEW + " WHERE id = ?";
                    case 1 -> "UPDATE " + NEW + " SET first_name = ?, last_name = ? WHERE id = ?";
                    case 2 -> "UPDATE " + NEW + " SET note = ?, last_name = last_name WHERE id = ?";
                    default ->
                        postgres
                                ? "INSERT INTO " + NEW + " (first_name, last_name, id) VALUES (?, ?, ?) ON CONFLICT"
                                        + " (id) DO UPDATE SET first_name = EXCLUDED.first_name,"
                                        + " last_name = EXCLUDED.last_name"
                                : "INSERT INTO " + NEW + " (first_name, last_name, id) VALUES (?, ?, ?)"
                                        + " ON DUPLICATE KEY UPDATE first_name = VALUES(first_name),"
                                        + " last_name = VALUES(last_name)";
                };
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            switch (op) {
                case 0 -> statement.setLong(1, key);
                case 2 -> {
                    statement.setString(1, first);
                    statement.setLong(2, key);
                }
                default -> {
                    statement.setString(1, first);
                    statement.setString(2, last);
                    statement.setLong(3, key);
                }
            }
            statement.executeUpdate();
        }
    }

    /*
     * Across two databases the move into READ_NEW hands the source of truth over: it copies the keys whose dual write
     * has not reached NEW yet and is refused while one of them still differs afterwards, which a legacy job writing
     * the same keys can make happen. An operator (or the autopilot) tries again; so does the test.
     */
    void moveRetryingRefusals(MigrationPhase target, AtomicLong refused) throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            try {
                moveTo(target);
                return;
            } catch (io.dualwrite.core.model.TransitionRefusedException e) {
                if (attempt == 100 || !e.getMessage().contains("source-of-truth-handover")) {
                    throw e;
                }
                refused.incrementAndGet();
                Thread.sleep(20);
            }
        }
    }

    void moveTo(MigrationPhase target) {
        while (dualWrite.phase(migration.name()) != target) {
            dualWrite.advance(migration.name(), TransitionRequest.by("test", "move to " + target));
        }
    }

    Map<Long, String> oldNames() throws SQLException {
        Map<Long, String> rows = new TreeMap<>();
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, full_name FROM " + OLD)) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getString(2));
            }
        }
        return rows;
    }

    /** NEW's rows by plain SQL, without the column the migration does not own. */
    Map<Long, String> newRows() {
        Map<Long, String> rows = new TreeMap<>();
        People.rows(newDataSource, NEW).forEach((id, row) -> rows.put(id, row.substring(0, row.lastIndexOf('|'))));
        return rows;
    }
}
