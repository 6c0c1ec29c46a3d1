package io.dualwrite.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualwrite.core.DualRepository;
import io.dualwrite.core.DualWrite;
import io.dualwrite.core.TransitionRequest;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.BypassCapture;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.model.MigrationPhase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Capture of bypass writes from PostgreSQL's logical replication stream (Debezium), on an embedded server with
 * {@code wal_level=logical}: the same concurrent test as trigger capture's
 * ({@code AbstractBypassCaptureTest.bypassWritesConcurrentWithDualWritesEndEqualOnBothSides}), with no trigger
 * installed, and dualwrite's own writes left out by their markers in the log.
 */
class PostgresDebeziumCaptureTest {

    private static final String OLD = "dbz_old";
    private static final String NEW = "dbz_new";
    private static final int KEYS = 40;
    private static final long SENTINEL = 1_000_000L;

    record Person(long id, String fullName) {}

    record PersonName(long id, String firstName, String lastName) {}

    private DataSource dataSource;
    private Migration<Long, Person, PersonName> migration;
    private DualWrite dualWrite;
    private DualRepository<Long, Person, PersonName> people;
    private BypassCapture<?, ?, ?> capture;
    private DebeziumCapture feed;

    @BeforeEach
    void setUp() {
        LogicalPostgres db = LogicalPostgres.get();
        dataSource = db.dataSource();
        DualWriteSchema.create(dataSource);
        execute(
                "DROP TABLE IF EXISTS " + OLD,
                "DROP TABLE IF EXISTS " + NEW,
                "CREATE TABLE " + OLD + " (id BIGINT PRIMARY KEY, full_name VARCHAR(200), note VARCHAR(50))",
                "CREATE TABLE " + NEW + " (id BIGINT PRIMARY KEY, first_name VARCHAR(100) NOT NULL,"
                        + " last_name VARCHAR(100))");
        JdbcTransactions transactions = JdbcTransactions.of(dataSource);
        migration = Migration.builder(
                        "dbz-" + UUID.randomUUID(), Long.class, oldStore(transactions), newStore(transactions))
                .toNew(PostgresDebeziumCaptureTest::split)
                .toOld(PostgresDebeziumCaptureTest::join)
                .build();
        feed = DebeziumCapture.builder(db.jdbcUrl, db.user, db.password)
                .retry(Duration.ofMillis(500))
                .heartbeat(Duration.ofSeconds(1))
                .build();
        dualWrite = DualWrite.builder(new JdbcPhaseStore(dataSource))
                .singleInstance()
                .migration(migration)
                .captureBypassWrites(migration.name(), feed)
                .captureDrainInterval(Duration.ofMillis(20))
                .build();
        people = dualWrite.repository(migration);
        capture = dualWrite.bypassCapture(migration.name()).orElseThrow();
        dualWrite.startBackgroundWork();
        feed.awaitSlot(Duration.ofSeconds(60));
        feed.awaitStreaming(Duration.ofSeconds(60));
    }

    @AfterEach
    void tearDown() {
        if (dualWrite != null) {
            dualWrite.close();
        }
        if (feed != null) {
            feed.dropReplication();
        }
    }

    @Test
    void noTriggerIsInstalledAndTheSlotIsNamedAfterTheMigration() throws SQLException {
        assertThat(count(
                        "SELECT COUNT(*) FROM pg_trigger WHERE NOT tgisinternal AND tgrelid = '" + OLD + "'::regclass"))
                .isZero();
        assertThat(count("SELECT COUNT(*) FROM pg_replication_slots WHERE slot_name = '"
                        + feed.names().slot() + "'"))
                .isEqualTo(1);
        assertThat(feed.names().slot()).startsWith("dualwrite_dbz_").hasSizeLessThanOrEqualTo(63);
    }

    @Test
    void dualwritesOwnWritesAreNotCapturedButPlainSqlIs() throws Exception {
        moveTo(MigrationPhase.DUAL_WRITE);
        people.write(new Person(1, "Ada Lovelace"));
        people.write(new Person(2, "Alan Turing"));
        people.delete(2L);
        // Work dualwrite runs in a transaction of its own that the caller opened: all of it is dualwrite's.
        JdbcTransactions.of(dataSource).inTransaction(() -> {
            people.write(new Person(3, "Grace Hopper"));
            people.write(new Person(4, "Edsger Dijkstra"));
        });
        plain("UPDATE " + OLD + " SET full_name = 'Grace Brewster Hopper' WHERE id = 3");
        plain("UPDATE " + OLD + " SET full_name = 'Ada King' WHERE id = 1");
        sentinel();

        await().atMost(Duration.ofSeconds(30)).until(() -> newRows().containsKey(SENTINEL) && capture.pending() == 0);
        assertThat(capture.stats().sampleKeys()).containsExactlyInAnyOrder("3", "1", Long.toString(SENTINEL));
        assertThat(capture.stats().count()).isEqualTo(3);
        assertThat(feed.health().ownChanges()).isGreaterThanOrEqualTo(5);
        assertThat(newRows()).containsEntry(1L, "Ada|King").containsEntry(3L, "Grace|Brewster Hopper");
        assertThat(feed.health().lastEventAt()).isNotNull();
        assertThat(feed.health().lag()).isNotNull();
        // What the status shows of the feed (the instance hands out the feed it was built with).
        assertThat(dualWrite.captureFeed(migration.name())).containsSame(feed);
        Map<String, Object> status = feed.status();
        assertThat(status)
                .containsEntry("source", "debezium")
                .containsEntry("streaming", true)
                .containsEntry("slotReady", true)
                .containsEntry("lastError", null)
                .containsKeys("lag", "ownChanges", "unchanged");
        assertThat(((Number) status.get("bypassChanges")).longValue()).isGreaterThanOrEqualTo(3);
        assertThat((String) status.get("lastEventAt")).isNotBlank();
    }

    @Test
    void oneInstanceStreamsTheSlotAndAnotherTakesOverWhenItStops() throws Exception {
        LogicalPostgres db = LogicalPostgres.get();
        DebeziumCapture second = DebeziumCapture.builder(db.jdbcUrl, db.user, db.password)
                .retry(Duration.ofMillis(300))
                .build();
        try {
            second.start(capture); // a second instance's feed of the same migration
            moveTo(MigrationPhase.DUAL_WRITE);
            people.write(new Person(1, "Ada Lovelace"));
            Thread.sleep(1_500);
            assertThat(feed.health().streaming()).isTrue();
            assertThat(second.health().streaming()).isFalse();
            assertThat(second.health().slotReady()).isTrue();
            assertThat(second.health().lastError()).isNull(); // it waited for the lease, it did not fight for the slot

            feed.close();
            second.awaitStreaming(Duration.ofSeconds(60));
            plain("UPDATE " + OLD + " SET full_name = 'Ada King' WHERE id = 1");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> "Ada|King".equals(newRows().get(1L)) && capture.pending() == 0);
            assertThat(second.health().bypassChanges()).isEqualTo(1);
        } finally {
            second.close();
        }
    }

    @Test
    void onlyDualWritesLeaveNothingToDrain() throws Exception {
        moveTo(MigrationPhase.DUAL_WRITE);
        for (int i = 1; i <= 20; i++) {
            people.write(new Person(i, "Person " + i));
        }
        for (int i = 1; i <= 5; i++) {
            people.delete((long) i);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> feed.health().ownChanges() >= 25);
        assertThat(capture.pending()).isZero();
        assertThat(capture.stats().count()).isZero();
        assertThat(feed.health().bypassChanges()).isZero();
    }

    static Stream<Long> seeds() {
        String fixed = System.getProperty("dualwrite.seed");
        if (fixed != null && !fixed.isBlank()) {
            return Stream.of(Long.parseLong(fixed.trim()));
        }
        return Stream.of(1L, 42L, System.nanoTime());
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void bypassWritesConcurrentWithDualWritesEndEqualOnBothSides(long seed) throws Exception {
        System.out.println(
                getClass().getSimpleName() + ": seed " + seed + " (reproduce with -Ddualwrite.seed=" + seed + ")");
        moveTo(MigrationPhase.DUAL_WRITE);
        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicLong legacyWrites = new AtomicLong();
        AtomicLong dualWrites = new AtomicLong();
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
                        } else {
                            people.write(new Person(key, "W" + writer + " N" + random.nextInt(1000)));
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
                    // PostgreSQL may pick the plain statement as a deadlock victim when it waits behind two writes a
                    // move apart that lock the sides in opposite orders: rolled back, not acknowledged; the job
                    // retries it, as legacy jobs do. dualwrite's own writes must never fail.
                    for (int attempt = 0; ; attempt++) {
                        try {
                            legacy(c, op, key, name);
                            legacyWrites.incrementAndGet();
                            break;
                        } catch (SQLException e) {
                            if (e.getSQLState() == null || !e.getSQLState().startsWith("40") || attempt == 20) {
                                throw e;
                            }
                        }
                    }
                }
            } catch (SQLException e) {
                failures.add(e);
            }
        }));
        threads.forEach(Thread::start);
        Random moves = new Random(seed);
        for (MigrationPhase next : List.of(MigrationPhase.BACKFILL, MigrationPhase.READ_NEW)) {
            Thread.sleep(300 + moves.nextInt(500));
            moveTo(next);
        }
        Thread.sleep(300 + moves.nextInt(500));
        running.set(false);
        for (Thread thread : threads) {
            thread.join(30_000);
        }
        // Everything committed before the sentinel reaches the stream before it: once it is drained, so is the rest.
        sentinel();
        await().atMost(Duration.ofSeconds(60)).until(() -> newRows().containsKey(SENTINEL) && capture.pending() == 0);

        DebeziumCaptureHealth health = feed.health();
        System.out.println(getClass().getSimpleName() + ": seed " + seed + ": " + dualWrites + " dual writes, "
                + legacyWrites + " plain SQL writes, " + capture.stats().count() + " captured, "
                + health.ownChanges() + " own changes left out, lag " + health.lag() + "; failures "
                + failures.stream().map(Throwable::toString).limit(5).toList());
        assertThat(failures).isEmpty();
        assertThat(legacyWrites.get()).isPositive();
        Map<Long, String> expected = new TreeMap<>();
        oldNames().forEach((id, name) -> {
            PersonName split = split(new Person(id, name));
            expected.put(id, split.firstName() + "|" + split.lastName());
        });
        assertThat(newRows()).isEqualTo(expected);
    }

    private void legacy(Connection c, int op, long key, String name) throws SQLException {
        String sql =
                switch (op) {
                    case 0 -> "DELETE FROM " + OLD + " WHERE id = ?";
                    case 1 -> "UPDATE " + OLD + " SET full_name = ? WHERE id = ?";
                    case 2 -> "UPDATE " + OLD + " SET note = ? WHERE id = ?";
                    default ->
                        "INSERT INTO " + OLD + " (full_name, id) VALUES (?, ?)"
                                + " ON CONFLICT (id) DO UPDATE SET full_name = EXCLUDED.full_name";
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

    /** A plain SQL write after everything else: the stream delivers it after all that committed before. */
    private void sentinel() {
        plain("INSERT INTO " + OLD + " (id, full_name) VALUES (" + SENTINEL + ", 'Sentinel Row')");
    }

    private void moveTo(MigrationPhase target) {
        while (dualWrite.phase(migration.name()) != target) {
            dualWrite.advance(migration.name(), TransitionRequest.by("test", "move to " + target));
        }
    }

    /** A statement on the connection of the transaction open on this thread (or a new one), not through dualwrite. */
    private void plain(String sql) {
        JdbcTransactions.of(dataSource).withConnection(c -> {
            try (Statement s = c.createStatement()) {
                return s.executeUpdate(sql);
            }
        });
    }

    private long count(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Map<Long, String> oldNames() throws SQLException {
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

    private Map<Long, String> newRows() throws SQLException {
        Map<Long, String> rows = new TreeMap<>();
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, first_name, last_name FROM " + NEW)) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getString(2) + "|" + rs.getString(3));
            }
        }
        return rows;
    }

    private void execute(String... statements) {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static PersonName split(Person person) {
        String full = person.fullName();
        if (full == null || full.isEmpty()) {
            return new PersonName(person.id(), null, null);
        }
        int space = full.indexOf(' ');
        return space < 0
                ? new PersonName(person.id(), full, "")
                : new PersonName(person.id(), full.substring(0, space), full.substring(space + 1));
    }

    static Person join(PersonName name) {
        return new Person(
                name.id(), name.lastName().isEmpty() ? name.firstName() : name.firstName() + " " + name.lastName());
    }

    private static JdbcStore<Long, Person> oldStore(JdbcTransactions transactions) {
        return JdbcStore.builder(transactions, Long.class, Person.class)
                .table(OLD)
                .key("id", Person::id)
                .columns("full_name")
                .mapper(rs -> new Person(rs.getLong("id"), rs.getString("full_name")))
                .binder((person, row) -> row.set("full_name", person.fullName()))
                .build();
    }

    private static JdbcStore<Long, PersonName> newStore(JdbcTransactions transactions) {
        return JdbcStore.builder(transactions, Long.class, PersonName.class)
                .table(NEW)
                .key("id", PersonName::id)
                .columns("first_name", "last_name")
                .mapper(rs -> new PersonName(rs.getLong("id"), rs.getString("first_name"), rs.getString("last_name")))
                .binder((name, row) -> row.set("first_name", name.firstName()).set("last_name", name.lastName()))
                .build();
    }
}
