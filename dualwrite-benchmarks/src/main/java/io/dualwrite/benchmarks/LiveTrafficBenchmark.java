package io.dualwrite.benchmarks;

import io.dualwrite.core.backfill.Backfill;
import io.dualwrite.core.backfill.BackfillOptions;
import io.dualwrite.core.backfill.ThrottleReason;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcBackfillStore;
import io.dualwrite.core.jdbc.SqlChunkCopier;
import io.dualwrite.testsupport.TestDatabases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;

/**
 * The backfill's impact on live traffic (issue #16): single-row updates of random keys of the OLD table at a fixed
 * rate, each its own transaction on a pool of its own threads, timed from the moment it was due (so a stalled update
 * also delays the ones queued behind it, as a user would see), first with no copy running (idle), then while the
 * backfill copies every row; p50/p99/p99.9 side by side, and the copy's rows/s under that load, for each set of
 * backfill options.
 *
 * <p>{@code LiveTrafficBenchmark --rows=1000000 --rate=400 --idle-seconds=20 [--report=path]}; the database is found
 * as the tests find it ({@code DUALWRITE_TEST_POSTGRES_URL}, ...).
 */
public final class LiveTrafficBenchmark {

    /** The options compared: before issue #16 (chunks towards 500 ms, no lock timeout) and the defaults now. */
    public static final List<Config> CONFIGS = List.of(
            new Config(
                    "old defaults (500 ms chunks, no lock timeout)",
                    BackfillOptions.from(BackfillOptions.defaults())
                            .targetChunkTime(Duration.ofMillis(500))
                            .lockTimeout(Duration.ofHours(1))
                            .build()),
            new Config("new defaults (100 ms chunks, 50 ms lock timeout)", BackfillOptions.defaults()),
            new Config(
                    "tighter (25 ms chunks, 50 ms lock timeout)",
                    BackfillOptions.from(BackfillOptions.defaults())
                            .targetChunkTime(Duration.ofMillis(25))
                            .build()));

    /** A named set of backfill options. */
    public record Config(String name, BackfillOptions options) {}

    /** Latencies of updates in one phase. */
    public record Latencies(long updates, long failures, double p50Millis, double p99Millis, double p999Millis) {}

    /** One configuration's measurement. */
    public record Measurement(
            String config,
            long rows,
            Latencies idle,
            Latencies copying,
            double copyRowsPerSecond,
            Duration copyTime,
            long lockYields) {}

    private final DataSource dataSource;
    private final BenchTables tables;
    private final int rate;
    private final List<Measurement> measurements = new ArrayList<>();

    public LiveTrafficBenchmark(DataSource dataSource, int updatesPerSecond) {
        this.dataSource = dataSource;
        this.tables = new BenchTables(dataSource);
        this.rate = updatesPerSecond;
        DualWriteSchema.create(dataSource);
    }

    public static void main(String[] args) throws Exception {
        int rows = 1_000_000;
        int rate = 400;
        int idleSeconds = 20;
        Path report = null;
        List<String> only = null;
        for (String arg : args) {
            if (arg.startsWith("--rows=")) {
                rows = Integer.parseInt(arg.substring(7));
            } else if (arg.startsWith("--rate=")) {
                rate = Integer.parseInt(arg.substring(7));
            } else if (arg.startsWith("--idle-seconds=")) {
                idleSeconds = Integer.parseInt(arg.substring(15));
            } else if (arg.startsWith("--report=")) {
                report = Path.of(arg.substring(9));
            } else if (arg.startsWith("--configs=")) {
                only = Arrays.asList(arg.substring(10).split(","));
            }
        }
        LiveTrafficBenchmark benchmark =
                new LiveTrafficBenchmark(TestDatabases.postgres().dataSource(), rate);
        List<Config> configs = CONFIGS;
        if (only != null) {
            List<String> wanted = only;
            configs = CONFIGS.stream()
                    .filter(c -> wanted.stream().anyMatch(w -> c.name().startsWith(w)))
                    .toList();
        }
        String markdown = benchmark.run(rows, Duration.ofSeconds(idleSeconds), configs);
        System.out.println(markdown);
        if (report != null) {
            Files.createDirectories(report.toAbsolutePath().getParent());
            Files.writeString(report, markdown);
        }
        System.exit(0);
    }

    /** Measures each configuration on a fresh copy of {@code rows} rows; returns the report in Markdown. */
    public String run(int rows, Duration idle, List<Config> configs) throws SQLException, IOException {
        for (Config config : configs) {
            tables.populate(rows);
            Latencies idleLatencies = updateFor(idle);
            Traffic traffic = new Traffic();
            long started = System.nanoTime();
            Backfill<Long, BenchTables.OldRow, BenchTables.NewRow> backfill;
            try {
                backfill = copy(config.options());
            } finally {
                traffic.stop();
            }
            Duration copyTime = Duration.ofNanos(System.nanoTime() - started);
            long copied = tables.count("bench_new");
            if (copied != rows) {
                throw new IllegalStateException(config.name() + " copied " + copied + " rows of " + rows);
            }
            Measurement m = new Measurement(
                    config.name(),
                    rows,
                    idleLatencies,
                    traffic.latencies(),
                    rows / Math.max(1e-9, copyTime.toNanos() / 1e9),
                    copyTime,
                    backfill.throttleCount(ThrottleReason.LOCK_CONTENTION));
            measurements.add(m);
            System.err.printf(
                    Locale.ROOT,
                    "%s: idle p99 %.2f ms, copying p99 %.2f ms, %,.0f rows/s%n",
                    m.config(),
                    m.idle().p99Millis(),
                    m.copying().p99Millis(),
                    m.copyRowsPerSecond());
        }
        return markdown();
    }

    public List<Measurement> measurements() {
        return List.copyOf(measurements);
    }

    private Backfill<Long, BenchTables.OldRow, BenchTables.NewRow> copy(BackfillOptions options) {
        Migration<Long, BenchTables.OldRow, BenchTables.NewRow> migration = tables.migration(true);
        Backfill<Long, BenchTables.OldRow, BenchTables.NewRow> backfill = new Backfill<>(
                migration,
                new JdbcBackfillStore(dataSource),
                options,
                "benchmark",
                Clock.systemUTC(),
                () -> SqlChunkCopier.forMigration(migration).orElse(null));
        backfill.start();
        Backfill.Outcome outcome = backfill.run(() -> true);
        if (outcome != Backfill.Outcome.COMPLETED) {
            throw new IllegalStateException("backfill ended " + outcome + ": " + backfill.progress());
        }
        return backfill;
    }

    private Latencies updateFor(Duration duration) {
        Traffic traffic = new Traffic();
        LockSupport.parkNanos(duration.toNanos());
        traffic.stop();
        return traffic.latencies();
    }

    /** Updates at the fixed rate until stopped, recording each one's latency from when it was due. */
    private final class Traffic {
        private final ExecutorService workers = Executors.newFixedThreadPool(8);
        private final Thread dispatcher;
        private final long[] latencies = new long[4_000_000];
        private final AtomicLong recorded = new AtomicLong();
        private final AtomicLong failures = new AtomicLong();
        private final long rows = tables.queryLong("SELECT MAX(id) FROM bench_old");
        private volatile boolean running = true;

        Traffic() {
            dispatcher = new Thread(this::dispatch, "live-traffic");
            dispatcher.start();
        }

        private void dispatch() {
            SplittableRandom random = new SplittableRandom(16);
            long period = TimeUnit.SECONDS.toNanos(1) / rate;
            long start = System.nanoTime();
            for (long i = 0; running; i++) {
                long due = start + i * period;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                long key = 1 + random.nextLong(rows);
                workers.execute(() -> update(key, due));
            }
        }

        private void update(long key, long due) {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement update = c.prepareStatement("UPDATE bench_old SET full_name = ? WHERE id = ?")) {
                update.setString(1, "Updated" + key + " Live" + key);
                update.setLong(2, key);
                update.executeUpdate();
            } catch (SQLException e) {
                failures.incrementAndGet();
                return;
            }
            long index = recorded.getAndIncrement();
            if (index < latencies.length) {
                latencies[(int) index] = System.nanoTime() - due;
            }
        }

        void stop() {
            running = false;
            try {
                dispatcher.join();
                workers.shutdown();
                workers.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        Latencies latencies() {
            int n = (int) Math.min(recorded.get(), latencies.length);
            long[] sorted = Arrays.copyOf(latencies, n);
            Arrays.sort(sorted);
            return new Latencies(
                    n, failures.get(), percentile(sorted, 0.50), percentile(sorted, 0.99), percentile(sorted, 0.999));
        }
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }

    /** The measurements as a Markdown table. */
    public String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("Updates at ").append(rate).append("/s on random keys, latency from when each was due (ms).\n\n");
        out.append("| backfill options | rows | updates idle / copying | p50 idle / copying | p99 idle / copying"
                + " | p99.9 idle / copying | p99 copying vs idle | copy rows/s | copy s | lock yields |\n");
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Measurement m : measurements) {
            out.append(String.format(
                    Locale.ROOT,
                    "| %s | %,d | %,d / %,d | %.2f / %.2f | %.2f / %.2f | %.2f / %.2f | %.1fx | %,.0f | %.1f | %d |%n",
                    m.config(),
                    m.rows(),
                    m.idle().updates(),
                    m.copying().updates(),
                    m.idle().p50Millis(),
                    m.copying().p50Millis(),
                    m.idle().p99Millis(),
                    m.copying().p99Millis(),
                    m.idle().p999Millis(),
                    m.copying().p999Millis(),
                    m.copying().p99Millis() / m.idle().p99Millis(),
                    m.copyRowsPerSecond(),
                    m.copyTime().toNanos() / 1e9,
                    m.lockYields()));
        }
        return out.toString();
    }
}
