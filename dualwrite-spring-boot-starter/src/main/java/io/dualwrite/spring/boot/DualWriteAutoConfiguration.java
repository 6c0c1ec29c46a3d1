package io.dualwrite.spring.boot;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.DualWriteBuilder;
import io.dualwrite.core.TransitionGuard;
import io.dualwrite.core.backfill.BackfillStore;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.phase.InstanceRegistry;
import io.dualwrite.core.phase.PhaseStore;
import io.dualwrite.core.verify.VerificationStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * The core: one {@link DualWrite} holding every {@link Migration} bean, on the stores of
 * {@link DualWriteJdbcAutoConfiguration} (or the application's own), configured by {@code dualwrite.*}, by
 * {@link TransitionGuard} beans and by {@link DualWriteBuilderCustomizer} beans; and one injectable
 * {@code DualRepository} bean per migration.
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

    @Bean
    @ConditionalOnMissingBean
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
        DualWriteBuilder builder = DualWrite.builder(phaseStore)
                .refreshInterval(properties.getRefreshInterval())
                .shadowReads(properties.getShadowReads().toOptions())
                .backfillOptions(properties.getBackfill().toOptions())
                .gates(properties.getGates().toOptions())
                .copies(properties.getBackfill().isEnabled())
                .autopilotInterval(properties.getAutopilotInterval());
        backfillStore.ifAvailable(builder::backfillStore);
        verificationStore.ifAvailable(builder::verificationStore);
        migrations.orderedStream().forEach(migration -> builder.migration(withSettings(migration, properties)));
        guards.orderedStream().forEach(builder::guard);
        properties.getMigrations().forEach((name, settings) -> {
            builder.shadowReads(
                    name, settings.shadowReads(properties.getShadowReads().toOptions(), name));
            builder.backfillOptions(
                    name, settings.backfill(properties.getBackfill().toOptions(), name));
            builder.gates(name, settings.gates(properties.getGates().toOptions(), name));
            builder.autopilot(name, settings.getAutopilot().toOptions(name));
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
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        return builder.build().startBackgroundWork();
    }

    private static Migration<?, ?, ?> withSettings(Migration<?, ?, ?> migration, DualWriteProperties properties) {
        DualWriteProperties.MigrationSettings settings =
                properties.getMigrations().get(migration.name());
        return settings == null ? migration : settings.apply(migration);
    }
}
