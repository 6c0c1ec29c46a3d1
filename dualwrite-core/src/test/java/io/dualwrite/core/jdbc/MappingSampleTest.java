package io.dualwrite.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.core.verify.VerifierOptions;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The sampling rule of {@link MappingSample}, simulated over many seeds (no database). */
class MappingSampleTest {

    private static final int ROWS = VerifierOptions.DEFAULT_MAPPING_SAMPLE_ROWS;

    @Test
    void aWalkOverABigTableSamplesAboutTheConfiguredRows() {
        long total = 1_000_000;
        double rate = MappingSample.rate(ROWS, total);
        for (long seed = 1; seed <= 10; seed++) {
            var random = MappingSample.generator(seed);
            long sampled = 0;
            for (int chunk = 0; chunk < total / 1000; chunk++) {
                sampled += MappingSample.positions(1000, rate, random).size();
            }
            // Binomial(1,000,000, 0.004606): standard deviation about 68.
            assertThat(sampled).as("seed " + seed).isBetween(ROWS - 340L, ROWS + 340L);
        }
    }

    @Test
    void tablesOfAtMostTheSampleSizeAreComparedInFull() {
        assertThat(MappingSample.rate(ROWS, ROWS)).isEqualTo(1.0);
        assertThat(MappingSample.rate(ROWS, 10)).isEqualTo(1.0);
        assertThat(MappingSample.positions(7, 1.0, MappingSample.generator(1))).containsExactly(1, 2, 3, 4, 5, 6, 7);
    }

    @Test
    void aMappingWrongOnOneRowInAThousandIsMissedInAtMostOnePercentOfVerifications() {
        int total = 100_000;
        int chunk = 1000;
        double rate = MappingSample.rate(ROWS, total);
        int verifications = 500;
        int missedScattered = 0;
        int missedClustered = 0;
        for (long seed = 1; seed <= verifications; seed++) {
            Set<Integer> scattered = new HashSet<>();
            Random placement = new Random(seed);
            while (scattered.size() < total / 1000) {
                scattered.add(placement.nextInt(total));
            }
            var random = MappingSample.generator(seed);
            boolean foundScattered = false;
            boolean foundClustered = false;
            for (int start = 0; start < total; start += chunk) {
                List<Integer> picked = MappingSample.positions(chunk, rate, random);
                for (int position : picked) {
                    int row = start + position - 1;
                    foundScattered |= scattered.contains(row);
                    // All the wrong rows in one chunk: the first 100 rows of chunk 37.
                    foundClustered |= start == 37 * chunk && position <= total / 1000;
                }
            }
            missedScattered += foundScattered ? 0 : 1;
            missedClustered += foundClustered ? 0 : 1;
        }
        // (1 - 0.04606)^100 = 0.9%: about 4.5 misses expected in 500 verifications.
        assertThat(missedScattered).isLessThanOrEqualTo(verifications / 100 * 2);
        assertThat(missedClustered).isLessThanOrEqualTo(verifications / 100 * 2);
    }

    @Test
    void aSampleOfNoRowsIsRefusedWithItsConsequence() {
        assertThatThrownBy(() -> VerifierOptions.defaults().withMappingSample(0, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mappingSampleRows must be at least 1, but was 0; without a sample, a SQL mapping that"
                        + " disagrees with the Java mapping passes by checksum");
        assertThat(new VerifierOptions(10, Duration.ZERO, 0).mappingSampleRows())
                .isEqualTo(ROWS);
    }
}
