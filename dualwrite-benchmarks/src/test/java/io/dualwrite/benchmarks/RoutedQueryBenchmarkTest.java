package io.dualwrite.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.shadow.ShadowResult;
import io.dualwrite.testsupport.TestDatabases;
import org.junit.jupiter.api.Test;

/**
 * Short form of the routed-query benchmark: every path runs and reports, and the DUAL_WRITE runs, all compared here,
 * match the NEW side. Timings are not asserted.
 */
class RoutedQueryBenchmarkTest {

    @Test
    void everyPathRunsAndReportsAndTheComparedRunsMatch() {
        RoutedQueryBenchmark benchmark =
                new RoutedQueryBenchmark(TestDatabases.postgres().dataSource());

        String report = benchmark.run(2_000, 400, 1.0);

        assertThat(benchmark.latencies())
                .extracting(RequestPathBenchmark.Latency::path)
                .containsExactly(
                        "find by full name, function called directly",
                        "find by full name through dualwrite, OLD_ONLY",
                        "ten rows from a key, function called directly",
                        "ten rows from a key through dualwrite, OLD_ONLY",
                        "ten rows from a key, function called directly",
                        "ten rows from a key through dualwrite, DUAL_WRITE, 100% compared");
        assertThat(benchmark.latencies())
                .allSatisfy(l -> assertThat(l.p99Micros()).isGreaterThanOrEqualTo(l.p50Micros()));
        assertThat(benchmark.dualWriteComparisons().count(ShadowResult.MATCH)).isPositive();
        assertThat(benchmark.dualWriteComparisons().mismatches()).isZero();
        assertThat(report).contains("| p50 vs direct |").contains("DUAL_WRITE comparisons:");
        System.out.println(report);
    }
}
