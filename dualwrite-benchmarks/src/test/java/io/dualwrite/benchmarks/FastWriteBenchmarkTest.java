package io.dualwrite.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.jdbc.InsertPath;
import io.dualwrite.testsupport.TestDatabases;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The short form of the fast-writes benchmark (issue #16), run by {@code mvn verify}: on PostgreSQL and MariaDB,
 * the baseline and every write path copy every row, and the report compares them. Timings are reported, never
 * asserted; the long form is in docs/benchmarks.md.
 */
class FastWriteBenchmarkTest {

    @Test
    void everyWritePathCopiesEveryRowOnBothDatabasesAndIsReported() {
        FastWriteBenchmark benchmark = new FastWriteBenchmark();

        benchmark.run("postgresql", TestDatabases.postgres().dataSource(), 2_000, 1);
        benchmark.run("mariadb", TestDatabases.mariadb().dataSource(), 2_000, 1);

        List<String> expected = new ArrayList<>();
        for (boolean mariadb : List.of(false, true)) {
            String database = mariadb ? "mariadb" : "postgresql";
            expected.add(database + ": " + FastWriteBenchmark.BASELINE);
            for (InsertPath path : FastWriteBenchmark.paths(mariadb)) {
                expected.add(database + ": " + FastWriteBenchmark.label(path));
            }
        }
        assertThat(benchmark.measurements())
                .extracting(m -> m.database() + ": " + m.path())
                .containsExactlyElementsOf(expected);
        assertThat(benchmark.measurements())
                .allSatisfy(m -> assertThat(m.rowsInNew()).isEqualTo(2_000));
        String report = benchmark.markdown();
        assertThat(report)
                .contains("| postgresql | Java mapping, COPY | 2,000 |")
                .contains("| mariadb | Java mapping, multi-row INSERT | 2,000 |")
                .contains("speed vs batched insert");
        System.out.println(report);
    }
}
