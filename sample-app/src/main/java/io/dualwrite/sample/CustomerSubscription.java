package io.dualwrite.sample;

import java.time.LocalDate;

/** The old representation: a customer's single subscription, kept in three columns of the customer row. */
public record CustomerSubscription(long customerId, String plan, String status, LocalDate renewalDate) {}
