package io.dualwrite.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.shadow.ShadowResult;
import io.dualwrite.testsupport.TestDatabases;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Short forms of the verification and shadow-read benchmarks: they run, agree, and report. Timings not asserted. */
class VerificationAndShadowReadBenchmarkTest {

    @Test
    void verificationFindsNoDifferenceInAgreeingTablesByEitherPath() {
        VerificationBenchmark benchmark =
                new VerificationBenchmark(TestDatabases.postgres().dataSource(), 1, List.of(2));

        benchmark.run(2_000);
        String report = benchmark.run(5_000);

        // Per size: EXCEPT, three one-thread paths, and the Java and SQL paths on 2 workers.
        assertThat(benchmark.measurements()).hasSize(12).allSatisfy(m -> {
            assertThat(m.differences()).isZero();
            assertThat(m.peakHeapBytes()).isPositive();
        });
        // Each size's ratios are against EXCEPT at that size.
        assertThat(report)
                .contains("| EXCEPT both ways | 2,000 |")
                .contains("| EXCEPT both ways | 5,000 |")
                .containsPattern("\\| EXCEPT both ways \\| 5,000 \\| [0-9.]+ \\| [0-9,]+ \\| 1\\.00x \\|")
                .contains("dualwrite verifier, chunks of 1000")
                .contains("2 workers")
                .contains("peak heap MiB");
        System.out.println(report);
    }

    @Test
    void shadowReadsCompareReadsWithoutChangingWhatTheyReturn() throws Exception {
        ShadowReadBenchmark benchmark =
                new ShadowReadBenchmark(TestDatabases.postgres().dataSource());

        String report = benchmark.run(2_000, 2_000, 2);

        assertThat(benchmark.measurements()).hasSize(3);
        ShadowReadBenchmark.Measurement shadowed = benchmark.measurements().get(1);
        assertThat(shadowed.stats().count(ShadowResult.MATCH)).isPositive();
        assertThat(shadowed.stats().mismatches()).isZero();
        assertThat(benchmark.measurements().get(0).stats().compared()).isZero();
        System.out.println(report);
    }
}
