package io.dualwrite.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.testsupport.TestDatabases;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The short form of the backfill benchmark, run by {@code mvn verify}: every path copies every row, and the
 * report compares them. Timings are reported, never asserted; the long form is in docs/benchmarks.md.
 */
class BackfillBenchmarkTest {

    @Test
    void everyPathCopiesEveryRowAndIsReported() throws Exception {
        BackfillBenchmark benchmark =
                new BackfillBenchmark(TestDatabases.postgres().dataSource(), 1);

        String report = benchmark.run(List.of(3_000), 1_000);

        assertThat(benchmark.measurements())
                .extracting(BackfillBenchmark.Measurement::path, BackfillBenchmark.Measurement::rows)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("INSERT ... SELECT", 3_000L),
                        org.assertj.core.groups.Tuple.tuple("dualwrite, Java mapping", 3_000L),
                        org.assertj.core.groups.Tuple.tuple("dualwrite, SQL mapping", 3_000L),
                        org.assertj.core.groups.Tuple.tuple("INSERT ... SELECT", 1_000L),
                        org.assertj.core.groups.Tuple.tuple("dualwrite, Java mapping", 1_000L),
                        org.assertj.core.groups.Tuple.tuple("Spring Data JPA findAll(page) + saveAll", 1_000L));
        assertThat(benchmark.measurements())
                .allSatisfy(m -> assertThat(m.rowsInNew()).isEqualTo(m.rows()));
        assertThat(report).contains("| dualwrite, SQL mapping | 3,000 |").contains("time vs INSERT ... SELECT");
        System.out.println(report);
    }
}
