package io.dualwrite.core.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.core.MutableClock;
import io.dualwrite.core.People;
import io.dualwrite.core.People.Person;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcBackfillStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The copy yields to the application's row locks: its transaction waits at most the lock timeout, gives its own
 * locks up, and retries, so an application transaction never waits behind a copy that waits for it. One subclass
 * per database.
 */
abstract class AbstractBackfillLockTimeoutTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private DataSource dataSource;
    private JdbcTransactions transactions;
    private JdbcBackfillStore store;
    private Migration<Long, Person, PersonName> migration;

    protected abstract DataSource database();

    protected abstract String prefix();

    /** The statement reading the session's lock timeout, as text. */
    protected abstract String readLockTimeout();

    /** What {@link #readLockTimeout()} answers inside {@code withLockTimeout(1500 ms)}. */
    protected abstract String expectedInside();

    @BeforeEach
    void setUp() {
        dataSource = database();
        DualWriteSchema.create(dataSource);
        People.createTables(dataSource, prefix());
        transactions = JdbcTransactions.of(dataSource);
        store = new JdbcBackfillStore(transactions);
        migration = Migration.builder(
                        "locks-" + UUID.randomUUID(),
                        Long.class,
                        People.oldStore(transactions, prefix()),
                        People.newStore(transactions, prefix()))
                .toNew(People::split)
                .build();
    }

    @AfterEach
    void tearDown() {
        executor.shutdownNow();
    }

    @Test
    void anApplicationTransactionHoldingARowOfTheNextChunkNeverWaitsForTheCopy() throws Exception {
        insertOld(1, 200);
        BackfillOptions options = BackfillOptions.from(BackfillOptions.defaults())
                .initialChunkSize(50)
                .minChunkSize(10)
                .maxChunkSize(50)
                .lockTimeout(Duration.ofMillis(50))
                .retryBackoff(Duration.ofMillis(20))
                .maxBackoff(Duration.ofMillis(100))
                .maxRetries(2)
                .build();
        Backfill<Long, Person, PersonName> backfill = new Backfill<>(migration, store, options, "copier", clock);
        backfill.start();

        try (Connection app = dataSource.getConnection()) {
            app.setAutoCommit(false);
            app.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            update(app, 120, "Held Row");
            Future<Backfill.Outcome> copy = executor.submit(() -> backfill.run(() -> true));
            // The copy reaches row 120, gives up waiting for it and retries, again and again, without failing.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (backfill.throttleCount(ThrottleReason.LOCK_CONTENTION) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(backfill.throttle())
                    .hasValueSatisfying(t -> assertThat(t.reason()).isEqualTo(ThrottleReason.LOCK_CONTENTION));
            assertThat(backfill.progress().throttle()).isNotNull();
            Thread.sleep(300);
            // Rows just before 120 are in the chunk the copy keeps retrying; a write to them does not wait behind
            // it (without the lock timeout the copy would hold them while it waits for 120: a deadlock).
            long started = System.nanoTime();
            update(app, 110, "Written Meanwhile");
            update(app, 101, "Also Meanwhile");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
            assertThat(copy.isDone()).isFalse();
            app.commit();

            assertThat(copy.get(60, TimeUnit.SECONDS)).isEqualTo(Backfill.Outcome.COMPLETED);
        }
        assertThat(People.rows(dataSource, prefix() + "_new")).isEqualTo(expectedNew());
        assertThat(People.rows(dataSource, prefix() + "_new"))
                .containsEntry(120L, "Held|Row")
                .containsEntry(110L, "Written|Meanwhile")
                .containsEntry(101L, "Also|Meanwhile")
                .hasSize(200);
        assertThat(backfill.progress().state()).isEqualTo(BackfillState.COMPLETED);
        assertThat(backfill.throttle()).isEmpty();
    }

    @Test
    void theLockTimeoutEndsWithTheWorkAndNeverReachesThePool() {
        String before = transactions.withConnection(c -> read(c, readLockTimeout()));
        java.util.function.Supplier<String> readInside =
                () -> transactions.withConnection(c -> read(c, readLockTimeout()));
        String inside =
                transactions.inTransaction(() -> transactions.withLockTimeout(Duration.ofMillis(1500), readInside));
        assertThat(inside).isEqualTo(expectedInside());
        for (int i = 0; i < 5; i++) {
            String after = transactions.withConnection(c -> read(c, readLockTimeout()));
            assertThat(after).isEqualTo(before);
        }
        assertThatThrownBy(() ->
                        transactions.inTransaction(() -> transactions.withLockTimeout(Duration.ofMillis(1500), () -> {
                            throw new IllegalStateException("work failed");
                        })))
                .hasMessage("work failed");
        for (int i = 0; i < 5; i++) {
            String after = transactions.withConnection(c -> read(c, readLockTimeout()));
            assertThat(after).isEqualTo(before);
        }
    }

    private static String read(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** An application's dual write of one row, in its open transaction: OLD, then NEW. */
    private void update(Connection c, long id, String fullName) throws SQLException {
        try (PreparedStatement update =
                c.prepareStatement("UPDATE " + prefix() + "_old SET full_name = ? WHERE id = ?")) {
            update.setString(1, fullName);
            update.setLong(2, id);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
        // Then NEW, as a dual write does (OLD first): an upsert, since the copy may or may not have got there.
        String[] name = fullName.split(" ");
        try (PreparedStatement upsert = c.prepareStatement(upsertNew())) {
            upsert.setLong(1, id);
            upsert.setString(2, name[0]);
            upsert.setString(3, name[1]);
            upsert.executeUpdate();
        }
    }

    private String upsertNew() {
        String insert = "INSERT INTO " + prefix() + "_new (id, first_name, last_name) VALUES (?, ?, ?)";
        return insert
                + (readLockTimeout().startsWith("SHOW")
                        ? " ON CONFLICT (id) DO UPDATE SET first_name = EXCLUDED.first_name,"
                                + " last_name = EXCLUDED.last_name"
                        : " ON DUPLICATE KEY UPDATE first_name = VALUES(first_name), last_name = VALUES(last_name)");
    }

    private void insertOld(long from, long to) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert =
                        c.prepareStatement("INSERT INTO " + prefix() + "_old (id, full_name) VALUES (?, ?)")) {
            for (long id = from; id <= to; id++) {
                insert.setLong(1, id);
                insert.setString(2, "First" + id + " Last" + id);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private Map<Long, String> expectedNew() {
        Map<Long, String> expected = new TreeMap<>();
        People.rows(dataSource, prefix() + "_old").forEach((id, fullName) -> {
            PersonName name = People.split(new Person(id, fullName));
            expected.put(id, name.firstName() + "|" + name.lastName());
        });
        return expected;
    }
}
