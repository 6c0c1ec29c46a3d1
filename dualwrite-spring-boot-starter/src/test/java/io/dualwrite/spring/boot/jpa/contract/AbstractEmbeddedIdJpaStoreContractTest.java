package io.dualwrite.spring.boot.jpa.contract;

import io.dualwrite.contract.AbstractMigrationStoreContractTest;
import io.dualwrite.core.store.MigrationStore;
import io.dualwrite.spring.boot.jpa.JpaStore;
import io.dualwrite.testsupport.TestDatabase;
import jakarta.persistence.EntityManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The {@link MigrationStore} contract on {@link JpaStore} for an entity with an {@code @EmbeddedId} composite id {@code (tenant, seq)},
 * one subclass per database.
 */
abstract class AbstractEmbeddedIdJpaStoreContractTest
        extends AbstractMigrationStoreContractTest<ShipmentId, ShipmentEntity> {

    protected abstract TestDatabase database();

    @Override
    protected MigrationStore<ShipmentId, ShipmentEntity> createStore() {
        ConfigurableApplicationContext context = JpaContexts.of(database());
        ShipmentRepository repository = context.getBean(ShipmentRepository.class);
        repository.deleteAllInBatch();
        return JpaStore.of(
                repository,
                ShipmentEntity.class,
                context.getBean(EntityManagerFactory.class),
                context.getBean(PlatformTransactionManager.class));
    }

    /** Seven ids per tenant, tenants {@code t0000}, {@code t0001}, ...: ascending in (tenant, seq). */
    @Override
    protected ShipmentId key(int n) {
        return new ShipmentId(String.format("t%04d", n / 7), n % 7);
    }

    @Override
    protected ShipmentEntity value(ShipmentId key, int variant) {
        return new ShipmentEntity(key, "First" + variant, "Last " + key);
    }

    @Override
    protected Object contentOf(ShipmentEntity value) {
        return value.content();
    }

    /* As for single ids: JPA's insert-if-absent collides with a concurrent insert of the same id on commit. */
    @Override
    protected boolean insertAbsentWaitsForAConcurrentInsert() {
        return false;
    }

    @AfterAll
    static void closeContexts() {
        JpaContexts.closeAll();
    }
}
