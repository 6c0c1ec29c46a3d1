package io.dualwrite.spring.boot.jpa.guide.onedatabase;

import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** CustomerService once the migration is finished: NEW's repository, no DualRepository, no migration bean. */
@Service
public class FinishedCustomerService {

    private final CustomerNameRepository customers;

    public FinishedCustomerService(CustomerNameRepository customers) {
        this.customers = customers;
    }

    @Transactional
    public void save(CustomerName customer) {
        customers.save(customer);
    }

    @Transactional(readOnly = true)
    public Optional<CustomerName> find(long id) {
        return customers.findById(id);
    }

    public Optional<CustomerName> findByEmail(String email) {
        return customers.findByEmail(email);
    }
}
