package io.dualwrite.benchmarks;

import io.dualwrite.benchmarks.RequestPathBenchmark.Latency;
import io.dualwrite.core.DualRepository;
import io.dualwrite.core.DualWrite;
import io.dualwrite.core.RoutedListQuery;
import io.dualwrite.core.RoutedQuery;
import io.dualwrite.core.TransitionRequest;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.phase.InMemoryPhaseStore;
import io.dualwrite.core.shadow.ShadowReadOptions;
import io.dualwrite.core.shadow.ShadowReadStats;
import io.dualwrite.testsupport.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongConsumer;
import javax.sql.DataSource;

/**
 * What routing a query through dualwrite costs a request, on PostgreSQL, against the same query function called
 * directly in the same run:
 * {@code RoutedQueryBenchmark --rows=100000 --operations=20000 [--sample-rate=0.01] [--report=path]}.
 *
 * <ul>
 *   <li>a finder by an indexed column answering one row ({@link RoutedQuery});
 *   <li>a list of ten rows from a key ({@link RoutedListQuery}), each mapped to the NEW representation;
 *   <li>the same list in DUAL_WRITE, a sample of the runs compared with the NEW side (1% by default, the default
 *       sample rate), off the caller's thread.
 * </ul>
 *
 * Each query is a plain JDBC function on a Hikari pool. As in {@link RequestPathBenchmark}, each pair of paths runs
 * interleaved on the same random keys, each path going first every other operation, three rounds, and the median
 * round (by p50) is reported.
 */
public final class RoutedQueryBenchmark {

    private static final int LIST_SIZE = 10;

    private final BenchTables tables;
    private final List<Latency> latencies = new ArrayList<>();
    private ShadowReadStats dualWriteComparisons;

    public RoutedQueryBenchmark(DataSource dataSource) {
        this.tables = new BenchTables(dataSource);
    }

    public static void main(String[] args) throws Exception {
        int rows = 100_000;
        int operations = 20_000;
        double sampleRate = ShadowReadOptions.DEFAULT_SAMPLE_RATE;
        Path report = null;
        for (String arg : args) {
            if (arg.startsWith("--rows=")) {
                rows = Integer.parseInt(arg.substring(7));
            } else if (arg.startsWith("--operations=")) {
                operations = Integer.parseInt(arg.substring(13));
            } else if (arg.startsWith("--sample-rate=")) {
                sampleRate = Double.parseDouble(arg.substring(14));
            } else if (arg.startsWith("--report=")) {
                report = Path.of(arg.substring(9));
            }
        }
        String markdown =
                new RoutedQueryBenchmark(TestDatabases.postgres().dataSource()).run(rows, operations, sampleRate);
        System.out.println(markdown);
        if (report != null) {
            Files.createDirectories(report.getParent());
            Files.writeString(report, markdown);
        }
        System.exit(0);
    }

    public String run(int rows, int operations, double sampleRate) {
        tables.populate(rows);
        tables.copyWithSql();
        tables.execute("CREATE INDEX bench_old_full_name ON bench_old (full_name)");
        tables.execute("CREATE INDEX bench_new_name ON bench_new (first_name, last_name)");
        tables.execute("ANALYZE bench_old");
        tables.execute("ANALYZE bench_new");
        Migration<Long, BenchTables.OldRow, BenchTables.NewRow> migration = tables.migration(false);
        ShadowReadOptions shadowReads = ShadowReadOptions.defaults().withSampleRate(sampleRate);
        try (DualWrite oldOnly = instance(migration, shadowReads);
                DualWrite dualWrite = instance(migration, shadowReads)) {
            dualWrite.advance(migration.name(), TransitionRequest.by("benchmark", "dual writes"));
            DualRepository<Long, BenchTables.OldRow, BenchTables.NewRow> single = oldOnly.repository(migration);
            DualRepository<Long, BenchTables.OldRow, BenchTables.NewRow> dual = dualWrite.repository(migration);

            Function<String, Optional<BenchTables.OldRow>> findOld = fullName -> one(select(
                    "SELECT id, full_name FROM bench_old WHERE full_name = ?",
                    rs -> new BenchTables.OldRow(rs.getLong(1), rs.getString(2)),
                    fullName));
            Function<String, Optional<BenchTables.NewRow>> findNew = fullName -> {
                String[] name = Names.split(fullName);
                return one(select(
                        "SELECT id, first_name, last_name FROM bench_new WHERE first_name = ? AND last_name = ?",
                        rs -> new BenchTables.NewRow(rs.getLong(1), rs.getString(2), rs.getString(3)),
                        name[0],
                        name[1]));
            };
            Function<Long, List<BenchTables.OldRow>> tenOld = from -> select(
                    "SELECT id, full_name FROM bench_old WHERE id >= ? AND id < ? ORDER BY id",
                    rs -> new BenchTables.OldRow(rs.getLong(1), rs.getString(2)),
                    from,
                    from + LIST_SIZE);
            Function<Long, List<BenchTables.NewRow>> tenNew = from -> select(
                    "SELECT id, first_name, last_name FROM bench_new WHERE id >= ? AND id < ? ORDER BY id",
                    rs -> new BenchTables.NewRow(rs.getLong(1), rs.getString(2), rs.getString(3)),
                    from,
                    from + LIST_SIZE);
            RoutedQuery<String, BenchTables.NewRow> byName = single.query("by-full-name", findOld, findNew);
            RoutedListQuery<Long, BenchTables.NewRow> ten =
                    single.listQuery("ten-from", tenOld, tenNew).inOrder();
            RoutedListQuery<Long, BenchTables.NewRow> tenDual =
                    dual.listQuery("ten-from", tenOld, tenNew).inOrder();

            int lastStart = rows - LIST_SIZE + 1;
            LongConsumer findDirect = id -> findOld.apply(fullName(id)).orElseThrow();
            LongConsumer findRouted = id -> byName.find(fullName(id)).orElseThrow();
            LongConsumer listDirect = id -> requireSize(tenOld.apply(Math.min(id, lastStart)));
            LongConsumer listRouted = id -> requireSize(ten.list(Math.min(id, lastStart)));
            LongConsumer listDual = id -> requireSize(tenDual.list(Math.min(id, lastStart)));
            RequestPathBenchmark.measure(rows, operations / 4, findDirect, findRouted); // warm-up
            RequestPathBenchmark.measure(rows, operations / 4, listDirect, listRouted);
            RequestPathBenchmark.measure(rows, operations / 4, listDirect, listDual);
            compare(
                    rows,
                    operations,
                    "find by full name, function called directly",
                    findDirect,
                    "find by full name through dualwrite, OLD_ONLY",
                    findRouted);
            compare(
                    rows,
                    operations,
                    "ten rows from a key, function called directly",
                    listDirect,
                    "ten rows from a key through dualwrite, OLD_ONLY",
                    listRouted);
            compare(
                    rows,
                    operations,
                    "ten rows from a key, function called directly",
                    listDirect,
                    String.format(
                            Locale.ROOT,
                            "ten rows from a key through dualwrite, DUAL_WRITE, %s%% compared",
                            percent(sampleRate)),
                    listDual);
            // Let the comparisons handed over finish before the instance closes.
            Thread.sleep(shadowReads.timeout().toMillis()
                    + shadowReads.recheckDelay().toMillis());
            dualWriteComparisons = tenDual.shadowReads().stats();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return markdown();
    }

    public List<Latency> latencies() {
        return List.copyOf(latencies);
    }

    /** The comparisons of the DUAL_WRITE list query, by result. */
    public ShadowReadStats dualWriteComparisons() {
        return dualWriteComparisons;
    }

    private static DualWrite instance(
            Migration<Long, BenchTables.OldRow, BenchTables.NewRow> migration, ShadowReadOptions shadowReads) {
        return DualWrite.builder(new InMemoryPhaseStore())
                .singleInstance()
                .migration(migration)
                .shadowReads(shadowReads)
                .build();
    }

    private void compare(
            int rows, int operations, String baselineName, LongConsumer baseline, String pathName, LongConsumer path) {
        List<Latency> base = new ArrayList<>();
        List<Latency> measured = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            long[][] both = RequestPathBenchmark.measure(rows, operations, baseline, path);
            base.add(RequestPathBenchmark.latency(baselineName, both[0]));
            measured.add(RequestPathBenchmark.latency(pathName, both[1]));
        }
        latencies.add(RequestPathBenchmark.median(base));
        latencies.add(RequestPathBenchmark.median(measured));
    }

    private static String fullName(long id) {
        return "First" + id + " Last" + id;
    }

    private static void requireSize(List<?> rows) {
        if (rows.size() != LIST_SIZE) {
            throw new IllegalStateException("expected " + LIST_SIZE + " rows, got " + rows.size());
        }
    }

    private static String percent(double rate) {
        return rate * 100 == Math.rint(rate * 100)
                ? String.valueOf((long) (rate * 100))
                : String.format(Locale.ROOT, "%.2f", rate * 100);
    }

    /** A row of a result set. */
    @FunctionalInterface
    private interface Row<T> {
        T map(ResultSet rs) throws SQLException;
    }

    private <T> List<T> select(String sql, Row<T> row, Object... parameters) {
        try (Connection c = tables.dataSource().getConnection();
                PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            List<T> found = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    found.add(row.map(rs));
                }
            }
            return found;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private static <T> Optional<T> one(List<T> rows) {
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    public String markdown() {
        StringBuilder out =
                new StringBuilder("| path | operations | p50 µs | p99 µs | p50 vs direct | p99 vs direct |\n"
                        + "|---|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i < latencies.size(); i += 2) {
            Latency base = latencies.get(i);
            Latency path = latencies.get(i + 1);
            out.append(row(base, base)).append(row(path, base));
        }
        if (dualWriteComparisons != null) {
            out.append(String.format(
                    Locale.ROOT,
                    "%nDUAL_WRITE comparisons: %d compared, %d matched, %d mismatched, %d skipped, %d errors%n",
                    dualWriteComparisons.compared(),
                    dualWriteComparisons.count(io.dualwrite.core.shadow.ShadowResult.MATCH),
                    dualWriteComparisons.mismatches(),
                    dualWriteComparisons.count(io.dualwrite.core.shadow.ShadowResult.SKIPPED),
                    dualWriteComparisons.count(io.dualwrite.core.shadow.ShadowResult.CANDIDATE_ERROR)));
        }
        return out.toString();
    }

    private static String row(Latency l, Latency base) {
        return String.format(
                Locale.ROOT,
                "| %s | %,d | %.0f | %.0f | %.2fx | %.2fx |%n",
                l.path(),
                l.operations(),
                l.p50Micros(),
                l.p99Micros(),
                l.p50Micros() / base.p50Micros(),
                l.p99Micros() / base.p99Micros());
    }
}
