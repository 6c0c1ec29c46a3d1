package io.dualwrite.contract.jdbc;

/** The value of the JdbcStore contract runs: a person with a full name. */
record Person(long id, String fullName) {}
