package io.dualwrite.spring.boot.jpa.guide.onedatabase;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.model.Equivalence;
import io.dualwrite.spring.boot.jpa.JpaStores;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The migration: one bean. The starter registers it and a DualRepository bean named customerNameSplitDualRepository. */
@Configuration(proxyBeanMethods = false)
public class CustomerMigration {

    public static final String NAME = "customer-name-split";

    @Bean
    Migration<Long, Customer, CustomerName> customerNameSplit(
            JpaStores jpa, CustomerRepository customers, CustomerNameRepository names) {
        return Migration.builder(
                        NAME, Long.class, jpa.store(customers, Customer.class), jpa.store(names, CustomerName.class))
                .toNew(CustomerName::of) // required: OLD -> NEW
                .toOld(
                        CustomerName
                                ::toCustomer) // NEW -> OLD: READ_NEW writes OLD with it, DROP_OLD -> READ_NEW needs it
                .equivalence(Equivalence.byFields()) // entities are equal by id: compare their fields
                .build();
    }
}
