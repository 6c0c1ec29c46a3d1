package io.dualwrite.sample;

/** The old representation: a customer row with the full name in one column. */
public record Customer(long id, String fullName, String email) {}
