package io.dualwrite.spring.boot;

import io.dualwrite.core.AutopilotOptions;
import io.dualwrite.core.GateOptions;
import io.dualwrite.core.MigrationSettings;
import io.dualwrite.core.backfill.BackfillOptions;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.shadow.ShadowReadOptions;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.PropertyMapper;

/**
 * Turns {@link DualWriteProperties} into the core's options, each built from the core's defaults with the options'
 * builders. The options' own constructors validate; an invalid value fails with a message naming the properties it
 * came from ({@code Invalid dualwrite.backfill.* configuration: ...}).
 *
 * <p>A migration's {@code dualwrite.migrations.<name>.*} settings are merged in one place,
 * {@link #migration(String, DualWriteProperties.MigrationOverrides, MigrationSettings)}: each option starts from the
 * global one, and each per-migration property that is set replaces the value it names (the {@link PropertyMapper}
 * skips those that are not).
 */
final class DualWriteOptionsMapper {

    private DualWriteOptionsMapper() {}

    /** {@code dualwrite.shadow-reads.*}. */
    static ShadowReadOptions shadowReads(DualWriteProperties.ShadowReads properties) {
        return checked("dualwrite.shadow-reads.*", () -> ShadowReadOptions.from(ShadowReadOptions.defaults())
                .sampleRate(properties.getSampleRate())
                .timeout(properties.getTimeout())
                .recheckDelay(properties.getRecheckDelay())
                .mismatchSamples(properties.getMismatchSamples())
                .redactValues(properties.isRedactValues())
                .maxComparisonsPerSecond(properties.getMaxComparisonsPerSecond())
                .build());
    }

    /** {@code dualwrite.backfill.*}; the retry backoffs, which have no property, keep the core's defaults. */
    static BackfillOptions backfill(DualWriteProperties.Backfill properties) {
        return checked("dualwrite.backfill.*", () -> BackfillOptions.from(BackfillOptions.defaults())
                .initialChunkSize(properties.getInitialChunkSize())
                .minChunkSize(properties.getMinChunkSize())
                .maxChunkSize(properties.getMaxChunkSize())
                .targetChunkTime(properties.getTargetChunkTime())
                .maxRowsPerSecond(properties.getMaxRowsPerSecond())
                .leaseDuration(properties.getLeaseDuration())
                .maxRetries(properties.getMaxRetries())
                .pollInterval(properties.getPollInterval())
                .lockTimeout(properties.getLockTimeout())
                .throttleCheckInterval(properties.getThrottleCheckInterval())
                .partitions(properties.getPartitions())
                .workers(properties.getWorkers())
                .build());
    }

    /** {@code dualwrite.verification.*}; the re-check delay and the mapping sample keep the core's defaults. */
    static io.dualwrite.core.verify.VerifierOptions verification(DualWriteProperties.Verification properties) {
        return checked("dualwrite.verification.*", () -> io.dualwrite.core.verify.VerifierOptions.from(
                        io.dualwrite.core.verify.VerifierOptions.defaults())
                .chunkSize(properties.getChunkSize())
                .maxRowsPerSecond(properties.getMaxRowsPerSecond())
                .workers(properties.getWorkers())
                .build());
    }

    /** {@code dualwrite.gates.*}. */
    static GateOptions gates(DualWriteProperties.Gates properties) {
        return checked("dualwrite.gates.*", () -> GateOptions.from(GateOptions.defaults())
                .enabled(properties.isEnabled())
                .maxMismatchRate(properties.getMaxMismatchRate())
                .minShadowSamples(properties.getMinShadowSamples())
                .minShadowTime(properties.getMinShadowTime())
                .readNewSoak(properties.getReadNewSoak())
                .build());
    }

    /** {@code dualwrite.migrations.<migration>.autopilot.*}: the autopilot has no global settings. */
    static AutopilotOptions autopilot(String migration, DualWriteProperties.Autopilot properties) {
        return checked("dualwrite.migrations." + migration + ".autopilot.*", () -> AutopilotOptions.from(
                        AutopilotOptions.off())
                .enabled(properties.isEnabled())
                .finalPhase(properties.getFinalPhase())
                .soak(properties.getSoak())
                .rollbackMismatchRate(properties.getRollbackMismatchRate())
                .rollbackWriteErrorRate(properties.getRollbackWriteErrorRate())
                .minSamples(properties.getMinSamples())
                .build());
    }

    /**
     * The settings of the migration {@code name}: its backfill, shadow reads and gates are the global ones in
     * {@code shared}, with each {@code dualwrite.migrations.<name>.*} property that is set in place of the global
     * value it names; its autopilot is its own. {@code backfill-max-chunk-size} also lowers the initial and the
     * smallest chunk to it when they are larger.
     *
     * @param shared the global backfill, shadow-read and gate options (none of them null)
     */
    static MigrationSettings migration(
            String name, DualWriteProperties.MigrationOverrides own, MigrationSettings shared) {
        PropertyMapper map = PropertyMapper.get();
        String properties = "dualwrite.migrations." + name + ".*";
        ShadowReadOptions shadowReads = checked(properties, () -> {
            ShadowReadOptions.Builder options = ShadowReadOptions.from(shared.shadowReads());
            map.from(own::getSampleRate).to(options::sampleRate);
            map.from(own::getMaxComparisonsPerSecond).to(options::maxComparisonsPerSecond);
            return options.build();
        });
        BackfillOptions backfill = checked(properties, () -> {
            BackfillOptions global = shared.backfill();
            BackfillOptions.Builder options = BackfillOptions.from(global);
            map.from(own::getBackfillMaxRowsPerSecond).to(options::maxRowsPerSecond);
            map.from(own::getBackfillMaxChunkSize).to(max -> options.maxChunkSize(max)
                    .initialChunkSize(Math.min(global.initialChunkSize(), max))
                    .minChunkSize(Math.min(global.minChunkSize(), max)));
            map.from(own::getBackfillTargetChunkTime).to(options::targetChunkTime);
            return options.build();
        });
        GateOptions gates = checked(properties, () -> {
            GateOptions.Builder options = GateOptions.from(shared.gates());
            map.from(own::getGatesEnabled).to(options::enabled);
            map.from(own::getMaxMismatchRate).to(options::maxMismatchRate);
            map.from(own::getMinShadowSamples).to(options::minShadowSamples);
            map.from(own::getMinShadowTime).to(options::minShadowTime);
            map.from(own::getReadNewSoak).to(options::readNewSoak);
            return options.build();
        });
        return new MigrationSettings(backfill, shadowReads, gates, autopilot(name, own.getAutopilot()));
    }

    /** The migration with the failure policy of {@code dualwrite.migrations.<name>.failure-policy}, if set. */
    static <K, O, N> Migration<K, O, N> withFailurePolicy(
            Migration<K, O, N> migration, DualWriteProperties.@Nullable MigrationOverrides own) {
        if (own == null || own.getFailurePolicy() == null || own.getFailurePolicy() == migration.failurePolicy()) {
            return migration;
        }
        try {
            return migration.withFailurePolicy(own.getFailurePolicy());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "Invalid dualwrite.migrations." + migration.name() + ".failure-policy=" + own.getFailurePolicy()
                            + ": " + e.getMessage(),
                    e);
        }
    }

    /** {@code dualwrite.circuit-breaker.*}. */
    static CircuitBreakerConfig circuitBreaker(DualWriteProperties.CircuitBreaker properties) {
        return checked("dualwrite.circuit-breaker.*", () -> CircuitBreakerConfig.custom()
                .failureRateThreshold(properties.getFailureRateThreshold())
                .minimumNumberOfCalls(properties.getMinimumNumberOfCalls())
                .slidingWindowSize(Math.max(properties.getMinimumNumberOfCalls(), 100))
                .waitDurationInOpenState(properties.getWaitDurationInOpenState())
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .build());
    }

    /** {@code dualwrite.time-limiter.timeout}; {@code threads} is checked here too. */
    static TimeLimiterConfig timeLimiter(DualWriteProperties.TimeLimiter properties) {
        if (properties.getThreads() < 1) {
            throw new IllegalArgumentException(
                    "Invalid dualwrite.time-limiter.threads=" + properties.getThreads() + "; it must be at least 1");
        }
        try {
            return TimeLimiterConfig.custom()
                    .timeoutDuration(properties.getTimeout())
                    .build();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "Invalid dualwrite.time-limiter.timeout=" + properties.getTimeout()
                            + "; it must be a positive duration",
                    e);
        }
    }

    /** The options {@code build} makes, or a failure naming {@code properties}. */
    private static <T> T checked(String properties, Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid " + properties + " configuration: " + e.getMessage(), e);
        }
    }
}
