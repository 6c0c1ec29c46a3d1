package io.dualwrite.contract.jdbc;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class MariaDbCompositeKeyJdbcStoreContractTest extends AbstractCompositeKeyJdbcStoreContractTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.mariadb();
    }
}
