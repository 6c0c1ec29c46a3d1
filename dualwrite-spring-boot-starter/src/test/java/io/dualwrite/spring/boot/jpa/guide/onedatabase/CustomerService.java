package io.dualwrite.spring.boot.jpa.guide.onedatabase;

import io.dualwrite.core.DualRepository;
import io.dualwrite.core.RoutedListQuery;
import io.dualwrite.core.RoutedQuery;
import io.dualwrite.core.model.Side;
import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The application's service: every read and write of customers goes through the migration's DualRepository. */
@Service
public class CustomerService {

    /** A page by key: at most {@code limit} customers with an id above {@code after} (and up to {@code through}). */
    public record Page(long after, int limit, long through) {

        public static Page after(long after, int limit) {
            return new Page(after, limit, Long.MAX_VALUE);
        }

        Page upTo(long key) {
            return new Page(after, limit, key);
        }
    }

    private final DualRepository<Long, Customer, CustomerName> customers;
    private final CustomerRepository oldCustomers;
    private final CustomerNameRepository newCustomers;
    private final RoutedQuery<String, CustomerName> byEmail;
    private final RoutedListQuery<String, CustomerName> inDomain;
    private final RoutedListQuery<Page, CustomerName> page;

    public CustomerService(
            DualRepository<Long, Customer, CustomerName> customers, // the bean customerNameSplitDualRepository
            CustomerRepository oldCustomers,
            CustomerNameRepository newCustomers) {
        this.customers = customers;
        this.oldCustomers = oldCustomers;
        this.newCustomers = newCustomers;
        // Declared once: each runs on the phase's source of truth and is compared, on a sample, with the other side.
        this.byEmail = customers.query("by-email", oldCustomers::findByEmail, newCustomers::findByEmail);
        this.inDomain = customers
                .<String>listQuery(
                        "in-domain",
                        oldCustomers::findByEmailEndingWithOrderById,
                        newCustomers::findByEmailEndingWithOrderById)
                .inOrder();
        this.page = customers
                .<Page>listQuery(
                        "page",
                        p -> oldCustomers.findByIdGreaterThanAndIdLessThanEqualOrderById(
                                p.after(), p.through(), Limit.of(p.limit())),
                        p -> newCustomers.findByIdGreaterThanAndIdLessThanEqualOrderById(
                                p.after(), p.through(), Limit.of(p.limit())))
                .inOrder()
                .candidateParameter((p, answer) -> answer.size() < p.limit()
                        ? p // the last page: the other side is asked to the end
                        : p.upTo(answer.get(answer.size() - 1).getId())); // a full page: the key range it covers
    }

    @Transactional
    public void save(Customer customer) {
        customers.write(customer); // the sides the phase writes, in its order, in this transaction
    }

    @Transactional
    public void changeEmail(long id, String email) {
        CustomerName current = customers.read(id).orElseThrow();
        // A new OLD value, never a managed entity changed in place (see "Limits").
        customers.write(new Customer(id, current.getFirstName() + " " + current.getLastName(), email));
    }

    @Transactional
    public void delete(long id) {
        customers.delete(id);
    }

    @Transactional(readOnly = true)
    public Optional<CustomerName> find(long id) {
        return customers.read(id); // from the source of truth, always as NEW
    }

    public Optional<CustomerName> findByEmail(String email) {
        return byEmail.find(email);
    }

    public List<CustomerName> inDomain(String domain) {
        return inDomain.list(domain);
    }

    public List<CustomerName> page(Page request) {
        return page.list(request);
    }

    /** A count is no list of NEW values: it is routed by hand, by the phase this instance applies. */
    public long countInDomain(String domain) {
        return customers.phase().sourceOfTruth() == Side.OLD
                ? oldCustomers.countByEmailEndingWith(domain)
                : newCustomers.countByEmailEndingWith(domain);
    }
}
