package io.dualwrite.core;

import io.dualwrite.core.model.MigrationPhase;
import java.time.Duration;
import java.util.Objects;

/**
 * How the autopilot drives one migration (opt-in per migration): it advances when every gate of the next move has
 * held for {@link #soak()}, up to {@link #finalPhase()}, and rolls back one phase, then stops, when the shadow-read
 * mismatch rate or the second database's write error rate crosses its threshold. Every action is audited with the
 * actor {@value #ACTOR}. Immutable; start from {@link #off()} or {@link #upToReadNew()} and derive others with
 * {@link #from}.
 *
 * @param finalPhase the last phase the autopilot moves to; DROP_OLD only when explicitly chosen
 * @param rollbackMismatchRate the shadow-read mismatch rate, in the current phase, that triggers a rollback
 * @param rollbackWriteErrorRate the error rate of writes to the other database that triggers a rollback
 * @param minSamples comparisons or writes needed before a rate can trigger a rollback
 */
public record AutopilotOptions(
        boolean enabled,
        MigrationPhase finalPhase,
        Duration soak,
        double rollbackMismatchRate,
        double rollbackWriteErrorRate,
        long minSamples) {

    /** The actor of every autopilot action in the audit trail. */
    public static final String ACTOR = "autopilot";

    public static final Duration DEFAULT_SOAK = Duration.ofMinutes(5);
    public static final double DEFAULT_ROLLBACK_MISMATCH_RATE = 0.01;
    public static final double DEFAULT_ROLLBACK_WRITE_ERROR_RATE = 0.05;
    public static final long DEFAULT_MIN_SAMPLES = 100;

    public AutopilotOptions {
        Objects.requireNonNull(finalPhase, "finalPhase");
        Objects.requireNonNull(soak, "soak");
        if (finalPhase == MigrationPhase.OLD_ONLY) {
            throw new IllegalArgumentException("finalPhase must be after OLD_ONLY, but was OLD_ONLY");
        }
        if (soak.isNegative()) {
            throw new IllegalArgumentException("soak must not be negative, but was " + soak);
        }
        requireRate(rollbackMismatchRate, "rollbackMismatchRate");
        requireRate(rollbackWriteErrorRate, "rollbackWriteErrorRate");
        if (minSamples < 1) {
            throw new IllegalArgumentException("minSamples must be at least 1, but was " + minSamples);
        }
    }

    /** Off: the migration moves only when an operator moves it. */
    public static AutopilotOptions off() {
        return new AutopilotOptions(
                false,
                MigrationPhase.READ_NEW,
                DEFAULT_SOAK,
                DEFAULT_ROLLBACK_MISMATCH_RATE,
                DEFAULT_ROLLBACK_WRITE_ERROR_RATE,
                DEFAULT_MIN_SAMPLES);
    }

    /** On, up to READ_NEW, with the default soak and thresholds. */
    public static AutopilotOptions upToReadNew() {
        return off().withEnabled(true);
    }

    /**
     * A builder starting from {@code base}'s values, the preferred way to derive options:
     * {@code AutopilotOptions.from(AutopilotOptions.upToReadNew()).soak(Duration.ofMinutes(30)).build()}.
     */
    public static Builder from(AutopilotOptions base) {
        return new Builder(Objects.requireNonNull(base, "base"));
    }

    /** These options with the autopilot on or off; {@link #from} is the preferred form. */
    public AutopilotOptions withEnabled(boolean value) {
        return from(this).enabled(value).build();
    }

    /** These options with another final phase; {@link #from} is the preferred form. */
    public AutopilotOptions withFinalPhase(MigrationPhase value) {
        return from(this).finalPhase(value).build();
    }

    /** These options with another soak; {@link #from} is the preferred form. */
    public AutopilotOptions withSoak(Duration value) {
        return from(this).soak(value).build();
    }

    /** These options with another mismatch rate for rollbacks; {@link #from} is the preferred form. */
    public AutopilotOptions withRollbackMismatchRate(double value) {
        return from(this).rollbackMismatchRate(value).build();
    }

    /** These options with another write error rate for rollbacks; {@link #from} is the preferred form. */
    public AutopilotOptions withRollbackWriteErrorRate(double value) {
        return from(this).rollbackWriteErrorRate(value).build();
    }

    /** These options with another number of samples needed; {@link #from} is the preferred form. */
    public AutopilotOptions withMinSamples(long value) {
        return from(this).minSamples(value).build();
    }

    /**
     * Builds {@link AutopilotOptions} from a base, one component at a time; {@link #build()} validates them
     * together (the record's constructor).
     */
    public static final class Builder {
        private boolean enabled;
        private MigrationPhase finalPhase;
        private Duration soak;
        private double rollbackMismatchRate;
        private double rollbackWriteErrorRate;
        private long minSamples;

        private Builder(AutopilotOptions base) {
            this.enabled = base.enabled;
            this.finalPhase = base.finalPhase;
            this.soak = base.soak;
            this.rollbackMismatchRate = base.rollbackMismatchRate;
            this.rollbackWriteErrorRate = base.rollbackWriteErrorRate;
            this.minSamples = base.minSamples;
        }

        /** See {@link AutopilotOptions#enabled()}. */
        public Builder enabled(boolean value) {
            this.enabled = value;
            return this;
        }

        /** See {@link AutopilotOptions#finalPhase()}. */
        public Builder finalPhase(MigrationPhase value) {
            this.finalPhase = value;
            return this;
        }

        /** See {@link AutopilotOptions#soak()}. */
        public Builder soak(Duration value) {
            this.soak = value;
            return this;
        }

        /** See {@link AutopilotOptions#rollbackMismatchRate()}. */
        public Builder rollbackMismatchRate(double value) {
            this.rollbackMismatchRate = value;
            return this;
        }

        /** See {@link AutopilotOptions#rollbackWriteErrorRate()}. */
        public Builder rollbackWriteErrorRate(double value) {
            this.rollbackWriteErrorRate = value;
            return this;
        }

        /** See {@link AutopilotOptions#minSamples()}. */
        public Builder minSamples(long value) {
            this.minSamples = value;
            return this;
        }

        /**
         * The options.
         *
         * @throws IllegalArgumentException naming the first component out of range
         */
        public AutopilotOptions build() {
            return new AutopilotOptions(
                    enabled, finalPhase, soak, rollbackMismatchRate, rollbackWriteErrorRate, minSamples);
        }
    }

    private static void requireRate(double rate, String name) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException(name + " must be between 0 and 1, but was " + rate);
        }
    }
}
