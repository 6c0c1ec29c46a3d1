package io.dualwrite.sample;

import io.dualwrite.core.model.DualWriteException;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Customers and their subscription, written and read through dualwrite whatever the migrations' phases. */
@RestController
@RequestMapping("/customers")
class CustomerController {

    private final CustomerService customers;

    CustomerController(CustomerService customers) {
        this.customers = customers;
    }

    /**
     * The body of a PUT or a POST: the customer as the application has always written it; plan and status are
     * optional.
     */
    record CustomerBody(String fullName, String email, String plan, String status, LocalDate renewalDate) {}

    /** Creates or replaces the customer with this id, below {@link NameSplitMigration#FIRST_GENERATED_ID}. */
    @PutMapping("/{id}")
    ResponseEntity<?> put(@PathVariable long id, @RequestBody CustomerBody body) {
        if (body.fullName() == null || body.fullName().isBlank()) {
            return badRequest("fullName is required");
        }
        if (id >= Subscription.FIRST_ADDED_ID) {
            return badRequest("ids from " + Subscription.FIRST_ADDED_ID + " up belong to added subscriptions");
        }
        if (id >= NameSplitMigration.FIRST_GENERATED_ID) {
            return badRequest("ids from " + NameSplitMigration.FIRST_GENERATED_ID + " up are generated:"
                    + " POST /customers creates a customer with one");
        }
        return ResponseEntity.ok(
                customers.save(id, body.fullName(), body.email(), body.plan(), body.status(), body.renewalDate()));
    }

    /** Creates a customer under an id the database generates: 201 with the customer, its id included. */
    @PostMapping
    ResponseEntity<?> create(@RequestBody CustomerBody body) {
        if (body.fullName() == null || body.fullName().isBlank()) {
            return badRequest("fullName is required");
        }
        CustomerService.CustomerView created =
                customers.create(body.fullName(), body.email(), body.plan(), body.status(), body.renewalDate());
        return ResponseEntity.created(java.net.URI.create("/customers/" + created.id()))
                .body(created);
    }

    private static ResponseEntity<Map<String, String>> badRequest(String message) {
        return ResponseEntity.badRequest().body(Map.of("error", "bad request", "message", message));
    }

    /** The customer with this email: a routed query, answered by the source of truth of the name split. */
    @GetMapping(params = "email")
    ResponseEntity<CustomerService.CustomerView> byEmail(@RequestParam String email) {
        return ResponseEntity.of(customers.findByEmail(email));
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

    /** Every subscription of a customer (the legacy one, and those added once READ_NEW was reached). */
    @GetMapping("/{id}/subscriptions")
    ResponseEntity<List<CustomerService.SubscriptionView>> subscriptions(@PathVariable long id) {
        return ResponseEntity.ok(customers.subscriptionsOf(id));
    }

    /** The body of a POST of a subscription; plan and status are optional. */
    record SubscriptionBody(String plan, String status, LocalDate renewalDate) {}

    /** Adds a subscription in the new model: 201 once READ_NEW is reached, 409 before (nothing is written). */
    @PostMapping("/{id}/subscriptions")
    ResponseEntity<?> addSubscription(@PathVariable long id, @RequestBody SubscriptionBody body) {
        if (customers.find(id).isEmpty()) {
            return ResponseEntity.notFound().build();
        }
        try {
            return ResponseEntity.status(201)
                    .body(customers.addSubscription(id, body.plan(), body.status(), body.renewalDate()));
        } catch (DualWriteException e) {
            return ResponseEntity.status(409).body(Map.of("error", "conflict", "message", e.getMessage()));
        }
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable long id) {
        customers.delete(id);
        return ResponseEntity.noContent().build();
    }
}
