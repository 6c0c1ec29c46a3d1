package io.dualwrite.spring.boot.jpa.people;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.model.Equivalence;
import io.dualwrite.spring.boot.jpa.JpaStores;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** A JPA application as a user writes it: two entities, two repositories, and a migration in a few lines. */
@Configuration(proxyBeanMethods = false)
@AutoConfigurationPackage
public class JpaTestApplication {

    public static final String MIGRATION = "jpa-names";

    @Bean
    Migration<Long, PersonEntity, PersonNameEntity> jpaNames(
            JpaStores jpa, PersonRepository people, PersonNameRepository names) {
        return Migration.builder(
                        MIGRATION,
                        Long.class,
                        jpa.store(people, PersonEntity.class),
                        jpa.store(names, PersonNameEntity.class))
                .toNew(PersonNameEntity::of)
                .equivalence(Equivalence.by(PersonNameEntity::content))
                .build();
    }
}
