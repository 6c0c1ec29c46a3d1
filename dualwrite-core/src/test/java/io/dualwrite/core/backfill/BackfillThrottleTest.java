package io.dualwrite.core.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.MutableClock;
import io.dualwrite.core.People;
import io.dualwrite.core.People.Person;
import io.dualwrite.core.People.PersonName;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcBackfillStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.jdbc.ReplicaLagThrottle;
import io.dualwrite.core.metrics.LatencyThrottle;
import io.dualwrite.testsupport.TestDatabases;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Throttles hold the copy back between chunks and say why; on PostgreSQL. */
class BackfillThrottleTest {

    private static final String PREFIX = "bf_throttle";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));
    private final MockClock meterClock = new MockClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, meterClock);
    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private DataSource dataSource;
    private JdbcBackfillStore store;
    private Migration<Long, Person, PersonName> migration;
    private final BackfillOptions options = BackfillOptions.from(BackfillOptions.defaults())
            .initialChunkSize(10)
            .minChunkSize(5)
            .maxChunkSize(10)
            .throttleCheckInterval(Duration.ofMillis(20))
            .build();

    @BeforeEach
    void setUp() throws SQLException {
        dataSource = TestDatabases.postgres().dataSource();
        DualWriteSchema.create(dataSource);
        People.createTables(dataSource, PREFIX);
        JdbcTransactions transactions = JdbcTransactions.of(dataSource);
        store = new JdbcBackfillStore(transactions);
        migration = Migration.builder(
                        "throttle-" + UUID.randomUUID(),
                        Long.class,
                        People.oldStore(transactions, PREFIX),
                        People.newStore(transactions, PREFIX))
                .toNew(People::split)
                .build();
        insertOld(1, 50);
    }

    @AfterEach
    void tearDown() {
        executor.shutdownNow();
    }

    @Test
    void theCopyPausesWhileTheApplicationsP99IsAboveTheThresholdAndResumesWhenItFalls() throws Exception {
        Timer requests = Timer.builder("app.requests")
                .publishPercentiles(0.99)
                .distributionStatisticExpiry(Duration.ofSeconds(10))
                .distributionStatisticBufferLength(1)
                .register(registry);
        for (int i = 0; i < 100; i++) {
            requests.record(Duration.ofMillis(300));
        }
        Backfill<Long, Person, PersonName> backfill = new Backfill<>(migration, store, options, "a", clock)
                .addThrottle(new LatencyThrottle(registry, "app.requests", Duration.ofMillis(100)));
        backfill.start();

        Future<Backfill.Outcome> copy = executor.submit(() -> backfill.run(() -> true));
        awaitThrottle(backfill, ThrottleReason.APPLICATION_LATENCY);
        Thread.sleep(300);
        BackfillProgress held = backfill.progress();
        assertThat(held.rowsCopied()).isZero();
        assertThat(held.throttle()).isNotNull();
        assertThat(held.throttle().reason()).isEqualTo(ThrottleReason.APPLICATION_LATENCY);
        // Micrometer's percentile is approximate (a histogram's): about 300 ms.
        assertThat(held.throttle().detail()).matches("p99 of app\\.requests (2[89]\\d|3[01]\\d) ms > 100 ms");
        assertThat(held.throttle().since()).isEqualTo(clock.instant());
        assertThat(copy.isDone()).isFalse();
        assertThat(backfill.throttleCount(ThrottleReason.APPLICATION_LATENCY)).isEqualTo(1);

        meterClock.add(Duration.ofSeconds(11)); // the slow requests leave the timer's window
        requests.record(Duration.ofMillis(5));

        assertThat(copy.get(30, TimeUnit.SECONDS)).isEqualTo(Backfill.Outcome.COMPLETED);
        assertThat(backfill.progress().rowsCopied()).isEqualTo(50);
        assertThat(backfill.progress().throttle()).isNull();
        assertThat(backfill.throttle()).isEmpty();
    }

    @Test
    void aThrottleThatFailsIsIgnoredAndAnyThrottleCanHoldTheCopyBack() throws Exception {
        AtomicReference<Optional<String>> lag = new AtomicReference<>(Optional.of("replica r1 9000 ms behind"));
        Backfill<Long, Person, PersonName> backfill = new Backfill<>(migration, store, options, "a", clock)
                .addThrottle(new BackfillThrottle() {
                    @Override
                    public ThrottleReason reason() {
                        return ThrottleReason.APPLICATION_LATENCY;
                    }

                    @Override
                    public Optional<String> check() {
                        throw new IllegalStateException("broken check");
                    }
                })
                .addThrottle(new BackfillThrottle() {
                    @Override
                    public ThrottleReason reason() {
                        return ThrottleReason.REPLICA_LAG;
                    }

                    @Override
                    public Optional<String> check() {
                        return lag.get();
                    }
                });
        backfill.start();

        Future<Backfill.Outcome> copy = executor.submit(() -> backfill.run(() -> true));
        awaitThrottle(backfill, ThrottleReason.REPLICA_LAG);
        assertThat(backfill.progress().throttle().detail()).isEqualTo("replica r1 9000 ms behind");
        lag.set(Optional.empty());

        assertThat(copy.get(30, TimeUnit.SECONDS)).isEqualTo(Backfill.Outcome.COMPLETED);
        assertThat(backfill.progress().rowsCopied()).isEqualTo(50);
    }

    @Test
    void aTimerWithoutAP99NeverThrottles() {
        Timer.builder("app.plain").register(registry).record(Duration.ofSeconds(5));

        assertThat(new LatencyThrottle(registry, "app.plain", Duration.ofMillis(100)).check())
                .isEmpty();
        assertThat(new LatencyThrottle(registry, "app.absent", Duration.ofMillis(100)).check())
                .isEmpty();
    }

    @Test
    void aPostgresPrimaryWithoutReplicasHasNoLag() {
        ReplicaLagThrottle throttle = ReplicaLagThrottle.postgres(
                dataSource, Duration.ofSeconds(1), Duration.ofMillis(100), Clock.systemUTC());

        assertThat(throttle.check()).isEmpty();
        assertThat(throttle.reason()).isEqualTo(ThrottleReason.REPLICA_LAG);
    }

    @Test
    void aMariaDbServerThatIsNoReplicaHasNoLag() {
        ReplicaLagThrottle throttle = ReplicaLagThrottle.mariadb(
                TestDatabases.mariadb().dataSource(), Duration.ofSeconds(1), Duration.ofMillis(100), Clock.systemUTC());

        assertThat(throttle.check()).isEmpty();
    }

    private static void awaitThrottle(Backfill<?, ?, ?> backfill, ThrottleReason reason) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (backfill.throttle().map(Throttle::reason).filter(reason::equals).isEmpty()
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(backfill.throttle()).map(Throttle::reason).hasValue(reason);
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
}
