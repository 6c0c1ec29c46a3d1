package io.dualwrite.spring.boot.jpa.contract;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class MariaDbJpaStoreContractTest extends AbstractJpaStoreContractTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.mariadb();
    }
}
