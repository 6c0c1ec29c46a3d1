package io.dualwrite.sample;

import io.dualwrite.core.DualRepository;
import java.time.LocalDate;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Customers with their name and subscription, written and read through the two migrations' repositories: the
 * application's code stays the same whatever phase either migration is in.
 */
@Service
class CustomerService {

    static final String DEFAULT_PLAN = "free";
    static final String DEFAULT_STATUS = "active";

    private final DualRepository<Long, Customer, CustomerName> names;
    private final DualRepository<Long, CustomerSubscription, Subscription> subscriptions;
    private final TransactionTemplate transaction;

    CustomerService(
            DualRepository<Long, Customer, CustomerName> names,
            DualRepository<Long, CustomerSubscription, Subscription> subscriptions,
            PlatformTransactionManager transactions) {
        this.names = names;
        this.subscriptions = subscriptions;
        this.transaction = new TransactionTemplate(transactions);
    }

    /** A customer as the API shows it. */
    record CustomerView(long id, String firstName, String lastName, SubscriptionView subscription) {}

    /** A subscription as the API shows it. */
    record SubscriptionView(long id, String plan, String status, LocalDate renewalDate) {
        static SubscriptionView of(Subscription s) {
            return new SubscriptionView(s.id(), s.plan(), s.status(), s.renewalDate());
        }
    }

    /** Creates or replaces a customer and its subscription, in one transaction. */
    CustomerView save(long id, String fullName, String email, String plan, String status, LocalDate renewalDate) {
        transaction.executeWithoutResult(tx -> {
            // The name first: it creates the customer row the subscription columns live in.
            names.write(new Customer(id, fullName, email));
            subscriptions.write(new CustomerSubscription(
                    id, plan != null ? plan : DEFAULT_PLAN, status != null ? status : DEFAULT_STATUS, renewalDate));
        });
        return find(id).orElseThrow();
    }

    Optional<CustomerView> find(long id) {
        return names.read(id)
                .map(name -> new CustomerView(
                        id,
                        name.firstName(),
                        name.lastName(),
                        subscriptions.read(id).map(SubscriptionView::of).orElse(null)));
    }

    Optional<CustomerName> name(long id) {
        return names.read(id);
    }

    Optional<SubscriptionView> subscription(long id) {
        return subscriptions.read(id).map(SubscriptionView::of);
    }

    /** Deletes a customer and its subscription, in one transaction. */
    void delete(long id) {
        transaction.executeWithoutResult(tx -> {
            subscriptions.delete(id);
            names.delete(id);
        });
    }
}
