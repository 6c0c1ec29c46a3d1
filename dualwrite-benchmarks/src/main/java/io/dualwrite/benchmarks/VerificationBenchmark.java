package io.dualwrite.benchmarks;

import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcVerificationStore;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.verify.VerificationProgress;
import io.dualwrite.core.verify.Verifier;
import io.dualwrite.core.verify.VerifierOptions;
import io.dualwrite.testsupport.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import javax.sql.DataSource;

/**
 * Full verification of two agreeing tables against a plain SQL comparison of the same tables ({@code EXCEPT} both
 * ways) in the same run, on PostgreSQL: {@code VerificationBenchmark --rows=1000000[,10000000] [--workers=2,4] [--repeats=3]
 * [--report=path]}. Each size is compared on its own tables; every path's time is a ratio to {@code EXCEPT} at the
 * same size, and the peak heap is reported beside it.
 */
public final class VerificationBenchmark {

    /** One measured comparison (the median run), with the highest peak heap use of the runs. */
    public record Measurement(String path, long rows, Duration elapsed, long differences, long peakHeapBytes) {

        public Measurement(String path, long rows, Duration elapsed, long differences) {
            this(path, rows, elapsed, differences, 0);
        }
    }

    /** The baseline's name in the report. */
    public static final String EXCEPT = "EXCEPT both ways";

    private final BenchTables tables;
    private final int repeats;
    private final List<Integer> workers;
    private final List<Measurement> measurements = new ArrayList<>();

    /** A benchmark of the verifier on one thread, against EXCEPT. */
    public VerificationBenchmark(DataSource dataSource, int repeats) {
        this(dataSource, repeats, List.of());
    }

    /** Also measures the verifier walking each side on each of {@code workers} threads (VerifierOptions.workers). */
    public VerificationBenchmark(DataSource dataSource, int repeats, List<Integer> workers) {
        this.tables = new BenchTables(dataSource);
        this.repeats = repeats;
        this.workers = List.copyOf(workers);
        DualWriteSchema.create(dataSource);
    }

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = List.of(1_000_000);
        int repeats = 3;
        List<Integer> workers = List.of();
        Path report = null;
        for (String arg : args) {
            if (arg.startsWith("--workers=")) {
                workers = java.util.Arrays.stream(arg.substring(10).split(","))
                        .map(Integer::valueOf)
                        .toList();
            }
            if (arg.startsWith("--rows=")) {
                sizes = java.util.Arrays.stream(arg.substring(7).split(","))
                        .map(Integer::valueOf)
                        .toList();
            } else if (arg.startsWith("--repeats=")) {
                repeats = Integer.parseInt(arg.substring(10));
            } else if (arg.startsWith("--report=")) {
                report = Path.of(arg.substring(9));
            }
        }
        VerificationBenchmark benchmark =
                new VerificationBenchmark(TestDatabases.postgres().dataSource(), repeats, workers);
        String markdown = "";
        for (int rows : sizes) {
            markdown = benchmark.run(rows);
        }
        System.out.println(markdown);
        if (report != null) {
            Files.createDirectories(report.toAbsolutePath().getParent());
            Files.writeString(report, markdown);
        }
        System.exit(0);
    }

    /** Compares two agreeing tables of {@code rows} rows each way; returns the report in Markdown. */
    public String run(int rows) {
        tables.populate(rows);
        tables.copyWithSql();
        measure(
                EXCEPT,
                rows,
                () -> tables.queryLong("SELECT COUNT(*) FROM ("
                        + "(SELECT id, " + Names.FIRST_NAME_SQL + ", " + Names.LAST_NAME_SQL + " FROM bench_old"
                        + " EXCEPT SELECT id, first_name, last_name FROM bench_new) UNION ALL"
                        + " (SELECT id, first_name, last_name FROM bench_new"
                        + " EXCEPT SELECT id, " + Names.FIRST_NAME_SQL + ", " + Names.LAST_NAME_SQL
                        + " FROM bench_old)) d"));
        for (int chunk : List.of(VerifierOptions.DEFAULT_CHUNK_SIZE, 10_000)) {
            measure("dualwrite verifier, chunks of " + chunk, rows, () -> verify(chunk, rows, false, 1));
        }
        measure(
                "dualwrite verifier, chunks of 10000, SQL mapping: checksums in the database",
                rows,
                () -> verify(10_000, rows, true, 1));
        for (int threads : workers) {
            measure(
                    "dualwrite verifier, chunks of 10000, " + threads + " workers",
                    rows,
                    () -> verify(10_000, rows, false, threads));
            measure(
                    "dualwrite verifier, chunks of 10000, SQL mapping: checksums in the database, " + threads
                            + " workers",
                    rows,
                    () -> verify(10_000, rows, true, threads));
        }
        return markdown();
    }

    public List<Measurement> measurements() {
        return List.copyOf(measurements);
    }

    private long verify(int chunk, long rows, boolean sqlMapping, int threads) {
        io.dualwrite.core.definition.Migration<Long, BenchTables.OldRow, BenchTables.NewRow> migration =
                tables.migration(sqlMapping);
        VerifierOptions options = VerifierOptions.from(new VerifierOptions(chunk, Duration.ZERO, 0))
                .workers(threads)
                .build();
        Verifier<Long, BenchTables.OldRow, BenchTables.NewRow> verifier = new Verifier<>(
                migration,
                new JdbcVerificationStore(tables.dataSource()),
                options,
                () -> new io.dualwrite.core.phase.PhaseState(
                        "bench", MigrationPhase.BACKFILL, 0, java.time.Instant.EPOCH, "bench"),
                Clock.systemUTC(),
                io.dualwrite.core.jdbc.ChunkChecksums.forMigration(migration, options)
                        .orElse(null));
        if (verifier.comparesChecksumsInTheDatabase() != sqlMapping) {
            throw new IllegalStateException("the SQL-mapped path must compare checksums, the Java path rows");
        }
        VerificationProgress progress = verifier.verify(() -> true);
        if (progress.rowsChecked() != rows) {
            throw new IllegalStateException("verified " + progress.rowsChecked() + " of " + rows + ": " + progress);
        }
        return progress.divergences();
    }

    private void measure(String path, long rows, LongSupplier comparison) {
        List<Measurement> attempts = new ArrayList<>();
        long peakHeap = 0;
        for (int run = 0; run < repeats; run++) {
            HeapMeter.reset();
            long started = System.nanoTime();
            long differences = comparison.getAsLong();
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            peakHeap = Math.max(peakHeap, HeapMeter.peakBytes());
            attempts.add(new Measurement(path, rows, elapsed, differences));
            if (differences != 0) {
                throw new IllegalStateException(path + " found " + differences + " differences in agreeing tables");
            }
        }
        attempts.sort(java.util.Comparator.comparing(Measurement::elapsed));
        Measurement median = attempts.get(attempts.size() / 2);
        measurements.add(new Measurement(path, rows, median.elapsed(), median.differences(), peakHeap));
        System.err.printf(
                Locale.ROOT,
                "%-80s %,11d rows %8.2f s%n",
                path,
                rows,
                median.elapsed().toNanos() / 1e9);
    }

    /** The medians as a Markdown table, each path's time as a ratio to {@code EXCEPT} at the same size. */
    public String markdown() {
        StringBuilder out = new StringBuilder("| path | rows | seconds | rows/s | time vs EXCEPT | peak heap MiB |\n"
                + "|---|---:|---:|---:|---:|---:|\n");
        for (Measurement m : measurements) {
            double baseline = measurements.stream()
                    .filter(b -> b.rows() == m.rows() && b.path().equals(EXCEPT))
                    .mapToDouble(b -> b.elapsed().toNanos())
                    .findFirst()
                    .orElse(Double.NaN);
            double seconds = m.elapsed().toNanos() / 1e9;
            out.append(String.format(
                    Locale.ROOT,
                    "| %s | %,d | %.2f | %,.0f | %.2fx | %d |%n",
                    m.path(),
                    m.rows(),
                    seconds,
                    m.rows() / seconds,
                    m.elapsed().toNanos() / baseline,
                    m.peakHeapBytes() / (1024 * 1024)));
        }
        return out.toString();
    }
}
