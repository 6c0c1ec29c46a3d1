package io.dualwrite.contract.jdbc;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class MariaDbJdbcStoreContractTest extends AbstractJdbcStoreContractTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.mariadb();
    }
}
