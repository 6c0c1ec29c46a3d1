package io.dualwrite.sample;

import java.time.LocalDate;

/**
 * The new representation: a row of the {@code subscription} table, of which a customer may have several. The
 * subscription migrated from a customer row keeps the customer's id as its own.
 */
public record Subscription(long id, long customerId, String plan, String status, LocalDate renewalDate) {

    /** OLD -> NEW: the customer's subscription becomes a row of its own. */
    public static Subscription of(CustomerSubscription legacy) {
        return new Subscription(
                legacy.customerId(), legacy.customerId(), legacy.plan(), legacy.status(), legacy.renewalDate());
    }

    /** The first id of subscriptions the old model cannot hold (a sequence starts there, above every customer id). */
    public static final long FIRST_ADDED_ID = 1_000_000_000L;

    /** Whether this is the customer's subscription migrated from the customer row (it keeps the customer's id). */
    public boolean isLegacy() {
        return id == customerId;
    }

    /** NEW -> OLD, for rolling back from DROP_OLD: the subscription goes back into the customer row. */
    public CustomerSubscription toLegacy() {
        return new CustomerSubscription(customerId, plan, status, renewalDate);
    }
}
