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
 * ways) in the same run, on PostgreSQL: {@code VerificationBenchmark --rows=1000000 [--report=path]}.
 */
public final class VerificationBenchmark {

    /** One measured comparison. */
    public record Measurement(String path, long rows, Duration elapsed, long differences) {}

    private final BenchTables tables;
    private final int repeats;
    private final List<Measurement> measurements = new ArrayList<>();

    public VerificationBenchmark(DataSource dataSource, int repeats) {
        this.tables = new BenchTables(dataSource);
        this.repeats = repeats;
        DualWriteSchema.create(dataSource);
    }

    public static void main(String[] args) throws Exception {
        int rows = 1_000_000;
        Path report = null;
        for (String arg : args) {
            if (arg.startsWith("--rows=")) {
                rows = Integer.parseInt(arg.substring(7));
            } else if (arg.startsWith("--report=")) {
                report = Path.of(arg.substring(9));
            }
        }
        String markdown = new VerificationBenchmark(TestDatabases.postgres().dataSource(), 3).run(rows);
        System.out.println(markdown);
        if (report != null) {
            Files.createDirectories(report.getParent());
            Files.writeString(report, markdown);
        }
        System.exit(0);
    }

    /** Compares two agreeing tables of {@code rows} rows each way; returns the report in Markdown. */
    public String run(int rows) {
        tables.populate(rows);
        tables.copyWithSql();
        measure(
                "EXCEPT both ways",
                rows,
                () -> tables.queryLong("SELECT COUNT(*) FROM ("
                        + "(SELECT id, " + Names.FIRST_NAME_SQL + ", " + Names.LAST_NAME_SQL + " FROM bench_old"
                        + " EXCEPT SELECT id, first_name, last_name FROM bench_new) UNION ALL"
                        + " (SELECT id, first_name, last_name FROM bench_new"
                        + " EXCEPT SELECT id, " + Names.FIRST_NAME_SQL + ", " + Names.LAST_NAME_SQL
                        + " FROM bench_old)) d"));
        for (int chunk : List.of(VerifierOptions.DEFAULT_CHUNK_SIZE, 10_000)) {
            measure("dualwrite verifier, chunks of " + chunk, rows, () -> verify(chunk, rows, false));
        }
        measure(
                "dualwrite verifier, chunks of 10000, SQL mapping: checksums in the database",
                rows,
                () -> verify(10_000, rows, true));
        return markdown();
    }

    public List<Measurement> measurements() {
        return List.copyOf(measurements);
    }

    private long verify(int chunk, long rows, boolean sqlMapping) {
        io.dualwrite.core.definition.Migration<Long, BenchTables.OldRow, BenchTables.NewRow> migration =
                tables.migration(sqlMapping);
        VerifierOptions options = new VerifierOptions(chunk, Duration.ZERO, 0);
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
        for (int run = 0; run < repeats; run++) {
            long started = System.nanoTime();
            long differences = comparison.getAsLong();
            attempts.add(new Measurement(path, rows, Duration.ofNanos(System.nanoTime() - started), differences));
            if (differences != 0) {
                throw new IllegalStateException(path + " found " + differences + " differences in agreeing tables");
            }
        }
        attempts.sort(java.util.Comparator.comparing(Measurement::elapsed));
        measurements.add(attempts.get(attempts.size() / 2));
    }

    public String markdown() {
        double baseline = measurements.get(0).elapsed().toNanos();
        StringBuilder out =
                new StringBuilder("| path | rows | seconds | rows/s | time vs EXCEPT |\n|---|---:|---:|---:|---:|\n");
        for (Measurement m : measurements) {
            double seconds = m.elapsed().toNanos() / 1e9;
            out.append(String.format(
                    Locale.ROOT,
                    "| %s | %,d | %.2f | %,.0f | %.2fx |%n",
                    m.path(),
                    m.rows(),
                    seconds,
                    m.rows() / seconds,
                    m.elapsed().toNanos() / baseline));
        }
        return out.toString();
    }
}
