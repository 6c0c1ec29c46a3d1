package io.dualwrite.benchmarks;

import io.dualwrite.core.backfill.Backfill;
import io.dualwrite.core.backfill.BackfillOptions;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.InsertPath;
import io.dualwrite.core.jdbc.JdbcBackfillStore;
import io.dualwrite.testsupport.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The Java-mapped backfill's write into NEW (issue #16), each {@link InsertPath} against the plain batched insert it
 * replaces and against {@code INSERT INTO bench_new SELECT ... FROM bench_old}, in the same run on the same data.
 * Every round runs the baseline and each path once, in turn, so that load from other work falls on all of them;
 * the median of the rounds is reported.
 *
 * <p>{@code FastWriteBenchmark --rows=1000000 --rounds=3 --databases=postgresql,mariadb [--report=path]}; the
 * databases are found as the tests find them ({@code DUALWRITE_TEST_POSTGRES_URL}, {@code DUALWRITE_TEST_MARIADB_URL},
 * Testcontainers, or embedded servers).
 */
public final class FastWriteBenchmark {

    /** The baseline's name in the report. */
    public static final String BASELINE = "INSERT ... SELECT";

    /** The median copy of one path on one database. */
    public record Measurement(String database, String path, long rows, Duration elapsed, long rowsInNew) {

        public double rowsPerSecond() {
            return rows / Math.max(1e-9, elapsed.toNanos() / 1e9);
        }
    }

    private final List<Measurement> measurements = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        int rows = 1_000_000;
        int rounds = 3;
        List<String> databases = List.of("postgresql", "mariadb");
        Path report = null;
        for (String arg : args) {
            if (arg.startsWith("--rows=")) {
                rows = Integer.parseInt(arg.substring(7));
            } else if (arg.startsWith("--rounds=")) {
                rounds = Integer.parseInt(arg.substring(9));
            } else if (arg.startsWith("--databases=")) {
                databases = List.of(arg.substring(12).split(","));
            } else if (arg.startsWith("--report=")) {
                report = Path.of(arg.substring(9));
            }
        }
        FastWriteBenchmark benchmark = new FastWriteBenchmark();
        for (String database : databases) {
            DataSource dataSource = database.equals("mariadb")
                    ? TestDatabases.mariadb().dataSource()
                    : TestDatabases.postgres().dataSource();
            benchmark.run(database, dataSource, rows, rounds);
        }
        String markdown = benchmark.markdown();
        System.out.println(markdown);
        if (report != null) {
            Files.createDirectories(report.toAbsolutePath().getParent());
            Files.writeString(report, markdown);
        }
        System.exit(0);
    }

    /** The paths measured on a database: the old batched insert first, then the dialect's new ones. */
    public static List<InsertPath> paths(boolean mariadb) {
        return mariadb
                ? List.of(InsertPath.BATCHED, InsertPath.MULTI_ROW)
                : List.of(InsertPath.BATCHED, InsertPath.COPY, InsertPath.COPY_STAGED, InsertPath.MULTI_ROW);
    }

    /** Measures the baseline and every path on {@code rows} rows, {@code rounds} times each. */
    public void run(String database, DataSource dataSource, int rows, int rounds) {
        DualWriteSchema.create(dataSource);
        BenchTables tables = new BenchTables(dataSource);
        boolean mariadb = tables.mariadb();
        tables.populate(Math.min(rows, 20_000)); // warm-up: JIT, connections, caches
        for (InsertPath path : paths(mariadb)) {
            tables.execute("TRUNCATE TABLE bench_new");
            backfill(tables, dataSource, path);
        }
        tables.populate(rows);
        Map<String, List<Measurement>> attempts = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            time(attempts, database, BASELINE, rows, tables, () -> tables.execute(insertSelect(mariadb)));
            for (InsertPath path : paths(mariadb)) {
                time(attempts, database, label(path), rows, tables, () -> backfill(tables, dataSource, path));
            }
        }
        for (List<Measurement> each : attempts.values()) {
            each.sort(Comparator.comparing(Measurement::elapsed));
            Measurement median = each.get(each.size() / 2);
            measurements.add(median);
            System.err.printf(
                    Locale.ROOT,
                    "%-10s %-55s %,10d rows %8.2f s %,12.0f rows/s%n",
                    database,
                    median.path(),
                    rows,
                    median.elapsed().toNanos() / 1e9,
                    median.rowsPerSecond());
        }
    }

    /** The report's name of a path. */
    public static String label(InsertPath path) {
        return switch (path) {
            case BATCHED -> "Java mapping, batched insert (before)";
            case COPY -> "Java mapping, COPY";
            case COPY_STAGED -> "Java mapping, COPY into staging + INSERT ... ON CONFLICT";
            case MULTI_ROW -> "Java mapping, multi-row INSERT";
            case AUTO -> "Java mapping, default";
        };
    }

    private static String insertSelect(boolean mariadb) {
        return "INSERT INTO bench_new (id, first_name, last_name) SELECT id, " + Names.firstNameSql(mariadb) + ", "
                + Names.lastNameSql(mariadb) + " FROM bench_old";
    }

    private static long backfill(BenchTables tables, DataSource dataSource, InsertPath path) {
        Migration<Long, BenchTables.OldRow, BenchTables.NewRow> migration = tables.migration(false, path);
        Backfill<Long, BenchTables.OldRow, BenchTables.NewRow> backfill = new Backfill<>(
                migration,
                new JdbcBackfillStore(dataSource),
                BackfillOptions.defaults(),
                "benchmark",
                Clock.systemUTC(),
                () -> null);
        backfill.start();
        Backfill.Outcome outcome = backfill.run(() -> true);
        if (outcome != Backfill.Outcome.COMPLETED) {
            throw new IllegalStateException("backfill ended " + outcome + ": " + backfill.progress());
        }
        return backfill.progress().rowsCopied();
    }

    private static void time(
            Map<String, List<Measurement>> attempts,
            String database,
            String path,
            long rows,
            BenchTables tables,
            Runnable copy) {
        tables.execute("TRUNCATE TABLE bench_new");
        long started = System.nanoTime();
        copy.run();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        long inNew = tables.count("bench_new");
        if (inNew != rows) {
            throw new IllegalStateException(path + " on " + database + " copied " + inNew + " rows of " + rows);
        }
        attempts.computeIfAbsent(path, p -> new ArrayList<>())
                .add(new Measurement(database, path, rows, elapsed, inNew));
    }

    public List<Measurement> measurements() {
        return List.copyOf(measurements);
    }

    /**
     * The medians as a Markdown table: rows/s, time against {@code INSERT ... SELECT}, and speed against the batched
     * insert, each on the same database.
     */
    public String markdown() {
        StringBuilder out = new StringBuilder();
        out.append(
                "| database | path | rows | seconds | rows/s | time vs INSERT ... SELECT | speed vs batched insert |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|\n");
        for (Measurement m : measurements) {
            double baseline = nanos(m.database(), BASELINE);
            double batched = nanos(m.database(), label(InsertPath.BATCHED));
            out.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %,d | %.2f | %,.0f | %.2fx | %s |%n",
                    m.database(),
                    m.path(),
                    m.rows(),
                    m.elapsed().toNanos() / 1e9,
                    m.rowsPerSecond(),
                    m.elapsed().toNanos() / baseline,
                    m.path().equals(BASELINE)
                            ? ""
                            : String.format(
                                    Locale.ROOT, "%.2fx", batched / m.elapsed().toNanos())));
        }
        return out.toString();
    }

    private double nanos(String database, String path) {
        return measurements.stream()
                .filter(m -> m.database().equals(database) && m.path().equals(path))
                .mapToDouble(m -> m.elapsed().toNanos())
                .findFirst()
                .orElse(Double.NaN);
    }
}
