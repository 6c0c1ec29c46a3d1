package io.dualwrite.spring.boot.jpa.guide.onedatabase;

import io.dualwrite.core.definition.Migration;
import io.dualwrite.core.model.Equivalence;
import io.dualwrite.spring.boot.jpa.JpaStores;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Moves a product's price to its own entity; the product and its other attributes stay. */
@Configuration(proxyBeanMethods = false)
public class ProductPriceMigration {

    public static final String NAME = "product-prices";

    @Bean
    Migration<Long, Product, Price> productPrices(JpaStores jpa, ProductRepository products, PriceRepository prices) {
        return Migration.builder(
                        NAME,
                        Long.class,
                        jpa.store(products, Product.class).migrating("price"), // only the price moves
                        jpa.store(prices, Price.class))
                .toNew(p -> new Price(p.getId(), p.getPrice()))
                .toOld(p ->
                        new Product(p.getProductId(), null, p.getAmount())) // a price knows no name: only price is used
                .equivalence(Equivalence.byFields())
                .build();
    }
}
