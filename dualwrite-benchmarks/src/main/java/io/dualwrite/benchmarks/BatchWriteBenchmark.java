package io.dualwrite.benchmarks;

import io.dualwrite.core.DualRepository;
import io.dualwrite.core.DualWrite;
import io.dualwrite.core.TransitionRequest;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.phase.InMemoryPhaseStore;
import io.dualwrite.core.shadow.ShadowReadOptions;
import io.dualwrite.testsupport.TestDatabases;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;

/**
 * {@code DualRepository.writeAll} of a batch of rows against the same rows written one {@code write} at a time, in
 * DUAL_WRITE on one PostgreSQL database, alternating the two in each round so both see the same cache and load;
 * reports the median time of each and their ratio. Long form:
 * {@code BatchWriteBenchmark --batch=1000 --rounds=15 [--report=path]}.
 */
public final class BatchWriteBenchmark {

    /** The median time of one batch, each way, and single writes over {@code writeAll}. */
    public record Result(int batch, int rounds, double singleMillis, double batchMillis) {
        public double ratio() {
            return singleMillis / batchMillis;
        }
    }

    private final DataSource dataSource;

    public BatchWriteBenchmark(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public static void main(String[] args) throws Exception {
        int batch = 1_000;
        int rounds = 15;
        String report = null;
        for (String arg : args) {
            if (arg.startsWith("--batch=")) {
                batch = Integer.parseInt(arg.substring(8));
            } else if (arg.startsWith("--rounds=")) {
                rounds = Integer.parseInt(arg.substring(9));
            } else if (arg.startsWith("--report=")) {
                report = arg.substring(9);
            }
        }
        String markdown =
                markdown(new BatchWriteBenchmark(TestDatabases.postgres().dataSource()).run(batch, rounds));
        System.out.println(markdown);
        if (report != null) {
            java.nio.file.Files.writeString(java.nio.file.Path.of(report), markdown);
        }
        System.exit(0);
    }

    public Result run(int batch, int rounds) {
        BenchTables tables = new BenchTables(dataSource);
        tables.populate(0);
        Migration<Long, BenchTables.OldRow, BenchTables.NewRow> migration = tables.migration(false);
        try (DualWrite dualWrite = DualWrite.builder(new InMemoryPhaseStore())
                .singleInstance()
                .migration(migration)
                .shadowReads(ShadowReadOptions.defaults().withSampleRate(0))
                .build()) {
            dualWrite.advance(migration.name(), TransitionRequest.by("benchmark", "dual writes"));
            DualRepository<Long, BenchTables.OldRow, BenchTables.NewRow> people = dualWrite.repository(migration);
            double[] single = new double[rounds];
            double[] batched = new double[rounds];
            for (int round = -1; round < rounds; round++) { // round -1 warms up both paths
                List<BenchTables.OldRow> rows = rows(batch, round);
                long started = System.nanoTime();
                for (BenchTables.OldRow row : rows) {
                    people.write(row);
                }
                long singleNanos = System.nanoTime() - started;
                List<BenchTables.OldRow> again = rows(batch, round + 1_000);
                started = System.nanoTime();
                people.writeAll(again);
                long batchNanos = System.nanoTime() - started;
                if (round >= 0) {
                    single[round] = singleNanos / 1e6;
                    batched[round] = batchNanos / 1e6;
                }
            }
            return new Result(batch, rounds, median(single), median(batched));
        }
    }

    /** The same keys every round (half present from earlier rounds is the steady state), new names each time. */
    private static List<BenchTables.OldRow> rows(int batch, int round) {
        List<BenchTables.OldRow> rows = new ArrayList<>(batch);
        for (long id = 1; id <= batch; id++) {
            rows.add(new BenchTables.OldRow(id, "First" + round + " Last" + id));
        }
        return rows;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    public static String markdown(Result result) {
        return "| path (DUAL_WRITE, one PostgreSQL) | rows | median ms |\n|---|---|---|\n"
                + String.format(
                        java.util.Locale.ROOT,
                        "| %d single writes | %d | %.1f |%n",
                        result.batch(),
                        result.batch(),
                        result.singleMillis())
                + String.format(
                        java.util.Locale.ROOT, "| one writeAll | %d | %.1f |%n", result.batch(), result.batchMillis())
                + String.format(java.util.Locale.ROOT, "| single / writeAll | | %.2fx |%n", result.ratio());
    }
}
