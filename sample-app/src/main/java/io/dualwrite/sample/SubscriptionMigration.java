package io.dualwrite.sample;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.jdbc.JdbcStore;
import io.dualwrite.core.jdbc.JdbcTransactions;
import java.time.LocalDate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Declares Stripe's canonical migration: from a single subscription stored as columns of {@code customer} to a
 * {@code subscription} table. The old side is the customer row's subscription columns only; the name-split
 * migration owns the others.
 */
@Configuration(proxyBeanMethods = false)
class SubscriptionMigration {

    static final String NAME = "subscriptions";

    @Bean
    Migration<Long, CustomerSubscription, Subscription> subscriptions(JdbcTransactions transactions) {
        JdbcStore<Long, CustomerSubscription> legacy = JdbcStore.builder(
                        transactions, Long.class, CustomerSubscription.class)
                .table("customer")
                .key("id", CustomerSubscription::customerId)
                .columns("plan", "status", "renewal_date")
                .mapper(rs -> new CustomerSubscription(
                        rs.getLong("id"),
                        rs.getString("plan"),
                        rs.getString("status"),
                        rs.getObject("renewal_date", LocalDate.class)))
                .binder((s, row) ->
                        row.set("plan", s.plan()).set("status", s.status()).set("renewal_date", s.renewalDate()))
                .sharedRows() // the name-split migration creates the customer rows (with their email, in every phase)
                .build();
        JdbcStore<Long, Subscription> subscriptions = JdbcStore.builder(transactions, Long.class, Subscription.class)
                .table("subscription")
                .key("id", Subscription::id)
                .columns("customer_id", "plan", "status", "renewal_date")
                .mapper(rs -> new Subscription(
                        rs.getLong("id"),
                        rs.getLong("customer_id"),
                        rs.getString("plan"),
                        rs.getString("status"),
                        rs.getObject("renewal_date", LocalDate.class)))
                .binder((s, row) -> row.set("customer_id", s.customerId())
                        .set("plan", s.plan())
                        .set("status", s.status())
                        .set("renewal_date", s.renewalDate()))
                .build();
        return Migration.builder(NAME, Long.class, legacy, subscriptions)
                .toNew(Subscription::of)
                .toOld(Subscription::toLegacy)
                // A customer's further subscriptions exist in the new model only; their ids are never customer ids.
                .onlyInNew(subscription -> !subscription.isLegacy())
                .build();
    }
}
