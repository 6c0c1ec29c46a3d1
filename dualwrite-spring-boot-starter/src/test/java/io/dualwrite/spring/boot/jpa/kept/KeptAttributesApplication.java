package io.dualwrite.spring.boot.jpa.kept;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.model.Equivalence;
import io.dualwrite.spring.boot.jpa.JpaStores;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** A migration that moves a product's price to its own entity and keeps the product's other attributes. */
@Configuration(proxyBeanMethods = false)
@AutoConfigurationPackage
public class KeptAttributesApplication {

    public static final String MIGRATION = "product-prices";

    @Bean
    Migration<Long, ProductEntity, PriceEntity> productPrices(
            JpaStores jpa, ProductRepository products, PriceRepository prices) {
        return Migration.builder(
                        MIGRATION,
                        Long.class,
                        jpa.store(products, ProductEntity.class).migrating("price"),
                        jpa.store(prices, PriceEntity.class))
                .toNew(p -> new PriceEntity(p.getId(), p.getPrice()))
                .toOld(p -> new ProductEntity(p.getProductId(), null, p.getAmount()))
                .equivalence(Equivalence.byFields())
                .build();
    }
}
