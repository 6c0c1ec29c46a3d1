package io.dualwrite.sample;

import io.dualwrite.core.DualRepository;
import io.dualwrite.core.RoutedListQuery;
import io.dualwrite.core.RoutedQuery;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
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
    private final JdbcTemplate jdbc;
    private final RoutedListQuery<Long, Subscription> subscriptionsOf;
    private final RoutedQuery<String, CustomerName> byEmail;

    CustomerService(
            DualRepository<Long, Customer, CustomerName> names,
            DualRepository<Long, CustomerSubscription, Subscription> subscriptions,
            PlatformTransactionManager transactions,
            JdbcTemplate jdbc) {
        this.names = names;
        this.subscriptions = subscriptions;
        this.transaction = new TransactionTemplate(transactions);
        this.jdbc = jdbc;
        // The email stays in the customer row (it is not migrated): each side finds the customer by it.
        this.byEmail = names.query(
                "customer-by-email",
                (String email) -> jdbc
                        .query(
                                "SELECT id, full_name, email FROM customer WHERE email = ? AND full_name IS NOT NULL",
                                (rs, row) -> new Customer(
                                        rs.getLong("id"), rs.getString("full_name"), rs.getString("email")),
                                email)
                        .stream()
                        .findFirst(),
                (String email) -> jdbc
                        .query(
                                "SELECT n.customer_id, n.first_name, n.last_name FROM customer_name n"
                                        + " JOIN customer c ON c.id = n.customer_id WHERE c.email = ?",
                                (rs, row) -> new CustomerName(
                                        rs.getLong("customer_id"),
                                        rs.getString("first_name"),
                                        rs.getString("last_name")),
                                email)
                        .stream()
                        .findFirst());
        // The old model has at most one subscription per customer, in its row; the new one a table of them.
        this.subscriptionsOf = subscriptions.listQuery(
                "subscriptions-of-customer",
                (Long customerId) -> jdbc.query(
                        "SELECT id, plan, status, renewal_date FROM customer WHERE id = ? AND plan IS NOT NULL",
                        (rs, row) -> new CustomerSubscription(
                                rs.getLong("id"),
                                rs.getString("plan"),
                                rs.getString("status"),
                                rs.getObject("renewal_date", LocalDate.class)),
                        customerId),
                (Long customerId) -> jdbc.query(
                        "SELECT id, customer_id, plan, status, renewal_date FROM subscription WHERE customer_id = ?"
                                + " ORDER BY id",
                        (rs, row) -> new Subscription(
                                rs.getLong("id"),
                                rs.getLong("customer_id"),
                                rs.getString("plan"),
                                rs.getString("status"),
                                rs.getObject("renewal_date", LocalDate.class)),
                        customerId));
    }

    /** A customer as the API shows it. */
    record CustomerView(long id, String firstName, String lastName, String email, SubscriptionView subscription) {}

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

    /**
     * Creates a customer and its subscription under an id drawn from the name split's key sequence, in one
     * transaction, whatever either migration's phase.
     */
    CustomerView create(String fullName, String email, String plan, String status, LocalDate renewalDate) {
        long id = transaction.execute(tx -> {
            // The name first: it creates the customer row (and draws the id) that the subscription columns live in.
            Customer created = names.create(key -> new Customer(key, fullName, email));
            subscriptions.write(new CustomerSubscription(
                    created.id(),
                    plan != null ? plan : DEFAULT_PLAN,
                    status != null ? status : DEFAULT_STATUS,
                    renewalDate));
            return created.id();
        });
        return find(id).orElseThrow();
    }

    Optional<CustomerView> find(long id) {
        return names.read(id)
                .map(name -> new CustomerView(
                        id,
                        name.firstName(),
                        name.lastName(),
                        email(id),
                        subscriptions.read(id).map(SubscriptionView::of).orElse(null)));
    }

    /** The email stays in the customer row: no migration moves it. */
    private String email(long id) {
        List<String> emails = jdbc.query("SELECT email FROM customer WHERE id = ?", (rs, row) -> rs.getString(1), id);
        return emails.isEmpty() ? null : emails.get(0); // a customer without an email has NULL there
    }

    Optional<CustomerName> name(long id) {
        return names.read(id);
    }

    Optional<SubscriptionView> subscription(long id) {
        return subscriptions.read(id).map(SubscriptionView::of);
    }

    /** The customer with this email, found through the name-split migration's routed query. */
    Optional<CustomerView> findByEmail(String email) {
        return byEmail.find(email).flatMap(name -> find(name.customerId()));
    }

    /** Every subscription of a customer, routed by the subscription migration's phase. */
    List<SubscriptionView> subscriptionsOf(long customerId) {
        return subscriptionsOf.list(customerId).stream()
                .map(SubscriptionView::of)
                .toList();
    }

    /**
     * Adds a subscription to a customer, in the new model (the old one holds one per customer): possible once the
     * new model is the source of truth (READ_NEW); before, {@code DualWriteException} says so and nothing is written.
     */
    SubscriptionView addSubscription(long customerId, String plan, String status, LocalDate renewalDate) {
        long id = jdbc.queryForObject(nextSubscriptionId(), Long.class);
        Subscription added = new Subscription(
                id,
                customerId,
                plan != null ? plan : DEFAULT_PLAN,
                status != null ? status : DEFAULT_STATUS,
                renewalDate);
        subscriptions.writeNew(added);
        return SubscriptionView.of(added);
    }

    private String nextSubscriptionId() {
        String database =
                jdbc.execute((java.sql.Connection c) -> c.getMetaData().getDatabaseProductName());
        return database != null && database.toLowerCase(java.util.Locale.ROOT).contains("postgres")
                ? "SELECT nextval('subscription_id')"
                : "SELECT NEXT VALUE FOR subscription_id";
    }

    /** Deletes a customer and its subscription, in one transaction. */
    void delete(long id) {
        transaction.executeWithoutResult(tx -> {
            List<Long> added = jdbc.queryForList(
                    "SELECT id FROM subscription WHERE customer_id = ? AND id <> ?", Long.class, id, id);
            if (!added.isEmpty()) {
                subscriptions.deleteAll(added); // the subscriptions only the new model holds go with the customer
            }
            subscriptions.delete(id);
            names.delete(id);
        });
    }
}
