package io.dualwrite.core;

import java.time.Duration;
import java.util.Objects;

/**
 * The thresholds of the evidence gates that guard the moves to READ_NEW and to DROP_OLD (see docs/gates.md). With
 * {@link #enabled()} false only the gates that can never be waived by configuration remain: the all-instances
 * barrier, and for DROP_OLD -> READ_NEW a reverse mapping and a readable old side. Immutable; start from
 * {@link #defaults()} or {@link #off()} and derive others with {@link #from}.
 *
 * @param maxMismatchRate the highest shadow-read mismatch rate (mismatches over comparisons) a move accepts
 * @param minShadowSamples the comparisons needed in the current phase before the mismatch rate counts
 * @param minShadowTime how long the current phase must have run before the mismatch rate counts
 * @param readNewSoak how long READ_NEW must have run before DROP_OLD
 */
public record GateOptions(
        boolean enabled, double maxMismatchRate, long minShadowSamples, Duration minShadowTime, Duration readNewSoak) {

    public static final double DEFAULT_MAX_MISMATCH_RATE = 0.001;
    public static final long DEFAULT_MIN_SHADOW_SAMPLES = 100;
    public static final Duration DEFAULT_MIN_SHADOW_TIME = Duration.ofMinutes(5);
    public static final Duration DEFAULT_READ_NEW_SOAK = Duration.ofMinutes(30);

    public GateOptions {
        if (!(maxMismatchRate >= 0 && maxMismatchRate <= 1)) {
            throw new IllegalArgumentException("maxMismatchRate must be between 0 and 1, but was " + maxMismatchRate);
        }
        if (minShadowSamples < 0) {
            throw new IllegalArgumentException("minShadowSamples must not be negative, but was " + minShadowSamples);
        }
        requireNotNegative(minShadowTime, "minShadowTime");
        requireNotNegative(readNewSoak, "readNewSoak");
    }

    /** The evidence gates on, with the default thresholds. */
    public static GateOptions defaults() {
        return new GateOptions(
                true,
                DEFAULT_MAX_MISMATCH_RATE,
                DEFAULT_MIN_SHADOW_SAMPLES,
                DEFAULT_MIN_SHADOW_TIME,
                DEFAULT_READ_NEW_SOAK);
    }

    /** The evidence gates off: moves wait only for the barrier and the gates that cannot be waived. */
    public static GateOptions off() {
        return defaults().withEnabled(false);
    }

    /**
     * A builder starting from {@code base}'s values, the preferred way to derive options:
     * {@code GateOptions.from(GateOptions.defaults()).minShadowSamples(1_000).readNewSoak(Duration.ofHours(1)).build()}.
     */
    public static Builder from(GateOptions base) {
        return new Builder(Objects.requireNonNull(base, "base"));
    }

    /** These options with the gates on or off; {@link #from} is the preferred form. */
    public GateOptions withEnabled(boolean value) {
        return from(this).enabled(value).build();
    }

    /** These options with another highest mismatch rate; {@link #from} is the preferred form. */
    public GateOptions withMaxMismatchRate(double value) {
        return from(this).maxMismatchRate(value).build();
    }

    /** These options with another number of comparisons needed; {@link #from} is the preferred form. */
    public GateOptions withMinShadowSamples(long value) {
        return from(this).minShadowSamples(value).build();
    }

    /** These options with another shortest shadow time; {@link #from} is the preferred form. */
    public GateOptions withMinShadowTime(Duration value) {
        return from(this).minShadowTime(value).build();
    }

    /** These options with another READ_NEW soak; {@link #from} is the preferred form. */
    public GateOptions withReadNewSoak(Duration value) {
        return from(this).readNewSoak(value).build();
    }

    /**
     * Builds {@link GateOptions} from a base, one component at a time; {@link #build()} validates them together
     * (the record's constructor).
     */
    public static final class Builder {
        private boolean enabled;
        private double maxMismatchRate;
        private long minShadowSamples;
        private Duration minShadowTime;
        private Duration readNewSoak;

        private Builder(GateOptions base) {
            this.enabled = base.enabled;
            this.maxMismatchRate = base.maxMismatchRate;
            this.minShadowSamples = base.minShadowSamples;
            this.minShadowTime = base.minShadowTime;
            this.readNewSoak = base.readNewSoak;
        }

        /** See {@link GateOptions#enabled()}. */
        public Builder enabled(boolean value) {
            this.enabled = value;
            return this;
        }

        /** See {@link GateOptions#maxMismatchRate()}. */
        public Builder maxMismatchRate(double value) {
            this.maxMismatchRate = value;
            return this;
        }

        /** See {@link GateOptions#minShadowSamples()}. */
        public Builder minShadowSamples(long value) {
            this.minShadowSamples = value;
            return this;
        }

        /** See {@link GateOptions#minShadowTime()}. */
        public Builder minShadowTime(Duration value) {
            this.minShadowTime = value;
            return this;
        }

        /** See {@link GateOptions#readNewSoak()}. */
        public Builder readNewSoak(Duration value) {
            this.readNewSoak = value;
            return this;
        }

        /**
         * The options.
         *
         * @throws IllegalArgumentException naming the first component out of range
         */
        public GateOptions build() {
            return new GateOptions(enabled, maxMismatchRate, minShadowSamples, minShadowTime, readNewSoak);
        }
    }

    private static void requireNotNegative(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, but was " + value);
        }
    }
}
