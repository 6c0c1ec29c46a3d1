package io.dualwrite.spring.boot;

import io.dualwrite.spring.boot.jpa.JpaStores;
import jakarta.persistence.EntityManagerFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * {@link JpaStores} on the application's persistence unit, when Spring Data JPA is present and there is one
 * {@link EntityManagerFactory}, so that a JPA migration is declared with a line per side.
 */
@AutoConfiguration(
        afterName = {
            "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
            "org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration"
        })
@ConditionalOnClass({JpaRepository.class, EntityManagerFactory.class, JpaStores.class})
@ConditionalOnSingleCandidate(EntityManagerFactory.class)
@ConditionalOnProperty(prefix = "dualwrite", name = "enabled", havingValue = "true", matchIfMissing = true)
public class DualWriteJpaAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnSingleCandidate(PlatformTransactionManager.class)
    JpaStores dualWriteJpaStores(EntityManagerFactory entityManagerFactory, PlatformTransactionManager transactions) {
        return new JpaStores(entityManagerFactory, transactions);
    }
}
