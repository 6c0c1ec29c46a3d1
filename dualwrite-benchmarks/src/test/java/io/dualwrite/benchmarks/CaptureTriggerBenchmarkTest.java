package io.dualwrite.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Short form of the capture-trigger benchmark: both databases run and report. Timings are not asserted. */
class CaptureTriggerBenchmarkTest {

    @Test
    void bothDatabasesRunAndReport() throws Exception {
        CaptureTriggerBenchmark benchmark = new CaptureTriggerBenchmark();

        String report = benchmark.run(2_000, 300);

        assertThat(benchmark.results())
                .extracting(CaptureTriggerBenchmark.Result::database)
                .containsExactly("postgresql", "mariadb");
        assertThat(report).contains("| database | updates |");
        System.out.println(report);
    }
}
