package io.dualwrite.benchmarks;

import io.dualwrite.core.DualRepository;
import io.dualwrite.core.DualWrite;
import io.dualwrite.core.TransitionRequest;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.phase.InMemoryPhaseStore;
import io.dualwrite.core.shadow.ShadowReadOptions;
import io.dualwrite.core.shadow.ShadowReadStats;
import io.dualwrite.core.shadow.ShadowResult;
import io.dualwrite.testsupport.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;

/**
 * Read throughput through dualwrite with shadow reads on every read against none, in the same run, on PostgreSQL:
 * {@code ShadowReadBenchmark --rows=100000 --reads=40000 --threads=4 [--report=path]}.
 */
public final class ShadowReadBenchmark {

    /** One measured series of reads. */
    public record Measurement(String path, long reads, Duration elapsed, ShadowReadStats stats) {

        public double readsPerSecond() {
            return reads / (elapsed.toNanos() / 1e9);
        }
    }

    private final BenchTables tables;
    private final List<Measurement> measurements = new ArrayList<>();

    public ShadowReadBenchmark(DataSource dataSource) {
        this.tables = new BenchTables(dataSource);
    }

    public static void main(String[] args) throws Exception {
        int rows = 100_000;
        int reads = 40_000;
        int threads = 4;
        Path report = null;
        for (String arg : args) {
            if (arg.startsWith("--rows=")) {
                rows = Integer.parseInt(arg.substring(7));
            } else if (arg.startsWith("--reads=")) {
                reads = Integer.parseInt(arg.substring(8));
            } else if (arg.startsWith("--threads=")) {
                threads = Integer.parseInt(arg.substring(10));
            } else if (arg.startsWith("--report=")) {
                report = Path.of(arg.substring(9));
            }
        }
        String markdown = new ShadowReadBenchmark(TestDatabases.postgres().dataSource()).run(rows, reads, threads);
        System.out.println(markdown);
        if (report != null) {
            Files.createDirectories(report.getParent());
            Files.writeString(report, markdown);
        }
        System.exit(0);
    }

    /** Reads random keys with no shadow reads and with every read shadowed, alternating three times each. */
    public String run(int rows, int reads, int threads) throws Exception {
        tables.populate(rows);
        tables.copyWithSql();
        List<Measurement> none = new ArrayList<>();
        List<Measurement> all = new ArrayList<>();
        List<Measurement> unlimited = new ArrayList<>();
        ShadowReadOptions off = ShadowReadOptions.defaults().withSampleRate(0);
        ShadowReadOptions every = ShadowReadOptions.defaults().withSampleRate(1);
        measure("warm-up", off, rows, reads / 4, threads);
        for (int round = 0; round < 3; round++) {
            none.add(measure("no shadow reads", off, rows, reads, threads));
            all.add(measure(
                    "100% of reads sampled, default budget of 1,000 comparisons/s", every, rows, reads, threads));
            unlimited.add(measure(
                    "100% of reads sampled, no comparison budget",
                    every.withMaxComparisonsPerSecond(0), rows, reads, threads));
        }
        measurements.add(median(none));
        measurements.add(median(all));
        measurements.add(median(unlimited));
        return markdown();
    }

    public List<Measurement> measurements() {
        return List.copyOf(measurements);
    }

    private Measurement measure(String path, ShadowReadOptions options, int rows, int reads, int threads)
            throws Exception {
        Migration<Long, BenchTables.OldRow, BenchTables.NewRow> migration = tables.migration(false);
        try (DualWrite dualWrite = DualWrite.builder(new InMemoryPhaseStore())
                .singleInstance()
                .migration(migration)
                .shadowReads(options)
                .build()) {
            dualWrite.advance(migration.name(), TransitionRequest.by("benchmark", null));
            DualRepository<Long, BenchTables.OldRow, BenchTables.NewRow> repository = dualWrite.repository(migration);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                long started = System.nanoTime();
                List<Future<?>> readers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    SplittableRandom random = new SplittableRandom(t);
                    readers.add(pool.submit(() -> {
                        for (int i = 0; i < reads / threads; i++) {
                            if (repository.read(1L + random.nextInt(rows)).isEmpty()) {
                                throw new IllegalStateException("a present key read as absent");
                            }
                        }
                    }));
                }
                for (Future<?> reader : readers) {
                    reader.get();
                }
                Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
                Thread.sleep(ShadowReadOptions.DEFAULT_TIMEOUT.toMillis());
                return new Measurement(
                        path,
                        (long) (reads / threads) * threads,
                        elapsed,
                        dualWrite.managed(migration.name()).shadowReads().stats());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static Measurement median(List<Measurement> runs) {
        List<Measurement> sorted = new ArrayList<>(runs);
        sorted.sort(java.util.Comparator.comparing(Measurement::elapsed));
        return sorted.get(sorted.size() / 2);
    }

    public String markdown() {
        double baseline = measurements.get(0).readsPerSecond();
        StringBuilder out = new StringBuilder("| path | reads | reads/s | vs no shadow reads | compared | matched |"
                + " skipped (budget or executor full) | errors |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Measurement m : measurements) {
            ShadowReadStats s = m.stats();
            out.append(String.format(
                    Locale.ROOT,
                    "| %s | %,d | %,.0f | %.2fx | %,d | %,d | %,d | %,d |%n",
                    m.path(),
                    m.reads(),
                    m.readsPerSecond(),
                    m.readsPerSecond() / baseline,
                    s.compared(),
                    s.count(ShadowResult.MATCH),
                    s.count(ShadowResult.SKIPPED),
                    s.count(ShadowResult.CANDIDATE_ERROR)));
        }
        return out.toString();
    }
}
