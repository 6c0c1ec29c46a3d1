package io.dualwrite.spring.boot.jpa.guide.onedatabase;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.Objects;

/** NEW: the name split in two, in a table of its own, with the same id. */
@Entity
@Table(name = "guide_customer_name")
public class CustomerName {

    @Id
    @Column(name = "customer_id")
    private Long id;

    @Column(name = "first_name", nullable = false)
    private String firstName;

    @Column(name = "last_name", nullable = false)
    private String lastName;

    @Column(nullable = false)
    private String email;

    protected CustomerName() {} // for JPA

    public CustomerName(long id, String firstName, String lastName, String email) {
        this.id = id;
        this.firstName = firstName;
        this.lastName = lastName;
        this.email = email;
    }

    /** OLD -> NEW: the migration's toNew. It must keep the id. */
    public static CustomerName of(Customer customer) {
        String fullName = customer.getFullName();
        int space = fullName.lastIndexOf(' ');
        return new CustomerName(
                customer.getId(), fullName.substring(0, space), fullName.substring(space + 1), customer.getEmail());
    }

    /** NEW -> OLD: the migration's toOld, needed to write OLD from READ_NEW on and to roll back from DROP_OLD. */
    public Customer toCustomer() {
        return new Customer(id, firstName + " " + lastName, email);
    }

    public Long getId() {
        return id;
    }

    public String getFirstName() {
        return firstName;
    }

    public String getLastName() {
        return lastName;
    }

    public String getEmail() {
        return email;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CustomerName c && Objects.equals(id, c.id);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(id);
    }
}
