package io.dualwrite.spring.boot.jpa.kept;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.util.Objects;

/** The NEW side: a product's price in its own table. Equal by id and without a toString, as entities often are. */
@Entity
@Table(name = "jpa_price")
public class PriceEntity {

    @Id
    private Long productId;

    @Column(nullable = false, precision = 12, scale = 2)
    private BigDecimal amount;

    protected PriceEntity() {}

    public PriceEntity(long productId, BigDecimal amount) {
        this.productId = productId;
        this.amount = amount;
    }

    public Long getProductId() {
        return productId;
    }

    public BigDecimal getAmount() {
        return amount;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PriceEntity p && Objects.equals(productId, p.productId);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(productId);
    }
}
