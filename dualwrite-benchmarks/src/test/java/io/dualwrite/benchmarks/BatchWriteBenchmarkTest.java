package io.dualwrite.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.testsupport.TestDatabases;
import org.junit.jupiter.api.Test;

/** Short form of the batch-write benchmark: both paths run and report. Timings are not asserted. */
class BatchWriteBenchmarkTest {

    @Test
    void bothPathsRunAndReport() {
        BatchWriteBenchmark.Result result =
                new BatchWriteBenchmark(TestDatabases.postgres().dataSource()).run(100, 3);

        assertThat(result.singleMillis()).isPositive();
        assertThat(result.batchMillis()).isPositive();
        System.out.println(BatchWriteBenchmark.markdown(result));
    }
}
