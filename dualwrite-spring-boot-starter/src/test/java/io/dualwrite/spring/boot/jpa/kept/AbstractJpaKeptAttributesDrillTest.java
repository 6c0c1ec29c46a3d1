package io.dualwrite.spring.boot.jpa.kept;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.model.Equivalence;
import io.dualwrite.drill.DrillReport;
import io.dualwrite.drill.MigrationDrill;
import io.dualwrite.spring.boot.jpa.JpaTestContexts;
import io.dualwrite.testsupport.TestDatabase;
import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The drill kit on JPA stores, as a team runs it on the migration bean of its Spring context: the product-price
 * migration (the price moves to its own entity, the product's name stays, {@code JpaStore.migrating}) walked through
 * every move and rollback, both sides checked against what was acknowledged.
 */
abstract class AbstractJpaKeptAttributesDrillTest {

    private static final String[] NAMES = {"Chair", "Desk", "Lamp", "Shelf", "Rug"};

    protected abstract TestDatabase database();

    @Test
    void theProductPriceMigrationPassesTheDrill() {
        TestDatabase db = database();
        JpaTestContexts.runner(db, KeptAttributesApplication.class).run(context -> {
            @SuppressWarnings("unchecked")
            Migration<Long, ProductEntity, PriceEntity> prices = context.getBean("productPrices", Migration.class);
            DrillReport report = MigrationDrill.of(prices)
                    .values(AbstractJpaKeptAttributesDrillTest::product)
                    .newValues(random -> new PriceEntity(random.nextLong(1, 31), price(random)))
                    // Products are equal by id: the drill compares what OLD holds field by field.
                    .oldEquivalence(Equivalence.byFields())
                    .walks(2)
                    .run();
            System.out.println(getClass().getSimpleName() + ": " + report);
            report.assertPasses();
            assertThat(report.coverage()).contains("9 of 9 kinds of move");
        });
    }

    private static ProductEntity product(SplittableRandom random) {
        return new ProductEntity(random.nextLong(1, 31), NAMES[random.nextInt(NAMES.length)], price(random));
    }

    private static BigDecimal price(SplittableRandom random) {
        return BigDecimal.valueOf(1 + random.nextInt(99_999), 2);
    }
}
