package io.dualwrite.sample;

import io.dualwrite.core.DualRepository;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Customers' names, written and read through dualwrite whatever the migration's phase. */
@RestController
@RequestMapping("/customers")
class CustomerController {

    private final DualRepository<Long, Customer, CustomerName> names;

    CustomerController(DualRepository<Long, Customer, CustomerName> names) {
        this.names = names;
    }

    /** The body of a PUT: the customer as the application has always written it. */
    record CustomerBody(String fullName, String email) {}

    @PutMapping("/{id}")
    ResponseEntity<CustomerName> put(@PathVariable long id, @RequestBody CustomerBody body) {
        if (body.fullName() == null || body.fullName().isBlank()) {
            return ResponseEntity.badRequest().build();
        }
        names.write(new Customer(id, body.fullName(), body.email()));
        return ResponseEntity.of(names.read(id));
    }

    @GetMapping("/{id}/name")
    ResponseEntity<CustomerName> name(@PathVariable long id) {
        return ResponseEntity.of(names.read(id));
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@PathVariable long id) {
        names.delete(id);
        return ResponseEntity.noContent().build();
    }
}
