package io.dualwrite.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualwrite.core.AutopilotOptions;
import io.dualwrite.core.GateOptions;
import io.dualwrite.core.MigrationSettings;
import io.dualwrite.core.backfill.BackfillOptions;
import io.dualwrite.core.model.MigrationPhase;
import io.dualwrite.core.shadow.ShadowReadOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * The properties bound as Spring Boot binds them, then mapped: per migration, a value that is set replaces the
 * global one it names, and one that is not set inherits it.
 */
class DualWriteOptionsMapperTest {

    /** Global settings that differ from the defaults, so that inheriting them cannot pass by chance. */
    private static final Map<String, String> GLOBAL = Map.ofEntries(
            Map.entry("dualwrite.shadow-reads.sample-rate", "0.2"),
            Map.entry("dualwrite.shadow-reads.timeout", "300ms"),
            Map.entry("dualwrite.shadow-reads.recheck-delay", "40ms"),
            Map.entry("dualwrite.shadow-reads.mismatch-samples", "7"),
            Map.entry("dualwrite.shadow-reads.redact-values", "true"),
            Map.entry("dualwrite.shadow-reads.max-comparisons-per-second", "60"),
            Map.entry("dualwrite.backfill.initial-chunk-size", "400"),
            Map.entry("dualwrite.backfill.min-chunk-size", "40"),
            Map.entry("dualwrite.backfill.max-chunk-size", "4000"),
            Map.entry("dualwrite.backfill.target-chunk-time", "700ms"),
            Map.entry("dualwrite.backfill.max-rows-per-second", "900"),
            Map.entry("dualwrite.backfill.lease-duration", "50s"),
            Map.entry("dualwrite.backfill.max-retries", "4"),
            Map.entry("dualwrite.backfill.poll-interval", "3s"),
            Map.entry("dualwrite.gates.enabled", "false"),
            Map.entry("dualwrite.gates.max-mismatch-rate", "0.02"),
            Map.entry("dualwrite.gates.min-shadow-samples", "5"),
            Map.entry("dualwrite.gates.min-shadow-time", "1m"),
            Map.entry("dualwrite.gates.read-new-soak", "2h"));

    private static final ShadowReadOptions GLOBAL_SHADOW_READS =
            new ShadowReadOptions(0.2, Duration.ofMillis(300), Duration.ofMillis(40), 7, true, 60);

    private static final BackfillOptions GLOBAL_BACKFILL = new BackfillOptions(
            400,
            40,
            4000,
            Duration.ofMillis(700),
            900,
            Duration.ofSeconds(50),
            4,
            BackfillOptions.DEFAULT_RETRY_BACKOFF,
            BackfillOptions.DEFAULT_MAX_BACKOFF,
            Duration.ofSeconds(3));

    private static final GateOptions GLOBAL_GATES =
            new GateOptions(false, 0.02, 5, Duration.ofMinutes(1), Duration.ofHours(2));

    @Test
    void theGlobalPropertiesMapToTheGlobalOptions() {
        DualWriteProperties properties = bind(Map.of());

        assertThat(DualWriteOptionsMapper.shadowReads(properties.getShadowReads()))
                .isEqualTo(GLOBAL_SHADOW_READS);
        assertThat(DualWriteOptionsMapper.backfill(properties.getBackfill())).isEqualTo(GLOBAL_BACKFILL);
        assertThat(DualWriteOptionsMapper.gates(properties.getGates())).isEqualTo(GLOBAL_GATES);
    }

    @Test
    void aMigrationWithNothingSetInheritsEveryGlobalOptionAndHasNoAutopilot() {
        MigrationSettings settings = migration(Map.of("dualwrite.migrations.names.failure-policy", "fail"));

        assertThat(settings)
                .isEqualTo(new MigrationSettings(
                        GLOBAL_BACKFILL, GLOBAL_SHADOW_READS, GLOBAL_GATES, AutopilotOptions.off()));
    }

    @Test
    void eachShadowReadPropertyOfAMigrationOverridesTheGlobalValueAndOnlyThatOne() {
        assertThat(migration(Map.of("dualwrite.migrations.names.sample-rate", "1"))
                        .shadowReads())
                .isEqualTo(ShadowReadOptions.from(GLOBAL_SHADOW_READS)
                        .sampleRate(1)
                        .build());
        assertThat(migration(Map.of("dualwrite.migrations.names.max-comparisons-per-second", "0"))
                        .shadowReads())
                .isEqualTo(ShadowReadOptions.from(GLOBAL_SHADOW_READS)
                        .maxComparisonsPerSecond(0)
                        .build());
    }

    @Test
    void eachBackfillPropertyOfAMigrationOverridesTheGlobalValueAndOnlyThatOne() {
        assertThat(migration(Map.of("dualwrite.migrations.names.backfill-max-rows-per-second", "0"))
                        .backfill())
                .isEqualTo(BackfillOptions.from(GLOBAL_BACKFILL)
                        .maxRowsPerSecond(0)
                        .build());
        assertThat(migration(Map.of("dualwrite.migrations.names.backfill-target-chunk-time", "2s"))
                        .backfill())
                .isEqualTo(BackfillOptions.from(GLOBAL_BACKFILL)
                        .targetChunkTime(Duration.ofSeconds(2))
                        .build());
        assertThat(migration(Map.of("dualwrite.migrations.names.backfill-max-chunk-size", "8000"))
                        .backfill())
                .isEqualTo(
                        BackfillOptions.from(GLOBAL_BACKFILL).maxChunkSize(8000).build());
    }

    @Test
    void aMigrationsSmallerMaxChunkSizeAlsoLowersTheInitialAndSmallestChunk() {
        assertThat(migration(Map.of("dualwrite.migrations.names.backfill-max-chunk-size", "100"))
                        .backfill())
                .isEqualTo(BackfillOptions.from(GLOBAL_BACKFILL)
                        .initialChunkSize(100)
                        .maxChunkSize(100)
                        .build());
        assertThat(migration(Map.of("dualwrite.migrations.names.backfill-max-chunk-size", "10"))
                        .backfill())
                .isEqualTo(BackfillOptions.from(GLOBAL_BACKFILL)
                        .initialChunkSize(10)
                        .minChunkSize(10)
                        .maxChunkSize(10)
                        .build());
    }

    @Test
    void eachGatePropertyOfAMigrationOverridesTheGlobalValueAndOnlyThatOne() {
        assertThat(migration(Map.of("dualwrite.migrations.names.gates-enabled", "true"))
                        .gates())
                .isEqualTo(GateOptions.from(GLOBAL_GATES).enabled(true).build());
        assertThat(migration(Map.of("dualwrite.migrations.names.max-mismatch-rate", "0"))
                        .gates())
                .isEqualTo(GateOptions.from(GLOBAL_GATES).maxMismatchRate(0).build());
        assertThat(migration(Map.of("dualwrite.migrations.names.min-shadow-samples", "7"))
                        .gates())
                .isEqualTo(GateOptions.from(GLOBAL_GATES).minShadowSamples(7).build());
        assertThat(migration(Map.of("dualwrite.migrations.names.min-shadow-time", "0s"))
                        .gates())
                .isEqualTo(GateOptions.from(GLOBAL_GATES)
                        .minShadowTime(Duration.ZERO)
                        .build());
        assertThat(migration(Map.of("dualwrite.migrations.names.read-new-soak", "10m"))
                        .gates())
                .isEqualTo(GateOptions.from(GLOBAL_GATES)
                        .readNewSoak(Duration.ofMinutes(10))
                        .build());
    }

    @Test
    void overridesOfDifferentConcernsCombineAndLeaveTheOtherMigrationsAlone() {
        Map<String, String> values = Map.of(
                "dualwrite.migrations.names.sample-rate", "1",
                "dualwrite.migrations.names.backfill-max-rows-per-second", "50",
                "dualwrite.migrations.names.min-shadow-samples", "9",
                "dualwrite.migrations.other.failure-policy", "fail");

        MigrationSettings names = migration(values);
        MigrationSettings other = migration("other", values);

        assertThat(names.shadowReads())
                .isEqualTo(ShadowReadOptions.from(GLOBAL_SHADOW_READS)
                        .sampleRate(1)
                        .build());
        assertThat(names.backfill())
                .isEqualTo(BackfillOptions.from(GLOBAL_BACKFILL)
                        .maxRowsPerSecond(50)
                        .build());
        assertThat(names.gates())
                .isEqualTo(GateOptions.from(GLOBAL_GATES).minShadowSamples(9).build());
        assertThat(other)
                .isEqualTo(new MigrationSettings(
                        GLOBAL_BACKFILL, GLOBAL_SHADOW_READS, GLOBAL_GATES, AutopilotOptions.off()));
    }

    @Test
    void theAutopilotIsTheMigrationsOwn() {
        MigrationSettings settings = migration(Map.of(
                "dualwrite.migrations.names.autopilot.enabled", "true",
                "dualwrite.migrations.names.autopilot.final-phase", "DROP_OLD",
                "dualwrite.migrations.names.autopilot.soak", "30s",
                "dualwrite.migrations.names.autopilot.rollback-mismatch-rate", "0.5",
                "dualwrite.migrations.names.autopilot.rollback-write-error-rate", "0.25",
                "dualwrite.migrations.names.autopilot.min-samples", "3"));

        assertThat(settings.autopilot())
                .isEqualTo(new AutopilotOptions(true, MigrationPhase.DROP_OLD, Duration.ofSeconds(30), 0.5, 0.25, 3));
    }

    @Test
    void anInvalidMigrationValueFailsNamingTheMigrationsProperties() {
        assertThatThrownBy(() -> migration(Map.of("dualwrite.migrations.names.sample-rate", "2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid dualwrite.migrations.names.* configuration:"
                        + " sampleRate must be between 0 and 1, but was 2.0");
        assertThatThrownBy(() -> migration(Map.of("dualwrite.migrations.names.backfill-max-chunk-size", "0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid dualwrite.migrations.names.* configuration:"
                        + " minChunkSize must be at least 1, but was 0");
        assertThatThrownBy(() -> migration(Map.of("dualwrite.migrations.names.min-shadow-samples", "-1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid dualwrite.migrations.names.* configuration:"
                        + " minShadowSamples must not be negative, but was -1");
        assertThatThrownBy(() -> migration(Map.of("dualwrite.migrations.names.autopilot.min-samples", "0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid dualwrite.migrations.names.autopilot.* configuration:"
                        + " minSamples must be at least 1, but was 0");
    }

    @Test
    void anInvalidGlobalValueFailsNamingTheGlobalProperties() {
        assertThatThrownBy(() -> DualWriteOptionsMapper.shadowReads(
                        bind(Map.of("dualwrite.shadow-reads.timeout", "0s")).getShadowReads()))
                .hasMessage("Invalid dualwrite.shadow-reads.* configuration: timeout must be positive, but was PT0S");
        assertThatThrownBy(() -> DualWriteOptionsMapper.backfill(
                        bind(Map.of("dualwrite.backfill.max-retries", "-1")).getBackfill()))
                .hasMessage("Invalid dualwrite.backfill.* configuration: maxRetries must be at least 0, but was -1");
        assertThatThrownBy(() -> DualWriteOptionsMapper.gates(
                        bind(Map.of("dualwrite.gates.read-new-soak", "-1s")).getGates()))
                .hasMessage("Invalid dualwrite.gates.* configuration: readNewSoak must not be negative, but was PT-1S");
    }

    private static MigrationSettings migration(Map<String, String> values) {
        return migration("names", values);
    }

    /** The settings of migration {@code name}, merged over the global options as the auto-configuration does. */
    private static MigrationSettings migration(String name, Map<String, String> values) {
        DualWriteProperties properties = bind(values);
        MigrationSettings shared = new MigrationSettings(
                DualWriteOptionsMapper.backfill(properties.getBackfill()),
                DualWriteOptionsMapper.shadowReads(properties.getShadowReads()),
                DualWriteOptionsMapper.gates(properties.getGates()),
                null);
        return DualWriteOptionsMapper.migration(name, properties.getMigrations().get(name), shared);
    }

    /** {@link #GLOBAL} and {@code values} bound to {@link DualWriteProperties}. */
    private static DualWriteProperties bind(Map<String, String> values) {
        Map<String, String> all = new LinkedHashMap<>(GLOBAL);
        all.putAll(values);
        return new Binder(new MapConfigurationPropertySource(all))
                .bind("dualwrite", Bindable.ofInstance(new DualWriteProperties()))
                .get();
    }
}
