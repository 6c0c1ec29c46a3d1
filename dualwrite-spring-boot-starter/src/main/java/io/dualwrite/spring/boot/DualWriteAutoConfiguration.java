package io.dualwrite.spring.boot;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.Migration;
import io.dualwrite.core.TransitionGuard;
import io.dualwrite.core.backfill.BackfillStore;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.jdbc.JdbcBackfillStore;
import io.dualwrite.core.jdbc.JdbcInstanceRegistry;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.jdbc.JdbcVerificationStore;
import io.dualwrite.core.jdbc.PostgresPhaseNotifications;
import io.dualwrite.core.jdbc.SqlDialect;
import io.dualwrite.core.phase.InstanceRegistry;
import io.dualwrite.core.phase.PhaseNotifications;
import io.dualwrite.core.phase.PhaseStore;
import io.dualwrite.core.verify.VerificationStore;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.EmbeddedDatabaseConnection;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Auto-configures dualwrite on the application's {@link DataSource}: Spring-aware JDBC transactions, dualwrite's
 * tables, the JDBC phase store, and one {@link DualWrite} holding every {@link Migration} bean.
 */
@AutoConfiguration(
        after = {
            DataSourceAutoConfiguration.class,
            DataSourceTransactionManagerAutoConfiguration.class,
            TransactionAutoConfiguration.class
        })
@ConditionalOnClass({DualWrite.class, DataSource.class})
@ConditionalOnSingleCandidate(DataSource.class)
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
    JdbcTransactions dualWriteJdbcTransactions(
            DataSource dataSource, ObjectProvider<PlatformTransactionManager> transactionManager) {
        PlatformTransactionManager manager = transactionManager.getIfUnique();
        return manager != null ? new SpringJdbcTransactions(dataSource, manager) : JdbcTransactions.of(dataSource);
    }

    @Bean
    @ConditionalOnMissingBean
    DualWriteSchemaInitializer dualWriteSchemaInitializer(
            JdbcTransactions transactions, DataSource dataSource, DualWriteProperties properties) {
        return new DualWriteSchemaInitializer(
                transactions, dataSource, properties.getJdbc().getInitializeSchema());
    }

    @Bean
    @ConditionalOnMissingBean
    PhaseStore dualWritePhaseStore(JdbcTransactions transactions, DualWriteSchemaInitializer schema) {
        return new JdbcPhaseStore(transactions);
    }

    @Bean
    @ConditionalOnMissingBean
    BackfillStore dualWriteBackfillStore(JdbcTransactions transactions, DualWriteSchemaInitializer schema) {
        return new JdbcBackfillStore(transactions);
    }

    @Bean
    @ConditionalOnMissingBean
    VerificationStore dualWriteVerificationStore(JdbcTransactions transactions, DualWriteSchemaInitializer schema) {
        return new JdbcVerificationStore(transactions);
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(
            prefix = "dualwrite.instances",
            name = "enabled",
            havingValue = "true",
            matchIfMissing = true)
    InstanceRegistry dualWriteInstanceRegistry(JdbcTransactions transactions, DualWriteSchemaInitializer schema) {
        return new JdbcInstanceRegistry(transactions);
    }

    @Bean
    @ConditionalOnMissingBean
    DualWrite dualWrite(
            PhaseStore phaseStore,
            BackfillStore backfillStore,
            VerificationStore verificationStore,
            DualWriteSchemaInitializer schema,
            DualWriteProperties properties,
            ObjectProvider<Migration<?, ?, ?>> migrations,
            ObjectProvider<TransitionGuard> guards,
            ObjectProvider<InstanceRegistry> instanceRegistry,
            ObjectProvider<PhaseNotifications> notifications,
            JdbcTransactions transactions,
            DataSource dataSource,
            ObjectProvider<DualWriteBuilderCustomizer> customizers) {
        DualWrite.Builder builder = DualWrite.builder(phaseStore)
                .refreshInterval(properties.getRefreshInterval())
                .backfillStore(backfillStore)
                .verificationStore(verificationStore)
                .shadowReads(properties.getShadowReads().toOptions())
                .backfillOptions(properties.getBackfill().toOptions())
                .gates(properties.getGates().toOptions())
                .copies(properties.getBackfill().isEnabled())
                .autopilotInterval(properties.getAutopilotInterval());
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
        if (properties.getCircuitBreaker().isEnabled()) {
            builder.circuitBreakers(properties.getCircuitBreaker().toConfig());
        }
        PhaseNotifications listening = notifications.getIfAvailable();
        if (listening == null
                && properties.getNotifications().isEnabled()
                && transactions.dialect() == SqlDialect.POSTGRESQL) {
            listening = new PostgresPhaseNotifications(dataSource);
        }
        if (listening != null) {
            builder.phaseNotifications(listening);
        }
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
        if (properties.getTimeLimiter().isEnabled()) {
            builder.timeLimiter(
                    properties.getTimeLimiter().toConfig(),
                    properties.getTimeLimiter().getThreads());
        }
        if (properties.getRepairInterval() != null) {
            builder.continuousRepair(properties.getRepairInterval());
        }
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        DualWrite dualWrite = builder.build();
        return dualWrite.startBackgroundWork();
    }

    private static Migration<?, ?, ?> withSettings(Migration<?, ?, ?> migration, DualWriteProperties properties) {
        DualWriteProperties.MigrationSettings settings =
                properties.getMigrations().get(migration.name());
        return settings == null ? migration : settings.apply(migration);
    }

    /** Creates dualwrite's tables at startup, according to {@code dualwrite.jdbc.initialize-schema}. */
    public static final class DualWriteSchemaInitializer {

        private final boolean initialized;

        DualWriteSchemaInitializer(
                JdbcTransactions transactions, DataSource dataSource, DatabaseInitializationMode mode) {
            boolean create = mode == DatabaseInitializationMode.ALWAYS
                    || (mode == DatabaseInitializationMode.EMBEDDED
                            && EmbeddedDatabaseConnection.isEmbedded(dataSource));
            if (create) {
                DualWriteSchema.create(transactions);
            }
            this.initialized = create;
        }

        /** Whether the tables were created (or found) at startup. */
        public boolean initialized() {
            return initialized;
        }
    }
}
