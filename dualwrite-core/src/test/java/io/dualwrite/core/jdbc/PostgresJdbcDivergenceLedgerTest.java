package io.dualwrite.core.jdbc;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class PostgresJdbcDivergenceLedgerTest extends AbstractJdbcDivergenceLedgerTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.postgres();
    }
}
