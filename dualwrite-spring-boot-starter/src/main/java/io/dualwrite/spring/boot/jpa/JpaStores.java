package io.dualwrite.spring.boot.jpa;

import jakarta.persistence.EntityManagerFactory;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Makes {@link JpaStore}s on the application's persistence unit, so that declaring a JPA migration takes a line per
 * side:
 *
 * <pre>{@code
 * @Bean
 * Migration<Long, Customer, Subscription> subscriptions(JpaStores jpa, CustomerRepository customers,
 *         SubscriptionRepository subscriptions) {
 *     return Migration.builder("subscriptions", Long.class,
 *                     jpa.store(customers, Customer.class), jpa.store(subscriptions, Subscription.class))
 *             .toNew(Subscription::fromCustomer)
 *             .build();
 * }
 * }</pre>
 *
 * For an entity of another persistence unit, use {@link JpaStore#of} with that unit's factory and transaction
 * manager.
 */
public final class JpaStores {

    private final EntityManagerFactory entityManagerFactory;
    private final PlatformTransactionManager transactionManager;

    public JpaStores(EntityManagerFactory entityManagerFactory, PlatformTransactionManager transactionManager) {
        this.entityManagerFactory = entityManagerFactory;
        this.transactionManager = transactionManager;
    }

    /** A store of {@code entityType} entities kept by {@code repository}. */
    public <K, E> JpaStore<K, E> store(JpaRepository<E, K> repository, Class<E> entityType) {
        return JpaStore.of(repository, entityType, entityManagerFactory, transactionManager);
    }
}
