package io.dualwrite.spring.boot.jpa.guide.onedatabase;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.util.Objects;

/** NEW: a product's price, keyed by the product's id. */
@Entity
@Table(name = "guide_price")
public class Price {

    @Id
    @Column(name = "product_id")
    private Long productId;

    @Column(nullable = false, precision = 12, scale = 2)
    private BigDecimal amount;

    protected Price() {} // for JPA

    public Price(long productId, BigDecimal amount) {
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
        return other instanceof Price p && Objects.equals(productId, p.productId);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(productId);
    }
}
