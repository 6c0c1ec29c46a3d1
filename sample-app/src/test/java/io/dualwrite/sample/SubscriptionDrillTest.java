package io.dualwrite.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualwrite.core.DualRepository;
import io.dualwrite.core.definition.Migration;
import io.dualwrite.drill.MigrationDrill;
import java.time.LocalDate;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The drill of the subscription migration, whose OLD side is three columns of customer rows that the name split's
 * store creates: the customers are created first, as the application does (through the name split's repository),
 * and the drill then writes, deletes and moves their subscriptions only. A delete of a subscription clears its
 * columns and keeps the customer, so the rows stay there for every walk.
 */
// A database of its own: the drill deletes every subscription of both stores before each walk.
@SpringBootTest(properties = "spring.datasource.url=jdbc:h2:mem:subscription-drill;DB_CLOSE_DELAY=-1")
class SubscriptionDrillTest {

    /** The drill's keys: customers 1 to 30. */
    private static final int CUSTOMERS = 30;

    private static final String[] PLANS = {"free", "starter", "pro", "enterprise"};
    private static final String[] STATUSES = {"active", "active", "trialing", "past_due", "canceled"};

    @Autowired
    Migration<Long, CustomerSubscription, Subscription> subscriptions; // the application's own migration bean

    @Autowired
    DualRepository<Long, Customer, CustomerName> names;

    @Autowired
    JdbcTemplate jdbc;

    @BeforeEach
    void customers() {
        for (long id = 1; id <= CUSTOMERS; id++) {
            names.write(new Customer(id, "Customer Number " + id, "customer" + id + "@example.com"));
        }
    }

    @Test
    void theSubscriptionMigrationLosesNothingOnAnyMoveForwardOrBack() {
        MigrationDrill.of(subscriptions)
                .values(random -> new CustomerSubscription(
                        random.nextLong(1, CUSTOMERS + 1),
                        pick(PLANS, random),
                        pick(STATUSES, random),
                        renewal(random)))
                // NEW values too: legacy ones under their customer's id, and second subscriptions, which OLD
                // cannot hold (onlyInNew: the round trip skips them).
                .newValues(random -> {
                    long customer = random.nextLong(1, CUSTOMERS + 1);
                    long id = random.nextInt(4) == 0 ? Subscription.FIRST_ADDED_ID + random.nextInt(1_000) : customer;
                    return new Subscription(id, customer, pick(PLANS, random), pick(STATUSES, random), renewal(random));
                })
                .run()
                .assertPasses();

        // The drill wrote and cleared the subscription columns only: every customer keeps its name and email.
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM customer WHERE full_name = CONCAT('Customer Number ', id)"
                                + " AND email = CONCAT('customer', id, '@example.com')",
                        Integer.class))
                .isEqualTo(CUSTOMERS);
    }

    /** A renewal date in the next two years, or none (a free plan, say). */
    private static LocalDate renewal(SplittableRandom random) {
        return random.nextInt(4) == 0 ? null : LocalDate.of(2026, 1, 1).plusDays(random.nextInt(730));
    }

    private static String pick(String[] values, SplittableRandom random) {
        return values[random.nextInt(values.length)];
    }
}
