package io.dualwrite.core.verify;

import java.time.Duration;

/**
 * How a full verification walks the data.
 *
 * @param chunkSize keys compared per chunk
 * @param recheckDelay how long to wait before looking again at a key that differed: a divergence is reported only
 *     if it is the same on both looks
 * @param maxRowsPerSecond a rate limit, 0 for none
 */
public record VerifierOptions(int chunkSize, Duration recheckDelay, int maxRowsPerSecond) {

    public static final int DEFAULT_CHUNK_SIZE = 1000;
    public static final Duration DEFAULT_RECHECK_DELAY = Duration.ofMillis(250);

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
    }

    public static VerifierOptions defaults() {
        return new VerifierOptions(DEFAULT_CHUNK_SIZE, DEFAULT_RECHECK_DELAY, 0);
    }
}
