package io.dualwrite.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.backfill.BackfillOptions;
import io.dualwrite.core.jdbc.InsertPath;
import io.dualwrite.testsupport.TestDatabases;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The short form of the scale benchmark (issue #16), run by {@code mvn verify}: on PostgreSQL and MariaDB every path
 * (one {@code INSERT ... SELECT}, N parallel ones over the plan's ranges, the partitioned backfill by the Java and the
 * SQL mapping with 1 and 2 workers) and, from MariaDB to PostgreSQL, the dump-and-load pipeline and the backfill, copy
 * exactly OLD's rows (the benchmark compares OLD and NEW in full after every copy here, and fails otherwise), and the
 * report holds every ratio. Timings are reported, never asserted; the long form is in docs/benchmarks.md.
 */
class ScaleBenchmarkTest {

    private static ScaleBenchmark.Settings smallSettings() {
        return new ScaleBenchmark.Settings(List.of(1, 2), 2, 1, BackfillOptions.defaults(), InsertPath.AUTO, true);
    }

    @Test
    void everyPathCopiesExactlyOldsRowsOnBothDatabasesAtBothSizes() {
        ScaleBenchmark benchmark = new ScaleBenchmark(smallSettings());

        benchmark.backfill("postgresql", TestDatabases.postgres().dataSource(), List.of(4_000, 8_000));
        benchmark.backfill("mariadb", TestDatabases.mariadb().dataSource(), List.of(4_000, 8_000));

        List<String> expected = new ArrayList<>();
        for (String database : List.of("postgresql", "mariadb")) {
            for (int rows : List.of(4_000, 8_000)) {
                expected.add(database + " " + rows + " " + ScaleBenchmark.SINGLE + " 1");
                for (int workers : List.of(1, 2)) {
                    expected.add(database + " " + rows + " " + ScaleBenchmark.JAVA + " " + workers);
                    expected.add(database + " " + rows + " " + ScaleBenchmark.PARALLEL + " " + workers);
                    expected.add(database + " " + rows + " " + ScaleBenchmark.SQL + " " + workers);
                }
            }
        }
        assertThat(benchmark.measurements())
                .extracting(m -> m.database() + " " + m.rows() + " " + m.path() + " " + m.workers())
                .containsExactlyElementsOf(expected);
        assertThat(benchmark.measurements()).allSatisfy(m -> {
            assertThat(m.rowsInNew()).isEqualTo(m.rows());
            assertThat(m.compared()).isTrue();
            assertThat(m.peakHeapBytes()).isPositive();
        });
        // The parallel statements ran over the plan the backfill made: 2 ranges per worker.
        assertThat(benchmark.measurements())
                .filteredOn(m -> !m.path().equals(ScaleBenchmark.SINGLE))
                .allSatisfy(m -> assertThat(m.partitions()).isEqualTo(2 * m.workers()));
        String report = benchmark.markdown();
        assertThat(report)
                .contains("| postgresql | " + ScaleBenchmark.SQL + " | 2 | 4 | 8,000 |")
                .contains("| mariadb | " + ScaleBenchmark.PARALLEL + " | 2 | 4 | 4,000 |")
                .contains("time vs N parallel INSERT ... SELECT")
                .contains("Throughput at 8,000 rows relative to 4,000 rows")
                .contains("Best N per database");
        System.out.println(report);
    }

    @Test
    void theCrossDatabaseBackfillAndTheDumpAndLoadPipelineCopyExactlyOldsRows() throws Exception {
        ScaleBenchmark benchmark = new ScaleBenchmark(smallSettings());

        benchmark.crossDatabase(TestDatabases.mariadb(), TestDatabases.postgres(), 5_000);

        assertThat(benchmark.measurements())
                .extracting(m -> m.path() + " " + m.workers())
                .containsExactly(
                        ScaleBenchmark.DUMP_AND_LOAD + " 1", ScaleBenchmark.CROSS + " 1", ScaleBenchmark.CROSS + " 2");
        assertThat(benchmark.measurements()).allSatisfy(m -> {
            assertThat(m.rowsInNew()).isEqualTo(5_000);
            assertThat(m.compared()).isTrue();
        });
        String report = benchmark.markdown();
        assertThat(report)
                .contains("time vs dump-and-load")
                .contains("| " + ScaleBenchmark.CROSS + " | 2 | 4 | 5,000 |");
        System.out.println(report);
    }
}
