package io.dualwrite.benchmarks;

import io.dualwrite.benchmarks.jpa.JpaCopyLoop;
import io.dualwrite.core.backfill.Backfill;
import io.dualwrite.core.backfill.BackfillOptions;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcBackfillStore;
import io.dualwrite.core.jdbc.SqlChunkCopier;
import io.dualwrite.testsupport.TestDatabases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import javax.sql.DataSource;

/**
 * Backfill throughput on PostgreSQL, against baselines measured in the same run on the same data: a plain
 * {@code INSERT INTO new SELECT ... FROM old}, and a naive Spring Data JPA page-and-saveAll loop.
 *
 * <p>{@code BackfillBenchmark --rows=100000,1000000 --jpa-rows=100000 [--report=path]}; the database is found as
 * the tests find it ({@code DUALWRITE_TEST_POSTGRES_URL}, Testcontainers, or an embedded PostgreSQL).
 */
public final class BackfillBenchmark {

    /** One measured copy. */
    public record Measurement(String path, long rows, Duration elapsed, long peakHeapBytes, long rowsInNew) {

        public double rowsPerSecond() {
            return rows / Math.max(1e-9, elapsed.toNanos() / 1e9);
        }
    }

    private final DataSource dataSource;
    private final BenchTables tables;
    private final int repeats;
    private final List<Measurement> measurements = new ArrayList<>();

    /** A benchmark that reports the median of {@code repeats} runs of every path. */
    public BackfillBenchmark(DataSource dataSource, int repeats) {
        this.dataSource = dataSource;
        this.tables = new BenchTables(dataSource);
        this.repeats = repeats;
        DualWriteSchema.create(dataSource);
    }

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = List.of(100_000, 1_000_000);
        int jpaRows = 100_000;
        Path report = null;
        int repeats = 3;
        for (String arg : args) {
            if (arg.startsWith("--repeats=")) {
                repeats = Integer.parseInt(arg.substring(10));
            }
            if (arg.startsWith("--rows=")) {
                sizes = Arrays.stream(arg.substring(7).split(","))
                        .map(Integer::valueOf)
                        .toList();
            } else if (arg.startsWith("--jpa-rows=")) {
                jpaRows = Integer.parseInt(arg.substring(11));
            } else if (arg.startsWith("--report=")) {
                report = Path.of(arg.substring(9));
            }
        }
        BackfillBenchmark benchmark =
                new BackfillBenchmark(TestDatabases.postgres().dataSource(), repeats);
        String markdown = benchmark.run(sizes, jpaRows);
        System.out.println(markdown);
        if (report != null) {
            Files.createDirectories(report.getParent());
            Files.writeString(report, markdown);
        }
        System.exit(0);
    }

    /** Runs every path at every size and the JPA loop at {@code jpaRows}; returns the report in Markdown. */
    public String run(List<Integer> sizes, int jpaRows) throws SQLException, IOException {
        populate(Math.min(20_000, sizes.get(0)));
        measureEngine("warm-up", false);
        measureEngine("warm-up", true);
        measurements.clear();
        for (int rows : sizes) {
            populate(rows);
            measureInsertSelect(rows);
            measureEngine("dualwrite, Java mapping", false);
            measureEngine("dualwrite, SQL mapping", true);
        }
        if (jpaRows > 0) {
            populate(jpaRows);
            measureInsertSelect(jpaRows);
            measureEngine("dualwrite, Java mapping", false);
            try (var context = JpaCopyLoop.start(dataSource)) {
                measure("Spring Data JPA findAll(page) + saveAll", jpaRows, () -> JpaCopyLoop.copy(context, 1000));
            }
        }
        return markdown();
    }

    public List<Measurement> measurements() {
        return List.copyOf(measurements);
    }

    private void measureInsertSelect(long rows) {
        measure(
                "INSERT ... SELECT",
                rows,
                () -> execute("INSERT INTO bench_new (id, first_name, last_name) SELECT id, " + Names.FIRST_NAME_SQL
                        + ", " + Names.LAST_NAME_SQL + " FROM bench_old"));
    }

    private void measureEngine(String path, boolean sql) {
        measure(path, count("bench_old"), () -> copyWithEngine(sql));
    }

    private long copyWithEngine(boolean sql) {
        Migration<Long, BenchTables.OldRow, BenchTables.NewRow> migration = tables.migration(sql);
        Backfill<Long, BenchTables.OldRow, BenchTables.NewRow> backfill = new Backfill<>(
                migration,
                new JdbcBackfillStore(dataSource),
                BackfillOptions.defaults(),
                "benchmark",
                Clock.systemUTC(),
                () -> SqlChunkCopier.forMigration(migration).orElse(null));
        if (backfill.copiesInTheDatabase() != sql) {
            throw new IllegalStateException("the SQL-mapped path must copy in the database, the Java path in Java");
        }
        backfill.start();
        Backfill.Outcome outcome = backfill.run(() -> true);
        if (outcome != Backfill.Outcome.COMPLETED) {
            throw new IllegalStateException("backfill ended " + outcome + ": " + backfill.progress());
        }
        return backfill.progress().rowsCopied();
    }

    /** Runs a copy {@code repeats} times (once for the slow JPA loop) and keeps the median run. */
    private void measure(String path, long rows, LongSupplier copy) {
        int runs = path.startsWith("Spring Data JPA") || path.equals("warm-up") ? 1 : repeats;
        List<Measurement> attempts = new ArrayList<>();
        for (int run = 0; run < runs; run++) {
            execute("TRUNCATE bench_new");
            HeapMeter.reset();
            long started = System.nanoTime();
            copy.getAsLong();
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            long inNew = count("bench_new");
            if (inNew != rows) {
                throw new IllegalStateException(path + " copied " + inNew + " rows of " + rows);
            }
            attempts.add(new Measurement(path, rows, elapsed, HeapMeter.peakBytes(), inNew));
        }
        attempts.sort(java.util.Comparator.comparing(Measurement::elapsed));
        measurements.add(attempts.get(attempts.size() / 2));
        System.err.printf(
                Locale.ROOT,
                "%-45s %,10d rows %8.2f s %,12.0f rows/s%n",
                path,
                rows,
                measurements.get(measurements.size() - 1).elapsed().toNanos() / 1e9,
                measurements.get(measurements.size() - 1).rowsPerSecond());
    }

    private void populate(int rows) {
        tables.populate(rows);
    }

    private long execute(String sql) {
        return tables.execute(sql);
    }

    private long count(String table) {
        return tables.count(table);
    }

    /** The measurements as a Markdown table (medians of the repeated runs), each path's time as a ratio to INSERT ... SELECT at the same size. */
    public String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("| path | rows | seconds | rows/s | time vs INSERT ... SELECT | peak heap MiB |\n");
        out.append("|---|---:|---:|---:|---:|---:|\n");
        for (Measurement m : measurements) {
            double baseline = measurements.stream()
                    .filter(b -> b.path().equals("INSERT ... SELECT") && b.rows() == m.rows())
                    .mapToDouble(b -> b.elapsed().toNanos())
                    .findFirst()
                    .orElse(Double.NaN);
            out.append(String.format(
                    Locale.ROOT,
                    "| %s | %,d | %.2f | %,.0f | %.2fx | %d |%n",
                    m.path(),
                    m.rows(),
                    m.elapsed().toNanos() / 1e9,
                    m.rowsPerSecond(),
                    m.elapsed().toNanos() / baseline,
                    m.peakHeapBytes() / (1024 * 1024)));
        }
        return out.toString();
    }
}
