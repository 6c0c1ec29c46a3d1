package io.dualwrite.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.testsupport.TestDatabases;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The short form of the live-traffic benchmark, run by {@code mvn verify}: every option set copy every row while
 * updates run, and the report shows their latencies side by side. Timings are reported, never asserted; the long
 * form is in docs/benchmarks.md.
 */
class LiveTrafficBenchmarkTest {

    @Test
    void everyOptionSetCopyEveryRowUnderLiveUpdatesAndAreReported() throws Exception {
        LiveTrafficBenchmark benchmark =
                new LiveTrafficBenchmark(TestDatabases.postgres().dataSource(), 100);

        String report = benchmark.run(5_000, Duration.ofMillis(500), LiveTrafficBenchmark.CONFIGS);

        assertThat(benchmark.measurements())
                .hasSize(LiveTrafficBenchmark.CONFIGS.size())
                .allSatisfy(m -> {
                    assertThat(m.rows()).isEqualTo(5_000);
                    assertThat(m.idle().updates()).isPositive();
                    assertThat(m.copying().updates()).isNotNegative();
                    assertThat(m.copyRowsPerSecond()).isPositive(); // the copy's rate under that load
                });
        assertThat(report)
                .contains("| old defaults")
                .contains("| new defaults")
                .contains("p99 idle / copying")
                .contains("copy rows/s");
        System.out.println(report);
    }
}
