package io.dualwrite.core;

import java.time.Duration;
import java.util.Objects;

/**
 * The thresholds of the evidence gates that guard the moves to READ_NEW and to DROP_OLD (see docs/gates.md). With
 * {@link #enabled()} false only the gates that can never be waived by configuration remain: the all-instances
 * barrier, and for DROP_OLD -> READ_NEW a reverse mapping and a readable old side.
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

    public GateOptions withEnabled(boolean value) {
        return new GateOptions(value, maxMismatchRate, minShadowSamples, minShadowTime, readNewSoak);
    }

    public GateOptions withMaxMismatchRate(double value) {
        return new GateOptions(enabled, value, minShadowSamples, minShadowTime, readNewSoak);
    }

    public GateOptions withMinShadowSamples(long value) {
        return new GateOptions(enabled, maxMismatchRate, value, minShadowTime, readNewSoak);
    }

    public GateOptions withMinShadowTime(Duration value) {
        return new GateOptions(enabled, maxMismatchRate, minShadowSamples, value, readNewSoak);
    }

    public GateOptions withReadNewSoak(Duration value) {
        return new GateOptions(enabled, maxMismatchRate, minShadowSamples, minShadowTime, value);
    }

    private static void requireNotNegative(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, but was " + value);
        }
    }
}
