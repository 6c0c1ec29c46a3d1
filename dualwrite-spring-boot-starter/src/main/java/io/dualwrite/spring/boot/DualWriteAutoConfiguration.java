package io.dualwrite.spring.boot;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.DualWriteBuilder;
import io.dualwrite.core.GateOptions;
import io.dualwrite.core.MigrationSettings;
import io.dualwrite.core.TransitionGuard;
import io.dualwrite.core.backfill.BackfillOptions;
import io.dualwrite.core.backfill.BackfillStore;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.phase.InstanceRegistry;
import io.dualwrite.core.phase.PhaseStore;
import io.dualwrite.core.shadow.ShadowReadOptions;
import io.dualwrite.core.verify.VerificationStore;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;

/**
 * The core: one {@link DualWrite} holding every {@link Migration} bean, on the stores of
 * {@link DualWriteJdbcAutoConfiguration} (or the application's own), configured by {@code dualwrite.*}, by
 * {@link TransitionGuard} beans and by {@link DualWriteBuilderCustomizer} beans; and one injectable
 * {@code DualRepository} bean per migration. {@link DualWriteOptionsMapper} turns the properties into the core's
 * options, and each migration bean is registered with one {@link MigrationSettings}: the global options with its
 * {@code dualwrite.migrations.<name>.*} overrides.
 */
@AutoConfiguration(after = DualWriteJdbcAutoConfiguration.class)
@ConditionalOnClass(DualWrite.class)
@ConditionalOnBean(PhaseStore.class)
@ConditionalOnProperty(prefix = "dualwrite", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(DualWriteProperties.class)
public class DualWriteAutoConfiguration {

    /** One {@code DualRepository} bean per migration bean, for application code to inject. */
    @Bean
    static DualRepositoryRegistrar dualWriteRepositoryRegistrar() {
        return new DualRepositoryRegistrar();
    }

    /**
     * Built once the application's schema is (spring.sql.init scripts, Flyway, Liquibase): registering a migration
     * checks its tables (shared rows' NOT NULL columns, key types, a key sequence and its column's default), and a
     * check of tables or sequences not created yet would be skipped or refuse the migration.
     */
    @Bean
    @ConditionalOnMissingBean
    @DependsOnDatabaseInitialization
    DualWrite dualWrite(
            PhaseStore phaseStore,
            ObjectProvider<BackfillStore> backfillStore,
            ObjectProvider<VerificationStore> verificationStore,
            ObjectProvider<DualWriteSchemaInitializer> schema,
            DualWriteProperties properties,
            ObjectProvider<Migration<?, ?, ?>> migrations,
            ObjectProvider<TransitionGuard> guards,
            ObjectProvider<InstanceRegistry> instanceRegistry,
            ObjectProvider<DualWriteBuilderCustomizer> customizers) {
        schema.ifAvailable(tables -> {}); // dualwrite's tables exist before any store is used
        ShadowReadOptions shadowReads = DualWriteOptionsMapper.shadowReads(properties.getShadowReads());
        BackfillOptions backfill = DualWriteOptionsMapper.backfill(properties.getBackfill());
        GateOptions gates = DualWriteOptionsMapper.gates(properties.getGates());
        DualWriteBuilder builder = DualWrite.builder(phaseStore)
                .refreshInterval(properties.getRefreshInterval())
                .shadowReads(shadowReads)
                .backfillOptions(backfill)
                .verifierOptions(DualWriteOptionsMapper.verification(properties.getVerification()))
                .gates(gates)
                .copies(properties.getBackfill().isEnabled())
                .autopilotInterval(properties.getAutopilotInterval());
        backfillStore.ifAvailable(builder::backfillStore);
        verificationStore.ifAvailable(builder::verificationStore);
        MigrationSettings shared = new MigrationSettings(backfill, shadowReads, gates, null);
        Map<String, DualWriteProperties.MigrationOverrides> overrides = properties.getMigrations();
        Set<String> beans = new HashSet<>();
        migrations.orderedStream().forEach(migration -> {
            DualWriteProperties.MigrationOverrides own = overrides.get(migration.name());
            builder.migration(
                    DualWriteOptionsMapper.withFailurePolicy(migration, own),
                    own == null
                            ? MigrationSettings.defaults()
                            : DualWriteOptionsMapper.migration(migration.name(), own, shared));
            beans.add(migration.name());
        });
        guards.orderedStream().forEach(builder::guard);
        // Settings naming no migration bean stay by name: a customizer may register that migration, and build()
        // refuses them, naming them, if none does.
        overrides.forEach((name, own) -> {
            if (!beans.contains(name)) {
                MigrationSettings settings = DualWriteOptionsMapper.migration(name, own, shared);
                builder.shadowReads(name, settings.shadowReads())
                        .backfillOptions(name, settings.backfill())
                        .gates(name, settings.gates())
                        .autopilot(name, settings.autopilot());
            }
        });
        instanceRegistry.ifAvailable(registry -> {
            try {
                builder.instanceRegistry(
                        registry,
                        properties.getInstances().getHeartbeatInterval(),
                        properties.getInstances().getTimeout());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Invalid dualwrite.instances.* configuration: " + e.getMessage(), e);
            }
        });
        if (properties.getInstances().isSingleInstance()) {
            builder.singleInstance();
        }
        if (properties.getRepairInterval() != null) {
            builder.continuousRepair(properties.getRepairInterval());
        }
        DualWriteProperties.Capture capture = properties.getCapture();
        capture.getMigrations().forEach(name -> builder.captureBypassWrites(name, capture.isInstallTriggers()));
        try {
            builder.captureDrainInterval(capture.getDrainInterval());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid dualwrite.capture.drain-interval: " + e.getMessage(), e);
        }
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        DualWrite dualWrite = builder.build();
        BackfillThrottles.addReplicaLag(
                dualWrite,
                properties.getBackfill().getThrottle(),
                properties.getBackfill().getThrottleCheckInterval());
        return dualWrite.startBackgroundWork();
    }
}
