package io.dualwrite.core;

import io.dualwrite.testsupport.TestDatabase;
import io.dualwrite.testsupport.TestDatabases;

class MariaDbFinishingTest extends AbstractFinishingTest {

    @Override
    protected TestDatabase database() {
        return TestDatabases.mariadb();
    }
}
