package io.dualwrite.core;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class MariaDbValuesOnlyInNewTest extends AbstractValuesOnlyInNewTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.mariadb();
    }
}
