package io.dualwrite.core;

import io.dualwrite.core.model.MigrationPhase;
import java.time.Duration;
import java.util.Objects;

/**
 * How the autopilot drives one migration (opt-in per migration): it advances when every gate of the next move has
 * held for {@link #soak()}, up to {@link #finalPhase()}, and rolls back one phase, then stops, when the shadow-read
 * mismatch rate or the second database's write error rate crosses its threshold. Every action is audited with the
 * actor {@value #ACTOR}.
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

    public AutopilotOptions withEnabled(boolean value) {
        return new AutopilotOptions(value, finalPhase, soak, rollbackMismatchRate, rollbackWriteErrorRate, minSamples);
    }

    public AutopilotOptions withFinalPhase(MigrationPhase value) {
        return new AutopilotOptions(enabled, value, soak, rollbackMismatchRate, rollbackWriteErrorRate, minSamples);
    }

    public AutopilotOptions withSoak(Duration value) {
        return new AutopilotOptions(
                enabled, finalPhase, value, rollbackMismatchRate, rollbackWriteErrorRate, minSamples);
    }

    public AutopilotOptions withRollbackMismatchRate(double value) {
        return new AutopilotOptions(enabled, finalPhase, soak, value, rollbackWriteErrorRate, minSamples);
    }

    public AutopilotOptions withRollbackWriteErrorRate(double value) {
        return new AutopilotOptions(enabled, finalPhase, soak, rollbackMismatchRate, value, minSamples);
    }

    public AutopilotOptions withMinSamples(long value) {
        return new AutopilotOptions(enabled, finalPhase, soak, rollbackMismatchRate, rollbackWriteErrorRate, value);
    }

    private static void requireRate(double rate, String name) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException(name + " must be between 0 and 1, but was " + rate);
        }
    }
}
