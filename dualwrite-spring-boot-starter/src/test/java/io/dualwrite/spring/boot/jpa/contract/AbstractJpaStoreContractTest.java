package io.dualwrite.spring.boot.jpa.contract;

import io.dualwrite.contract.AbstractMigrationStoreContractTest;
import io.dualwrite.core.store.MigrationStore;
import io.dualwrite.spring.boot.jpa.JpaStore;
import io.dualwrite.testsupport.TestDatabase;
import jakarta.persistence.EntityManagerFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The {@link MigrationStore} contract on {@link JpaStore}, through a Spring Data repository and Spring's
 * transactions, one subclass per database. One application context per database, for all its tests.
 */
abstract class AbstractJpaStoreContractTest extends AbstractMigrationStoreContractTest<Long, NoteEntity> {

    private static final Map<TestDatabase.Kind, ConfigurableApplicationContext> CONTEXTS = new ConcurrentHashMap<>();

    protected abstract TestDatabase database();

    @Override
    protected MigrationStore<Long, NoteEntity> createStore() {
        TestDatabase database = database();
        ConfigurableApplicationContext context = CONTEXTS.computeIfAbsent(database.kind(), kind -> start(database));
        NoteRepository notes = context.getBean(NoteRepository.class);
        notes.deleteAllInBatch();
        return JpaStore.of(
                notes,
                NoteEntity.class,
                context.getBean(EntityManagerFactory.class),
                context.getBean(PlatformTransactionManager.class));
    }

    @Override
    protected Long key(int n) {
        return (long) n;
    }

    @Override
    protected NoteEntity value(Long key, int variant) {
        return new NoteEntity(key, "note " + key + " (" + variant + ")");
    }

    @Override
    protected Object contentOf(NoteEntity value) {
        return value.content();
    }

    /*
     * JpaStore keeps JPA's semantics: its insert-if-absent persists the ids it did not find, and one that a
     * transaction still open is inserting collides with it on the primary key once that commits.
     */
    @Override
    protected boolean insertAbsentWaitsForAConcurrentInsert() {
        return false;
    }

    @AfterAll
    static void closeContexts() {
        CONTEXTS.values().forEach(ConfigurableApplicationContext::close);
        CONTEXTS.clear();
    }

    private static ConfigurableApplicationContext start(TestDatabase database) {
        return new SpringApplicationBuilder(JpaContractApplication.class)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .logStartupInfo(false)
                .properties(
                        "spring.datasource.url=" + database.jdbcUrl(),
                        "spring.datasource.username=" + database.user(),
                        "spring.datasource.password=" + database.password(),
                        "spring.jpa.hibernate.ddl-auto=create-drop",
                        "spring.jpa.open-in-view=false")
                .run();
    }
}
