package io.dualwrite.core.verify;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How a full verification walks the data.
 *
 * @param chunkSize keys compared per chunk
 * @param recheckDelay how long to wait before looking again at a key that differed: a divergence is reported only
 *     if it is the same on both looks
 * @param maxRowsPerSecond a rate limit, 0 for none
 * @param mappingSampleRows for a migration whose chunks pass by checksums computed in the database: about how many
 *     rows of those chunks, over a whole verification, are also compared through the Java mapping (every row when
 *     the table has fewer). The default, {@value #DEFAULT_MAPPING_SAMPLE_ROWS}, finds a SQL mapping that disagrees
 *     with the Java one on 0.1% of the rows with a probability of at least 99%, whatever the table's size
 * @param mappingSampleSeed the seed that picks those rows, to reproduce a verification; null for a new one each
 *     time (logged when the verification starts)
 */
public record VerifierOptions(
        int chunkSize,
        Duration recheckDelay,
        int maxRowsPerSecond,
        int mappingSampleRows,
        @Nullable Long mappingSampleSeed) {

    public static final int DEFAULT_CHUNK_SIZE = 1000;
    public static final Duration DEFAULT_RECHECK_DELAY = Duration.ofMillis(250);
    /** The smallest n with e^(-0.001 n) < 0.01. */
    public static final int DEFAULT_MAPPING_SAMPLE_ROWS = 4_606;

    public VerifierOptions {
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunkSize must be at least 1, but was " + chunkSize);
        }
        if (recheckDelay == null || recheckDelay.isNegative()) {
            throw new IllegalArgumentException("recheckDelay must be zero or positive, but was " + recheckDelay);
        }
        if (maxRowsPerSecond < 0) {
            throw new IllegalArgumentException("maxRowsPerSecond must be at least 0, but was " + maxRowsPerSecond);
        }
        if (mappingSampleRows < 1) {
            throw new IllegalArgumentException("mappingSampleRows must be at least 1, but was " + mappingSampleRows
                    + "; without a sample, a SQL mapping that disagrees with the Java mapping passes by checksum");
        }
    }

    /** Options with the default mapping sample: {@value #DEFAULT_MAPPING_SAMPLE_ROWS} rows, a new seed each time. */
    public VerifierOptions(int chunkSize, Duration recheckDelay, int maxRowsPerSecond) {
        this(chunkSize, recheckDelay, maxRowsPerSecond, DEFAULT_MAPPING_SAMPLE_ROWS, null);
    }

    public static VerifierOptions defaults() {
        return new VerifierOptions(DEFAULT_CHUNK_SIZE, DEFAULT_RECHECK_DELAY, 0);
    }

    /** These options with another mapping sample (see {@link #mappingSampleRows()}). */
    public VerifierOptions withMappingSample(int rows, @Nullable Long seed) {
        return new VerifierOptions(chunkSize, recheckDelay, maxRowsPerSecond, rows, seed);
    }
}
