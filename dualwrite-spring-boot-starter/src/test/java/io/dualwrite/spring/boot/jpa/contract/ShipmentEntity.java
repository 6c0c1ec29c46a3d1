package io.dualwrite.spring.boot.jpa.contract;

import jakarta.persistence.Column;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.util.List;

/** An entity with an {@code @EmbeddedId} composite id {@code (tenant, seq)}. */
@Entity
@Table(name = "jpa_store_contract_shipment")
public class ShipmentEntity {

    @EmbeddedId
    private ShipmentId id;

    @Column(name = "first_name", length = 100, nullable = false)
    private String firstName;

    @Column(name = "last_name", length = 100)
    private String lastName;

    protected ShipmentEntity() {}

    public ShipmentEntity(ShipmentId id, String firstName, String lastName) {
        this.id = id;
        this.firstName = firstName;
        this.lastName = lastName;
    }

    public ShipmentId getId() {
        return id;
    }

    public String getFirstName() {
        return firstName;
    }

    public String getLastName() {
        return lastName;
    }

    /** What the contract compares: an entity has no {@code equals} of its own. */
    List<Object> content() {
        return List.of(id, firstName, lastName == null ? "" : lastName);
    }
}
