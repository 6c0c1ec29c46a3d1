package io.dualwrite.core.shadow;

import java.time.Duration;

/**
 * How a migration's reads are shadowed.
 *
 * @param sampleRate the fraction of reads compared, 0 (off) to 1 (every read)
 * @param timeout how long a candidate read may take before it counts as {@link ShadowResult#CANDIDATE_ERROR}
 * @param recheckDelay how long to wait before looking again at a read that did not match; it counts only if it
 *     still does not match then
 * @param mismatchSamples how many recent mismatches are kept with their field-level differences
 * @param redactValues whether mismatch samples hide the values and keep only the field names
 * @param maxComparisonsPerSecond the most sampled reads compared per second, 0 for no limit; beyond it sampled
 *     reads are skipped, so that the comparisons' own queries never take a large share of the database
 */
public record ShadowReadOptions(
        double sampleRate,
        Duration timeout,
        Duration recheckDelay,
        int mismatchSamples,
        boolean redactValues,
        int maxComparisonsPerSecond) {

    public static final double DEFAULT_SAMPLE_RATE = 0.01;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(500);
    public static final Duration DEFAULT_RECHECK_DELAY = Duration.ofMillis(250);
    public static final int DEFAULT_MISMATCH_SAMPLES = 50;
    public static final int DEFAULT_MAX_COMPARISONS_PER_SECOND = 1000;

    public ShadowReadOptions {
        if (!(sampleRate >= 0 && sampleRate <= 1)) {
            throw new IllegalArgumentException("sampleRate must be between 0 and 1, but was " + sampleRate);
        }
        requirePositive(timeout, "timeout");
        if (recheckDelay == null || recheckDelay.isNegative()) {
            throw new IllegalArgumentException("recheckDelay must be zero or positive, but was " + recheckDelay);
        }
        if (mismatchSamples < 0) {
            throw new IllegalArgumentException("mismatchSamples must be at least 0, but was " + mismatchSamples);
        }
        if (maxComparisonsPerSecond < 0) {
            throw new IllegalArgumentException(
                    "maxComparisonsPerSecond must be at least 0, but was " + maxComparisonsPerSecond);
        }
    }

    /** 1% of reads, at most 1,000 comparisons a second, 500 ms timeout, 250 ms re-check, 50 samples shown. */
    public static ShadowReadOptions defaults() {
        return new ShadowReadOptions(
                DEFAULT_SAMPLE_RATE,
                DEFAULT_TIMEOUT,
                DEFAULT_RECHECK_DELAY,
                DEFAULT_MISMATCH_SAMPLES,
                false,
                DEFAULT_MAX_COMPARISONS_PER_SECOND);
    }

    public ShadowReadOptions withSampleRate(double rate) {
        return new ShadowReadOptions(
                rate, timeout, recheckDelay, mismatchSamples, redactValues, maxComparisonsPerSecond);
    }

    public ShadowReadOptions withTimeout(Duration value) {
        return new ShadowReadOptions(
                sampleRate, value, recheckDelay, mismatchSamples, redactValues, maxComparisonsPerSecond);
    }

    public ShadowReadOptions withRecheckDelay(Duration value) {
        return new ShadowReadOptions(
                sampleRate, timeout, value, mismatchSamples, redactValues, maxComparisonsPerSecond);
    }

    public ShadowReadOptions withRedactedValues(boolean redact) {
        return new ShadowReadOptions(
                sampleRate, timeout, recheckDelay, mismatchSamples, redact, maxComparisonsPerSecond);
    }

    public ShadowReadOptions withMaxComparisonsPerSecond(int limit) {
        return new ShadowReadOptions(sampleRate, timeout, recheckDelay, mismatchSamples, redactValues, limit);
    }

    private static void requirePositive(Duration value, String name) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, but was " + value);
        }
    }
}
