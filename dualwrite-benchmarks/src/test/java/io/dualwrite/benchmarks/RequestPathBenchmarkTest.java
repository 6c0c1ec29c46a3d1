package io.dualwrite.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.testsupport.TestDatabases;
import org.junit.jupiter.api.Test;

/** Short form of the request-path benchmark: every path runs and reports. Timings are not asserted. */
class RequestPathBenchmarkTest {

    @Test
    void everyPathRunsAndReports() throws Exception {
        RequestPathBenchmark benchmark =
                new RequestPathBenchmark(TestDatabases.postgres().dataSource());

        String report = benchmark.run(2_000, 400, 4);

        assertThat(benchmark.latencies())
                .extracting(RequestPathBenchmark.Latency::path)
                .containsExactly(
                        "single-row write, OLD_ONLY",
                        "single-row write, DUAL_WRITE",
                        "read, old store called directly",
                        "read through dualwrite, OLD_ONLY");
        assertThat(benchmark.latencies())
                .allSatisfy(l -> assertThat(l.p99Micros()).isGreaterThanOrEqualTo(l.p50Micros()));
        assertThat(benchmark.propagations()).hasSize(2);
        assertThat(report).contains("| propagation | moves |");
        System.out.println(report);
    }
}
