package io.dualwrite.spring.boot.jpa.kept;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.model.Equivalence;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PostLoad;
import jakarta.persistence.Transient;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/**
 * {@code Equivalence.byFields()} on a JPA entity with a {@code @Transient} attribute: JPA neither stores nor loads
 * it, so two entities of the same row differ there whenever one was loaded (a {@code @PostLoad} callback filled
 * it) and the other built by {@code toNew}. The verifier compares exactly these two.
 */
class TransientAttributeEquivalenceTest {

    @Entity
    static class Price {
        @Id
        Long productId;

        BigDecimal amount;

        /** Not persistent: derived on load, for display. */
        @Transient
        String label;

        Price() {}

        Price(long productId, BigDecimal amount) {
            this.productId = productId;
            this.amount = amount;
        }

        @PostLoad
        void derive() {
            label = "EUR " + amount;
        }
    }

    @Test
    void aTransientAttributeIsNotPartOfTheComparison() {
        Price mapped = new Price(5, new BigDecimal("5.50")); // toNew(old): no callback ran
        Price loaded = new Price(5, new BigDecimal("5.50")); // NEW read through the entity manager
        loaded.derive();

        assertThat(Equivalence.<Price>byFields().equivalent(mapped, loaded)).isTrue();
    }
}
