package io.dualwrite.spring.boot.jpa.guide.twodatabases;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.DualWriteSchema;
import io.dualwrite.core.model.Equivalence;
import io.dualwrite.core.model.SecondaryFailurePolicy;
import io.dualwrite.spring.boot.jpa.JpaStore;
import io.dualwrite.spring.boot.jpa.guide.twodatabases.newunit.CustomerName;
import io.dualwrite.spring.boot.jpa.guide.twodatabases.newunit.CustomerNameRepository;
import io.dualwrite.spring.boot.jpa.guide.twodatabases.oldunit.Customer;
import io.dualwrite.spring.boot.jpa.guide.twodatabases.oldunit.CustomerRepository;
import jakarta.persistence.EntityManagerFactory;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import org.springframework.orm.jpa.vendor.HibernateJpaVendorAdapter;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * OLD in one database (app.datasource.old.*), NEW in another (app.datasource.new.*): a DataSource, a persistence
 * unit, a transaction manager and the repositories of one package for each. OLD's are @Primary: the starter keeps
 * dualwrite's phase, audit, backfill and verification tables in the primary DataSource.
 */
@Configuration(proxyBeanMethods = false)
public class TwoDatabasesConfig {

    public static final String NAME = "customer-name-split";

    @Bean
    @Primary
    @ConfigurationProperties("app.datasource.old")
    DataSourceProperties oldDataSourceProperties() {
        return new DataSourceProperties();
    }

    @Bean
    @Primary
    DataSource oldDataSource(@Qualifier("oldDataSourceProperties") DataSourceProperties properties) {
        return properties.initializeDataSourceBuilder().build();
    }

    @Bean
    @ConfigurationProperties("app.datasource.new")
    DataSourceProperties newDataSourceProperties() {
        return new DataSourceProperties();
    }

    @Bean
    DataSource newDataSource(@Qualifier("newDataSourceProperties") DataSourceProperties properties) {
        DataSource dataSource = properties.initializeDataSourceBuilder().build();
        DualWriteSchema.create(dataSource); // the starter creates it in the primary DataSource only
        return dataSource;
    }

    @Bean
    @Primary
    LocalContainerEntityManagerFactoryBean oldEntityManagerFactory(
            @Qualifier("oldDataSource") DataSource dataSource, @Value("${app.jpa.ddl-auto:validate}") String ddl) {
        return unit("old", dataSource, Customer.class, ddl);
    }

    @Bean
    LocalContainerEntityManagerFactoryBean newEntityManagerFactory(
            @Qualifier("newDataSource") DataSource dataSource, @Value("${app.jpa.ddl-auto:validate}") String ddl) {
        return unit("new", dataSource, CustomerName.class, ddl);
    }

    @Bean
    @Primary
    JpaTransactionManager oldTransactionManager(@Qualifier("oldEntityManagerFactory") EntityManagerFactory unit) {
        return new JpaTransactionManager(unit);
    }

    @Bean
    JpaTransactionManager newTransactionManager(@Qualifier("newEntityManagerFactory") EntityManagerFactory unit) {
        return new JpaTransactionManager(unit);
    }

    @Bean
    Migration<Long, Customer, CustomerName> customerNameSplit(
            CustomerRepository customers,
            CustomerNameRepository names,
            @Qualifier("oldEntityManagerFactory") EntityManagerFactory oldUnit,
            @Qualifier("oldTransactionManager") PlatformTransactionManager oldTransactions,
            @Qualifier("newEntityManagerFactory") EntityManagerFactory newUnit,
            @Qualifier("newTransactionManager") PlatformTransactionManager newTransactions) {
        return Migration.builder(
                        NAME,
                        Long.class,
                        JpaStore.of(customers, Customer.class, oldUnit, oldTransactions),
                        JpaStore.of(names, CustomerName.class, newUnit, newTransactions))
                .toNew(CustomerName::of)
                .toOld(CustomerName::toCustomer)
                .equivalence(Equivalence.byFields())
                .failurePolicy(
                        SecondaryFailurePolicy.RECORD_FOR_REPAIR) // keep serving while the other database is down
                .build();
    }

    private static LocalContainerEntityManagerFactoryBean unit(
            String name, DataSource dataSource, Class<?> entities, String ddl) {
        LocalContainerEntityManagerFactoryBean factory = new LocalContainerEntityManagerFactoryBean();
        factory.setPersistenceUnitName(name);
        factory.setDataSource(dataSource);
        factory.setPackagesToScan(entities.getPackageName()); // this unit's entities only
        factory.setJpaVendorAdapter(new HibernateJpaVendorAdapter());
        factory.setJpaPropertyMap(Map.of("hibernate.hbm2ddl.auto", ddl));
        return factory;
    }

    @Configuration(proxyBeanMethods = false)
    @EnableJpaRepositories(
            basePackageClasses = CustomerRepository.class,
            entityManagerFactoryRef = "oldEntityManagerFactory",
            transactionManagerRef = "oldTransactionManager")
    static class OldRepositories {}

    @Configuration(proxyBeanMethods = false)
    @EnableJpaRepositories(
            basePackageClasses = CustomerNameRepository.class,
            entityManagerFactoryRef = "newEntityManagerFactory",
            transactionManagerRef = "newTransactionManager")
    static class NewRepositories {}
}
