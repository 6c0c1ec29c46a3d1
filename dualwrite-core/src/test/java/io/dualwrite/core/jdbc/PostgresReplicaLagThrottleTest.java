package io.dualwrite.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.People;
import io.dualwrite.core.People.Person;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.backfill.Backfill;
import io.dualwrite.core.backfill.BackfillOptions;
import io.dualwrite.core.backfill.Throttle;
import io.dualwrite.core.backfill.ThrottleReason;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.testsupport.StreamingStandby;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ReplicaLagThrottle#postgres} against a real streaming standby ({@link StreamingStandby}: a primary and a hot
 * standby on the embedded PostgreSQL binaries). The lag is made by pausing replay on the standby while the primary
 * is written: the standby still receives the WAL, and {@code replay_lag} on the primary grows.
 */
class PostgresReplicaLagThrottleTest {

    private static final Duration MAX_LAG = Duration.ofMillis(500);
    private static final Pattern DETAIL = Pattern.compile(
            "replica " + StreamingStandby.STANDBY_NAME + " (\\d+) ms \\((\\d+) bytes\\) behind, more than 500 ms");
    private static final String PREFIX = "rl";

    private static StreamingStandby pair;
    private static DataSource primary;

    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final AtomicBoolean writing = new AtomicBoolean();

    @BeforeAll
    static void startServers() {
        pair = StreamingStandby.start();
        primary = pair.primary();
    }

    @AfterAll
    static void stopServers() {
        if (pair != null) {
            pair.close();
        }
    }

    @BeforeEach
    void setUp() {
        People.execute(
                primary,
                "DROP TABLE IF EXISTS rl_traffic",
                "CREATE TABLE rl_traffic (id BIGSERIAL PRIMARY KEY, payload TEXT NOT NULL)");
    }

    @AfterEach
    void tearDown() throws Exception {
        writing.set(false);
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
        pair.resumeReplay(); // a failed test must not leave the next one with a paused standby
        awaitCaughtUp();
    }

    @Test
    void theThrottleHoldsTheCopyBackWhileReplayIsBehindAndReleasesItOnceTheStandbyCatchesUp() throws Exception {
        ReplicaLagThrottle throttle =
                ReplicaLagThrottle.postgres(primary, MAX_LAG, Duration.ofMillis(50), Clock.systemUTC());
        awaitCaughtUp();
        System.out.println("caught up: " + pair.replicationStatus());
        assertThat(throttle.check()).isEmpty();

        pair.pauseReplay();
        long start = System.nanoTime();
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2)) {
            insertTraffic(50);
            Thread.sleep(20);
        }
        System.out.println("paused, 2 s of writes: " + pair.replicationStatus());

        Optional<String> held = awaitCheck(throttle::check, true, Duration.ofSeconds(10));
        System.out.println("throttle: " + held);
        assertThat(held).isPresent();
        Matcher detail = DETAIL.matcher(held.orElseThrow());
        assertThat(detail.matches()).as("detail %s", held).isTrue();
        assertThat(Long.parseLong(detail.group(1))).isGreaterThan(MAX_LAG.toMillis());
        assertThat(Long.parseLong(detail.group(2))).isPositive();

        pair.resumeReplay();
        long resumed = System.nanoTime();
        Optional<String> released = awaitCheck(throttle::check, false, Duration.ofSeconds(10));
        System.out.println("released after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resumed) + " ms: "
                + pair.replicationStatus());
        assertThat(released).isEmpty();
    }

    @Test
    void aBackfillCopiesNothingWhileTheStandbyLagsAndCompletesOnceReplayResumes() throws Exception {
        DualWriteSchema.create(primary);
        People.createTables(primary, PREFIX);
        People.execute(
                primary,
                "INSERT INTO " + PREFIX + "_old (id, full_name)"
                        + " SELECT i, 'First' || i || ' Last' || i FROM generate_series(1, 20000) i");
        JdbcTransactions transactions = JdbcTransactions.of(primary);
        Migration<Long, Person, PersonName> migration = Migration.builder(
                        "replica-lag-" + UUID.randomUUID(),
                        Long.class,
                        People.oldStore(transactions, PREFIX),
                        People.newStore(transactions, PREFIX))
                .toNew(People::split)
                .build();
        ReplicaLagThrottle throttle =
                ReplicaLagThrottle.postgres(primary, MAX_LAG, Duration.ofMillis(50), Clock.systemUTC());
        BackfillOptions options = BackfillOptions.from(BackfillOptions.defaults())
                .throttleCheckInterval(Duration.ofMillis(100))
                .build();
        Backfill<Long, Person, PersonName> backfill = new Backfill<>(
                        migration, new JdbcBackfillStore(transactions), options, "a", Clock.systemUTC())
                .addThrottle(throttle);
        awaitCaughtUp();

        pair.pauseReplay();
        AtomicLong written = new AtomicLong();
        writing.set(true);
        Future<?> traffic = executor.submit(() -> {
            while (writing.get()) {
                insertTraffic(20);
                written.addAndGet(20);
                Thread.sleep(10);
            }
            return null;
        });
        assertThat(awaitCheck(throttle::check, true, Duration.ofSeconds(15))).isPresent();
        System.out.println("before the copy: " + pair.replicationStatus());

        backfill.start();
        Future<Backfill.Outcome> copy = executor.submit(() -> backfill.run(() -> true));
        awaitThrottle(backfill);
        Thread.sleep(1500);
        Throttle held = backfill.progress().throttle();
        System.out.println("held: " + held + " " + pair.replicationStatus());
        assertThat(held).isNotNull();
        assertThat(held.reason()).isEqualTo(ThrottleReason.REPLICA_LAG);
        assertThat(held.detail()).matches(DETAIL);
        assertThat(backfill.progress().rowsCopied()).isZero();
        assertThat(People.rows(primary, PREFIX + "_new")).isEmpty();
        assertThat(copy.isDone()).isFalse();

        pair.resumeReplay();
        long resumed = System.nanoTime();
        assertThat(copy.get(60, TimeUnit.SECONDS)).isEqualTo(Backfill.Outcome.COMPLETED);
        System.out.println("completed " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resumed)
                + " ms after the resume, " + written.get() + " traffic rows written, replica-lag throttles: "
                + backfill.throttleCount(ThrottleReason.REPLICA_LAG));
        writing.set(false);
        traffic.get(10, TimeUnit.SECONDS);

        assertThat(backfill.progress().rowsCopied()).isEqualTo(20000);
        assertThat(backfill.progress().throttle()).isNull();
        assertThat(People.rows(primary, PREFIX + "_new")).hasSize(20000).isEqualTo(oldMappedBySql());
    }

    /** OLD split into first and last name by the database, not by the migration's Java mapping. */
    private static Map<Long, String> oldMappedBySql() throws SQLException {
        Map<Long, String> rows = new TreeMap<>();
        try (Connection c = primary.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, split_part(full_name, ' ', 1) || '|'"
                        + " || substr(full_name, strpos(full_name, ' ') + 1) FROM " + PREFIX + "_old")) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getString(2));
            }
        }
        return rows;
    }

    private static void insertTraffic(int rows) throws SQLException {
        try (Connection c = primary.getConnection();
                PreparedStatement insert = c.prepareStatement("INSERT INTO rl_traffic (payload) VALUES (?)")) {
            for (int i = 0; i < rows; i++) {
                insert.setString(1, "x".repeat(200));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** Until the standby has replayed everything the primary wrote. */
    private static void awaitCaughtUp() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Connection c = primary.getConnection();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(
                            "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) = 0 AND replay_lag IS NULL"
                                    + " FROM pg_stat_replication WHERE application_name = '"
                                    + StreamingStandby.STANDBY_NAME + "'")) {
                if (rs.next() && rs.getBoolean(1)) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("The standby did not catch up: " + pair.replicationStatus());
    }

    private static Optional<String> awaitCheck(Supplier<Optional<String>> check, boolean present, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<String> result = check.get();
        while (result.isPresent() != present && System.nanoTime() < deadline) {
            Thread.sleep(50);
            result = check.get();
        }
        return result;
    }

    private static void awaitThrottle(Backfill<?, ?, ?> backfill) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (backfill.throttle().map(Throttle::reason).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(backfill.throttle()).map(Throttle::reason).hasValue(ThrottleReason.REPLICA_LAG);
    }
}
