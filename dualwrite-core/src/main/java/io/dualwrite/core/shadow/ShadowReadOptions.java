package io.dualwrite.core.shadow;

import java.time.Duration;
import java.util.Objects;

/**
 * How a migration's reads are shadowed. Immutable; start from {@link #defaults()} and derive others with
 * {@link #from}.
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

    /**
     * A builder starting from {@code base}'s values, the preferred way to derive options:
     * {@code ShadowReadOptions.from(ShadowReadOptions.defaults()).sampleRate(0.1).redactValues(true).build()}.
     */
    public static Builder from(ShadowReadOptions base) {
        return new Builder(Objects.requireNonNull(base, "base"));
    }

    /** These options with another sample rate; {@link #from} is the preferred form. */
    public ShadowReadOptions withSampleRate(double rate) {
        return from(this).sampleRate(rate).build();
    }

    /** These options with another timeout; {@link #from} is the preferred form. */
    public ShadowReadOptions withTimeout(Duration value) {
        return from(this).timeout(value).build();
    }

    /** These options with another re-check delay; {@link #from} is the preferred form. */
    public ShadowReadOptions withRecheckDelay(Duration value) {
        return from(this).recheckDelay(value).build();
    }

    /** These options with values redacted or not; {@link #from} is the preferred form. */
    public ShadowReadOptions withRedactedValues(boolean redact) {
        return from(this).redactValues(redact).build();
    }

    /** These options with another comparison limit; {@link #from} is the preferred form. */
    public ShadowReadOptions withMaxComparisonsPerSecond(int limit) {
        return from(this).maxComparisonsPerSecond(limit).build();
    }

    /**
     * Builds {@link ShadowReadOptions} from a base, one component at a time; {@link #build()} validates them
     * together (the record's constructor).
     */
    public static final class Builder {
        private double sampleRate;
        private Duration timeout;
        private Duration recheckDelay;
        private int mismatchSamples;
        private boolean redactValues;
        private int maxComparisonsPerSecond;

        private Builder(ShadowReadOptions base) {
            this.sampleRate = base.sampleRate;
            this.timeout = base.timeout;
            this.recheckDelay = base.recheckDelay;
            this.mismatchSamples = base.mismatchSamples;
            this.redactValues = base.redactValues;
            this.maxComparisonsPerSecond = base.maxComparisonsPerSecond;
        }

        /** See {@link ShadowReadOptions#sampleRate()}. */
        public Builder sampleRate(double value) {
            this.sampleRate = value;
            return this;
        }

        /** See {@link ShadowReadOptions#timeout()}. */
        public Builder timeout(Duration value) {
            this.timeout = value;
            return this;
        }

        /** See {@link ShadowReadOptions#recheckDelay()}. */
        public Builder recheckDelay(Duration value) {
            this.recheckDelay = value;
            return this;
        }

        /** See {@link ShadowReadOptions#mismatchSamples()}. */
        public Builder mismatchSamples(int value) {
            this.mismatchSamples = value;
            return this;
        }

        /** See {@link ShadowReadOptions#redactValues()}. */
        public Builder redactValues(boolean value) {
            this.redactValues = value;
            return this;
        }

        /** See {@link ShadowReadOptions#maxComparisonsPerSecond()}. */
        public Builder maxComparisonsPerSecond(int value) {
            this.maxComparisonsPerSecond = value;
            return this;
        }

        /**
         * The options.
         *
         * @throws IllegalArgumentException naming the first component out of range
         */
        public ShadowReadOptions build() {
            return new ShadowReadOptions(
                    sampleRate, timeout, recheckDelay, mismatchSamples, redactValues, maxComparisonsPerSecond);
        }
    }

    private static void requirePositive(Duration value, String name) {
        if (value == null || value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, but was " + value);
        }
    }
}
