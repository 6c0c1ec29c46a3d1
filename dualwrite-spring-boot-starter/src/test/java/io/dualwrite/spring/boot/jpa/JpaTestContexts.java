package io.dualwrite.spring.boot.jpa;

import io.dualwrite.spring.boot.DualWriteAutoConfiguration;
import io.dualwrite.spring.boot.DualWriteJdbcAutoConfiguration;
import io.dualwrite.spring.boot.DualWriteJpaAutoConfiguration;
import io.dualwrite.spring.boot.DualWriteResilienceAutoConfiguration;
import io.dualwrite.testsupport.TestDatabase;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;

/**
 * The Spring context of a JPA test application as a user's Boot application gets it: the data source, Hibernate,
 * Spring Data JPA repositories, transactions and dualwrite's auto-configuration, on a test database whose tables
 * Hibernate creates and drops.
 */
public final class JpaTestContexts {

    private JpaTestContexts() {}

    /** A runner of {@code application} on {@code database}, with {@code properties} beside the common ones. */
    public static ApplicationContextRunner runner(TestDatabase database, Class<?> application, String... properties) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(
                        DataSourceAutoConfiguration.class,
                        HibernateJpaAutoConfiguration.class,
                        DataJpaRepositoriesAutoConfiguration.class,
                        TransactionAutoConfiguration.class,
                        DualWriteJpaAutoConfiguration.class,
                        DualWriteJdbcAutoConfiguration.class,
                        DualWriteResilienceAutoConfiguration.class,
                        DualWriteAutoConfiguration.class))
                .withUserConfiguration(application)
                .withPropertyValues(
                        "spring.datasource.url=" + database.jdbcUrl(),
                        "spring.datasource.username=" + database.user(),
                        "spring.datasource.password=" + database.password(),
                        "spring.jpa.hibernate.ddl-auto=create-drop",
                        "spring.jpa.open-in-view=false")
                .withPropertyValues(properties);
    }
}
