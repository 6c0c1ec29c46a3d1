package io.dualwrite.core.jdbc;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class MariaDbJdbcDivergenceLedgerTest extends AbstractJdbcDivergenceLedgerTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.mariadb();
    }
}
