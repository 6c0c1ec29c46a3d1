package io.dualwrite.sample;

import java.time.LocalDate;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Customers and their subscription, written and read through dualwrite whatever the migrations' phases. */
@RestController
@RequestMapping("/customers")
class CustomerController {

    private final CustomerService customers;

    CustomerController(CustomerService customers) {
        this.customers = customers;
    }

    /** The body of a PUT: the customer as the application has always written it; plan and status are optional. */
    record CustomerBody(String fullName, String email, String plan, String status, LocalDate renewalDate) {}

    @PutMapping("/{id}")
    ResponseEntity<CustomerService.CustomerView> put(@PathVariable long id, @RequestBody CustomerBody body) {
        if (body.fullName() == null || body.fullName().isBlank()) {
            return ResponseEntity.badRequest().build();
        }
        return ResponseEntity.ok(
                customers.save(id, body.fullName(), body.email(), body.plan(), body.status(), body.renewalDate()));
    }

    @GetMapping("/{id}")
    ResponseEntity<CustomerService.CustomerView> get(@PathVariable long id) {
        return ResponseEntity.of(customers.find(id));
    }

    @GetMapping("/{id}/name")
    ResponseEntity<CustomerName> name(@PathVariable long id) {
        return ResponseEntity.of(customers.name(id));
    }

    @GetMapping("/{id}/subscription")
    ResponseEntity<CustomerService.SubscriptionView> subscription(@PathVariable long id) {
        return ResponseEntity.of(customers.subscription(id));
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable long id) {
        customers.delete(id);
        return ResponseEntity.noContent().build();
    }
}
