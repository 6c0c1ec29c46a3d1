package io.dualwrite.spring.boot.jpa.guide.onedatabase;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.util.Objects;

/** OLD, kept by the application: the price moves to a table of its own, the name stays here. */
@Entity
@Table(name = "guide_product")
public class Product {

    @Id
    private Long id;

    @Column(nullable = false)
    private String name;

    /** Migrated: set to NULL where the migration deletes a price, so the column must accept NULL. */
    @Column(precision = 12, scale = 2)
    private BigDecimal price;

    protected Product() {} // for JPA

    public Product(long id, String name, BigDecimal price) {
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

    @Override
    public boolean equals(Object other) {
        return other instanceof Product p && Objects.equals(id, p.id);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(id);
    }
}
