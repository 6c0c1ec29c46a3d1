package io.dualwrite.spring.boot;

import io.dualwrite.core.DualWrite;
import io.dualwrite.core.backfill.BackfillStore;
import io.dualwrite.core.jdbc.JdbcBackfillStore;
import io.dualwrite.core.jdbc.JdbcInstanceRegistry;
import io.dualwrite.core.jdbc.JdbcPhaseStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.jdbc.JdbcVerificationStore;
import io.dualwrite.core.jdbc.PostgresPhaseNotifications;
import io.dualwrite.core.jdbc.SqlDialect;
import io.dualwrite.core.phase.InstanceRegistry;
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
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * dualwrite's durable state on the application's {@link DataSource}: Spring-aware JDBC transactions, dualwrite's
 * tables, and the JDBC phase, backfill, verification and instance stores; on PostgreSQL, phase-change
 * notifications. Each is replaced by declaring a bean of its type.
 */
@AutoConfiguration(
        after = {
            DataSourceAutoConfiguration.class,
            DataSourceTransactionManagerAutoConfiguration.class,
            TransactionAutoConfiguration.class
        },
        afterName = "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration")
@ConditionalOnClass({DualWrite.class, DataSource.class})
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnProperty(prefix = "dualwrite", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(DualWriteProperties.class)
public class DualWriteJdbcAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    JdbcTransactions dualWriteJdbcTransactions(
            DataSource dataSource, ObjectProvider<PlatformTransactionManager> transactionManager) {
        PlatformTransactionManager manager = transactionManager.getIfUnique();
        return manager != null ? new SpringJdbcTransactions(dataSource, manager) : JdbcTransactions.of(dataSource);
    }

    /**
     * After the application's schema tools (Flyway, Liquibase, {@code spring.sql.init}), which may create dualwrite's
     * tables instead (docs/schema.md): every store depends on this bean, so none touches a table before they ran.
     */
    @Bean
    @ConditionalOnMissingBean
    @DependsOnDatabaseInitialization
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

    /** On PostgreSQL, LISTEN/NOTIFY carries every transition to every instance within milliseconds. */
    @Bean
    @ConditionalOnProperty(
            prefix = "dualwrite.notifications",
            name = "enabled",
            havingValue = "true",
            matchIfMissing = true)
    DualWriteBuilderCustomizer dualWritePhaseNotifications(JdbcTransactions transactions, DataSource dataSource) {
        return builder -> {
            if (transactions.dialect() == SqlDialect.POSTGRESQL) {
                builder.phaseNotifications(new PostgresPhaseNotifications(dataSource));
            }
        };
    }
}
