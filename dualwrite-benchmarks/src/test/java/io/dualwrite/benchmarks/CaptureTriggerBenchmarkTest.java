package io.dualwrite.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Short form of the capture-trigger benchmark: both databases run and report. Timings are not asserted. The long form
 * runs with {@code -Dbenchmark.captureRows=100000 -Dbenchmark.captureOperations=10000} (or the {@code benchmarks}
 * profile's {@code capture-trigger-benchmark} execution).
 */
class CaptureTriggerBenchmarkTest {

    @Test
    void bothDatabasesRunAndReport() throws Exception {
        CaptureTriggerBenchmark benchmark = new CaptureTriggerBenchmark();

        String report = benchmark.run(
                Integer.getInteger("benchmark.captureRows", 2_000),
                Integer.getInteger("benchmark.captureOperations", 300));

        assertThat(benchmark.results())
                .extracting(CaptureTriggerBenchmark.Result::database)
                .containsExactly("postgresql", "mariadb");
        assertThat(report).contains("| database | updates |");
        System.out.println(report);
    }
}
