package io.dualwrite.spring.boot.jpa.guide.twodatabases.oldunit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.Objects;

/** OLD, in the OLD persistence unit (MariaDB): a customer with the whole name in one column. */
@Entity
@Table(name = "guide_customer")
public class Customer {

    @Id
    private Long id; // assigned by the application: no @GeneratedValue (see "Limits")

    @Column(name = "full_name", nullable = false)
    private String fullName;

    @Column(nullable = false)
    private String email;

    protected Customer() {} // for JPA

    public Customer(long id, String fullName, String email) {
        this.id = id;
        this.fullName = fullName;
        this.email = email;
    }

    public Long getId() {
        return id;
    }

    public String getFullName() {
        return fullName;
    }

    public String getEmail() {
        return email;
    }

    /** Equal by id, as entities usually are: dualwrite compares fields instead (Equivalence.byFields()). */
    @Override
    public boolean equals(Object other) {
        return other instanceof Customer c && Objects.equals(id, c.id);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(id);
    }
}
