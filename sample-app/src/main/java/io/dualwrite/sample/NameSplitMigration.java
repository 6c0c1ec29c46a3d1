package io.dualwrite.sample;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import io.dualwrite.core.jdbc.KeySequence;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Declares the migration of {@code customer.full_name} to {@code customer_name (first_name, last_name)}. */
@Configuration(proxyBeanMethods = false)
class NameSplitMigration {

    static final String NAME = "customer-name-split";

    /** The sequence of generated customer ids (schema.sql), from {@link #FIRST_GENERATED_ID} to 999999999. */
    static final String KEY_SEQUENCE = "customer_id";

    /** The first generated customer id: PUT takes the ids below it, POST draws from here up. */
    static final long FIRST_GENERATED_ID = 100_000_000L;

    @Bean
    Migration<Long, Customer, CustomerName> customerNameSplit(JdbcTransactions transactions) {
        JdbcStore<Long, Customer> customers = JdbcStore.builder(transactions, Long.class, Customer.class)
                .table("customer")
                .key("id", Customer::id)
                .columns("full_name")
                // The email stays in the customer row: written with the customer in every phase, DROP_OLD included.
                .keptColumns("email")
                .mapper(rs -> new Customer(rs.getLong("id"), rs.getString("full_name"), rs.getString("email")))
                .binder((c, row) -> row.set("full_name", c.fullName()).set("email", c.email()))
                .build();
        JdbcStore<Long, CustomerName> names = JdbcStore.builder(transactions, Long.class, CustomerName.class)
                .table("customer_name")
                .key("customer_id", CustomerName::customerId)
                .columns("first_name", "last_name")
                .mapper(rs -> new CustomerName(
                        rs.getLong("customer_id"), rs.getString("first_name"), rs.getString("last_name")))
                .binder((n, row) -> row.set("first_name", n.firstName()).set("last_name", n.lastName()))
                .build();
        return Migration.builder(NAME, Long.class, customers, names)
                // Customers created without an id (POST /customers) draw it from one sequence in every phase.
                .keys(KeySequence.of(transactions, KEY_SEQUENCE))
                .toNew(CustomerName::of)
                // Back to one column, for rollbacks (the email is a kept column: a value written back has none).
                .toOld(name -> new Customer(name.customerId(), name.fullName(), null))
                .build();
    }
}
