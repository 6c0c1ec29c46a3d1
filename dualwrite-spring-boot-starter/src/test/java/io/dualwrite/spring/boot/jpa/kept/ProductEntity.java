package io.dualwrite.spring.boot.jpa.kept;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.util.Objects;

/** The OLD side: a product whose price moves to a table of its own while its name stays here. */
@Entity
@Table(name = "jpa_product")
public class ProductEntity {

    @Id
    private Long id;

    @Column(nullable = false)
    private String name;

    /** Migrated: NULL once the migration deleted the product's price, so the column accepts NULL. */
    @Column(precision = 12, scale = 2)
    private BigDecimal price;

    protected ProductEntity() {}

    public ProductEntity(long id, String name, BigDecimal price) {
        this.id = id;
        this.name = name;
        this.price = price;
    }

    public Long getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public BigDecimal getPrice() {
        return price;
    }

    /** Equal by id, as many JPA entities are. */
    @Override
    public boolean equals(Object other) {
        return other instanceof ProductEntity p && Objects.equals(id, p.id);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(id);
    }
}
