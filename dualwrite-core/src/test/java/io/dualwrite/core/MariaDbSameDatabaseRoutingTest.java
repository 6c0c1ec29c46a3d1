package io.dualwrite.core;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class MariaDbSameDatabaseRoutingTest extends AbstractSameDatabaseRoutingTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.mariadb();
    }
}
