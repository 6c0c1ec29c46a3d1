package io.dualwrite.contract.jdbc;

/** The value of the composite-key JdbcStore contract runs: an order of a tenant. */
record Order(AbstractCompositeKeyJdbcStoreContractTest.OrderKey key, String item) {}
